import Testing

@testable import CrmlintCore

/// The digit view over normalised text, and its map back to what was written.
@Suite struct DigitViewTests {
    /// The view of `text` after normalisation, with the normalised text.
    private func view(_ text: String) -> (DigitView, NormalizedText) {
        let normalized = TextNormalizer().normalize(text)
        return (normalized.bytes.withUnsafeBufferPointer { DigitView($0) }, normalized)
    }

    /// The digits of each run, as text.
    private func runs(_ text: String) -> [String] {
        let (view, _) = view(text)
        return view.runs.map { run in run.map { String(view.digits[$0]) }.joined() }
    }

    /// What each digit of the view was read from in the original text.
    private func sources(_ text: String) -> [String] {
        let (view, normalized) = view(text)
        let scalars = Array(text.unicodeScalars)
        return view.digits.indices.map { index in
            let original = normalized.originalScalarRange(of: view.sourceBytes(of: index))
            return String(String.UnicodeScalarView(scalars[original]))
        }
    }

    @Test func chineseNumeralsAndFullWidthDigitsAreDigits() {
        #expect(runs("一三九零一二三四五六七") == ["13901234567"])
        #expect(runs("幺五八两〇") == ["15820"])
        #expect(runs("１３８ １２３４ ５６７８") == ["13812345678"])
        #expect(runs("138 一二三四 5678") == ["13812345678"])
        #expect(runs("十一万二千三百") == ["1", "2", "3"]) // 十 万 千 百 are not digits: prices stay apart
    }

    @Test func singleSeparatorsJoinDigits() {
        #expect(runs("一五二，六六七八，九零一二") == ["15266789012"])
        #expect(runs("1 5 8 0 2") == ["15802"])
        #expect(runs("152, 6678、9012") == ["15266789012"])
        #expect(runs("152 - 6678 — 9012") == ["15266789012"])
        #expect(runs("1.2.3.4") == ["1234"])
        #expect(runs("138  1234") == ["1381234"]) // two spaces
        #expect(runs("138   1234") == ["138", "1234"]) // three: apart
        #expect(runs("138,,1234") == ["138", "1234"]) // two marks: apart
        #expect(runs("138。1234") == ["138", "1234"]) // a full stop ends a sentence
        #expect(runs("138*1234") == ["138", "1234"]) // a mask is no separator
        #expect(runs("一三九****四五六七") == ["139", "4567"]) // kept by the normaliser between numerals
        #expect(runs("12:30") == ["12", "30"])
    }

    @Test func gapsAndGroupsAreRecorded() {
        let (view, _) = view("一五二，六六七八 9012、3")
        #expect(view.runs.count == 1)
        #expect(view.gap(before: 0) == .none)
        #expect(view.gap(before: 1) == .none)
        #expect(view.gap(before: 3) == .comma)
        #expect(view.gap(before: 7) == .space)
        #expect(view.gap(before: 11) == .listComma)
        #expect(view.groups(in: view.runs[0]) == [0..<3, 3..<7, 7..<11, 11..<12])
        #expect(view.isNumeral(0) && !view.isNumeral(11))
    }

    @Test func everyDigitMapsBackToWhatWasWritten() {
        #expect(sources("电话：一三九 零一二三，四五六七") == ["一", "三", "九", "零", "一", "二", "三", "四", "五", "六", "七"])
        #expect(sources("１３８-一二三四-5678") == ["１", "３", "８", "一", "二", "三", "四", "5", "6", "7", "8"])
        // Multi-byte and dropped characters before the number do not shift the map.
        for prefix in ["", "客户", "𠀀𠀁", "\u{200B}", "ＡＢＣ：", "e\u{301}", "電話"] {
            let text = prefix + "幺五八 幺幺零九"
            #expect(sources(text) == ["幺", "五", "八", "幺", "幺", "零", "九"], "prefix \(prefix)")
        }
    }

