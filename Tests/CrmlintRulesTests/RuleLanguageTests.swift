import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

/// Word classes (`terms`), combinations (`all`/`any`/`near`/`within`) and
/// scoped exceptions (`unless` with `before`/`after`/`within`).
@Suite struct RuleLanguageTests {
    static let terms = """
        - terms:
            promise: [保证, 承诺, 打包票, '包(?=您|你)']
            deliver: [到货, 交货, 发货]
            negation: ['不(?!但|仅|光)', '没(?!问题)', 无法]
            relay: ['(?:您|客户)(?:问|提到)的?']
        """

    func rule(_ body: String, terms: String = RuleLanguageTests.terms) throws -> Rule {
        let yaml =
            terms + "\n" + """
                - id: t.rule
                  category: overpromise
                  severity: error
                  message: m
                \(body)
                """
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors.map(\.description))")
        return try #require(rules.first)
    }

    func errors(_ yaml: String) -> [String] { RuleLoader.load(yaml: yaml, file: "t.yml").1.map(\.description) }

    func hits(_ rule: Rule, _ text: String) -> [Finding] {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let record = Record(dataset: .messages, file: "m.csv", line: 1, position: 1, fields: ["id": "M1", "text": text])
        var out: [Finding] = []
        rule.makeChecker().check(record, context: context) { out.append($0) }
        return out
    }

    // MARK: terms

    @Test func termsExpandInPatternsAndCoverTraditionalThroughTheNormaliser() throws {
        let promise = try rule("  patterns: ['{{promise}}\\s*{{deliver}}']")
        #expect(hits(promise, "跟您打包票到货").count == 1)
        #expect(hits(promise, "我們保證交貨").count == 1) // Traditional: 們 保證 交貨
        #expect(hits(promise, "包您发货").isEmpty) // 包 needs 您 after it, then a deliverable
        #expect(hits(promise, "准时到货").isEmpty)
    }

    @Test func termsMayReferenceTermsAndComeFromAnotherFileOfTheLoad() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("terms"), withIntermediateDirectories: true)
        try "terms:\n  money: ['{{digits}}\\s*元']\n  digits: ['[0-9]+']\n".write(
            to: folder.appendingPathComponent("terms/money.yml"),
            atomically: true, encoding: .utf8)
        try """
        - id: t.money
          category: bribery
          severity: error
          message: m
          patterns: ['回扣{{money}}']
          examples: {match: ['回扣500元'], no_match: ['回扣']}
        """.write(to: folder.appendingPathComponent("r.yml"), atomically: true, encoding: .utf8)
        let rules = try RuleLoader.load(paths: [folder.path])
        #expect(rules.map(\.metadata.id) == ["t.money"])
    }

    @Test func unknownTermIsALoadErrorWithFileLineAndRule() {
        let found = errors(
            Self.terms + "\n- id: t.rule\n  category: overpromise\n  severity: error\n  message: m\n  patterns: ['{{promis}}']\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("t.yml:10:3: rule 't.rule'") == true, "\(found)")
        #expect(found.first?.contains("unknown term '{{promis}}'") == true)
        #expect(found.first?.contains("did you mean 'promise'") == true)
    }

    @Test func termCyclesEmptyClassesDuplicatesAndBadFragmentsAreErrors() {
        let cycle = errors("- terms:\n    a: ['x{{b}}']\n    b: ['{{c}}']\n    c: ['{{a}}']\n")
        #expect(cycle.contains { $0.contains("refers to itself") && $0.contains("a → b → c → a") }, "\(cycle)")
        let empty = errors("- terms:\n    a: []\n")
        #expect(empty == ["error: t.yml:2:5: term 'a' is empty (list at least one word)"])
        let unknown = errors("- terms:\n    a: ['{{nope}}']\n")
        #expect(unknown == ["error: t.yml:2:5: term 'a' refers to unknown term 'nope'"])
        let bad = errors("- terms:\n    a: ['(unclosed']\n")
        #expect(bad.count == 1 && bad[0].contains("term 'a' is not a valid pattern"), "\(bad)")
        let twice = errors("- terms:\n    a: [x]\n- terms:\n    a: [y]\n")
        #expect(twice == ["error: t.yml:4:5: term 'a' defined twice (first at t.yml:2)"])
        let name = errors("- terms:\n    'a b': [x]\n")
        #expect(name.count == 1 && name[0].contains("must be letters"))
    }

    @Test func quantifierBracesAndEscapedBracesAreNotTerms() throws {
        let digits = try rule("  patterns: ['[0-9]{3}\\{{x}}']")
        #expect(hits(digits, "123{{x}}").count == 1)
    }

    // MARK: all / any / near / within

    @Test func allNeedsEveryPartInOneClauseInAnyOrder() throws {
        let both = try rule("  patterns:\n    - all: ['{{promise}}', '{{deliver}}']")
        #expect(hits(both, "周五前到货，这个我保证").isEmpty) // two clauses
        #expect(hits(both, "周五前到货我保证").count == 1) // reversed order, one clause
        #expect(hits(both, "我保证周五前全部到货").count == 1)
        #expect(hits(both, "我保证").isEmpty)
    }

    @Test func allSeesThePunctuationClosingItsScope() throws {
        let question = try rule("  patterns:\n    - all: ['肯定', '[?]']")
        #expect(hits(question, "您肯定需要两台?").count == 1)
        #expect(hits(question, "您肯定需要两台,对吗?").isEmpty) // the question mark closes another clause
        let sentence = try rule("  patterns:\n    - {all: ['肯定', '[?]'], within: sentence}")
        #expect(hits(sentence, "您肯定需要两台,对吗?").count == 1)
    }

    @Test func allWithinSentenceCrossesClausesButNotSentences() throws {
        let sentence = try rule("  patterns:\n    - {all: ['{{promise}}', '{{deliver}}'], within: sentence}")
        #expect(hits(sentence, "周五前到货，这个我保证").count == 1)
        #expect(hits(sentence, "周五前到货。这个我保证").isEmpty)
    }

    @Test func nearCountsCharactersBetweenTheParts() throws {
        let near = try rule("  patterns:\n    - {all: ['保证', '到货'], near: 3}")
        #expect(hits(near, "保证明天到货").count == 1) // 2 characters between
        #expect(hits(near, "保证明天下午到货").isEmpty) // 4
        #expect(hits(near, "到货，保证").count == 1) // order free, across a comma
    }

    @Test func anyAndNestingAndOneFindingPerPhrase() throws {
        let nested = try rule("  patterns:\n    - any: ['打包票', {all: ['保证', '到货']}]\n    - '打包票'")
        #expect(hits(nested, "跟您打包票").count == 1) // the second entry sees the same words: one finding
        #expect(hits(nested, "保证到货").count == 1)
    }

    @Test func combinationMistakesAreLoadErrors() {
        func problems(_ patterns: String) -> [String] {
            errors("- id: t.x\n  category: overpromise\n  severity: error\n  message: m\n  patterns:\n    - \(patterns)\n")
        }
        #expect(problems("{all: ['a'], any: ['b']}").first?.contains("both 'all' and 'any'") == true)
        #expect(problems("{all: []}").first?.contains("non-empty list") == true)
        #expect(problems("{any: ['a'], near: 3}").first?.contains("go with 'all'") == true)
        #expect(problems("{all: ['a'], near: 3, within: sentence}").first?.contains("either 'near' or 'within'") == true)
        #expect(problems("{all: ['a'], near: -1}").first?.contains("from 0 to 500") == true)
        #expect(problems("{all: ['a'], within: page}").first?.contains("clause, sentence or message") == true)
        #expect(problems("{every: ['a']}").first?.contains("unknown key 'every'") == true)
        #expect(problems("{all: ['(a']}").first?.contains("bad pattern") == true)
    }

    // MARK: unless with sides and scopes

    @Test func negationCountsOnlyWhereItGovernsTheClaim() throws {
        let claim = try rule(
            """
              patterns: ['{{promise}}']
              unless:
                - {pattern: '{{negation}}', before: 4}
            """)
        #expect(hits(claim, "我们不敢保证").isEmpty)
        #expect(hits(claim, "无法承诺").isEmpty)
        #expect(hits(claim, "不但便宜，我还保证").count == 1) // 不但 is not a negation, and another clause
        #expect(hits(claim, "没问题，保证").count == 1) // 没问题 is agreement
        #expect(hits(claim, "没问题保证").count == 1)
        #expect(hits(claim, "不是我吹，这个我们可以拍板保证").count == 1) // the negation is in another clause
        #expect(hits(claim, "不跟您说虚的，我们一定会尽力保证").count == 1)
        #expect(hits(claim, "保证不会坏").count == 1) // a negation after the marker is part of the claim
    }

    @Test func relayedSpeechEarlierInTheSentenceCancels() throws {
        let relayed = try rule(
            """
              patterns: ['为什么取消']
              unless:
                - {pattern: '{{relay}}', before: 30, within: sentence}
            """)
        #expect(hits(relayed, "您问的为什么取消调试费——这次订满二十台，按政策免收。").isEmpty)
        #expect(hits(relayed, "为什么取消调试费，您问的这个我查一下").count == 1) // after, not before
        #expect(hits(relayed, "您问的我查了。为什么取消了拜访？").count == 1) // another sentence
    }

    @Test func afterSideSeesAQuestionLaterInTheSentence() throws {
        let asserted = try rule(
            """
              patterns: ['您肯定需要']
              unless:
                - {pattern: '吗|[?]', after: 30, within: sentence}
            """)
        #expect(hits(asserted, "您肯定需要两台，对吧，还是一台就够?").isEmpty)
        #expect(hits(asserted, "您肯定需要两台。还有问题吗?").count == 1)
    }

    @Test func unlessEntryMistakesAreLoadErrors() {
        func problems(_ entry: String) -> [String] {
            errors("- id: t.x\n  category: overpromise\n  severity: error\n  message: m\n  patterns: ['a']\n  unless:\n    - \(entry)\n")
        }
        #expect(problems("{before: 3}").first?.contains("needs 'pattern'") == true)
        #expect(problems("{pattern: 'x', before: 3, after: 2}").first?.contains("one of 'before', 'after' or 'around'") == true)
        #expect(problems("{pattern: 'x', side: left}").first?.contains("unknown key 'side'") == true)
        #expect(problems("{pattern: 'x', within: page}").first?.contains("clause, sentence or message") == true)
    }

    // MARK: amounts as people say them

    @Test func amountLimitReadsApproximateAmountsAtTheirStatedSizeOrTop() throws {
        let gift = try rule(
            """
              patterns: ['(?<amount>[0-9一二两三四五六七八九十百千几]+(?:多|来)?(?:块|元)?(?:出头|左右)?)的礼']
              capture: amount
              limit: {max: 200, unit: 元}
            """)
        #expect(hits(gift, "三百多块的礼").count == 1)
        #expect(hits(gift, "六百出头的礼").count == 1)
        #expect(hits(gift, "两三百的礼").count == 1)
        #expect(hits(gift, "几百块的礼").count == 1)
        #expect(hits(gift, "一两百的礼").isEmpty)
        #expect(hits(gift, "两百多块的礼").count == 1) // more than 200
        #expect(hits(gift, "两百多块的礼").first?.message.contains("200元以上") == true)
        #expect(hits(gift, "200元的礼").isEmpty)
        #expect(hits(gift, "一百八的礼").isEmpty)
    }

    @Test func captureMustExistInEveryEntry() {
        let found = errors(
            """
            - id: t.x
              category: gift-limit
              severity: error
              message: m {value}
              patterns: ['(?<amount>[0-9]+)元', {all: ['礼品', '价值']}]
              capture: amount
              limit: {max: 200}
            """)
        #expect(found.count == 1 && found[0].contains("no capture group 'amount'"), "\(found)")
    }
}
