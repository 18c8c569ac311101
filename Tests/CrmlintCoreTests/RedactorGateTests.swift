import Testing

@testable import CrmlintCore

/// `Redactor.mayHoldDetail`, the check before a text is normalised and searched for details, finds
/// messenger words with the messenger detector's pair-table prefilter; it used to compare every
/// trigger at every byte. Both answer alike on random texts of the triggers' own pieces (either case).
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
            var text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = Self.comparingEveryTrigger(text)
            #expect(text.withUTF8 { ContactDetector.hasMessengerTrigger($0) } == expected, "'\(text)'")
            // No digits, @, spelled email or full-width letters among the pieces: the trigger decides.
            #expect(Redactor.mayHoldDetail(text) == expected, "'\(text)'")
            if expected { holding += 1 } else { clear += 1 }
        }
        #expect(holding > 1_000 && clear > 1_000)
    }
}

/// `Redactor.mayHoldDetail` reads a text's UTF-8 bytes in one pass; it answers as the check first
/// written over the text's scalars does, on random texts of digits of every kind the redactor counts,
/// Chinese numerals, at signs, full-width letters, messenger and spelled-e-mail words, and others.
@Suite struct RedactorGateBytesTests {
    /// The check as first written: the scalars for digits and at signs, the bytes for messenger and
    /// spelled e-mail words, the scalars again for full-width letters.
    static func overScalars(_ text: String) -> Bool {
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
        if copy.withUTF8({ SpelledEmailFinder.mayApply($0) || ContactDetector.hasMessengerTrigger($0) }) { return true }
        return text.unicodeScalars.contains { (0xFF21...0xFF5A).contains($0.value) }
    }

    @Test func answersAsTheCheckOverScalars() {
        let pieces = [
            "1", "9", "０", "９", "𝟎", "𝟿", "①", "⒛", "❶", "➓", "〇", "零", "一", "两", "九", "幺", "@", "＠", "﹫", "Ａ", "ｚ", "ｈ",
            "é", "Ω", "ж", "保证", "您好", "，", " ", "wx", "QQ", "微信", "at", " at ", "dot", ".", "。", "#", "艾特", "点", "com",
            "163", "x", "😀", "\u{10FFFF}", "\u{7FF}", "\u{800}", "\u{FFFF}",
        ]
        var generator = SystemRandomNumberGenerator()
        var (holding, clear) = (0, 0)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = Self.overScalars(text)
            #expect(Redactor.mayHoldDetail(text) == expected, "'\(text)'")
            if expected { holding += 1 } else { clear += 1 }
        }
        #expect(holding > 1_000 && clear > 1_000)
    }
}
