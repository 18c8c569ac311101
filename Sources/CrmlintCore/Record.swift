import Foundation

/// One record of an export, with its place in the file. Field values are the
/// text as read (decoded, not normalised), keyed by canonical field name;
/// headers that are not canonical keep their normalised header text.
public struct Record: Sendable {
    public let dataset: Dataset
    public let file: String
    /// 1-based line where the record starts.
    public let line: Int
    /// 1-based position of the record in its file.
    public let position: Int
    public var fields: [String: String]
    /// Unique within a scan (the engine numbers records as it reads them):
    /// lets per-record caches tell records apart without comparing content.
    public var serial: Int

    private static let serials = SerialCounter()

    public init(dataset: Dataset, file: String, line: Int, position: Int, fields: [String: String], serial: Int? = nil) {
        self.dataset = dataset
        self.file = file
        self.line = line
        self.position = position
        self.fields = fields
        self.serial = serial ?? Self.serials.next()
    }

    public subscript(field: String) -> String? {
        guard let value = fields[field], !value.isEmpty else { return nil }
        return value
    }

    /// The record's identity in findings: its id field, else its position.
    public var identity: String {
        if let field = dataset.identityField, let value = self[field]?.trimmed, !value.isEmpty { return value }
        return String(position)
    }

    public var customerId: String? { self["customer_id"]?.trimmed }

    /// The sales rep responsible: `rep`, or `owner` for customers.
    public var rep: String? { (self["rep"] ?? self["owner"])?.trimmed }
}

extension String {
    /// Without leading and trailing white space (ASCII and ideographic).
    public var trimmed: String {
        let scalars = unicodeScalars
        // Most values need no trimming: answer without a copy (hot on large scans).
        if let head = scalars.first, let tail = scalars.last, !String.isSpace(head), !String.isSpace(tail) { return self }
        guard let first = scalars.firstIndex(where: { !String.isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !String.isSpace($0) })!
        return String(scalars[first...last])
    }

    /// Empty or only white space.
    public var isBlank: Bool { unicodeScalars.allSatisfy(String.isSpace) }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }
}

/// Hands out record serials when the caller gives none (tests, examples).
final class SerialCounter: @unchecked Sendable {
    private var value = 1 << 40
    private let lock = NSLock()
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
