import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// Semantics of `kind: pattern`, each checked where a naive matcher would go wrong.
@Suite struct PatternRuleTests {
    func rule(_ extra: String = "", patterns: String = "['零\\s*故障']") throws -> Rule {
        let yaml = """
            - id: t.zero
              category: exaggeration
              severity: error
              message: m
              patterns: \(patterns)
            \(extra)
            """
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        return try #require(rules.first)
    }

    func findings(_ rule: Rule, _ text: String, field: String = "text") -> [Finding] {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let record = Record(dataset: .messages, file: "m.csv", line: 7, position: 3, fields: ["id": "M9", field: text, "rep": "李娜"])
        var out: [Finding] = []
        rule.makeChecker().check(record, context: context) { out.append($0) }
        return out
    }

    /// A field found by its number is the field found by its name, record after record
    /// (a number remembered from one record must not answer for the next).
    @Test func fieldNumbersFindTheFieldsNamesFind() {
        #expect(FieldNumbers.number(of: "text") == FieldNumbers.number(of: "text"))
        #expect(FieldNumbers.number(of: "text") != FieldNumbers.number(of: "next_followup_content"))
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let names = ["text", "next_followup_content", "resolution", "absent_field"]
        for serial in 0..<20 {
            var fields: [String: String] = ["id": "M\(serial)"]
            for (position, name) in names.enumerated() where (serial >> position) & 1 == 1 { fields[name] = "\(name) of \(serial)" }
            let record = Record(dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1, fields: fields, serial: serial)
            // Asked by number first for odd records, by name first for even ones.
            for name in serial % 2 == 1 ? names : names.reversed() {
                let byNumber = context.fieldIndex(record, field: name, number: FieldNumbers.number(of: name))
                let byName = context.fieldIndex(record, field: name)
                #expect(byNumber == byName)
                #expect(context.text(at: byNumber)?.original == fields[name], "\(name) of record \(serial)")
            }
        }
    }

    /// The prefilter's flags of a field come from that field alone, record after record
    /// (the arrays are reused): a field with no text has none.
    @Test func wordHitsAreEachFieldsOwn() throws {
        let rule = try self.rule()
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        context.prefilter = LiteralPrefilter(rules: [rule])
        let texts = ["零故障", "", "你好", "零 故障", "  "]
        for (serial, text) in texts.enumerated() {
            let record = Record(
                dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1, fields: ["text": text], serial: serial)
            let hits = try #require(context.wordHits(record, field: "text"))
            #expect(hits.present.flags.contains(true) == text.contains("故障"), "'\(text)'")
            #expect(context.firstAllowedEntry(0..<1, at: context.fieldIndex(record, field: "text")) == (text.contains("故障") ? 0 : 1))
        }
    }

