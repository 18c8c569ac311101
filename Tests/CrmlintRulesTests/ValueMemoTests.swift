import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `ValueMemo` gives what the function it remembers gives, for every text: the same bytes
/// answered from its table, other bytes (canonically equivalent ones included) made anew.
@Suite struct ValueMemoTests {
    @Test func rememberedValuesAreTheFunctionsForEveryText() {
        check(WordMemo.self)
        check(NameMemo.self)
    }

    func check<Size: ValueMemoSize>(_ size: Size.Type) {
        // Far more distinct texts than slots (so slots are overwritten), repeated in random order,
        // with composed and decomposed forms of the same letters, which the function tells apart.
        let distinct = 2 * ValueMemo<Int, Size>.slots
        var texts = (0..<distinct).map { "v\($0)" } + ["微信", "企业微信", "呼出", "", String(repeating: "长", count: 40)]
        texts += ["\u{C5}", "A\u{30A}", "e\u{301}", "\u{E9}"]
        var calls = 0
        func byBytes(_ text: String) -> Int? {
            calls += 1
            return text.isEmpty ? nil : text.utf8.reduce(0) { $0 &* 31 &+ Int($1) }
        }
        var memo = ValueMemo<Int, Size>()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 * distinct {
            let text =
                Bool.random(using: &generator) ? texts.randomElement(using: &generator)! : texts[Int.random(in: distinct..<texts.count)]
            #expect(memo.value(text) { byBytes($0) } == byBytes(text), "\(Array(text.utf8)) \(Size.self)")
        }
        // Texts that share a slot, one the other's start, or of one length, take the slot in turn.
        func slot(_ text: String) -> Int { Array(text.utf8).withUnsafeBufferPointer(ValueMemo<Int, Size>.slot) }
        let prefixed = try? #require((1..<200_000).lazy.map { "w\($0)" }.first { slot($0) == slot("w") && $0 != "w" })
        let sameLength = try? #require((10_000..<100_000).lazy.map { "u\($0)" }.first { slot($0) == slot("u20000") && $0 != "u20000" })
        for pair in [("w", prefixed), ("u20000", sameLength)] {
            guard let other = pair.1 else { continue }
            var shared = ValueMemo<Int, Size>()
            for text in [pair.0, other, pair.0, other, other, pair.0] {
                #expect(shared.value(text) { byBytes($0) } == byBytes(text), "\(text) after \(pair)")
            }
        }
        // A text asked for twice in a row is made once: the memo answers the second time.
        var fresh = ValueMemo<Int, Size>()
        calls = 0
        _ = fresh.value("企业微信") { byBytes($0) }
        _ = fresh.value("企业微信") { byBytes($0) }
        #expect(calls == 1)
    }

    /// The context's channel and direction follow its vocabulary, also after it changes.
    @Test func contextLookupsFollowTheVocabulary() {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        for value in ["微信", "电话", "呼出", "收到", "飞鸽", "飞鸽", "outbound"] {
            #expect(context.channel(value) == ValueVocabulary.standard.channel(value), "\(value)")
            #expect(context.direction(value) == ValueVocabulary.standard.direction(value), "\(value)")
        }
        #expect(context.channel("飞鸽") == nil)
        context.vocabulary = ValueVocabulary(extraChannels: [.wechat: ["飞鸽"]])
        #expect(context.channel("飞鸽") == .wechat)
    }

    /// A record's direction as the scanner noted it is what the rules read for that record; any other
    /// record's is looked up from its value.
    @Test func aNotedDirectionAnswersForItsRecordOnly() {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        func record(_ serial: Int, _ direction: String) -> Record {
            Record(
                dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1, fields: ["direction": direction], serial: serial)
        }
        let first = record(1, "呼出"), second = record(2, "收到")
        #expect(context.direction(of: first, value: "呼出") == .outbound)
        // Noted (as the scanner notes what it read with the same vocabulary): answered without a look-up.
        context.noteDirection(.inbound, of: first)
        #expect(context.direction(of: first, value: "呼出") == .inbound)
        #expect(context.direction(of: second, value: "收到") == context.direction("收到"))
        #expect(context.direction(of: second, value: "呼出") == .outbound)
    }
}
