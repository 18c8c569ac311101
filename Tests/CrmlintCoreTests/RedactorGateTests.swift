import Testing

@testable import CrmlintCore

/// `Redactor.mayHoldDetail`, the check before a text is normalised and searched for details, answers
/// as it did when it compared every messenger trigger at every byte: random texts of the triggers'
/// own pieces (either case), digits, numerals, `@` and full-width letters.
@Suite struct RedactorGateTests {
    /// The check as first written: the triggers compared byte by byte, ASCII case folded.
    static func reference(_ text: String) -> Bool {
        var digits = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39, 0xFF10...0xFF19, 0x1D7CE...0x1D7FF, 0x2460...0x249B, 0x2776...0x2793:
                digits += 1
                if digits >= 5 { return true }
            case 0x40, 0xFF20, 0xFE6B: return true
            case 0x3007...0x9F6F where DigitView.numeralValue(scalar.value) != nil:
                digits += 1
                if digits >= 5 { return true }
            default: break
            }
        }
        var copy = text
        if copy.withUTF8({ SpelledEmailFinder.mayApply($0) }) { return true }
        let bytes = Array(text.utf8).map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        for trigger in ContactDetectors.messengerTriggers.map({ Array($0.utf8) }) where bytes.count >= trigger.count {
            for start in 0...(bytes.count - trigger.count) where Array(bytes[start..<start + trigger.count]) == trigger { return true }
        }
        return text.unicodeScalars.contains { (0xFF21...0xFF5A).contains($0.value) }
    }

    @Test func answersAsComparingEveryTriggerDid() {
        let pieces =
            ContactDetectors.messengerTriggers + [
                "W", "X", "Q", "V", "Wechat", "QQ", "微", "加", "我", "一下", "号", "企", "鹅",
                "1", "2", "三", "四", "@", "ｗ", "Ａ", "。", "at", "dot", "您好", "，", " ", "v", ":", "+", "=",
            ]
        var generator = SystemRandomNumberGenerator()
        var (holding, clear) = (0, 0)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = Self.reference(text)
            #expect(Redactor.mayHoldDetail(text) == expected, "'\(text)'")
            if expected { holding += 1 } else { clear += 1 }
        }
        #expect(holding > 1_000 && clear > 1_000)
    }
}
