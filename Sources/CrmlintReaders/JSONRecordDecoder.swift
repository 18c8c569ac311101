import CByteScan
import CrmlintCore
import Foundation

/// Turns the bytes of one JSON value into a record's fields.
///
/// A strict RFC 8259 parser written for this: Foundation's decoders accept
/// what JSON forbids (trailing commas) and have no nesting limit, and an
/// export reader must reject the first and survive the second. Scalars become
/// their text (numbers exactly as written, `true`/`false`, null as empty);
/// nested arrays and objects keep their JSON source text.
enum JSONRecordDecoder {
    static let maxDepth = 256

    /// The keys (in the order first written) and values of a JSON object, or why it is not one. `keys`
    /// remembers the last object's keys: an object whose keys are written as the last one's were gets the
    /// same keys array (so a file's records share one, as a CSV file's rows do) without making or comparing
    /// its keys again.
    static func fields(
        from bytes: UnsafeBufferPointer<UInt8>, keys: KeyMemory
    ) -> Result<(keys: [String], values: [String]), DecodeFailure> {
        guard UTF8Validation.isValid(bytes) else { return .failure(DecodeFailure("not valid UTF-8")) }
        var parser = Parser(bytes: bytes)
        do {
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: "{") else {
                try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                if parser.index != bytes.count { throw DecodeFailure("not valid JSON") }
                return .failure(DecodeFailure("not a JSON object"))
            }
            let members = try parser.parseTopObject(keys: keys)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw DecodeFailure("not valid JSON (text after the object)") }
            return .success(members)
        } catch let failure as DecodeFailure {
            return .failure(failure)
        } catch {
            return .failure(DecodeFailure("not valid JSON"))
        }
    }

    /// The last object's keys: each as written (nil when it held an escape), the keys with later
    /// duplicates folded into the first, and where each written key's value goes among them.
    final class KeyMemory {
        var written: [[UInt8]?] = []
        var keys: [String] = []
        var places: [Int] = []
        /// No key written twice: `places` is 0, 1, 2 …
        var inOrder = true
        /// The last object's values as written, in the order of its keys.
        var values: [String] = []

        /// The first `count` keys as written, as text (each was written without an escape: `written` holds it),
        /// and as written: an object whose first `count` keys were read by place (as this object's) takes these.
        func keysByPlace(_ count: Int) -> (keys: [String], written: [[UInt8]?]) {
            let keys = (0..<count).map { place in written[place]!.withUnsafeBufferPointer(String.init(checkedUTF8:)) }
            return (keys, Array(written[0..<count]))
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard peek() == byte else { throw DecodeFailure("not valid JSON") }
            index += 1
        }

        mutating func parseTopObject(keys memory: KeyMemory) throws -> (keys: [String], values: [String]) {
            try expect(UInt8(ascii: "{"))
            var written: [[UInt8]?] = []
            // Made only when a key is not written as the last object's was (`asBefore`); until then, counted.
            var keys: [String] = []
            var keyCount = 0
            var values: [String] = []
            // Room for as many members as the last object had: grown from empty, the arrays of keys and values
            // were reallocated ten times an object of nine members (7 % of a JSON Lines scan's instructions).
            values.reserveCapacity(memory.written.count)
            // Every key so far written as the last object's was, at the same place.
            var asBefore = true
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    let position = keyCount
                    keyCount += 1
                    let plain = plainString()
                    if asBefore, let plain, position < memory.written.count, let before = memory.written[position],
                        plain.count == before.count,
                        plain.isEmpty
                            || before.withUnsafeBufferPointer({
                                memcmp($0.baseAddress!, bytes.baseAddress! + plain.lowerBound, plain.count) == 0
                            })
                    {
                        // The same bytes make the same key.
                        index = plain.upperBound + 1
                    } else {
                        if asBefore {
                            asBefore = false
                            // The keys read by place so far are the last object's.
                            (keys, written) = memory.keysByPlace(position)
                        }
                        if let plain {
                            keys.append(take(plain))
                            written.append(Array(bytes[plain]))
                        } else {
                            keys.append(try parseString())
                            written.append(nil)
                        }
                    }
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    // A long string (past a small string: an allocation of its own) with the bytes of the last
                    // object's value at this place is that string again (`CSVReader.previousValues`).
                    if let plain = plainString() {
                        if plain.count > String.smallStringBytes, position < memory.values.count,
                            memory.values[position].hasBytes(UnsafeBufferPointer(rebasing: bytes[plain]))
                        {
                            values.append(memory.values[position])
                            index = plain.upperBound + 1
                        } else {
                            values.append(take(plain))
                        }
                    } else {
                        values.append(try valueText(depth: 1))
                    }
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    break
                }
            }
            memory.values = values
            if asBefore && keyCount == memory.written.count {
                // Keys written as the last object's: its keys, and its values' places among them.
                if memory.inOrder { return (memory.keys, values) }
                var folded = [String](repeating: "", count: memory.keys.count)
                for (position, value) in values.enumerated() { folded[memory.places[position]] = value }
                return (memory.keys, folded)
            }
            if asBefore {
                // Fewer keys than the last object's: the ones read by place are its.
                (keys, written) = memory.keysByPlace(keyCount)
            }
            // A key written again replaces the value of the first (the last value wins).
            var unique: [String] = []
            var uniqueValues: [String] = []
            var places: [Int] = []
            for (key, value) in zip(keys, values) {
                if let existing = unique.firstIndex(where: { $0 == key }) {
                    uniqueValues[existing] = value
                    places.append(existing)
                } else {
                    places.append(unique.count)
                    unique.append(key)
                    uniqueValues.append(value)
                }
            }
            memory.written = written
            memory.keys = unique
            memory.places = places
            memory.inOrder = unique.count == keys.count
            return (unique, uniqueValues)
        }

        /// The bytes of the string starting at `index` (its opening quote) when it holds no escape and no
        /// control character, up to its closing quote (not consumed); nil otherwise.
        @inline(__always) func plainString() -> Range<Int>? {
            guard index < bytes.count, bytes[index] == 0x22 else { return nil }
            let end = plainRunEnd(from: index + 1)
            return end < bytes.count && bytes[end] == 0x22 ? index + 1..<end : nil
        }

        /// Where the run of a string's plain bytes from `start` ends: at the first quote, backslash or control
        /// character, or at the end of the bytes. Sixteen bytes a step (`crmlint_json_string_stops16`): byte by
        /// byte, the strings' bytes were ~7 instructions each, a tenth of a JSON Lines scan.
        @inline(__always) func plainRunEnd(from start: Int) -> Int {
            var end = start
            while end &+ 16 <= bytes.count {
                let stops = crmlint_json_string_stops16(bytes.baseAddress! + end)
                if stops != 0 { return end &+ stops.trailingZeroBitCount }
                end &+= 16
            }
            while end < bytes.count, bytes[end] != 0x22, bytes[end] != 0x5C, bytes[end] >= 0x20 { end += 1 }
            return end
        }

        /// A member value as field text.
        mutating func valueText(depth: Int) throws -> String {
            switch peek() {
            case UInt8(ascii: "\""): return try parseString()
            case UInt8(ascii: "n"): try literal("null"); return ""
            case UInt8(ascii: "t"): try literal("true"); return "true"
            case UInt8(ascii: "f"): try literal("false"); return "false"
            default:
                let start = index
                try parseValue(depth: depth)
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try expect(byte) }
        }

        mutating func parseValue(depth: Int) throws {
            guard depth < JSONRecordDecoder.maxDepth else { throw DecodeFailure("nested deeper than \(JSONRecordDecoder.maxDepth) levels") }
            switch peek() {
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { index += 1; return }
                while true {
                    skipWhitespace()
                    _ = try parseString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    try parseValue(depth: depth + 1)
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { index += 1; return }
                while true {
                    skipWhitespace()
                    try parseValue(depth: depth + 1)
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            case UInt8(ascii: "\""): _ = try parseString()
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            default: try parseNumber()
            }
        }

        mutating func parseNumber() throws {
            func digits() -> Int {
                let start = index
                while let byte = peek(), byte >= 0x30, byte <= 0x39 { index += 1 }
                return index - start
            }
            if peek() == UInt8(ascii: "-") { index += 1 }
            if peek() == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { throw DecodeFailure("not valid JSON") }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw DecodeFailure("not valid JSON") }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw DecodeFailure("not valid JSON") }
            }
        }

        /// The text of the string whose bytes are `plain` (`plainString()`), and `index` past its closing quote.
        /// Its bytes are valid UTF-8 (the whole value was checked, and quotes are ASCII) and are copied at once
        /// (appending byte by byte to an array, then checking it as UTF-8 again, was most of reading a JSON line).
        mutating func take(_ plain: Range<Int>) -> String {
            index = plain.upperBound + 1
            return String(checkedUTF8: UnsafeBufferPointer(rebasing: bytes[plain]))
        }

        mutating func parseString() throws -> String {
            // Most strings: no escape, no control character.
            if let plain = plainString() { return take(plain) }
            try expect(0x22)
            var out: [UInt8] = []
            while true {
                // The plain run up to the next quote, backslash or control character, copied at once (a byte at a
                // time, a message with a quote or a line break in it cost ~10,000 instructions).
                let end = plainRunEnd(from: index)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
                guard let byte = peek() else { throw DecodeFailure("not valid JSON (unterminated string)") }
                index += 1
                switch byte {
                case 0x22:
                    return String(decoding: out, as: UTF8.self)
                case 0x5C:
                    guard let escape = peek() else { throw DecodeFailure("not valid JSON") }
                    index += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar), peek() == 0x5C, index + 1 < bytes.count,
                            bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let save = index
                            index += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                            }
                        }
                        // Lone surrogates cannot be text; keep a visible replacement.
                        let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(Character(value)).utf8))
                    default:
                        throw DecodeFailure("not valid JSON (bad escape)")
                    }
                case 0x00..<0x20:
                    throw DecodeFailure("not valid JSON (control character in string)")
                default:
                    out.append(byte)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw DecodeFailure("not valid JSON") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                index += 1
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw DecodeFailure("not valid JSON (bad \\u escape)")
                }
                value = value * 16 + digit
            }
            return value
        }
    }
}

struct DecodeFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
