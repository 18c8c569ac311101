import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `TextMemo` answers only for the bytes it was told about, and a context that remembers texts
/// reports what one that runs every rule on every text reports.
@Suite struct TextMemoTests {
    func key(_ text: String) -> TextVerdicts.Key { Array(text.utf8).withUnsafeBufferPointer(TextVerdicts.Key.init(of:)) }
    func set(_ text: String) -> Int { TextMemo.set(of: key(text)) }

    /// `count` texts of `set` made from `stem` and a number (found by trying).
    func textsOfSet(_ set: Int, count: Int, stem: String, from start: Int = 1) -> [String] {
        Array((start..<start + 2_000_000).lazy.map { "\(stem)\($0)" }.filter { self.set($0) == set }.prefix(count))
    }

    /// What `memo` knows of `text`, with its scores.
    func lookUp(_ text: String, in memo: TextMemo) -> (facts: Set<Int>, model: Int32, scores: [Float])? {
        let key = key(text)
        var scores = [Float](repeating: .nan, count: TextMemo.scoreLimit)
        let known = scores.withUnsafeMutableBufferPointer { memo.lookUp(key, set: memo.set(of: key), scores: $0.baseAddress!) }
        guard let known else { return nil }
        let facts = Set((0..<TextMemo.factLimit).filter { known.facts[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 })
        return (facts, known.scoreModel, Array(scores.prefix(Int(known.scoreCount))))
    }

    func learn(_ text: String, facts: [Int] = [], model: Int32 = -1, scores: [Float] = [], in memo: TextMemo) {
        var bits = SIMD4<UInt64>()
        for fact in facts { bits[fact >> 6] |= 1 << UInt64(fact & 63) }
        let padded = scores + [0]
        let key = key(text)
        padded.withUnsafeBufferPointer {
            memo.learn(key, set: memo.set(of: key), facts: bits, scoreModel: model, scores: $0.baseAddress!, scoreCount: scores.count)
        }
    }

    /// A memory keeps scores as wide as the first it kept (the bundled model's eight, not room for sixteen),
    /// wider ones not at all, and each slot's apart from its neighbours'; a memory of few sets works alike.
    @Test func scoresAreKeptAsWideAsTheFirstKept() throws {
        let memo = TextMemo(setBits: 4)
        #expect(lookUp("第一条", in: memo) == nil)
        learn("第一条", model: 0, scores: [0.5, 0.25, 0.25], in: memo)
        learn("第二条", model: 0, scores: [0.1, 0.2, 0.3, 0.4], in: memo)
        let first = try #require(lookUp("第一条", in: memo))
        #expect(first.model == 0 && first.scores == [0.5, 0.25, 0.25])
        let second = try #require(lookUp("第二条", in: memo))
        #expect(second.model == -1 && second.scores.isEmpty)
        learn("第二条", model: 0, scores: [1, 0], in: memo)
        #expect(lookUp("第二条", in: memo)?.scores == [1, 0])
        #expect(lookUp("第一条", in: memo)?.scores == [0.5, 0.25, 0.25])
    }

    @Test func aTextIsKnownByItsBytesUntilItsSetForgetsIt() throws {
        for shared in [false, true] {
            let memo = TextMemo(shared: shared)
            let text = "好的，辛苦了"
            #expect(lookUp(text, in: memo) == nil)
            // Facts in every word are kept apart, added to what is known; facts past the limit are never held.
            learn(text, facts: [3, 70], in: memo)
            learn(text, facts: [TextMemo.factLimit - 1], in: memo)
            #expect(lookUp(text, in: memo)?.facts == [3, 70, TextMemo.factLimit - 1])
            // A text of another set knows none of them.
            let other = try #require((1..<1_000).lazy.map { "收到\($0)" }.first { self.set($0) != self.set(text) })
            learn(other, facts: [4], in: memo)
            #expect(lookUp(other, in: memo)?.facts == [4])
            // One model's scores a text: another model's are not kept (it scores the text again).
            learn(text, model: 1, scores: [0.25, 0.75], in: memo)
            learn(text, model: 0, scores: [0.5, 0.5], in: memo)
            let known = try #require(lookUp(text, in: memo))
            #expect(known.model == 1 && known.scores == [0.25, 0.75] && known.facts == [3, 70, TextMemo.factLimit - 1])
            // Other texts of its set, one the text's start and one of its length among them, take the
            // set's other slots and start with nothing known, while the text keeps its facts.
            let set = self.set(text)
            let prefixed = try #require(textsOfSet(set, count: 1, stem: text).first)
            let sameLength = try #require(textsOfSet(set, count: 1, stem: "好的，辛", from: 100_000).first)
            #expect(Array(sameLength.utf8).count == Array(text.utf8).count)
            let others = [prefixed, sameLength] + textsOfSet(set, count: TextMemo.ways - 1, stem: "收到")
            for other in others.prefix(TextMemo.ways - 1) {
                #expect(lookUp(other, in: memo) == nil, "\(other)")
                learn(other, facts: [5], in: memo)
                #expect(lookUp(other, in: memo)?.facts == [5] && lookUp(other, in: memo)?.model == -1, "\(other)")
            }
            #expect(lookUp(text, in: memo)?.facts == [3, 70, TextMemo.factLimit - 1])
            // The set is full: a new text of it takes the least recently used slot (the text's start's),
            // whose text is then forgotten; the text, used since, keeps its own. The start, learnt again,
            // takes the next oldest (the same-length text's).
            let newcomer = others[TextMemo.ways - 1]
            learn(newcomer, facts: [6], in: memo)
            #expect(lookUp(prefixed, in: memo) == nil)
            #expect(lookUp(newcomer, in: memo)?.facts == [6])
            #expect(lookUp(text, in: memo)?.scores == [0.25, 0.75])
            learn(prefixed, facts: [7], in: memo)
            #expect(lookUp(sameLength, in: memo) == nil)
            #expect(lookUp(prefixed, in: memo)?.facts == [7] && lookUp(newcomer, in: memo)?.facts == [6])
            // Nothing is kept of an empty text or of one longer than the limit.
            #expect(Array("".utf8).withUnsafeBufferPointer(TextMemo.keeps) == false)
            #expect(Array(String(repeating: "长", count: TextMemo.longest / 3 + 1).utf8).withUnsafeBufferPointer(TextMemo.keeps) == false)
            #expect(Array(String(repeating: "a", count: TextMemo.longest).utf8).withUnsafeBufferPointer(TextMemo.keeps))
        }
    }

    /// Threads sharing a memory of few sets (so texts push each other out all the time) never read
    /// a fact or a score that is not their text's, and every fact learnt of a text still held is kept.
    @Test func threadsSharingAMemoryReadOnlyTheirTextsFacts() {
        let memo = TextMemo(setBits: 3, shared: true)
        let texts = (0..<300).map { "消息\($0)" }
        /// Text `i` holds facts `i % 256` and `(7i + 3) % 256`, and its scores are `i` and `i + 0.5`.
        func truth(_ i: Int) -> Set<Int> { [i % 256, (7 * i + 3) % 256] }
        let wrong = NSLock()
        nonisolated(unsafe) var mistakes: [String] = []
        nonisolated(unsafe) var hits = 0
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            var generator = SystemRandomNumberGenerator()
            var found = 0
            for step in 0..<20_000 {
                let i = Int.random(in: 0..<texts.count, using: &generator)
                if let known = lookUp(texts[i], in: memo) {
                    found += 1
                    if !known.facts.isSubset(of: truth(i)) || (known.model == 0 && known.scores != [Float(i), Float(i) + 0.5])
                        || known.model > 0
                    {
                        wrong.lock()
                        mistakes.append("thread \(thread) step \(step): \(texts[i]) \(known)")
                        wrong.unlock()
                    }
                }
                let facts = Array(truth(i)).filter { _ in Bool.random(using: &generator) }
                learn(texts[i], facts: facts, model: step % 3 == 0 ? 0 : -1, scores: [Float(i), Float(i) + 0.5], in: memo)
            }
            wrong.lock()
            hits += found
            wrong.unlock()
        }
        #expect(mistakes.isEmpty, "\(mistakes.prefix(5))")
        #expect(hits > 0, "texts were found again")
        // One thread again: what is learnt of a held text is all there.
        learn(texts[1], facts: Array(truth(1)), in: memo)
        #expect(lookUp(texts[1], in: memo)?.facts == truth(1))
    }

