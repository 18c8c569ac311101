import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine
@testable import CrmlintRules

/// The configuration reference, `overrides`, layered rule sources, paths
/// relative to the config, `crmlint config` and `crmlint init` (issue #12).
@Suite struct ConfigOverrideTests {
    static let bundled = TestPaths.repoRoot.appendingPathComponent("rules").path

    // MARK: docs/configuration.md

    static func reference() throws -> String {
        try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
    }

    @Test func referenceDescribesEveryKeyConfigAccepts() throws {
        let doc = try Self.reference()
        let headings = doc.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("### `"), line.hasSuffix("`") else { return nil }
            return String(line.dropFirst(5).dropLast())
        }
        #expect(Set(headings) == Set(Config.keys), "docs/configuration.md headings vs Config.keys")
        #expect(headings.count == Config.keys.count, "a key described twice")
        // The `inputs` table names each key of an input.
        let section = doc.components(separatedBy: "### `inputs`")[1].components(separatedBy: "### ")[0]
        for key in Config.inputKeys { #expect(section.contains("| `\(key)` |"), "inputs.\(key) missing from the table") }
        #expect(doc.contains("| `enabled` |"))
        // Every YAML example in the document loads.
        let blocks = doc.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count >= Config.keys.count)
        for block in blocks { _ = try Config.parse(block, file: "docs/configuration.md") }
    }

    @Test func helpLinksTheReference() throws {
        let root = try crmlint(["--help"])
        #expect(root.stdout.contains("docs/configuration.md"))
        let scan = try crmlint(["scan", "--help"])
        #expect(scan.stdout.contains("docs/configuration.md"))
        #expect(
            try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8).contains("docs/configuration.md"))
    }

    // MARK: overrides

    static func rules(_ yaml: String, rulePaths: [String] = [bundled]) throws -> LoadedRules {
        let config = try Config.parse(yaml, file: "crmlint.yml")
        return try RuleLoader.load(paths: rulePaths, overrides: config.overrides)
    }

    static func rule(_ id: String, in loaded: LoadedRules) -> Rule? { loaded.rules.first { $0.metadata.id == id } }

    @Test func overrideChangesSeverityAndOneDatasetsRequiredList() throws {
        let loaded = try Self.rules(
            """
            overrides:
              data.complete-records:
                severity: info
                required:
                  followups: [customer_id, contact_time]
            """)
        let rule = try #require(Self.rule("data.complete-records", in: loaded) as? RequiredFieldsRule)
        #expect(rule.metadata.severity == .info)
        #expect(rule.required[.followups] == ["customer_id", "contact_time"])
        // The other datasets keep the rule file's lists: a mapping merges key by key.
        #expect(rule.required[.customers]?.contains("tier") == true)
        #expect(loaded.originals["data.complete-records"] != nil)
    }

    @Test func overrideByCategoryAndIdMostSpecificWins() throws {
        let loaded = try Self.rules(
            """
            overrides:
              conduct.kickback:
                enabled: true
                severity: warning
              bribery:
                enabled: false
                severity: info
            """)
        #expect(Self.rule("conduct.kickback", in: loaded)?.metadata.severity == .warning)
        #expect(!loaded.disabled.contains("conduct.kickback"))
        let others = loaded.rules.filter { $0.metadata.category == .bribery && $0.metadata.id != "conduct.kickback" }
        #expect(!others.isEmpty)
        #expect(others.allSatisfy { $0.metadata.severity == .info && loaded.disabled.contains($0.metadata.id) })
    }

    @Test func overrideProblemsAreStrictWithPlacesInCrmlintYml() throws {
        let yaml = """
            overrides:
              data.complete-records:
                requird: {followups: [id]}
              timing.late-log:
                within: banana
                severity: loud
              frequency.daily-calls:
                max: many
            """
        #expect {
            _ = try Self.rules(yaml)
        } throws: { error in
            let lines = (error as? CrmlintError)?.lines ?? []
            return lines.contains("error: crmlint.yml:3:5: rule 'data.complete-records': unknown key 'requird' (did you mean 'required'?)")
                && lines.contains(
                    "error: crmlint.yml:5:5: rule 'timing.late-log': 'within' must be a length of time such as 24h, 3d or 30d, not 'banana'"
                )
                && lines.contains { $0.hasPrefix("error: crmlint.yml:6:5: rule 'timing.late-log': unknown severity 'loud'") }
                && lines.contains {
                    $0.hasPrefix("error: crmlint.yml:8:5: rule 'frequency.") && $0.contains("'max' must be a whole number")
                }
        }
        #expect {
            _ = try Config.parse("overrides:\n  conduct.kickback:\n    id: other\n    enabled: maybe\n  x: [1]\n", file: "crmlint.yml")
        } throws: { error in
            let lines = (error as? CrmlintError)?.lines ?? []
            return lines == [
                "error: crmlint.yml:3:5: overrides.conduct.kickback: 'id' cannot be overridden (it is the rule's own); copy the rule to change it",
                "error: crmlint.yml:4:14: overrides.conduct.kickback.enabled must be true or false",
                "error: crmlint.yml:5:6: overrides.x must be a mapping of rule keys (enabled, severity, fields, datasets, or the kind's parameters)",
            ]
        }
        let unknown = try Self.rules("overrides:\n  conduct.kickbak:\n    severity: info\n")
        #expect(
            unknown.problems.map(\.lines) == [
                [
                    "error: crmlint.yml:2:3: overrides: 'conduct.kickbak' names no rule, rule prefix (ending in '.') or category (did you mean 'conduct.kickback'?)"
                ]
            ])
    }

    @Test func examplesThatNoLongerHoldDoNotFailTheScanAndRulesTestSaysWhy() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "overrides:\n  timing.late-log:\n    within: 72h\n".write(
            to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        try FirstHour.writeExports(in: folder)
        let scan = try crmlint(["scan", "exports/聊天记录.csv", "--as-of", "2024-05-01"], in: folder)
        #expect(scan.status == 0, "\(scan.stderr)")
        let test = try crmlint(["rules", "test"], in: folder)
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.contains("SKIP timing.late-log: match example 1"))
        #expect(test.stdout.contains("(no longer applies under crmlint.yml override)"))
        #expect(
            test.stdout.split(separator: "\n").last?.hasSuffix("0 failed, 3 no longer apply under crmlint.yml overrides") == true,
            "\(test.stdout)")
        let explain = try crmlint(["explain", "timing.late-log"], in: folder)
        #expect(explain.status == 0)
        let list = try crmlint(["rules", "list", "--config", "crmlint.yml"], in: folder)
        #expect(list.stdout.contains("timing.late-log\t"))
    }

    // MARK: layering and paths

    @Test func bundledPlusTeamRulesRelativeToTheConfigFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let team = folder.appendingPathComponent("team/team-rules")
        try FileManager.default.createDirectory(at: team, withIntermediateDirectories: true)
        try ruleFixture.write(to: team.appendingPathComponent("t.yml"), atomically: true, encoding: .utf8)
        try "rules: [bundled, team-rules/]\n".write(
            to: folder.appendingPathComponent("team/crmlint.yml"), atomically: true, encoding: .utf8)
        let config = try Config.load(path: folder.appendingPathComponent("team/crmlint.yml").path)
        let sources = try RulePack.sources(explicit: [], config: config)
        #expect(sources.count == 2 && sources[1] == team.path + "/")
        let list = try crmlint(["rules", "list", "--config", "team/crmlint.yml"], in: folder)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("t.zero-failure\t") && list.stdout.contains("conduct.kickback\t"))
        // The same folder named twice (`bundled` and its path) is one source.
        #expect(
            try RuleLoader.load(paths: [Self.bundled, Self.bundled + "/R1-exaggeration.yml"], checkExamples: false).count
                == (try RuleLoader.load(paths: [Self.bundled], checkExamples: false)).count)
        // Without `rules`, the bundled pack alone.
        #expect(try RulePack.sources(explicit: [], config: Config()).count == 1)

        // The same id in two sources is an error naming both files.
        try "- id: conduct.kickback\n  category: bribery\n  severity: error\n  message: copy\n  patterns: ['回扣']\n"
            .write(to: team.appendingPathComponent("copy.yml"), atomically: true, encoding: .utf8)
        let duplicate = try crmlint(["rules", "list", "--config", "team/crmlint.yml"], in: folder)
        #expect(duplicate.status == 2)
        #expect(
            duplicate.stderr.contains(
                "copy.yml:1:3: rule 'conduct.kickback': duplicate rule id (first defined at builtin:rules/R3-bribery.yml:"),
            "\(duplicate.stderr)")
    }

    // MARK: crmlint config

    @Test func effectiveConfigurationSaysWhereEachValueCameFrom() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("crmlint.yml").path
        try "timezone: Asia/Hong_Kong\nignore: [sensitive-topic]\noverrides:\n  timing.late-log:\n    severity: error\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        var arguments = ConfigReport.CommandLine()
        arguments.configPath = path
        arguments.failOn = "warning"
        arguments.ignore = ["conduct.slang"]
        let report = try ConfigReport.make(arguments)
        func setting(_ key: String) -> EffectiveSetting? { report.settings.first { $0.key == key } }
        #expect(setting("timezone") == EffectiveSetting(key: "timezone", value: .text("Asia/Hong_Kong"), source: "\(path):1"))
        #expect(setting("fail_on") == EffectiveSetting(key: "fail_on", value: .text("warning"), source: "command line"))
        #expect(setting("encoding")?.source == "default")
        #expect(setting("ignore")?.value.line == "[sensitive-topic, conduct.slang]")
        #expect(setting("ignore")?.source == "\(path):2 + command line")
        #expect(Set(report.settings.map(\.key)) == Set(Config.keys))
        #expect(report.text.contains("  timing.late-log: severity: error  (\(path):4; applies to [timing.late-log])"))
        let json = try JSONValue.parse(report.json)
        #expect(json["config_file"]?.string == path)
        #expect(json["settings"]?[0]?["source"]?.string == "\(path):1")

        let cli = try crmlint(["config", "--format", "json"], in: folder)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try JSONValue.parse(cli.stdout)["config_file"]?.string == "crmlint.yml")
        try "timezon: UTC\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try crmlint(["config"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: crmlint.yml:1:1: unknown key 'timezon' (did you mean 'timezone'?)"))
    }

    // MARK: crmlint init

    @Test func initWritesAConfigThatLoadsAndRefusesToOverwrite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FirstHour.writeExports(in: folder)
        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("exports/other.csv"), atomically: true, encoding: .utf8)
        let written = try ConfigInit.write(
            paths: [folder.appendingPathComponent("exports").path], to: folder.appendingPathComponent("crmlint.yml").path,
            force: false)
        let config = try Config.load(path: folder.appendingPathComponent("crmlint.yml").path)
        #expect(config.rules == ["bundled"])
        #expect(written.contains("#     跟进记录ID → id\n"))
        #expect(written.contains("#     内部评分 → (unknown column, read as text)\n"))
        #expect(written.contains("#     FIELD: [\"内部评分\"]"))
        #expect(written.contains("#   CHANNEL: [\"飞鸽传书\"]   # 1 record\n"))
        #expect(written.contains("#   - path: \"other.csv\"\n"))
        #expect(written.contains("missing: assistance_needed (2 records), needed by data.complete-records"))
        #expect {
            try ConfigInit.write(paths: [folder.path], to: folder.appendingPathComponent("crmlint.yml").path, force: false)
        } throws: { error in
            (error as? CrmlintError)?.lines.first?.hasSuffix(
                "crmlint.yml already exists; crmlint init leaves it as it is (--force replaces it)") == true
        }
        // Uncommenting what init suggests gives a config that loads.
        let filled = written.replacingOccurrences(of: "# channels:\n#   CHANNEL:", with: "channels:\n  messenger:")
        #expect(try Config.parse(filled, file: "crmlint.yml").extraChannels[.messenger] == ["飞鸽传书"])
    }

    @Test func initQuotesHeadersYAMLWouldMisread() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "消息ID,发送时间,渠道,方向,消息内容,\"a: #b \"\"c\"\"\"\nM1,2024-04-01 10:00,微信,发送,你好,x\n"
            .write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        let text = try ConfigInit.text(paths: [folder.appendingPathComponent("m.csv").path])
        #expect(text.contains("#     FIELD: [\"a: #b \\\"c\\\"\"]"))
        let uncommented = text.replacingOccurrences(of: "# columns:\n#   messages:\n", with: "columns:\n  messages:\n")
            .replacingOccurrences(of: "#     FIELD:", with: "    recipient:")
        #expect(try Config.parse(uncommented, file: "crmlint.yml").columns[.messages]?["recipient"] == ["a: #b \"c\""])
    }
}
