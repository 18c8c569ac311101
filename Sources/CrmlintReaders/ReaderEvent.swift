import CrmlintCore

/// One record as read: its 1-based start line and its fields in file order,
/// keyed by the header (CSV) or key (JSON) as written.
public struct RawRecord: Sendable, Equatable {
    public let line: Int
    /// The headers, in column order: one array a file's rows share (a reader hands the same array
    /// with every row, so nothing is copied or counted per header and row).
    public let keys: [String]
    /// The values, one per header.
    public let values: [String]

    public init(line: Int, keys: [String], values: [String]) {
        precondition(keys.count == values.count, "one value per header")
        self.line = line
        self.keys = keys
        self.values = values
    }

    public init(line: Int, fields: [(key: String, value: String)]) {
        self.init(line: line, keys: fields.map(\.key), values: fields.map(\.value))
    }

    /// Header and value pairs, in column order.
    public var fields: [(key: String, value: String)] { Array(zip(keys, values)) }

    public static func == (lhs: RawRecord, rhs: RawRecord) -> Bool {
        lhs.line == rhs.line && lhs.keys == rhs.keys && lhs.values == rhs.values
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

/// An input format: its name (`format:` in crmlint.yml), the file endings
/// that imply it, and how to open a reader on it. A new reader is its own
/// file, with an `extension InputFormat { static let … }` beside it, plus
/// one line in `all`.
public struct InputFormat: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// Lower-case file endings, with the dot.
    public let extensions: [String]
    private let makeReader: @Sendable (ByteSource, TextEncoding?, UInt8?) -> RecordReader

    public init(
        name: String, extensions: [String], open: @escaping @Sendable (ByteSource, TextEncoding?, UInt8?) -> RecordReader
    ) {
        rawValue = name
        self.extensions = extensions
        makeReader = open
    }

    /// Every format crmlint reads, in the order file endings are tried.
    public static let all: [InputFormat] = [.csv, .jsonl, .json, .xlsx]
    public static var allCases: [InputFormat] { all }

    public init?(rawValue: String) {
        guard let known = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    /// The format a file name implies, or nil for an unknown type.
    public static func from(path: String) -> InputFormat? {
        let lower = path.lowercased()
        return all.first { format in format.extensions.contains { lower.hasSuffix($0) } }
    }

    /// The endings of every format, for messages (`.csv, .tsv, …`).
    public static var knownExtensions: String {
        let endings = all.flatMap(\.extensions)
        return endings.dropLast().joined(separator: ", ") + (endings.count > 1 ? " and " : "") + (endings.last ?? "")
    }

    public var description: String { rawValue }
    public static func == (lhs: InputFormat, rhs: InputFormat) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// A reader of this format on `source`.
    public func open(_ source: ByteSource, encoding: TextEncoding?, delimiter: UInt8? = nil) -> RecordReader {
        makeReader(source, encoding, delimiter)
    }
}

/// Opens the right reader for a format.
public enum ReaderFactory {
    public static func open(_ source: ByteSource, format: InputFormat, encoding: TextEncoding?, delimiter: UInt8? = nil) -> RecordReader {
        format.open(source, encoding: encoding, delimiter: delimiter)
    }
}
