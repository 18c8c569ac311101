import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `TextMemo` answers only for the bytes it was told about, and a context that remembers texts
/// reports what one that runs every rule on every text reports.
@Suite struct TextMemoTests {
    func set(_ text: String) -> Int { Array(text.utf8).withUnsafeBufferPointer(TextMemo.set) }

    /// `count` texts of `set` made from `stem` and a number (found by trying).
    func textsOfSet(_ set: Int, count: Int, stem: String, from start: Int = 1) -> [String] {
        Array((start..<start + 2_000_000).lazy.map { "\(stem)\($0)" }.filter { self.set($0) == set }.prefix(count))
    }

    func slot(of text: String, in memo: TextMemo) -> (slot: Int?, taken: Bool) {
        var taken = false
        let slot = Array(text.utf8).withUnsafeBufferPointer { memo.slot(of: $0, taken: &taken) }
        return (slot, taken)
    }

    /// A memory keeps scores as wide as the first it kept (the bundled model's eight, not room for sixteen),
    /// wider ones not at all, and each slot's apart from its neighbours'; a memory of few sets works alike.
    @Test func scoresAreKeptAsWideAsTheFirstKept() throws {
        let memo = TextMemo(setBits: 4)
        let first = try #require(slot(of: "第一条", in: memo).slot)
        let second = try #require(slot(of: "第二条", in: memo).slot)
        #expect(first != second)
        memo.keep([0.5, 0.25, 0.25], model: 0, slot: first)
        #expect(memo.scores(0, slot: first) == [0.5, 0.25, 0.25])
        #expect(memo.scores(1, slot: first) == nil)
        memo.keep([0.1, 0.2, 0.3, 0.4], model: 0, slot: second)
        #expect(memo.scores(0, slot: second) == nil)
        memo.keep([1, 0], model: 0, slot: second)
        #expect(memo.scores(0, slot: second) == [1, 0])
        #expect(memo.scores(0, slot: first) == [0.5, 0.25, 0.25])
    }

    @Test func aSlotSpeaksForTheLastTextThatTookIt() throws {
        let memo = TextMemo()
        let first = slot(of: "好的，辛苦了", in: memo)
        #expect(first.slot != nil && first.taken)
        #expect(slot(of: "好的，辛苦了", in: memo) == (first.slot, false))
        let place = try #require(first.slot)
        // Facts in every word of a slot are kept apart; facts past the limit are never held.
        memo.note(3, slot: place)
        memo.note(70, slot: place)
        memo.note(TextMemo.factLimit - 1, slot: place)
        memo.note(TextMemo.factLimit, slot: place)
        #expect(memo.holds(3, slot: place) && memo.holds(70, slot: place) && memo.holds(TextMemo.factLimit - 1, slot: place))
        #expect(!memo.holds(4, slot: place) && !memo.holds(71, slot: place) && !memo.holds(TextMemo.factLimit, slot: place))
        // A text of another slot holds none of them.
        let other = try #require((1..<1_000).lazy.map { "收到\($0)" }.first { self.set($0) != self.set("好的，辛苦了") })
        let otherSlot = try #require(slot(of: other, in: memo).slot)
        #expect(otherSlot != place)
        #expect(!(0..<TextMemo.factLimit).contains { memo.holds($0, slot: otherSlot) })
        memo.keep([0.25, 0.75], model: 1, slot: place)
        #expect(memo.scores(1, slot: place) == [0.25, 0.75] && memo.scores(0, slot: place) == nil)
        // A slot keeps one model's scores: another model's are not kept (it scores the text again).
        memo.keep([0.5, 0.5], model: 0, slot: place)
        #expect(memo.scores(0, slot: place) == nil && memo.scores(1, slot: place) == [0.25, 0.75])
        // Other texts of its set, one the text's start and one of its length among them, take the
        // set's other slots and start with nothing known, while the text keeps its slot and facts.
        let set = self.set("好的，辛苦了")
        let prefixed = try #require(textsOfSet(set, count: 1, stem: "好的，辛苦了").first)
        let sameLength = try #require(textsOfSet(set, count: 1, stem: "好的，辛", from: 100_000).first)
        #expect(Array(sameLength.utf8).count == Array("好的，辛苦了".utf8).count)
        let others = [prefixed, sameLength] + textsOfSet(set, count: TextMemo.ways - 1, stem: "收到")
        var slots: [Int] = []
        for other in others.prefix(TextMemo.ways - 1) {
            let found = slot(of: other, in: memo)
            let taken = try #require(found.slot)
            #expect(found.taken && taken != place && !slots.contains(taken), "\(other)")
            #expect(!memo.holds(3, slot: taken) && memo.scores(1, slot: taken) == nil)
            memo.note(5, slot: taken)
            slots.append(taken)
        }
        #expect(slot(of: "好的，辛苦了", in: memo) == (place, false))
        #expect(memo.holds(3, slot: place) && !memo.holds(5, slot: place) && memo.scores(1, slot: place) == [0.25, 0.75])
        // The set is full: a new text of it takes the least recently used slot (the text's start's),
        // which then knows nothing; the text, used since, keeps its own. The start, pushed out,
        // takes a slot anew: the next oldest (the same-length text's).
        let newcomer = others[TextMemo.ways - 1]
        #expect(slot(of: newcomer, in: memo) == (slots[0], true))
        #expect(!memo.holds(5, slot: slots[0]))
        #expect(slot(of: "好的，辛苦了", in: memo) == (place, false) && memo.holds(3, slot: place))
        #expect(slot(of: prefixed, in: memo) == (slots[1], true))
        #expect(slot(of: newcomer, in: memo) == (slots[0], false))
        // Nothing is kept of an empty text or of one longer than the limit.
        #expect(slot(of: "", in: memo).slot == nil)
        #expect(slot(of: String(repeating: "长", count: TextMemo.longest / 3 + 1), in: memo).slot == nil)
        #expect(slot(of: String(repeating: "a", count: TextMemo.longest), in: memo).slot != nil)
    }

