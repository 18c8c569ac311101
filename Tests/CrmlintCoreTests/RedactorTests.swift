import CrmlintCore
import PatternEngine
import TestHelpers
import Testing

@Suite struct RedactorTests {
    let redactor = Redactor()

    @Test func masksMobileKeepingFirstThreeAndLastFour() {
        #expect(redactor.redact("电话13812345678谢谢") == "电话138****5678谢谢")
        #expect(redactor.redact("电话138-1234-5678") == "电话138-****-5678")
    }

    @Test func masksEmailLocalPart() {
        #expect(redactor.redact("发到wang.fang@example.cn") == "发到*********@example.cn")
    }

    @Test func masksMessengerIDs() {
        #expect(redactor.redact("加我微信号：wangfang_88") == "加我微信号：***********")
    }

    @Test func keepsLengthInCharacters() {
        let input = "身份证11010519491231002X，卡号6222021234567890128"
        #expect(redactor.redact(input).unicodeScalars.count == input.unicodeScalars.count)
        #expect(!redactor.redact(input).contains("1949"))
        #expect(!redactor.redact(input).contains("34567890"))
    }

    /// Details typed in characters that normalise to digits or fold into a trigger word, which a check
    /// of the text as written let through unmasked although the detectors, reading it normalised, report them.
    @Test func masksDetailsThatOnlyNormalisingReveals() {
        for (text, expected) in [
            ("电话¹⁵⁹¹⁰¹²⁶⁸⁶⁵，11月2日送到", "电话¹⁵⁹****⁶⁸⁶⁵，11月2日送到"), // superscript digits
            ("客户电话 ₁₃₈₁₂₃₄₅₆₇₈", "客户电话 ₁₃₈****₅₆₇₈"), // subscript digits
            ("师傅，加 我 wangwei88 联系", "师傅，加 我 ********* 联系"), // 加我 with a space typed inside
        ] {
            #expect(redactor.redact(text) == expected, "\(text)")
            #expect(redactor.excerpt(of: text, hit: 0..<2, context: 40) == expected, "\(text)")
        }
        // Record and customer ids: validated details only.
        #expect(redactor.redactValidated("₁₃₈₁₂₃₄₅₆₇₈") == "₁₃₈****₅₆₇₈")
        #expect(redactor.redactValidated("MSG0000000034") == "MSG0000000034")
    }

    @Test func leavesOrdinaryTextAlone() {
        #expect(redactor.redact("报价120万，交期3月15日") == "报价120万，交期3月15日")
    }

    @Test func excerptIsRedactedAndOneLine() {
        let text = "第一行\n我们的设备零故障，电话13812345678"
        let excerpt = redactor.excerpt(of: text, hit: 9..<12, context: 30)
        #expect(!excerpt.contains("\n"))
        #expect(excerpt.contains("138****5678"))
        #expect(!excerpt.contains("13812345678"))
    }
}

@Suite struct RedactorTypedFormsTests {
    let redactor = Redactor()

