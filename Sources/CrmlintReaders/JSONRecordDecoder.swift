/// Turns the bytes of one JSON value into a record's fields.
///
/// A strict RFC 8259 parser written for this: Foundation's decoders accept
/// what JSON forbids (trailing commas) and have no nesting limit, and an
/// export reader must reject the first and survive the second. Scalars become
/// their text (numbers exactly as written, `true`/`false`, null as empty);
/// nested arrays and objects keep their JSON source text.
enum JSONRecordDecoder {
    static let maxDepth = 256

    /// Fields of a JSON object in key order as written, or why it is not one.
    static func fields(from bytes: [UInt8]) -> Result<[(key: String, value: String)], DecodeFailure> {
        guard String(validUTF8: bytes) != nil else { return .failure(DecodeFailure("not valid UTF-8")) }
        var parser = Parser(bytes: bytes)
        do {
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: "{") else {
                try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                if parser.index != bytes.count { throw DecodeFailure("not valid JSON") }
                return .failure(DecodeFailure("not a JSON object"))
            }
            let members = try parser.parseTopObject()
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw DecodeFailure("not valid JSON (text after the object)") }
            return .success(members)
        } catch let failure as DecodeFailure {
            return .failure(failure)
        } catch {
            return .failure(DecodeFailure("not valid JSON"))
        }
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

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

        mutating func parseTopObject() throws -> [(key: String, value: String)] {
            try expect(UInt8(ascii: "{"))
            var members: [(key: String, value: String)] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return members }
            while true {
                skipWhitespace()
                let key = try parseString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let value = try valueText(depth: 1)
                if let existing = members.firstIndex(where: { $0.key == key }) {
                    members[existing].value = value
                } else {
                    members.append((key, value))
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return members
            }
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

        mutating func parseString() throws -> String {
            try expect(0x22)
            var out: [UInt8] = []
            while true {
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
