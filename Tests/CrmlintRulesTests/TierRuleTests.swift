import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `kind: tier`: the expected tier and the reason, from amounts and flags as exports write them.
@Suite struct TierRuleTests {
    let yaml = """
        - id: t.tier
          kind: tier
          category: tier-mismatch
          severity: warning
          message: 客户分级不符 — recorded {recorded}, expected {expected} ({reason})
          datasets: [customers]
          tiers:
            - {tier: A, min_purchase: 100万, flags: [strategic, high_growth]}
            - {tier: B, min_purchase: 30万}
            - {tier: C}
        """

    func check(tier: String, purchase: String?, _ extra: [String: String] = [:]) throws -> [Finding] {
        var fields = ["customer_id": "CRM-2024-001", "tier": tier].merging(extra) { $1 }
        if let purchase { fields["annual_purchase"] = purchase }
        return Policy.run(try Policy.rule(yaml), [(.customers, fields)])
    }

    @Test func boundariesBelongToTheHigherTier() throws {
        #expect(try check(tier: "A", purchase: "100万").isEmpty)
        #expect(try check(tier: "B", purchase: "¥999,999").isEmpty)
        #expect(try check(tier: "B", purchase: "30万").isEmpty)
        #expect(try check(tier: "C", purchase: "299999").isEmpty)
    }

    @Test func theFindingNamesTheExpectedTierAndWhy() throws {
        let found = try check(tier: "B", purchase: "1.2亿")
        #expect(found.count == 1)
        #expect(found.first?.message == "客户分级不符 — recorded B, expected A (annual purchase 1.2亿 ≥ 100万)")
        #expect(found.first?.field == "tier")
        #expect(found.first?.recordId == "CRM-2024-001")
        #expect(
            try check(tier: "A类", purchase: "85.5万元").first?.message
                == "客户分级不符 — recorded A, expected B (annual purchase 85.5万 ≥ 30万 and < 100万)")
        #expect(
            try check(tier: "B", purchase: "8万").first?.message
                == "客户分级不符 — recorded B, expected C (annual purchase 8万 < 30万, no high_growth/strategic)")
    }

    @Test func flagsMakeTierAWhateverThePurchase() throws {
        #expect(try check(tier: "A", purchase: "10万", ["strategic": "是"]).isEmpty)
        #expect(try check(tier: "A", purchase: nil, ["high_growth": "Y"]).isEmpty)
        #expect(try check(tier: "C", purchase: "10万", ["strategic": "true"]).first?.message.contains("strategic (战略合作) is yes") == true)
        #expect(
            try check(tier: "A", purchase: "10万", ["strategic": "否", "high_growth": "N"]).first?.message.contains("expected C") == true)
    }

    @Test func unreadableValuesAreIncompleteRecordsNotGuesses() throws {
        let amount = try check(tier: "A", purchase: "约一百多万")
        #expect(amount.map(\.category) == [.incompleteRecord])
        #expect(amount.first?.field == "annual_purchase")
        let flag = try check(tier: "A", purchase: "10万", ["strategic": "大概是"])
        #expect(flag.map(\.field) == ["strategic"])
        #expect(try check(tier: "", purchase: "10万").map(\.field) == ["tier"])
    }

    @Test func theLastTierMustBeTheFallback() {
        let errors = Policy.errors(
            yaml.replacingOccurrences(of: "    - {tier: C}\n", with: "").replacingOccurrences(of: "    - {tier: C}", with: ""))
        #expect(errors.contains { $0.contains("the last tier must have no criteria") })
        #expect(
            Policy.errors(yaml.replacingOccurrences(of: "100万", with: "很多")).contains {
                $0.contains("'tiers[0].min_purchase' must be an amount")
            })
    }
}
