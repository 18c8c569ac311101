import Testing

@testable import CrmlintCore

/// The messenger detector's prefilter (`ContactDetector.hasMessengerTrigger`, which the redactor's gate
/// asks too) finds trigger words with a pair table; it used to compare every trigger at every byte. Both
/// answer alike on random texts of the triggers' own pieces (either case).
@Suite struct RedactorGateTests {
    /// The trigger search as first written: every trigger compared at every byte, ASCII case folded.
    static func comparingEveryTrigger(_ text: String) -> Bool {
        let bytes = Array(text.utf8).map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        for trigger in ContactDetectors.messengerTriggers.map({ Array($0.utf8) }) where bytes.count >= trigger.count {
            for start in 0...(bytes.count - trigger.count) where Array(bytes[start..<start + trigger.count]) == trigger { return true }
        }
        return false
    }

    @Test func findsTheTriggersComparingEveryTriggerFinds() {
        let pieces =
            ContactDetectors.messengerTriggers + [
                "W", "X", "Q", "V", "Wechat", "QQ", "微", "加", "我", "一下", "号", "企", "鹅", "您好", "，", " ", "v", ":", "+", "=",
            ]
        var generator = SystemRandomNumberGenerator()
        var (holding, clear) = (0, 0)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = Self.comparingEveryTrigger(text)
            #expect(Array(text.utf8).withUnsafeBufferPointer { ContactDetector.hasMessengerTrigger($0) } == expected, "'\(text)'")
            if expected { holding += 1 } else { clear += 1 }
        }
        #expect(holding > 1_000 && clear > 1_000)
    }
}
