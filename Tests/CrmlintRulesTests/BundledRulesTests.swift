import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

let repositoryRoot = TestPaths.repoRoot

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
        let conduct = rules.filter {
            $0.metadata.kind == "pattern" && ["R1", "R2", "R3", "R5", "R6", "R7"].contains($0.metadata.policy ?? "")
        }
        #expect(conduct.count >= 6)
        for rule in conduct {
            #expect(rule.exampleCounts.match >= 8, "\(rule.metadata.id) has \(rule.exampleCounts.match) match examples")
            #expect(rule.exampleCounts.noMatch >= 8, "\(rule.metadata.id) has \(rule.exampleCounts.noMatch) no_match examples")
        }
    }

    /// Issue #12: two entries of conduct.kickback cover 给您个人5个点 and 回扣; they are one offer, one finding.
    @Test func oneKickbackOfferIsOneFinding() throws {
        let rules = try RuleLoader.load(paths: [repositoryRoot.appendingPathComponent("rules").path], checkExamples: false)
        let kickback = try #require(rules.first { $0.metadata.id == "conduct.kickback" })
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        for (text, column) in [("给您个人5个点的回扣", 1), ("孙总，这单成了给您5个点的回扣。", 6)] {
            let record = Record(
                dataset: .messages, file: "m.csv", line: 2, position: 1, fields: ["id": "M1", "text": text, "direction": "outbound"])
            var found: [Finding] = []
            kickback.makeChecker().check(record, context: context) { found.append($0) }
            #expect(found.count == 1, "\(text): \(found.map(\.column))")
            #expect(found.first?.column == column, "\(text)")
        }
    }
}
