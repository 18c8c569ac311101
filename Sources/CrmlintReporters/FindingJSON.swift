import CrmlintCore

/// A finding as `JSONReporter.encoder()` writes it (sorted snake_case keys,
/// absent values left out, slashes unescaped), pretty at a depth or on one
/// line, written directly: encoding each finding through JSONEncoder was most
/// of the cost of writing a report with many findings (perf: a third of a
/// 100,000-finding scan). `FindingJSONTests` checks the bytes against
/// JSONEncoder's on random findings and every ASCII character.
enum FindingJSON {
    /// Pretty-printed, its lines after the first indented by `indent` (the object's depth in the document).
    static func pretty(_ finding: Finding, indent: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(finding, into: &out, indent: Array(indent.utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// On one line, as JSON Lines holds it.
    static func compact(_ finding: Finding) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        write(finding, into: &out, indent: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// `indent` nil: compact. Members go straight into `out` in the encoder's order (keys sorted
    /// as strings): gathering them into an array of key and value per finding first cost more than
    /// writing them.
    static func write(_ finding: Finding, into out: inout [UInt8], indent: [UInt8]?) {
        var object = ObjectWriter(into: &out, indent: indent)
        object.add("category", finding.category.rawValue, into: &out)
        object.add("cell", finding.cell, into: &out)
        object.add("column", finding.column, into: &out)
        object.add("customer_id", finding.customerId, into: &out)
        object.add("dataset", finding.dataset?.rawValue, into: &out)
        object.add("day", finding.day, into: &out)
        object.add("excerpt", finding.excerpt, into: &out)
        object.add("field", finding.field, into: &out)
        object.add("file", finding.file, into: &out)
        object.add("fingerprint", finding.fingerprint, into: &out)
        object.add("line", finding.line, into: &out)
        object.add("message", finding.message, into: &out)
        object.add("occurrences", finding.occurrences, into: &out)
        object.add("record_id", finding.recordId, into: &out)
        if let related = finding.related {
            object.key("related", into: &out)
            array(related, into: &out, indent: object.inner)
        }
        object.add("rep", finding.rep, into: &out)
        object.add("rule", finding.rule, into: &out)
        object.add("severity", finding.severity.rawValue, into: &out)
        object.add("sheet", finding.sheet, into: &out)
        object.add("tier", finding.tier, into: &out)
        object.end(into: &out)
    }

    /// One JSON object being written: its opening brace on creation, then members, then `end`. (Also writes
    /// SARIF results: `SARIFResultJSON`.)
    struct ObjectWriter {
        let indent: [UInt8]?
        /// The members' indent (nil: compact).
        let inner: [UInt8]?
        private var count = 0

        init(into out: inout [UInt8], indent: [UInt8]?) {
            self.indent = indent
            inner = indent.map { $0 + [0x20, 0x20] }
            out.append(UInt8(ascii: "{"))
        }

        /// A member's key and separator; its value is written next. Keys are literals that need no
        /// escaping: their bytes are copied as they are (escaping each, ~600 instructions a key, was a
        /// third of writing a finding).
        mutating func key(_ key: StaticString, into out: inout [UInt8]) {
            // Gathered on the stack and appended at once (an append per byte and for the indent, each checking
            // the array's uniqueness and capacity, was ~400 instructions a key).
            let inner = inner
            let first = count == 0
            count += 1
            let keyCount = key.utf8CodeUnitCount, innerCount = inner?.count ?? 0
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: keyCount + innerCount + 8) { buffer in
                var length = 0
                if !first {
                    buffer[length] = UInt8(ascii: ",")
                    length += 1
                }
                if let inner {
                    buffer[length] = 0x0A
                    length += 1
                    for byte in inner {
                        buffer[length] = byte
                        length += 1
                    }
                }
                buffer[length] = UInt8(ascii: "\"")
                length += 1
                for offset in 0..<keyCount {
                    buffer[length] = key.utf8Start[offset]
                    length += 1
                }
                buffer[length] = UInt8(ascii: "\"")
                length += 1
                if inner == nil {
                    buffer[length] = UInt8(ascii: ":")
                    length += 1
                } else {
                    buffer[length] = 0x20
                    buffer[length + 1] = UInt8(ascii: ":")
                    buffer[length + 2] = 0x20
                    length += 3
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<length]))
            }
        }

        /// A member's key that is not a literal (a dictionary's), escaped, and its separator; its value is written next.
        mutating func dynamicKey(_ key: String, into out: inout [UInt8]) {
            if count > 0 { out.append(UInt8(ascii: ",")) }
            count += 1
            if let inner {
                out.append(0x0A)
                out.append(contentsOf: inner)
            }
            FindingJSON.string(key, into: &out)
            out.append(contentsOf: inner == nil ? [UInt8(ascii: ":")] : [0x20, UInt8(ascii: ":"), 0x20])
        }

        /// A member with a string value; none when nil (the encoder leaves absent values out).
        mutating func add(_ name: StaticString, _ value: String?, into out: inout [UInt8]) {
            guard let value else { return }
            key(name, into: &out)
            FindingJSON.string(value, into: &out)
        }

        mutating func add(_ name: StaticString, _ value: Int?, into out: inout [UInt8]) {
            guard let value else { return }
            key(name, into: &out)
            FindingJSON.integer(value, into: &out)
        }

        func end(into out: inout [UInt8]) {
            if let indent {
                out.append(0x0A)
                out.append(contentsOf: indent)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func array(_ locations: [RelatedLocation], into out: inout [UInt8], indent: [UInt8]?) {
        list(locations.count, into: &out, indent: indent) { index, inner, out in
            let location = locations[index]
            var object = ObjectWriter(into: &out, indent: inner)
            object.add("file", location.file, into: &out)
            object.add("line", location.line, into: &out)
            object.add("note", location.note, into: &out)
            object.add("record_id", location.recordId, into: &out)
            object.end(into: &out)
        }
    }

    /// A list of `count` items, its opening bracket where the cursor is and its closing one at `indent` (nil:
    /// compact), each item written by `item` (its index, the items' indent) after its own line's indent. The encoder
    /// writes an empty list over two lines, the inner one empty. (Also SARIF's lists: `SARIFResultJSON`.)
    static func list(
        _ count: Int, into out: inout [UInt8], indent: [UInt8]?, item: (Int, [UInt8]?, inout [UInt8]) -> Void
    ) {
        let inner = indent.map { $0 + [0x20, 0x20] }
        out.append(UInt8(ascii: "["))
        if count == 0, inner != nil { out.append(0x0A) }
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let inner {
                out.append(0x0A)
                out.append(contentsOf: inner)
            }
            item(index, inner, &out)
        }
        if let indent {
            out.append(0x0A)
            out.append(contentsOf: indent)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// An integer's decimal digits, as `String(value)` writes them (without making the string).
    static func integer(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            repeat {
                digits[19 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0")
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// Quoted and escaped as the encoder does: `"` and `\`, the short forms of five control characters, `\u00XX`
    /// for the other control characters; everything else (`/`, DEL, non-ASCII) as it is.
    /// Bytes that need no escape are copied a run at a time: appending byte by byte (a capacity
    /// and uniqueness check each) cost ~1,000 instructions a string, most of writing a report.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = text
        copy.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                default:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
