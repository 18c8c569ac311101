/// Digits as people type them to third parties, for detection only.
///
/// Over normalised text (NFKC: full-width digits and punctuation are already
/// ASCII), ASCII digits and Chinese numerals (零 〇 一 … 九, 幺 for 1, 两 for 2)
/// each count as one digit, and a single separator between two digits (a
/// space, `,` `.` `-` `–` `—` `、`, optionally with a space either side) joins
/// them, so `一五二，六六七八，九零一二` is the run 15266789012. Every digit
/// keeps the normalised byte range it was read from, so a hit maps back
/// (through `NormalizedText.origins`) to exactly what was written. Separators
/// typed between Han characters are already gone after normalisation, so
/// `幺五八 幺幺零九` reads as one group.
public struct DigitView: Sendable {
    /// What joined a digit to the one before it.
    public enum Gap: UInt8, Sendable {
        case none = 0
        case space, comma, dot, dash, listComma
    }

    /// Digit values, 0–9.
    public private(set) var digits: [UInt8] = []
    /// Normalised byte offset where each digit's character starts.
    private var starts: [Int32] = []
    /// Per digit: 1 for an ASCII digit, 3 for a Chinese numeral (its UTF-8 length).
    private var widths: [UInt8] = []
    private var gapsBefore: [Gap] = []
    /// Maximal runs, as ranges of `digits` indices.
    public private(set) var runs: [Range<Int>] = []

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        var runStart = -1
        var pending = Gap.none
        while index < bytes.count {
            guard let (value, width) = Self.digit(bytes, at: index) else {
                index += 1
                continue
            }
            if runStart < 0 { runStart = digits.count }
            digits.append(value)
            starts.append(Int32(index))
            widths.append(UInt8(width))
            gapsBefore.append(pending)
            pending = .none
            index += width
            // A separator joins only when another digit follows it.
            if let (length, gap) = Self.gap(bytes, at: index), Self.digit(bytes, at: index + length) != nil {
                pending = gap
                index += length
            } else if Self.digit(bytes, at: index) == nil {
                runs.append(runStart..<digits.count)
                runStart = -1
            }
        }
        if runStart >= 0 { runs.append(runStart..<digits.count) }
    }

    /// Normalised bytes a range of digits was read from (first character to last, separators included).
    public func sourceRange(of range: Range<Int>) -> Range<Int> {
        guard let first = range.first, let last = range.last else { return 0..<0 }
        return Int(starts[first])..<(Int(starts[last]) + Int(widths[last]))
    }

    /// Normalised bytes of one digit's character (three for a Chinese numeral).
    public func sourceBytes(of index: Int) -> Range<Int> {
        Int(starts[index])..<(Int(starts[index]) + Int(widths[index]))
    }

    /// What joined digit `index` to the one before it (`.none` for the first of a run or glued digits).
    public func gap(before index: Int) -> Gap { gapsBefore[index] }

    /// Whether digit `index` was written as a Chinese numeral.
    public func isNumeral(_ index: Int) -> Bool { widths[index] > 1 }

    /// The groups of a range: maximal stretches without a gap, as digit index ranges.
    public func groups(in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        for index in range.dropFirst() where gapsBefore[index] != .none {
            result.append(start..<index)
            start = index
        }
        if start < range.upperBound { result.append(start..<range.upperBound) }
        return result
    }

    // MARK: reading bytes

    /// The digit at `index` (ASCII or a Chinese numeral) and its width in bytes.
    @inline(__always)
    static func digit(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt8, Int)? {
        guard index < bytes.count else { return nil }
        let lead = bytes[index]
        if lead &- 0x30 < 10 { return (lead - 0x30, 1) }
        // Every numeral is a three-byte sequence led by E3–E9.
        guard lead &- 0xE3 < 7, index + 2 < bytes.count else { return nil }
        let scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        guard let value = numeralValue(scalar) else { return nil }
        return (value, 3)
    }

    /// Value of a Chinese numeral used as a digit; nil for anything else.
    public static func numeralValue(_ scalar: UInt32) -> UInt8? {
        switch scalar {
        case 0x96F6, 0x3007: 0 // 零 〇
        case 0x4E00, 0x5E7A: 1 // 一 幺
        case 0x4E8C, 0x4E24: 2 // 二 两
        case 0x4E09: 3 // 三
        case 0x56DB: 4 // 四
        case 0x4E94: 5 // 五
        case 0x516D: 6 // 六
        case 0x4E03: 7 // 七
        case 0x516B: 8 // 八
        case 0x4E5D: 9 // 九
        default: nil
        }
    }

    /// A separator at `start`: one or two spaces, or one punctuation mark
    /// with at most one space either side. Returns its length in bytes and kind.
    @inline(__always)
    static func gap(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, Gap)? {
        var index = start
        var spaces = 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09, spaces < 2 {
            index += 1
            spaces += 1
        }
        if spaces <= 1, let (kind, width) = punctuation(bytes, at: index) {
            index += width
            if index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            return (index - start, kind)
        }
        return spaces > 0 ? (index - start, .space) : nil
    }

    @inline(__always)
    private static func punctuation(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Gap, Int)? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x2C: return (.comma, 1)
        case 0x2E: return (.dot, 1)
        case 0x2D: return (.dash, 1)
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0x93 || bytes[index + 2] == 0x94):
            return (.dash, 3) // – —
        case 0xE3 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x81:
            return (.listComma, 3) // 、
        default: return nil
        }
    }

    // MARK: prefilter

    /// Cheap, allocation-free look at a text before building a view: the
    /// number of ASCII digits, and the longest run that only a view reads —
    /// one with a Chinese numeral or a separator in it (a plain ASCII digit
    /// string is the precise patterns' job).
    public struct Profile: Sendable, Equatable {
        public var asciiDigits = 0
        /// Chinese numerals read as digits.
        public var numerals = 0
        public var longestTypedRun = 0
        /// `位` is in the text (前三位 … 后八位).
        public var hasPlaceLabel = false
        /// `区号` is in the text.
        public var hasAreaCodeLabel = false
        public init() {}
    }

    public static func profile(_ bytes: UnsafeBufferPointer<UInt8>) -> Profile {
        var profile = Profile()
        var run = 0
        var typed = false
        var index = 0
        while index < bytes.count {
            guard let (_, width) = digit(bytes, at: index) else {
                let lead = bytes[index]
                if lead == 0xE4, index + 2 < bytes.count, bytes[index + 1] == 0xBD, bytes[index + 2] == 0x8D {
                    profile.hasPlaceLabel = true // 位
                } else if lead == 0xE5, index + 5 < bytes.count, bytes[index + 1] == 0x8C, bytes[index + 2] == 0xBA,
                    bytes[index + 3] == 0xE5, bytes[index + 4] == 0x8F, bytes[index + 5] == 0xB7
                {
                    profile.hasAreaCodeLabel = true // 区号
                }
                // Past the whole character: digits, numerals and the labels start at a character, and stepping
                // through a Chinese character's continuation bytes one by one was a third of this loop.
                index += lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                continue
            }
            run += 1
            if width == 1 { profile.asciiDigits += 1 } else { profile.numerals += 1; typed = true }
            index += width
            if let (length, _) = gap(bytes, at: index), digit(bytes, at: index + length) != nil {
                typed = true
                index += length
            } else if digit(bytes, at: index) == nil {
                if typed, run > profile.longestTypedRun { profile.longestTypedRun = run }
                run = 0
                typed = false
            }
        }
        if typed, run > profile.longestTypedRun { profile.longestTypedRun = run }
        return profile
    }
}
