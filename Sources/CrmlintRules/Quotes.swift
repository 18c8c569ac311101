import Foundation

/// Is a hit inside quotation marks on its line?
enum Quotes {
    private static let pairs: [(open: [UInt8], close: [UInt8])] = [
        (Array("“".utf8), Array("”".utf8)), (Array("「".utf8), Array("」".utf8)),
        (Array("『".utf8), Array("』".utf8)), (Array("‘".utf8), Array("’".utf8)),
        (Array("《".utf8), Array("》".utf8)),
    ]

    static func encloses(_ hit: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let lineStart = (buffer[..<hit.lowerBound].lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0
        let lineEnd = buffer[hit.upperBound...].firstIndex(of: 0x0A) ?? buffer.count
        let before = Array(buffer[lineStart..<hit.lowerBound])
        let after = Array(buffer[hit.upperBound..<lineEnd])
        for pair in pairs {
            let lastOpen = lastIndex(of: pair.open, in: before)
            let lastClose = lastIndex(of: pair.close, in: before)
            if let open = lastOpen, lastClose.map({ $0 < open }) ?? true,
                let close = firstIndex(of: pair.close, in: after),
                firstIndex(of: pair.open, in: after).map({ $0 > close }) ?? true
            {
                return true
            }
        }
        // Straight double quotes: an odd number before the hit and one after.
        let straightBefore = before.filter { $0 == 0x22 }.count
        return straightBefore % 2 == 1 && after.contains(0x22)
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