    /// Pattern rules with and without the memory, with and without the prefilter, on records whose
    /// text fields repeat a few texts in random order (hits, amounts within and over a limit,
    /// nothing), and on records whose five fields' texts share a set of four slots (so the last
    /// pushes the first one's out while the rules still read the record); and two worker contexts
    /// sharing one memory, taking the records in turn.
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
            let parent = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            if usesPrefilter { parent.prefilter = LiteralPrefilter(rules: rules) }
            let workers = [parent.forWorker(), parent.forWorker()]
            let checkers = contexts.map { _ in rules.map { $0.makeChecker() } }
            let workerCheckers = workers.map { _ in rules.map { $0.makeChecker() } }
            for serial in 0..<400 {
                let fields = Dictionary(
                    uniqueKeysWithValues: fieldNames.enumerated().map { place, name in
                        (name, serial % 5 == 0 ? texts[8 + place] : texts.randomElement(using: &generator)!)
                    })
                let record = Record(
                    dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1,
                    fields: fields.merging(["id": "M\(serial)"]) { $1 }, serial: serial)
                var found: [[String]] = [[], [], []]
                for side in 0..<3 {
                    let worker = (serial / 3) % 2
                    for checker in side < 2 ? checkers[side] : workerCheckers[worker] {
                        checker.check(record, context: side < 2 ? contexts[side] : workers[worker]) {
                            found[side].append("\($0.rule) \($0.field ?? "") \($0.column ?? 0) \($0.message)")
                        }
                    }
                }
                #expect(found[0] == found[1], "prefilter \(usesPrefilter): \(fields)")
                #expect(found[2] == found[1], "workers, prefilter \(usesPrefilter): \(fields)")
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
                for (context, remembers) in zip(contexts + workers, [true, false, true, true]) {
                    let index = context.fieldIndex(record, field: "text")
                    #expect(
                        context.textHolds(context.textFact("found nothing: " + item.rule), at: index) == (remembers && item.nothing),
                        "\(item.text) \(item.rule)")
                }
            }
        }
        #expect(reported > 0, "the texts hold findings")
    }

    /// Workers share one memory, which keeps a text's scores under its model's number: they must number models alike
    /// whatever order they meet them in (a worker whose first records are of another dataset meets another model first).
    @Test func workersNumberModelsAlikeAndReadOnlyTheirModelsScores() {
        let parent = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let workers = [parent.forWorker(), parent.forWorker()]
        let b0 = workers[0].modelOrdinal("models/b.model"), a0 = workers[0].modelOrdinal("models/a.model")
        let a1 = workers[1].modelOrdinal("models/a.model"), b1 = workers[1].modelOrdinal("models/b.model")
        #expect(a0 == a1)
        #expect(b0 == b1)
        #expect(a0 != b0)
        func record(_ text: String, serial: Int) -> Record {
            Record(dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1, fields: ["text": text], serial: serial)
        }
        var scored: [String] = []
        func scores(_ model: String, _ values: [Float]) -> (NormalizedText, inout NgramModel.Scratch) -> [Float] {
            { _, _ in
                scored.append(model)
                return values
            }
        }
        let text = "这次的好处费下周给您"
        // Worker 0 scores the text under model b; the next record hands what it learnt to the memory.
        let first = record(text, serial: 1)
        let index = workers[0].fieldIndex(first, field: "text")
        #expect(workers[0].modelProbabilities(first, at: index, model: b0, score: scores("b", [0.6, 0.4])) == [0.6, 0.4])
        _ = workers[0].fieldIndex(record("收到", serial: 2), field: "text")
        // Worker 1 meets the text: model a's scores are a's, b's are the memory's.
        let second = record(text, serial: 3)
        let place = workers[1].fieldIndex(second, field: "text")
        #expect(workers[1].modelProbability(second, at: place, model: a1, label: 1, score: scores("a", [0.25, 0.75])) == 0.75)
        #expect(workers[1].modelProbability(second, at: place, model: b1, label: 0, score: scores("b again", [0.9, 0.1])) == 0.6)
        #expect(scored == ["b", "a"])
    }
}
