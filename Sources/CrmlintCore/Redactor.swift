import PatternEngine

/// Masks contact details in any text crmlint writes out (excerpts, messages).
/// Masking is one `*` per masked character, so offsets computed on the
/// original still hold on the redacted text. It over-masks on purpose: a
/// long digit run that is only an order number is masked too, because a
/// report must never carry an unmasked phone, ID or card number.
public final class Redactor: @unchecked Sendable {
    public static let shared = Redactor()

    // Digit runs of 7+ digits, allowing one separator between digits.
    private let digitRun = try! Pattern(#"[0-9０-９](?:[ \-.－—]?[0-9０-９]){6,}[Xx]?"#)
    // The local part of an e-mail address (ASCII or full-width @).
    private let emailLocal = try! Pattern(#"[A-Za-z0-9._%+\-]+(?=\s*[@＠]\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"#)
    // Messenger ids introduced by their name.
    private let messengerID = try! Pattern(#"(?i)(?:微信号?|微信號|v信|vx|wx|wechat|qq|扣扣)\s*(?:号|號)?\s*[:：是为為]?\s*([A-Za-z0-9_\-]{5,20})"#)

    public init() {}

    public func redact(_ text: String) -> String {
        guard text.utf8.count >= 5 else { return text }
        var scalars = Array(text.unicodeScalars)
        let utf8 = Array(text.utf8)
        // Scalar index of each UTF-8 byte, to turn match offsets into scalar offsets.
        var scalarAt = [Int](repeating: 0, count: utf8.count + 1)
        var scalarIndex = -1
        for (offset, byte) in utf8.enumerated() {
            if byte & 0xC0 != 0x80 { scalarIndex += 1 }
            scalarAt[offset] = scalarIndex
        }
        scalarAt[utf8.count] = scalars.count
        let scratch = MatchScratch()
        var masked = false

        func mask(_ byteRange: Range<Int>, keepFirst: Int, keepLast: Int, digitsOnly: Bool) {
            let range = scalarAt[byteRange.lowerBound]..<scalarAt[byteRange.upperBound]
            let positions = range.filter { !digitsOnly || Self.isDigitLike(scalars[$0]) }
            for (rank, position) in positions.enumerated() where rank >= keepFirst && rank < positions.count - keepLast {
                scalars[position] = "*"
                masked = true
            }
        }

        utf8.withUnsafeBufferPointer { buffer in
            for match in (try? digitRun.allMatches(in: buffer, scratch: scratch)) ?? [] {
                // Phones, IDs and cards keep their first 3 and last 4 digits; shorter runs their last 4.
                let digits = (scalarAt[match.range.lowerBound]..<scalarAt[match.range.upperBound])
                    .filter { Self.isDigitLike(scalars[$0]) }.count
                mask(match.range, keepFirst: digits >= 11 ? 3 : 0, keepLast: 4, digitsOnly: true)
            }
            for match in (try? emailLocal.allMatches(in: buffer, scratch: scratch)) ?? [] {
                mask(match.range, keepFirst: 0, keepLast: 0, digitsOnly: false)
            }
            for match in (try? messengerID.allMatches(in: buffer, scratch: scratch)) ?? [] {
                if let group = match.groups[1] { mask(group, keepFirst: 0, keepLast: 0, digitsOnly: false) }
            }
        }
        guard masked else { return text }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    static func isDigitLike(_ scalar: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(scalar.value) || (0xFF10...0xFF19).contains(scalar.value) || scalar == "X" || scalar == "x"
    }

    /// A redacted one-line excerpt around original scalars `hit`, with up to
    /// `context` characters either side.
    public func excerpt(of text: String, hit: Range<Int>, context: Int = 20) -> String {
        let redacted = Array(redact(text).unicodeScalars)
        let lower = max(0, min(hit.lowerBound, redacted.count) - context)
        let upper = min(redacted.count, max(hit.upperBound, lower) + context)
        var view = String.UnicodeScalarView()
        if lower > 0 { view.append("…") }
        for scalar in redacted[lower..<upper] {
            view.append(scalar.properties.isWhitespace ? " " : scalar)
        }
        if upper < redacted.count { view.append("…") }
        return String(view)
    }
}