    /// A pattern searched through its alternatives keeps its own capture groups: group 2 of
    /// the whole is in its second alternative, a part of its own with one group.
    @Test func capturesAreTheWrittenPatternsEvenWhenSearchedThroughParts() throws {
        let yaml = """
            - id: t.gift
              category: gift-limit
              severity: error
              message: gift over {limit}
              patterns: ['送您(\\d+)元|\\p{Han}?红包(?:里)?(\\d+)块']
              capture: 2
              limit: {max: 200, unit: 元}
            """
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        let rule = try #require(rules.first as? PatternRule)
        guard case .alternation = try #require(rule.matchers.first) else {
            Issue.record("the pattern is not searched through its parts")
            return
        }
        #expect(findings(rule, "红包300块，收好").count == 1)
        #expect(findings(rule, "红包100块，收好").isEmpty)
    }

    @Test func findingPointsAtTheOriginalSpan() throws {
        let found = findings(try rule(), "您好！设备零 故 障运行")
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.column == 6)
        #expect(finding.line == 7)
        #expect(finding.recordId == "M9")
        #expect(finding.rep == "李娜")
        #expect(finding.field == "text")
        #expect(finding.excerpt == "您好！设备零 故 障运行")
    }

    @Test func unlessCancelsOnlyInsideTheClause() throws {
        let negated = try rule("  unless: ['不能保证']")
        #expect(findings(negated, "我们不能保证零故障").isEmpty)
        #expect(findings(negated, "零故障是不能保证的").isEmpty)
        #expect(findings(negated, "我们不能保证交期，但设备零故障").count == 1)
    }

    @Test func unlessWindowIsBounded() throws {
        let negated = try rule("  unless: ['不能保证']\n  unless_window: 4")
        #expect(findings(negated, "不能保证我们的这台设备零故障").count == 1)
        #expect(findings(negated, "不能保证零故障").isEmpty)
    }

    @Test func quotedTextIsSkippedByDefault() throws {
        #expect(findings(try rule(), "公司规定不得说“零故障”").isEmpty)
        #expect(findings(try rule(), "他说\"零故障\"是夸大").isEmpty)
        #expect(findings(try rule("  skip_quoted: false"), "公司规定不得说“零故障”").count == 1)
    }

    @Test func fieldsLimitWhereTheRuleLooks() throws {
        let scoped = try rule("  fields: [needs]")
        #expect(findings(scoped, "零故障", field: "text").isEmpty)
        #expect(findings(scoped, "零故障", field: "needs").count == 1)
    }

    @Test func repeatedHitsHaveDistinctStableFingerprints() throws {
        let found = findings(try rule(), "零故障，真的零故障")
        #expect(found.count == 2)
        #expect(Set(found.map(\.fingerprint)).count == 2)
        #expect(found.map(\.fingerprint) == findings(try rule(), "零故障，真的零故障").map(\.fingerprint))
    }

    @Test func overlappingPatternsReportOnce() throws {
        let both = try rule(patterns: "['零故障', '设备零故障']")
        #expect(findings(both, "设备零故障").count == 1)
    }

    @Test func hitsOfOnePhraseMergeIntoOneFindingWhateverTheEntryOrder() throws {
        // Three entries cover 给您5个点的回扣 in pieces: overlapping (5个点的回扣), touching and one 的 apart.
        let entries = ["'回扣'", "'给您\\d个点'", "'点的回扣'", "'这单成了'"]
        var seen: Set<[String]> = []
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] {
            let merged = try rule(patterns: "[" + order.map { entries[$0] }.joined(separator: ", ") + "]")
            let found = findings(merged, "孙总，这单成了给您5个点的回扣。")
            #expect(found.count == 1, "order \(order): \(found.map(\.column))")
            #expect(found.first?.column == 4) // the union starts at 这单成了
            seen.insert(found.map(\.fingerprint))
        }
        #expect(seen.count == 1, "the fingerprint must not depend on the order of the patterns")
    }

    @Test func hitsFurtherApartOrAcrossAClauseStaySeparate() throws {
        let pair = try rule(patterns: "['回扣', '好处费']")
        #expect(findings(pair, "回扣的好处费").count == 1) // one character apart
        #expect(findings(pair, "回扣以及其他好处费").count == 2) // four characters apart
        #expect(findings(pair, "回扣，好处费").count == 2) // two clauses
    }

    @Test func excerptIsRedacted() throws {
        let found = findings(try rule(), "零故障，有问题打13812345678")
        #expect(found.first?.excerpt?.contains("13812345678") == false)
        #expect(found.first?.excerpt?.contains("138****5678") == true)
    }

    @Test func catastrophicPatternYieldsAnErrorFindingNotAHang() throws {
        // (a+)+$ itself is refused at load; inside a group after a prefix it escapes that check.
        let slow = try rule(patterns: "['(?:客户说)(a+)+$']")
        let found = findings(slow, "客户说" + String(repeating: "a", count: 5000) + "!")
        #expect(found.count == 1)
        #expect(found.first?.category == .inputError)
        #expect(found.first?.message.contains("could not finish") == true)
    }

    @Test func examplesAreChecked() throws {
        let good = try rule("  examples: {match: ['设备零故障'], no_match: ['设备很稳定']}")
        #expect(good.exampleFailures().isEmpty)
        #expect(good.exampleCounts.match == 1)
        let bad = try rule("  examples: {match: ['设备很稳定'], no_match: ['零故障']}")
        #expect(bad.exampleFailures().count == 2)
    }

    /// Entries that share a pattern (a YAML anchor) find, with the prefilter and across records and
    /// fields, what the same entries find with patterns of their own: the second entry reads the
    /// first one's hits on that field (`leafMemo`), never a hit of another field or record. (`\\d+元`
    /// has no leading words, so it scans the whole field: a stale memo would go unnoticed otherwise.)
    @Test func entriesSharingAPatternFindWhatSeparatePatternsFind() throws {
        func gift(_ id: String, second amounts: String) -> String {
            """
            - id: \(id)
              category: gift-limit
              severity: error
              message: m
              fields: [text, notes]
              patterns:
                - all:
                    - any: &amount ['(?<amount>\\d+)元', '价值(?<amount>\\d+)']
                    - '送|礼'
                  within: sentence
                - all:
                    - any: \(amounts)
                    - '送|礼'
                  near: 3
              capture: amount
              limit: {max: 200, unit: 元}
            """
        }
        let yaml =
            gift("t.shared", second: "*amount") + "\n"
            + gift("t.own", second: "['(?<amount>\\d+)(?:元)', '(?:价值)(?<amount>\\d+)']")
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        let shared = try #require(rules.first { $0.metadata.id == "t.shared" } as? PatternRule)
        let own = try #require(rules.first { $0.metadata.id == "t.own" } as? PatternRule)
        // The anchor gives both entries the same pattern objects; the other rule's are its own.
        #expect(shared.patterns.count == 6 && shared.patterns[0] === shared.patterns[3] && shared.patterns[1] === shared.patterns[4])
        #expect(!own.patterns[3...].contains { $0 === own.patterns[0] || $0 === own.patterns[1] })
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        context.prefilter = LiteralPrefilter(rules: [shared, own])
        let (sharedChecker, ownChecker) = (shared.makeChecker(), own.makeChecker())
        let alphabet = Array("送礼价值元0123459，。 给您")
        var generator = SystemRandomNumberGenerator()
        var reported = 0
        for serial in 0..<600 {
            // The first record's gift is found by the `near` entry alone (the amount is in the next sentence).
            func text() -> String {
                if serial == 0 { return "值送给送。3320元，" }
                return String((0..<Int.random(in: 0...16, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
            let record = Record(
                dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1,
                fields: ["id": "M\(serial)", "text": text(), "notes": text()], serial: serial)
            var found: [[String]] = [[], []]
            for (index, checker) in [sharedChecker, ownChecker].enumerated() {
                checker.check(record, context: context) { found[index].append("\($0.field ?? "") \($0.column ?? 0) \($0.message)") }
            }
            #expect(found[0] == found[1], "\(record.fields)")
            if serial == 0 { #expect(found[1].contains("text 4 m (3320元, limit 200元)"), "\(found)") }
            reported += found[0].count
        }
        #expect(reported > 0, "the random texts should hold gifts over the limit")
    }
}

@Suite struct RuleDirectionTests {
    @Test func directionLimitsRulesToOneWayOfMessages() throws {
        let yaml = """
            - id: t.slang
              category: sensitive-topic
              severity: info
              direction: outbound
              message: m
              patterns: ['老铁']
            """
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty)
        let meta = try #require(rules.first?.metadata)
        func record(_ direction: String?) -> Record {
            var fields = ["text": "老铁"]
            if let direction { fields["direction"] = direction }
            return Record(dataset: .messages, file: "m", line: 1, position: 1, fields: fields)
        }
        #expect(meta.applies(to: record("outbound")))
        #expect(meta.applies(to: record("呼出")))
        #expect(!meta.applies(to: record("inbound")))
        #expect(!meta.applies(to: record("呼入")))
        #expect(meta.applies(to: record(nil)))
        #expect(meta.applies(to: Record(dataset: .followups, file: "f", line: 1, position: 1, fields: ["needs": "老铁"])))
    }

    @Test func unknownDirectionIsALoadError() {
        let (_, errors) = RuleLoader.load(
            yaml: "- id: t.x\n  category: bribery\n  severity: error\n  message: m\n  direction: sideways\n  patterns: ['x']\n",
            file: "t.yml")
        #expect(
            errors.map(\.description) == ["error: t.yml:5:3: rule 't.x': unknown direction 'sideways'; expected one of outbound, inbound"])
    }

}
