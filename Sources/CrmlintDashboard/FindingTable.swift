import CrmlintCore

/// The findings table as columns of indexes into one string table. With
/// 100,000 findings most values repeat (rule, rep, file, message), so this is
/// a fraction of the findings JSON, and the page filters and sorts integers.
/// -1 means "none"; `line` and `column` hold numbers, not indexes.
public struct FindingTable: Codable, Equatable, Sendable {
    public static let statuses = ["new", "open", "resolved"]

    public var strings: [String] = []
    public var count = 0
    public var rule: [Int] = []
    public var severity: [Int] = []
    public var category: [Int] = []
    /// "new" (not in the previous report), "open" (in it too, or only one
    /// report given), "resolved" (in the previous report only).
    public var status: [Int] = []
    public var rep: [Int] = []
    public var tier: [Int] = []
    public var customer: [Int] = []
    public var record: [Int] = []
    public var day: [Int] = []
    public var file: [Int] = []
    public var line: [Int] = []
    public var field: [Int] = []
    public var column: [Int] = []
    public var message: [Int] = []
    public var excerpt: [Int] = []

    init() {}

    /// The current findings (in report order), then those resolved since the previous report.
    init(current: [Finding], isNew: (Finding) -> Bool, hasPrevious: Bool, resolved: [Finding]) {
        var index: [String: Int] = [:]
        for finding in current { append(finding, status: isNew(finding) ? "new" : "open", index: &index) }
        if hasPrevious { for finding in resolved { append(finding, status: "resolved", index: &index) } }
    }

    /// The row's values as text, for tests and debugging.
    public func value(_ column: KeyPath<FindingTable, [Int]>, row: Int) -> String? {
        let id = self[keyPath: column][row]
        return id >= 0 ? strings[id] : nil
    }

    /// The id of a string in `strings`, adding it the first time.
    private mutating func intern(_ value: String?, _ index: inout [String: Int]) -> Int {
        guard let value else { return -1 }
        if let id = index[value] { return id }
        strings.append(value)
        index[value] = strings.count - 1
        return strings.count - 1
    }

    private mutating func append(_ finding: Finding, status: String, index: inout [String: Int]) {
        count += 1
        rule.append(intern(finding.rule, &index))
        severity.append(intern(finding.severity.rawValue, &index))
        category.append(intern(finding.category.rawValue, &index))
        self.status.append(intern(status, &index))
        rep.append(intern(finding.rep, &index))
        tier.append(intern(finding.tier, &index))
        customer.append(intern(finding.customerId, &index))
        record.append(intern(finding.recordId, &index))
        day.append(intern(finding.day, &index))
        file.append(intern(finding.file, &index))
        line.append(finding.line)
        field.append(intern(finding.field, &index))
        column.append(finding.column ?? -1)
        message.append(intern(finding.message, &index))
        excerpt.append(intern(finding.excerpt, &index))
    }

    /// The table as JSON, written directly: JSONEncoder spends seconds on
    /// 1.5 million integers (a quarter of the run with 100,000 findings, perf).
    /// Same keys as the Codable form.
    public func json() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(strings.reduce(0) { $0 + $1.utf8.count + 3 } + count * 60)
        out += Array("{\"count\":\(count),\"strings\":[".utf8)
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(string, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        let columns: [(String, [Int])] = [
            ("rule", rule), ("severity", severity), ("category", category), ("status", status), ("rep", rep), ("tier", tier),
            ("customer", customer), ("record", record), ("day", day), ("file", file), ("line", line), ("field", field),
            ("column", column), ("message", message), ("excerpt", excerpt),
        ]
        for (name, values) in columns {
            out += Array(",\"\(name)\":[".utf8)
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendInt(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// A JSON string literal: quote, backslash and control characters escaped
    /// (the page escapes `<`, `>`, `&` and line separators afterwards).
    static func appendString(_ string: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                out += Array("\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
