import CrmlintCore

/// Streaming RFC 4180 CSV reader over bytes: quoted delimiters, doubled
/// quotes, newlines inside quotes, CRLF/LF/CR, UTF-8 with or without BOM and
/// GB18030. Written by hand rather than with SwiftCSV or CSV.swift because
/// both stop at the first malformed row, and crmlint must turn each bad row
/// into an input-error with its line and go on, decode GB18030 field by field,
/// and count physical lines for `file:line` messages.
///
/// Byte-level parsing is safe for GB18030: its trail bytes are never below
/// 0x30, so `,` `"` CR and LF always stand for themselves.
public final class CSVReader: RecordReader {
    public let encoding: TextEncoding
    private let source: ByteSource
    private var delimiter: UInt8
    private var header: [String]?
    private var line = 1
    private var headerFailed = false
    /// Fields above this size make the row an input error (the bytes are
    /// skipped, not kept), so one runaway field cannot exhaust memory.
    public var maxFieldBytes = 32 << 20

    private static let quote: UInt8 = 0x22, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D

    public init(source: ByteSource, encoding: TextEncoding?, delimiter: UInt8? = nil) {
        self.source = source
        let sample = Array(source.lookahead().prefix(64 << 10))
        var body = sample[...]
        var detected = encoding
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) {
            detected = detected ?? .utf8
            if detected == .utf8 { for _ in 0..<3 { _ = source.next() } }
            body = sample.dropFirst(3)
        }
        self.encoding = detected ?? TextEncoding.sniff(Array(body))
        if let delimiter {
            self.delimiter = delimiter
        } else {
            let firstLine = body.prefix { $0 != Self.lineFeed }
            let commas = firstLine.filter { $0 == 0x2C }.count, tabs = firstLine.filter { $0 == 0x09 }.count
            self.delimiter = tabs > commas ? 0x09 : 0x2C
        }
    }

    public func next() -> ReaderEvent? {
        while true {
            guard let row = parseRow() else { return nil }
            if let problem = row.problem { return .problem(problem) }
            if row.fields.count == 1, row.fields[0].isEmpty { continue }   // blank line
            guard let header else {
                if headerFailed { return nil }
                var names: [String] = []
                for field in row.fields {
                    guard let name = encoding.decode(field) else {
                        headerFailed = true
                        return .problem(InputProblem(line: row.line, reason: "header is not valid \(encoding.rawValue) text (set --encoding)"))
                    }
                    names.append(name)
                }
                self.header = names
                continue
            }
            if row.fields.count != header.count {
                return .problem(InputProblem(line: row.line, reason: "row has \(row.fields.count) fields but the header has \(header.count)"))
            }
            var fields: [(key: String, value: String)] = []
            fields.reserveCapacity(header.count)
            for (index, bytes) in row.fields.enumerated() {
                if bytes.contains(0) {
                    return .problem(InputProblem(line: row.line, reason: "field '\(header[index])' contains a NUL byte"))
                }
                guard let value = encoding.decode(bytes) else {
                    let hint = encoding == .utf8 ? " (the file may be GB18030: try --encoding gb18030)" : ""
                    return .problem(InputProblem(line: row.line, reason: "field '\(header[index])' is not valid \(encoding.rawValue) text\(hint)"))
                }
                fields.append((header[index], value))
            }
            return .record(RawRecord(line: row.line, fields: fields))
        }
    }

    /// The header as read (after the first call to `next`).
    public var headerNames: [String]? { header }

    private struct Row {
        var line: Int
        var fields: [[UInt8]]
        var problem: InputProblem?
    }

    private func parseRow() -> Row? {
        guard source.peek() != nil else { return nil }
        let startLine = line
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quoteLine = startLine
        var oversized = false

        @inline(__always) func append(_ byte: UInt8) {
            if field.count < maxFieldBytes { field.append(byte) } else { oversized = true }
        }

        while let byte = source.next() {
            if inQuotes {
                switch byte {
                case Self.quote:
                    if source.peek() == Self.quote {
                        _ = source.next()
                        append(Self.quote)
                    } else {
                        inQuotes = false
                    }
                case Self.lineFeed:
                    line += 1
                    append(byte)
                case Self.carriageReturn:
                    if source.peek() != Self.lineFeed { line += 1 }
                    append(byte)
                default:
                    append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                fields.append(field)
                field = []
            case Self.lineFeed, Self.carriageReturn:
                if byte == Self.carriageReturn, source.peek() == Self.lineFeed { _ = source.next() }
                line += 1
                fields.append(field)
                return finish(Row(line: startLine, fields: fields), oversized: oversized)
            case Self.quote where field.isEmpty:
                inQuotes = true
                quoteLine = line
            default:
                // A quote inside an unquoted field is kept as text, as Excel does.
                append(byte)
            }
        }
        if inQuotes {
            return Row(line: startLine, fields: [], problem: InputProblem(
                line: startLine, reason: "unterminated quoted field (opened on line \(quoteLine)) runs to the end of the file"))
        }
        if let error = source.readError {
            return Row(line: startLine, fields: [], problem: InputProblem(line: startLine, reason: "read failed: \(error)"))
        }
        fields.append(field)
        return finish(Row(line: startLine, fields: fields), oversized: oversized)
    }

    private func finish(_ row: Row, oversized: Bool) -> Row {
        guard oversized else { return row }
        return Row(line: row.line, fields: [], problem: InputProblem(
            line: row.line, reason: "a field is larger than \(maxFieldBytes >> 20) MiB"))
    }
}
