import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

/// Inputs the rule-loader fuzzer (scripts/fuzz rules) found a problem with,
/// kept in fuzz/regressions/rules/ and replayed as fuzz/Sources/FuzzRules does.
@Suite struct RuleFuzzRegressionTests {
    static let root = TestPaths.repoRoot

    static var inputs: [URL] {
        let folder = root.appendingPathComponent("fuzz/regressions/rules")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: inputs)
    func replay(input: URL) throws {
        let text = String(decoding: try Data(contentsOf: input), as: UTF8.self)
        let (rules, errors) = RuleLoader.load(yaml: text, file: "fuzz.yml")
        for line in errors.flatMap(\.lines) {
            #expect(!line.contains("\n") && !line.contains("\r") && line.hasPrefix("error: "), "\(line.debugDescription)")
        }
        for rule in rules { _ = rule.exampleFailures() }
    }

    @Test func textQuotedFromARuleFileIsShownOnOneLine() {
        let (_, errors) = RuleLoader.load(
            yaml: "- id: x\n  category: bribery\n  severity: error\n  message: m\n  patterns: [\"a(\\nb\"]\n  \"odd\\u2028key\": 1\n",
            file: "r.yml")
        #expect(
            errors.flatMap(\.lines).sorted() == [
                "error: r.yml:5:3: rule 'x': bad pattern in 'patterns': missing closing parenthesis at character 4 of 'a(\\nb'",
                "error: r.yml:6:3: rule 'x': unknown key 'odd\\u{2028}key'",
            ])
    }
}
