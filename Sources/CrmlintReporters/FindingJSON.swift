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

    private enum Value {
        case string(String)
        case integer(Int)
        case related([RelatedLocation])
    }

    /// `indent` nil: compact.
    private static func write(_ finding: Finding, into out: inout [UInt8], indent: [UInt8]?) {
        // In the encoder's order: keys sorted as strings.
        var members: [(String, Value)] = [("category", .string(finding.category.rawValue))]
        func add(_ key: String, _ value: String?) { if let value { members.append((key, .string(value))) } }
        func add(_ key: String, _ value: Int?) { if let value { members.append((key, .integer(value))) } }
        add("cell", finding.cell)
        add("column", finding.column)
        add("customer_id", finding.customerId)
        add("dataset", finding.dataset?.rawValue)
        add("day", finding.day)
        add("excerpt", finding.excerpt)
        add("field", finding.field)
        add("file", finding.file)
        add("fingerprint", finding.fingerprint)
        add("line", finding.line)
        add("message", finding.message)
        add("occurrences", finding.occurrences)
        add("record_id", finding.recordId)
        if let related = finding.related { members.append(("related", .related(related))) }
        add("rep", finding.rep)
        add("rule", finding.rule)
        add("severity", finding.severity.rawValue)
        add("sheet", finding.sheet)
        add("tier", finding.tier)
        object(members, into: &out, indent: indent)
    }

    private static func object(_ members: [(String, Value)], into out: inout [UInt8], indent: [UInt8]?) {
        let inner = indent.map { $0 + [0x20, 0x20] }
        out.append(UInt8(ascii: "{"))
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let inner {
                out.append(0x0A)
                out.append(contentsOf: inner)
            }
            string(key, into: &out)
            out.append(contentsOf: inner == nil ? [UInt8(ascii: ":")] : Array(" : ".utf8))
            switch value {
            case let .string(text): string(text, into: &out)
            case let .integer(number): out.append(contentsOf: String(number).utf8)
            case let .related(locations): array(locations, into: &out, indent: inner)
            }
        }
        if let indent {
            out.append(0x0A)
            out.append(contentsOf: indent)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func array(_ locations: [RelatedLocation], into out: inout [UInt8], indent: [UInt8]?) {
        let inner = indent.map { $0 + [0x20, 0x20] }
        out.append(UInt8(ascii: "["))
        // The encoder writes an empty list over two lines, the inner one empty.
        if locations.isEmpty, inner != nil { out.append(0x0A) }
        for (index, location) in locations.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let inner {
                out.append(0x0A)
                out.append(contentsOf: inner)
            }
            var members: [(String, Value)] = [("file", .string(location.file)), ("line", .integer(location.line))]
            if let note = location.note { members.append(("note", .string(note))) }
            if let record = location.recordId { members.append(("record_id", .string(record))) }
            object(members, into: &out, indent: inner)
        }
        if let indent {
            out.append(0x0A)
            out.append(contentsOf: indent)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Quoted and escaped as the encoder does: `"` and `\`, the short forms of five control characters, `\u00XX`
    /// for the other control characters; everything else (`/`, DEL, non-ASCII) as it is.
    /// Bytes that need no escape are copied a run at a time: appending byte by byte (a capacity
    /// and uniqueness check each) cost ~1,000 instructions a string, most of writing a report.
    private static func string(_ text: String, into out: inout [UInt8]) {
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
