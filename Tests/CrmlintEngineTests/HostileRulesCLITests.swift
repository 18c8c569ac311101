import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// Rule files as careless or hostile authors write them, through the command.
@Suite struct HostileRulesCLITests {
    func fixture(_ rules: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        for (name, text) in rules { try text.write(to: folder.appendingPathComponent("rules/\(name)"), atomically: true, encoding: .utf8) }
        try "id,customer_id,timestamp,direction,text\nM1,CRM-1,2024-03-15 10:00,outbound,好\n"
            .write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    func rule(_ id: String, category: String = "bribery", patterns: String = "['回扣']", extra: String = "") -> String {
        "- id: \(id)\n  category: \(category)\n  severity: error\n  message: m\n  patterns: \(patterns)\n\(extra)"
    }

    @Test func everyRuleProblemIsOneLineAllInOneRunExitTwo() throws {
        let folder = try fixture([
            "a-yaml.yml": "- id: x.yaml\n  patterns: [unclosed\n",
            "b-types.yml": rule("x.types", patterns: "{a: b}"),
            "c-key.yml": rule("x.key", extra: "  colour: red\n"),
            "d-dup.yml": rule("x.dup") + rule("x.dup"),
            "e-category.yml": rule("x.category", category: "gossip"),
            "f-example.yml": rule("x.example", extra: "  examples: {match: ['很好']}\n"),
            "g-slow.yml": rule("x.slow", patterns: "['(a+)+$']"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["scan", "m.csv", "--rules", "rules"], in: folder)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("error: rules/") })
        #expect(lines.contains { $0.hasPrefix("error: rules/a-yaml.yml:2:13: invalid YAML: the list opened with '[' here is not closed") })
        #expect(
            lines.contains(
                "error: rules/b-types.yml:5:3: rule 'x.types': unknown key 'a' in an entry of 'patterns' (all, any, near, within)"))
        #expect(lines.contains("error: rules/c-key.yml:6:3: rule 'x.key': unknown key 'colour'"))
        #expect(lines.contains("error: rules/d-dup.yml:6:3: rule 'x.dup': duplicate rule id (first defined at rules/d-dup.yml:1)"))
        #expect(lines.contains { $0.hasPrefix("error: rules/e-category.yml:2:3: rule 'x.category': unknown category 'gossip'") })
        #expect(
            lines.contains(
                "error: rules/f-example.yml:1:3: rule 'x.example': example should match but does not: 很好 (run crmlint rules test)"))
        #expect(lines.contains { $0.hasPrefix("error: rules/g-slow.yml:5:3: rule 'x.slow': pattern '(a+)+$' backtracks catastrophically") })
    }

    @Test func rulesTestStillReportsAFailingExampleItself() throws {
        let folder = try fixture(["f-example.yml": rule("x.example", extra: "  examples: {match: ['很好', '回扣']}\n")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["rules", "test", "--rules", "rules"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL x.example: example should match but does not: 很好"))
        #expect(result.stdout.contains("1 passed, 1 failed"))
        #expect(try crmlint(["rules", "list", "--rules", "rules"], in: folder).status == 0)
    }

    /// A pattern that gets past the load-time probe: every record it chokes
    /// on is an error finding, and the scan finishes.
    @Test func patternThatChokesOnTheDataGivesAFindingPerRecordAndTheScanFinishes() throws {
        let folder = try fixture(["slow.yml": rule("x.late", category: "exaggeration", patterns: "['(?:客户说)(a+)+$']")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = "客户说" + String(repeating: "a", count: 2000) + "!"
        let rows = (1...20).map { "M\($0),CRM-1,2024-03-15 10:00,outbound,\($0 % 2 == 0 ? long : "好")\n" }.joined()
        try ("id,customer_id,timestamp,direction,text\n" + rows).write(
            to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        let result = try crmlint(["scan", "m.csv", "--rules", "rules", "--format", "json"], in: folder)
        #expect(result.status == 1)
        let report = try JSONReporter.decoder().decode(ScanReport.self, from: result.stdoutBytes)
        #expect(report.summary.records.scanned == 20)
        let choked = report.findings.filter { $0.rule == "x.late" && $0.category == .inputError }
        #expect(choked.map(\.line) == (1...10).map { $0 * 2 + 1 })
        #expect(choked.allSatisfy { $0.message.contains("match limit exceeded") })
    }

    @Test func aliasBombInAConfigFileIsRefused() throws {
        let folder = try fixture(["r.yml": rule("x.ok")])
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        try (lines.joined(separator: "\n") + "\n? *a8\n: x\n").write(
            to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let result = try crmlint(["scan", "m.csv", "--rules", "rules"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr == "error: crmlint.yml: refused: its anchors and aliases expand to more than 100000 YAML nodes\n")
    }
}