    @Test func masksSpokenAndSpelledForms() {
        for (text, expected) in [
            ("一三九零一二三四五六七", "一三九****四五六七"),
            ("一三九****四五六七", "一三九****四五六七"),
            ("幺五八 幺幺零九 三三二六", "幺五八 **** 三三二六"),
            ("chen [at] foxmail [dot] com", "**** [at] foxmail [dot] com"),
            ("V：he_qiang123，加的时候备注", "V：***********，加的时候备注"),
            ("区号0571，号码8823 4410", "区号0571，号码**** 4410"),
            ("前三位137，后八位 5520 1983", "前三位137，后八位 **** 1983"),
            ("一三九零一二三四五", "*****二三四五"), // unvalidated spoken runs as digit runs: all but the last 4
        ] {
            #expect(redactor.redact(text) == expected, "\(text)")
        }
    }
    /// Excerpts of texts asked one after another (the redacted text of the last is
    /// kept) are those of a redactor that never saw another text: no excerpt shows a
    /// detail of, or leaks the masking of, the text before.
    @Test func excerptsDoNotCarryOverBetweenTexts() {
        let texts = [
            "电话13812345678，保证满意", "保证满意，电话13812345678", "保证满意", "邮箱 wang.li@example.com 保证满意", "电话13812345678，保证满意",
        ]
        for (index, text) in texts.enumerated() + texts.enumerated().reversed() {
            let hit = 0..<min(4, text.unicodeScalars.count)
            #expect(
                redactor.excerpt(of: text, hit: hit, context: 40) == Redactor().excerpt(of: text, hit: hit, context: 40), "text \(index)")
            // The same text again, another hit: still its own.
            #expect(redactor.excerpt(of: text, hit: 2..<3, context: 3) == Redactor().excerpt(of: text, hit: 2..<3, context: 3))
        }
        #expect(!redactor.excerpt(of: texts[0], hit: 0..<2, context: 40).contains("12345678"))
    }

    /// The excerpt as it was first written (the redacted text as scalars, the window cut by scalar, every
    /// white-space scalar one space): the byte-wise excerpt must give the same string for every text and hit.
    static func scalarExcerpt(_ redacted: String, hit: Range<Int>, context: Int) -> String {
        let scalars = Array(redacted.unicodeScalars)
        let lower = max(0, min(hit.lowerBound, scalars.count) - context)
        let upper = min(scalars.count, max(hit.upperBound, lower) + context)
        var view = String.UnicodeScalarView()
        if lower > 0 { view.append("…") }
        for scalar in scalars[lower..<upper] { view.append(String.isSpace(scalar) ? " " : scalar) }
        if upper < scalars.count { view.append("…") }
        return String(view)
    }

    @Test func excerptIsTheScalarWindowOfTheRedactedText() {
        // Every white-space scalar `String.isSpace` knows, its neighbours that are not, and text of every UTF-8 length.
        let spaces: [Unicode.Scalar] = [
            " ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}",
            "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}",
        ]
        let others: [Unicode.Scalar] = [
            "a", "9", "\u{84}", "\u{86}", "\u{A1}", "\u{C5}", "\u{167F}", "\u{1681}", "\u{200B}", "\u{2027}", "\u{202A}",
            "\u{205E}", "\u{2060}", "\u{2FFF}", "\u{3001}", "保", "证", "\u{1F600}", "\u{E9}",
        ]
        var generator = SeededGenerator(seed: 7)
        for round in 0..<400 {
            let length = Int.random(in: 0...60, using: &generator)
            var view = String.UnicodeScalarView()
            for _ in 0..<length {
                view.append(
                    Bool.random(using: &generator)
                        ? spaces.randomElement(using: &generator)! : others.randomElement(using: &generator)!)
            }
            let text = String(view)
            let start = Int.random(in: 0...(length + 2), using: &generator)
            let hit = start..<start + Int.random(in: 0...5, using: &generator)
            let context = Int.random(in: 0...25, using: &generator)
            let expected = Self.scalarExcerpt(Redactor().redact(text), hit: hit, context: context)
            #expect(Redactor().excerpt(of: text, hit: hit, context: context) == expected, "round \(round)")
            #expect(redactor.excerpt(of: text, hit: hit, context: context) == expected, "round \(round), a redactor reused")
        }
        // Contact details are masked before the window is cut.
        let text = "您好 电话13812345678\u{3000}保证满意"
        #expect(redactor.excerpt(of: text, hit: 3..<5, context: 30) == Self.scalarExcerpt(redactor.redact(text), hit: 3..<5, context: 30))
    }

    /// The memo goes by bytes: a text spelled differently but canonically equal to one redacted before
    /// (é composed or not) gets its own redaction, byte for byte, not the other's.
    @Test func canonicallyEqualTextsAreRedactedEachAsWritten() {
        let composed = "电话13812345678，café", decomposed = "电话13812345678，cafe\u{301}"
        #expect(composed == decomposed)
        let first = redactor.redact(composed), second = redactor.redact(decomposed)
        #expect(Array(first.utf8) == Array(Redactor().redact(composed).utf8))
        #expect(Array(second.utf8) == Array(Redactor().redact(decomposed).utf8))
        #expect(Array(second.utf8) != Array(first.utf8))
        #expect(!second.contains("12345678"))
    }
}