    @Test func sourceRangesCoverSeparatorsBetweenTheirDigits() {
        let text = "号码：152，6678，9012。"
        let (view, normalized) = view(text)
        let scalars = Array(text.unicodeScalars)
        let original = normalized.originalScalarRange(of: view.sourceRange(of: view.runs[0]))
        #expect(String(String.UnicodeScalarView(scalars[original])) == "152，6678，9012")
        let middle = normalized.originalScalarRange(of: view.sourceRange(of: 3..<7))
        #expect(String(String.UnicodeScalarView(scalars[middle])) == "6678")
        #expect(view.sourceRange(of: 0..<0) == 0..<0)
    }

    @Test func profileIsACheapSummary() {
        func profile(_ text: String) -> DigitView.Profile {
            TextNormalizer().normalize(text).bytes.withUnsafeBufferPointer { DigitView.profile($0) }
        }
        #expect(profile("报价120万，交期3月15日").longestTypedRun == 0) // plain digits only
        #expect(profile("13812345678").asciiDigits == 11)
        #expect(profile("13812345678").longestTypedRun == 0)
        #expect(profile("138 1234 5678").longestTypedRun == 11)
        let spoken = profile("一三九零一二三四五六七")
        #expect(spoken.numerals == 11 && spoken.asciiDigits == 0 && spoken.longestTypedRun == 11)
        #expect(profile("前三位137，后八位").hasPlaceLabel)
        #expect(profile("区号0571").hasAreaCodeLabel)
        #expect(!profile("区域0571").hasAreaCodeLabel)
        // The profile agrees with the view on what a run is.
        for text in ["一五二，六六七八，九零一二", "1 5 8 0 2 7 7 3 6 1 9", "138,,1234", "一三九****四五六七", "12:30 13 14"] {
            let (view, _) = view(text)
            let typed = view.runs.filter { run in
                run.contains { view.isNumeral($0) || ($0 != run.lowerBound && view.gap(before: $0) != .none) }
            }
            #expect(profile(text).longestTypedRun == (typed.map(\.count).max() ?? 0), "\(text)")
        }
    }

    /// `profile` steps over a whole character that is no digit; the same summary as visiting every byte
    /// (the definition, written out below), on random texts of digits, numerals, separators, the labels,
    /// Chinese, two- and four-byte characters.
    @Test func profileReadsWholeCharactersAsByteByByte() {
        func byteByByte(_ bytes: UnsafeBufferPointer<UInt8>) -> DigitView.Profile {
            var profile = DigitView.Profile()
            var run = 0, typed = false, index = 0
            while index < bytes.count {
                guard let (_, width) = DigitView.digit(bytes, at: index) else {
                    if bytes[index...].starts(with: Array("位".utf8)) { profile.hasPlaceLabel = true }
                    if bytes[index...].starts(with: Array("区号".utf8)) { profile.hasAreaCodeLabel = true }
                    index += 1
                    continue
                }
                run += 1
                if width == 1 { profile.asciiDigits += 1 } else { profile.numerals += 1; typed = true }
                index += width
                if let (length, _) = DigitView.gap(bytes, at: index), DigitView.digit(bytes, at: index + length) != nil {
                    typed = true
                    index += length
                } else if DigitView.digit(bytes, at: index) == nil {
                    if typed, run > profile.longestTypedRun { profile.longestTypedRun = run }
                    run = 0
                    typed = false
                }
            }
            if typed, run > profile.longestTypedRun { profile.longestTypedRun = run }
            return profile
        }
        let pieces = [
            "1", "3", "8", "0", "一", "二", "三", "零", "〇", "两", "幺", "九", "位", "区号", "区", "号", " ", "  ", "-", "·", "、",
            "，", ",", "手机", "电话", "前三位", "后八位", "é", "😀", "a", "B", "\n", "：",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                #expect(DigitView.profile(buffer) == byteByByte(buffer), "'\(text)'")
            }
        }
    }
}
