import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// The default rules of the cross-record policy clauses: one file per clause,
/// each rule documented and carrying examples on both sides, all passing.
@Suite struct PolicyRulePackTests {
    static let files = [
        "T1-late-log", "T2-thank-you", "T3-phone-followup", "T4-overdue-plan", "F1-daily-calls", "F2-tier-cadence",
        "F3-quiet-period", "K1-tier", "D1-complete-records", "R4-gift-limit",
    ]

    @Test(arguments: files)
    func ruleFileLoadsDocumentedAndItsExamplesPass(name: String) throws {
        let path = repositoryRoot.appendingPathComponent("rules/\(name).yml").path
        // With the word classes of rules/terms, which R4's patterns use.
        let rules = try RuleLoader.load(paths: [path, repositoryRoot.appendingPathComponent("rules/terms").path])
        #expect(!rules.isEmpty)
        let clause = String(name.prefix(2))
        for rule in rules {
            #expect(rule.metadata.policy == clause, "\(rule.metadata.id)")
            #expect(rule.metadata.description?.isEmpty == false)
            #expect(rule.metadata.message.contains(" — "), "message has a zh term and English: \(rule.metadata.message)")
            #expect(rule.exampleCounts.match >= 2 && rule.exampleCounts.noMatch >= 2, "\(rule.metadata.id)")
            #expect(rule.exampleFailures() == [])
        }
    }

    @Test func noPolicyNumberIsNeededInSwift() throws {
        // The numbers of docs/policy.md live in the rule files: change one there and the verdict changes.
        let original = try String(contentsOfFile: repositoryRoot.appendingPathComponent("rules/T1-late-log.yml").path, encoding: .utf8)
        let (rules, errors) = RuleLoader.load(yaml: original.replacingOccurrences(of: "within: 24h", with: "within: 48h"), file: "T1.yml")
        #expect(errors.isEmpty)
        let failures = try #require(rules.first).exampleFailures()
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0.contains("should be reported but is not") })
    }
}
