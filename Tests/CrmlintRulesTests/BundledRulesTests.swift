import CrmlintRules
import Foundation
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The default rule pack loads cleanly and every rule's examples behave as declared.
@Suite struct BundledRulesTests {
    @Test func defaultRulePackExamplesPass() throws {
        let rules = try RuleLoader.load(paths: [repositoryRoot.appendingPathComponent("rules").path])
        #expect(!rules.isEmpty)
        for rule in rules {
            #expect(rule.exampleFailures() == [], "\(rule.metadata.id)")
        }
    }

    @Test func everyConductRuleHasEnoughExamples() throws {
        let rules = try RuleLoader.load(paths: [repositoryRoot.appendingPathComponent("rules").path])
        let conduct = rules.filter { $0.metadata.kind == "pattern" && ["R1", "R2", "R3", "R5", "R6", "R7"].contains($0.metadata.policy ?? "") }
        #expect(conduct.count >= 6)
        for rule in conduct {
            #expect(rule.exampleCounts.match >= 8, "\(rule.metadata.id) has \(rule.exampleCounts.match) match examples")
            #expect(rule.exampleCounts.noMatch >= 8, "\(rule.metadata.id) has \(rule.exampleCounts.noMatch) no_match examples")
        }
    }
}
