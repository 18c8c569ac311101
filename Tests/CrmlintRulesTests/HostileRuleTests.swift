import CrmlintCore
import CrmlintRules
import Foundation
import PatternEngine
import Testing

/// Rule files as hostile or careless authors write them: every problem is one
/// error line, and nothing a rule file says can hang the loader or a scan.
@Suite struct HostileRuleTests {
    func rule(_ id: String, patterns: String, extra: String = "") -> String {
        "- id: \(id)\n  category: exaggeration\n  severity: error\n  message: m\n  patterns: \(patterns)\n\(extra)"
    }

    func errors(_ yaml: String) -> [String] { RuleLoader.load(yaml: yaml, file: "rules/x.yml").1.map(\.description) }

    @Test(arguments: ["(a+)+$", "(\\d+)*x", "(a|aa)+$", "(\\w+\\s?)+$", "客户说(a+)+$", "(中+)+!", "(x+x+)+y"])
    func catastrophicPatternsAreRejectedAtLoad(pattern: String) {
        let found = errors(rule("x.slow", patterns: "['\(pattern)']"))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("error: rules/x.yml:5:3: rule 'x.slow': pattern '") == true)
        #expect(found.first?.contains("backtracks catastrophically") == true)
    }

    @Test func catastrophicUnlessPatternIsRejectedToo() {
        let found = errors(rule("x.slow", patterns: "['零故障']", extra: "  unless: ['(a+)+$']\n"))
        #expect(found.count == 1)
        #expect(found.first?.contains(":6:3: rule 'x.slow': pattern '(a+)+$' backtracks catastrophically") == true)
    }

    @Test(arguments: ["零\\s*故障", "(?:不能|无法|不敢)\\s*(?:保证|承诺|说)?", "1[3-9]\\d{9}", "(?<![0-9])\\d{6}(?![0-9])", "a.*b.*c", "(?:回扣|返点|好处费)"])
    func ordinaryPatternsPassTheProbe(pattern: String) {
        #expect(errors(rule("x.ok", patterns: "['\(pattern)']")) == [])
    }

    /// A pattern the probes cannot reach (its prefix is inside a group) still
    /// cannot hang a scan: the match limit stops it, per field.
    @Test func patternThatEscapesTheProbeStopsAtTheMatchLimit() throws {
        let (rules, problems) = RuleLoader.load(yaml: rule("x.late", patterns: "['(?:客户说)(a+)+$']"), file: "rules/x.yml")
        #expect(problems.isEmpty)
        let checker = try #require(rules.first).makeChecker()
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        var findings: [Finding] = []
        for (index, text) in ["客户说" + String(repeating: "a", count: 5000) + "!", "客户说aaa"].enumerated() {
            let record = Record(dataset: .messages, file: "m.csv", line: index + 2, position: index + 1, fields: ["text": text])
            checker.check(record, context: context) { findings.append($0) }
        }
        #expect(findings.count == 2)
        #expect(findings[0].category == .inputError)
        #expect(findings[0].message.contains("match limit"))
        #expect(findings[1].category == .exaggeration)
    }

    @Test func wrongTypesAreOneErrorEach() {
        let yaml = """
            - id: x.types
              category: [exaggeration]
              severity: error
              message: {text: m}
              patterns: {a: b}
              unless_window: wide
              skip_quoted: perhaps
              examples: {match: [{a: 1}], no_match: 'fine'}
            """
        let found = errors(yaml)
        #expect(found.contains("error: rules/x.yml:2:3: rule 'x.types': 'category' must be a text value"))
        #expect(found.contains("error: rules/x.yml:4:3: rule 'x.types': 'message' must be a text value"))
        #expect(
            found.contains("error: rules/x.yml:5:3: rule 'x.types': unknown key 'a' in an entry of 'patterns' (all, any, near, within)"))
        #expect(found.contains("error: rules/x.yml:6:3: rule 'x.types': 'unless_window' must be a whole number"))
        #expect(found.contains("error: rules/x.yml:7:3: rule 'x.types': 'skip_quoted' must be true or false"))
        #expect(found.contains("error: rules/x.yml:8:3: rule 'x.types': 'examples.match' must be a list of text values"))
        #expect(found.allSatisfy { !$0.contains("\n") })
    }

    @Test func listAsAKeyIsNamedNotPrinted() {
        let found = errors(rule("x.key", patterns: "['零故障']", extra: "  ? [a, b]\n  : c\n"))
        #expect(found == ["error: rules/x.yml:6:5: rule 'x.key': unknown key '[list]'"])
    }

    /// A "billion laughs" file: each level multiplies the one before by ten.
    static func aliasBomb(asKey: Bool) -> String {
        var lines = [
            "- id: x.bomb", "  category: bribery", "  severity: info", "  message: m", "  patterns: ['x']",
            "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        ]
        for level in 1...8 {
            lines.append("  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        if asKey { lines += ["  ? *a8", "  : x"] }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [false, true])
    func aliasBombsAreRefusedBeforeTheyExpand(asKey: Bool) {
        #expect(
            errors(Self.aliasBomb(asKey: asKey)) == [
                "error: rules/x.yml: refused: its anchors and aliases expand to more than 100000 YAML nodes"
            ])
    }

    @Test func modestAliasesStillWork() {
        let yaml =
            "- id: x.a\n  category: bribery\n  severity: info\n  message: m\n  patterns: &p ['回扣']\n- id: x.b\n  category: bribery\n  severity: info\n  message: m\n  patterns: *p\n"
        let (rules, problems) = RuleLoader.load(yaml: yaml, file: "rules/x.yml")
        #expect(problems.isEmpty)
        #expect(rules.count == 2)
    }

    @Test func deepNestingIsRefused() {
        let deep = "- " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n"
        #expect(errors(deep) == ["error: rules/x.yml: refused: YAML nested deeper than 64 levels"])
    }

    @Test func examplesThatMisbehaveAreLoadErrorsUnlessAskedNotTo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-ex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("r.yml")
        try rule(
            "x.ex", patterns: "['零故障']", extra: "  examples: {match: ['很稳定', '零故障'], no_match: ['零故障啊', \"call 13812345678\\\\n零故障\"]}\n"
        )
        .write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: CrmlintError.self) { _ = try RuleLoader.load(paths: [file.path]) }
        do {
            _ = try RuleLoader.load(paths: [file.path])
        } catch let error as CrmlintError {
            #expect(
                error.lines == [
                    "error: \(file.path):1:3: rule 'x.ex': example should match but does not: 很稳定 (run crmlint rules test)",
                    "error: \(file.path):1:3: rule 'x.ex': example should not match but does: call 138****5678\\n零故障 (run crmlint rules test)",
                    "error: \(file.path):1:3: rule 'x.ex': example should not match but does: 零故障啊 (run crmlint rules test)",
                ])
        }
        #expect(try RuleLoader.load(paths: [file.path], checkExamples: false).count == 1)
    }
}
