import CrmlintCore

/// CSV for spreadsheets: a UTF-8 byte order mark so Excel opens Chinese text
/// intact, RFC 4180 quoting, CRLF row ends, one finding per row.
public struct CSVReporter: Reporter {
    public static let formatName = "csv"
    public static let alsoWrittenAs: String? = "Also write CSV (UTF-8 with BOM, for Excel) here."
    public static let columns = [
        "file", "line", "column", "severity", "rule", "category", "message", "dataset", "record_id",
        "customer_id", "rep", "tier", "day", "field", "excerpt", "fingerprint",
    ]

    public init() {}
    public init(settings: ReportSettings) { self.init() }

    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        sink.write("\u{FEFF}" + Self.columns.joined(separator: ",") + "\r\n")
        try findings.forEachFinding { finding in
            let cells: [String?] = [
                finding.file, String(finding.line), finding.column.map(String.init), finding.severity.rawValue, finding.rule,
                finding.category.rawValue, finding.message, finding.dataset?.rawValue, finding.recordId, finding.customerId,
                finding.rep, finding.tier, finding.day, finding.field, finding.excerpt, finding.fingerprint,
            ]
            sink.write(cells.map { Self.cell($0 ?? "") }.joined(separator: ",") + "\r\n")
        }
    }

    /// Quotes when needed. Text that a spreadsheet would run as a formula
    /// (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`: excerpts come
    /// from customer data, and a report must not execute it (CSV injection).
    static func cell(_ value: String) -> String {
        isPlain(value) ? value : quotedIfNeeded(value)
    }

    /// Whether `cell` leaves `value` as it is, told from its bytes: no comma, quote or line break, ends that are
    /// printable ASCII or a CJK ideograph (`String.hasPlainEnds`: never white space), and no formula's start. Most
    /// values are; asking it of their characters (as `quotedIfNeeded` does of the ends) was 35 µs a finding.
    static func isPlain(_ value: String) -> Bool {
        value.withUTF8InPlace { bytes in
            guard String.hasPlainEnds(bytes) else { return false }
            let head = bytes[0]
            return head != UInt8(ascii: "=") && head != UInt8(ascii: "+") && head != UInt8(ascii: "-") && head != UInt8(ascii: "@")
                && !bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        }
    }

    /// `cell` for any value: the formula guard and white space at the ends read by character, the rest by byte.
    static func quotedIfNeeded(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Int(text) == nil {
            text = "'" + text
        }
        // Commas, quotes and line breaks found by their bytes, not as characters: a quote or comma followed by a
        // combining mark is a character that is neither, yet a spreadsheet reads the quote or comma all the same
        // (found so, such a value was left unquoted, and its quote undoubled, ending the cell early).
        guard
            text.hasUTF8Byte(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
                || text.first?.isWhitespace == true || text.last?.isWhitespace == true
        else { return text }
        var quoted: [UInt8] = [0x22]
        quoted.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            quoted.append(byte)
            if byte == 0x22 { quoted.append(0x22) }
        }
        quoted.append(0x22)
        return String(decoding: quoted, as: UTF8.self)
    }
}