    /// Pattern rules with and without the memory, with and without the prefilter, on records whose
    /// text fields repeat a few texts in random order (hits, amounts within and over a limit,
    /// nothing), and on records whose five fields' texts share a set of four slots (so the last
    /// takes the first one's slot while the rules still read the record).
    @Test func rememberingTextsChangesNoFinding() throws {
        let yaml = """
            - id: t.promise
              category: overpromise
              severity: error
              message: m
              fields: [text, notes, a, b, c]
              patterns: ['保证|一定', '零\\s*故障']
              unless: ['不敢']
            - id: t.gift
              category: gift-limit
              severity: error
              message: m
              fields: [text, notes, a, b, c]
              patterns:
                - all: ['(?<amount>\\d+)元', '送|礼']
                  within: sentence
              capture: amount
              limit: {max: 200, unit: 元}
            """
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        #expect(rules.count == 2)
        var texts = [
            "保证下周到货", "好的，辛苦了", "送您一个300元的礼品", "送您一个100元的礼品", "我们不敢保证零故障", "零故障运行", "OK", "",
            "收到，谢谢",
        ]
        // Texts of the same set as 收到，谢谢 that the second rule finds something in (and the first nothing).
        let crowd = textsOfSet(set("收到，谢谢"), count: TextMemo.ways, stem: "送您一个300元的礼品 ")
        #expect(crowd.count == TextMemo.ways)
        texts += crowd
        let fieldNames = ["text", "notes", "a", "b", "c"]
        var generator = SystemRandomNumberGenerator()
        var reported = 0
        for usesPrefilter in [false, true] {
            let contexts = [true, false].map { remembers in
                let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
                context.remembersTexts = remembers
                if usesPrefilter { context.prefilter = LiteralPrefilter(rules: rules) }
                return context
            }
            let checkers = contexts.map { _ in rules.map { $0.makeChecker() } }
            for serial in 0..<400 {
                let fields = Dictionary(
                    uniqueKeysWithValues: fieldNames.enumerated().map { place, name in
                        (name, serial % 5 == 0 ? texts[8 + place] : texts.randomElement(using: &generator)!)
                    })
                let record = Record(
                    dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1,
                    fields: fields.merging(["id": "M\(serial)"]) { $1 }, serial: serial)
                var found: [[String]] = [[], []]
                for side in 0..<2 {
                    for checker in checkers[side] {
                        checker.check(record, context: contexts[side]) {
                            found[side].append("\($0.rule) \($0.field ?? "") \($0.column ?? 0) \($0.message)")
                        }
                    }
                }
                #expect(found[0] == found[1], "prefilter \(usesPrefilter): \(fields)")
                reported += found[0].count
            }
            // The remembering context knows a text both rules found nothing in; the other knows nothing.
            // "Nothing" is nothing reported: a gift within its limit, and a promise its exception
            // cancels, are matched but remembered as nothing for that rule (they ran again on every
            // repeat before), while a text with a finding is not remembered.
            let known: [(text: String, rule: String, nothing: Bool)] = [
                ("好的，辛苦了", "t.promise", true), ("好的，辛苦了", "t.gift", true), ("送您一个100元的礼品", "t.gift", true),
                ("我们不敢保证零故障", "t.promise", true), ("送您一个300元的礼品", "t.gift", false), ("保证下周到货", "t.promise", false),
            ]
            for (offset, item) in known.enumerated() {
                let record = Record(
                    dataset: .messages, file: "m.csv", line: 1, position: 1, fields: ["text": item.text], serial: 1_000 + offset)
                for (context, remembers) in zip(contexts, [true, false]) {
                    let index = context.fieldIndex(record, field: "text")
                    #expect(
                        context.textHolds(context.textFact("found nothing: " + item.rule), at: index) == (remembers && item.nothing),
                        "\(item.text) \(item.rule)")
                }
            }
        }
        #expect(reported > 0, "the texts hold findings")
    }
}
