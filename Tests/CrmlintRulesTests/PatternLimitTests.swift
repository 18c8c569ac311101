import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// Pattern rules with `capture` and `limit`: the amount a hit captures decides.
@Suite struct PatternLimitTests {
    func rule(capture: String = "amount", limit: String = "{max: 200}") throws -> Rule {
        try Policy.rule(
            """
            - id: t.gift
              category: gift-limit
              severity: error
              message: 礼品超标 — gift worth {value} (limit {limit})
              patterns: ['送[^，。]{0,10}?价值\\s*(?<amount>[0-9.,]+\\s*(?:万|千)?\\s*(?:元|块)?|[一二两三四五六七八九十百千万]+元)']
              capture: \(capture)
              limit: \(limit)
            """)
    }

    func findings(_ rule: Rule, _ text: String) -> [Finding] {
        let record = Record(dataset: .messages, file: "m.csv", line: 2, position: 1, fields: ["id": "M1", "text": text])
        var out: [Finding] = []
        rule.makeChecker().check(record, context: CheckContext(asOf: Date(), timeZone: Policy.shanghai)) { out.append($0) }
        return out
    }

    @Test func aboveTheLimitIsReportedWithTheAmount() throws {
        let found = findings(try rule(), "送您一台价值800元的音箱")
        #expect(found.count == 1)
        #expect(found.first?.message == "礼品超标 — gift worth 800元 (limit 200元)")
        #expect(found.first?.category == .giftLimit)
        #expect(found.first?.column == 1)
    }

    @Test func theLimitItselfAndBelowAreNot() throws {
        #expect(findings(try rule(), "送您一本价值200元的笔记本").isEmpty)
        #expect(findings(try rule(), "送您一本价值50元的LOGO笔记本").isEmpty)
        #expect(findings(try rule(), "送您一本价值201元的笔记本").count == 1)
    }

    @Test func unitsInTheTextAndInTheRuleAreApplied() throws {
        #expect(findings(try rule(), "送您价值0.1万元的礼盒").first?.message == "礼品超标 — gift worth 1000元 (limit 200元)")
        #expect(findings(try rule(), "送您价值两千元的按摩仪").first?.message == "礼品超标 — gift worth 2000元 (limit 200元)")
        #expect(findings(try rule(), "送您价值１５００元的茶具").count == 1)
        // With unit 千, a bare 0.5 is 500 元 and the limit 0.2 is 200 元.
        let thousands = try rule(limit: "{max: 0.2, unit: 千}")
        #expect(findings(thousands, "送您价值0.5的礼品").first?.message == "礼品超标 — gift worth 500元 (limit 200元)")
        #expect(findings(thousands, "送您价值0.1的礼品").isEmpty)
    }

    @Test func captureByGroupNumberWorksToo() throws {
        #expect(findings(try rule(capture: "1"), "送您价值800元的音箱").count == 1)
    }

    @Test func aMissingGroupOrLimitIsALoadError() {
        let noGroup = Policy.errors(
            """
            - id: t.gift
              category: gift-limit
              severity: error
              message: m
              patterns: ['送.{0,4}价值(\\d+)元']
              capture: amount
              limit: {max: 200}
            """)
        #expect(noGroup == ["error: t.yml:6:3: rule 't.gift': pattern '送.{0,4}价值(\\d+)元' has no capture group 'amount'"])
        let noLimit = Policy.errors(
            """
            - id: t.gift
              category: gift-limit
              severity: error
              message: m
              patterns: ['送.{0,4}价值(?<amount>\\d+)元']
              capture: amount
            """)
        #expect(noLimit.contains { $0.contains("missing required key 'limit'") })
    }

    @Test func placeholdersAreLeftAloneInRulesWithoutALimit() throws {
        let plain = try Policy.rule(
            """
            - id: t.plain
              category: exaggeration
              severity: error
              message: literal {value} stays
              patterns: ['零故障']
            """)
        #expect(findings(plain, "零故障").first?.message == "literal {value} stays")
    }
}
