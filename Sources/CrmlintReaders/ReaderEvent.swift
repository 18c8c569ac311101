import CrmlintCore

/// One record as read: its 1-based start line and its fields in file order,
/// keyed by the header (CSV) or key (JSON) as written.
public struct RawRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [(key: String, value: String)]

    public init(line: Int, fields: [(key: String, value: String)]) {
        self.line = line
        self.fields = fields
    }

    public static func == (lhs: RawRecord, rhs: RawRecord) -> Bool {
        lhs.line == rhs.line && lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }
}

/// A record that could not be read: where it starts and why, in words a
/// person understands. Never carries the record's content (it may hold
/// contact details).
public struct InputProblem: Error, Sendable, Equatable {
    public let line: Int
    public let reason: String
    /// How many records the problem stands for, so that a scan's counts add
    /// up: 1 for a row that could not be read, 0 for a note about the file
    /// (a duplicate header name, a repeated header row), more for the rows
    /// after a header that could not be read.
    public let records: Int

    public init(line: Int, reason: String, records: Int = 1) {
        self.line = line
        self.reason = reason
        self.records = records
    }
}

public enum ReaderEvent: Sendable, Equatable {
    case record(RawRecord)
    case problem(InputProblem)
}

/// A streaming source of records from one input.
public protocol RecordReader: AnyObject {
    /// The next record or problem; nil at the end of the input.
    func next() -> ReaderEvent?
    /// The text encoding in use (after detection).
    var encoding: TextEncoding { get }
    /// The header row as written, once read (nil: not read yet, or a format without one).
    var headerNames: [String]? { get }
}

extension RecordReader {
    public var headerNames: [String]? { nil }
}

public enum InputFormat: String, Sendable, CaseIterable {
    case csv, jsonl, json, xlsx

    /// The format a file name implies, or nil for an unknown type.
    public static func from(path: String) -> InputFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        return nil
    }
}

/// Opens the right reader for a format.
public enum ReaderFactory {
    public static func open(_ source: ByteSource, format: InputFormat, encoding: TextEncoding?, delimiter: UInt8? = nil) -> RecordReader {
        switch format {
        case .csv: CSVReader(source: source, encoding: encoding, delimiter: delimiter)
        case .jsonl: JSONLinesReader(source: source)
        case .json: JSONArrayReader(source: source)
        // A workbook from bytes (stdin, fuzzing) is read whole, every sheet in turn; the engine opens files by path.
        case .xlsx: XLSXReader(source: source)
        }
    }
}
