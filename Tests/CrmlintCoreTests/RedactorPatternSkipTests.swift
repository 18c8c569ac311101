import TestHelpers
import Testing

@testable import CrmlintCore

/// The redactor skips a fallback pattern when a text lacks what every match of it needs (`FallbackNeeds`);
/// these texts, built from each pattern's parts and their near misses, must be masked exactly as with
/// every pattern run.
@Suite struct RedactorPatternSkipTests {
    /// Parts of what the fallback patterns match (e-mail local parts with the at written or spelled out,
    /// messenger triggers and ids), near misses, digits and separators, and plain Chinese.
    static let pieces = [
        "wang@qq.com", "wang @ qq . com", "wang at qq dot com", "chen [at] foxmail [dot] com", "li#163。com", "zhao艾特sina点cn",
        "(AT)", "{at}", "<at>", "a t", "at", "AT", "At", "aT", "a", "t", "@", "#", "艾", "特", "艾特", ".", "。", "点", "dot",
        "微信", "微信号", "薇信", "威信", "v信", "VX", "vx", "wx", "WeChat", "weixin", "QQ", "qq", "扣扣", "企鹅号", "加个v", "加V",
        "+v", "加我好友", "搜索一下我", "搜", "v号:", "V =", "v:", "q号", "Q号", "号码", "id", "是", "为", "：", ":", "=",
        "abcde", "abcd", "a_b-c", "wxid_ab12cd", "K", "\u{212A}", "\u{017F}", "\u{212A}\u{017F}abc", "ab\u{212A}de",
        "13812345678", "138-1234-5678", "138 1234 5678", "2024-03-15", "110101199003070011", "6222021234567890123",
        "一三八一二三四五六七八", "*****", "138****5678", "x", "X", "12", "123456", "1234567", "12345678901",
        " ", "  ", "\t", "，", "好的", "您", "价格", "联系", "加", "给您准备了价值1000元的礼盒", "这单成了给您个人返3个点",
        // Characters that normalise into digits, at signs, letters or trigger words (the gate reads the text normalised).
        "¹³⁸", "¹²³⁴⁵⁶⁷⁸", "₁₃₉", "₀₁₂₃₄₅₆₇₈₉", "⑩⑪", "①", "０１２３４", "𝟏𝟑𝟖", "兩", "零", "加 我", "企鵝", "扣 扣", "ｗｘ", "ＱＱ",
        "𝐰𝐱", "ⓦⓧ", "＠", "﹫", "ａｔ", "ｄｏｔ", "點", "艾 特", "MSG0000000034", "CRM-2021-003424",
    ]

    static func texts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: ["", "", " ", "，"].randomElement(using: &generator)!)
        }
    }

    /// The gate before the memo and the patterns (`Redactor.mayMask`: on ASCII text as written, on other text once
    /// normalised) rules out only texts that every pattern run leaves unchanged; on these texts it rules out many.
    @Test func theGateRulesOutOnlyTextsNothingMasks() {
        let texts = Self.pieces + Self.texts(count: 3_000, seed: 52)
        for minimumRun in [7, 11, Int.max] {
            let gated = Redactor(), running = Redactor(skippingUnmatchablePatterns: false)
            var (ruledOut, masked) = (0, 0)
            for text in texts {
                let redacted = running.redact(text, minimumRun: minimumRun)
                #expect(gated.redact(text, minimumRun: minimumRun) == redacted, "\(text) (minimum run \(minimumRun))")
                if redacted != text { masked += 1 }
                let normalized = TextNormalizer().normalize(text).bytes
                if !normalized.withUnsafeBufferPointer({ gated.mayMask($0, minimumRun: minimumRun) }) {
                    ruledOut += 1
                    #expect(redacted == text, "ruled out but masked: \(text) (minimum run \(minimumRun))")
                }
            }
            #expect(ruledOut > 100 && masked > 100, "minimum run \(minimumRun): \(ruledOut) ruled out, \(masked) masked")
        }
    }

    @Test func skippingPatternsChangesNoRedaction() {
        let texts = Self.pieces + Self.texts(count: 4_000, seed: 38)
        for minimumRun in [7, 11, Int.max] {
            // Fresh redactors per run length: their memories must not answer for each other.
            let skipping = Redactor(), running = Redactor(skippingUnmatchablePatterns: false)
            for text in texts {
                #expect(
                    skipping.redact(text, minimumRun: minimumRun) == running.redact(text, minimumRun: minimumRun),
                    "\(text) (minimum run \(minimumRun))")
            }
        }
    }

    @Test func someTextsSkipAndSomeRunEachPattern() {
        // The needs are read as the patterns need them: neither always true nor always false on these texts.
        let texts = Self.texts(count: 500, seed: 7)
        let needs = texts.map { text in
            var text = text
            return text.withUTF8 { FallbackNeeds($0) }
        }
        let digits = texts.map { text in
            var text = text
            return text.withUTF8 { DigitView.profile($0).asciiDigits }
        }
        #expect(needs.contains { $0.atSign } && needs.contains { !$0.atSign })
        #expect(needs.contains { $0.spelledAt } && needs.contains { !$0.spelledAt })
        #expect(needs.contains { $0.messengerTrigger } && needs.contains { !$0.messengerTrigger })
        #expect(digits.contains { $0 >= 10 } && digits.contains { $0 < 6 }) // digit runs skipped below 6 (7 - 1)
    }

    @Test func needsOfKnownTexts() {
        func needs(_ text: String) -> FallbackNeeds {
            var text = text
            return text.withUTF8 { FallbackNeeds($0) }
        }
        #expect(needs("wang@qq.com").atSign)
        #expect(!needs("王先生您好").atSign && !needs("王先生您好").spelledAt && !needs("王先生您好").messengerTrigger)
        #expect(needs("zhao艾特sina").spelledAt)
        #expect(needs("li AT foxmail").spelledAt)
        #expect(!needs("加我").messengerTrigger) // a trigger, but no id after it
        #expect(needs("加我 abc12").messengerTrigger)
        #expect(!needs("微信 abcd").messengerTrigger) // four id characters, not five
        #expect(needs("微信 ab\u{212A}de").messengerTrigger) // the Kelvin sign matches k caselessly
        var phone = "电话13812345678"
        #expect(phone.withUTF8 { DigitView.profile($0).asciiDigits } == 11) // what the digit-run skip reads
    }
}
