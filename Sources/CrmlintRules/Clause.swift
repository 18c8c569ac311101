import Foundation

/// Clause boundaries in normalised UTF-8 text.
enum Clause {
    /// The hit extended to the clause around it (or the sentence; nil: no
    /// boundaries), at most `limit` characters each side.
    static func window(around hit: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, limit: Int, sentence: Bool? = false) -> Range<Int> {
        func boundary(_ index: Int) -> Bool {
            guard let sentence else { return false }
            return sentence ? isSentenceEnd(buffer, at: index) : isDelimiter(buffer, at: index)
        }
        var lower = hit.lowerBound
        var steps = 0
        while lower > 0, steps < limit {
            var previous = lower - 1
            while previous > 0, buffer[previous] & 0xC0 == 0x80 { previous -= 1 }
            if boundary(previous) { break }
            lower = previous
            steps += 1
        }
        var upper = hit.upperBound
        steps = 0
        while upper < buffer.count, steps < limit, !boundary(upper) {
            upper += 1
            while upper < buffer.count, buffer[upper] & 0xC0 == 0x80 { upper += 1 }
            steps += 1
        }
        return lower..<upper
    }

    /// `，。！？；、` (after NFKC: `,` `!` `?` `;` stay ASCII) and line breaks.
    static func isDelimiter(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        switch buffer[index] {
        case 0x2C, 0x21, 0x3F, 0x3B, 0x0A, 0x0D: return true
        case 0xE3: // U+3001 、 and U+3002 。 are E3 80 81 / E3 80 82
            return index + 2 < buffer.count && buffer[index + 1] == 0x80 && (buffer[index + 2] == 0x81 || buffer[index + 2] == 0x82)
        default: return false
        }
    }

    /// `。！？` (`!` `?` after NFKC), `…` and line breaks.
    static func isSentenceEnd(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        switch buffer[index] {
        case 0x21, 0x3F, 0x0A, 0x0D: return true
        case 0xE3: return index + 2 < buffer.count && buffer[index + 1] == 0x80 && buffer[index + 2] == 0x82
        case 0xE2: return index + 2 < buffer.count && buffer[index + 1] == 0x80 && buffer[index + 2] == 0xA6
        default: return false
        }
    }
}
