import Foundation

/// The field names of records that share them, in column order, each name's
/// place found once: a file's records share one (`FieldMapper` makes it per
/// header), so a record is its values by place rather than a dictionary of its
/// own (hashing every name into a new dictionary per record, then hashing it
/// again for each lookup, was several per cent of a scan).
public final class FieldShape: Sendable {
    /// The names, each once.
    public let names: [String]
    private let places: [String: Int]
    /// By field number (`FieldNumbers`): place + 1, 0 when not a field of this shape.
    private let placesByNumber: [Int32]

    /// `names` must be distinct.
    public init(names: [String]) {
        self.names = names
        var places: [String: Int] = [:]
        for (place, name) in names.enumerated() { places[name] = place }
        self.places = places
        let numbers = names.map(FieldNumbers.number)
        var byNumber = [Int32](repeating: 0, count: (numbers.max() ?? -1) + 1)
        for (place, number) in numbers.enumerated() { byNumber[number] = Int32(place + 1) }
        placesByNumber = byNumber
    }

    @inline(__always) public func place(of name: String) -> Int? { places[name] }

    /// The place of the field numbered `number` (`FieldNumbers`): no hashing.
    @inline(__always) public func place(ofNumber number: Int) -> Int? {
        guard number < placesByNumber.count else { return nil }
        let place = Int(placesByNumber[number])
        return place == 0 ? nil : place - 1
    }
}

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
    /// The names of the fields, shared with the other records of the file.
    public private(set) var shape: FieldShape
    /// The values, by place in `shape`.
    public private(set) var values: [String]
    /// Unique within a scan (the engine numbers records as it reads them):
    /// lets per-record caches tell records apart without comparing content.
    public var serial: Int

    private static let serials = SerialCounter()

    public init(dataset: Dataset, file: String, line: Int, position: Int, fields: [String: String], serial: Int? = nil) {
        // Sorted: the same fields make the same shape, whatever the dictionary's order.
        let names = fields.keys.sorted()
        self.init(
            dataset: dataset, file: file, line: line, position: position, shape: FieldShape(names: names),
            values: names.map { fields[$0]! }, serial: serial)
    }

    /// `values` by place in `shape`.
    public init(dataset: Dataset, file: String, line: Int, position: Int, shape: FieldShape, values: [String], serial: Int? = nil) {
        precondition(values.count == shape.names.count, "one value per field")
        self.dataset = dataset
        self.file = file
        self.line = line
        self.position = position
        self.shape = shape
        self.values = values
        self.serial = serial ?? Self.serials.next()
    }

    /// Every field with its value (empty ones too). Setting it gives the record a shape of its own.
    public var fields: [String: String] {
        get { Dictionary(uniqueKeysWithValues: zip(shape.names, values)) }
        set {
            let names = newValue.keys.sorted()
            shape = FieldShape(names: names)
            values = names.map { newValue[$0]! }
        }
    }

    /// Whether the record has the field at all (even empty).
    public func has(_ field: String) -> Bool { shape.place(of: field) != nil }

    /// Whether the record's file has the field numbered `number` (`FieldNumbers`) as a column: no hashing.
    public func has(number: Int) -> Bool { shape.place(ofNumber: number) != nil }

    /// The field's value; nil when absent or empty.
    public subscript(field: String) -> String? {
        guard let place = shape.place(of: field) else { return nil }
        let value = values[place]
        return value.isEmpty ? nil : value
    }

    /// The same for the field numbered `number` (`FieldNumbers`), without hashing its name.
    public func value(number: Int) -> String? {
        guard let place = shape.place(ofNumber: number) else { return nil }
        let value = values[place]
        return value.isEmpty ? nil : value
    }

    /// Whether the field numbered `number` holds more than white space (`value(number:)` is not blank),
    /// read in place: the required-fields rule asks it of every required field of every record, and
    /// handing out a copy of each value to ask was a reference count and its release apiece.
    public func hasText(number: Int) -> Bool {
        guard let place = shape.place(ofNumber: number) else { return false }
        return !values[place].isBlank
    }

    /// Whether the value at `place` (in `shape`) is empty or white space, read in place. (Asked from another
    /// module, `values[place].isBlank` copied the value to make the call: a reference count and its release
    /// per required field and record.)
    public func isBlank(atPlace place: Int) -> Bool { values[place].isBlank }

    /// The record's identity in findings: its id field, else its position.
    public var identity: String { identityValue ?? String(position) }

    /// The dataset's identity field (`Dataset.identityField`), trimmed, when it is there and
    /// not empty; read by number.
    public var identityValue: String? {
        guard let number = FieldNumbers.identity(of: dataset), let value = trimmedValue(number: number), !value.isEmpty
        else { return nil }
        return value
    }

    public var customerId: String? { trimmedValue(number: FieldNumbers.customerId) }

    /// The sales rep responsible: `rep`, or `owner` for customers.
    public var rep: String? { trimmedValue(number: FieldNumbers.rep) ?? trimmedValue(number: FieldNumbers.owner) }

    /// `value(number:)?.trimmed`, trimmed in place: the value handed out and then trimmed was two copies (a
    /// reference count and its release each) where one is kept; three fields of every record are read so.
    @inline(__always) private func trimmedValue(number: Int) -> String? {
        guard let place = shape.place(ofNumber: number), !values[place].isEmpty else { return nil }
        return values[place].trimmed
    }
}

extension String {
    /// Without leading and trailing white space (ASCII and ideographic).
    public var trimmed: String {
        // An ASCII letter, digit or sign at both ends (ids, times, amounts): nothing to trim, read
        // from the bytes (the scalar view's last scalar is decoded backwards: ~150 instructions).
        // Likewise a CJK ideograph at either end (lead byte E4-E9, three bytes: a rep's name, 何金凤).
        // (Read in place: the UTF-8 view's `last` and index arithmetic were ~150 instructions a call, on
        // three fields of every record; through `withUTF8` a copy's reference count was a third of the rest.)
        let plain = utf8.withContiguousStorageIfAvailable(String.hasPlainEnds)
        if plain == true { return self }
        let scalars = unicodeScalars
        // Most values need no trimming: answer without a copy (hot on large scans).
        if let head = scalars.first, let tail = scalars.last, !String.isSpace(head), !String.isSpace(tail) { return self }
        guard let first = scalars.firstIndex(where: { !String.isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !String.isSpace($0) })!
        return String(scalars[first...last])
    }

    /// Whether UTF-8 `bytes` start and end with a printable ASCII character or a CJK ideograph (lead byte E4-E9:
    /// U+4000-U+9FFF): neither is white space, and neither joins the character before it into one, so the last
    /// byte tells the last character. Empty bytes have no such ends.
    @inlinable @inline(__always) public static func hasPlainEnds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let head = bytes.first, let tail = bytes.last else { return false }
        return ((0x21...0x7E).contains(head) || (0xE4...0xE9).contains(head))
            && ((0x21...0x7E).contains(tail) || (bytes.count >= 3 && (0xE4...0xE9).contains(bytes[bytes.count - 3])))
    }

    /// Empty or only white space.
    public var isBlank: Bool {
        // Most values start with a printable ASCII character or a CJK ideograph (lead bytes E4-E9:
        // U+4E00-U+9FFF), neither of them white space: answered from the first byte (walking the
        // scalars was ~90 instructions a value, on every required field of every record).
        // (The first byte read in place: the UTF-8 view's `first` was an outlined call, ~50 instructions, on
        // every required field of every record; through `withUTF8` a copy's reference count cost more.)
        let plainHead = utf8.withContiguousStorageIfAvailable { bytes in
            bytes.first.map { (0x21...0x7E).contains($0) || (0xE4...0xE9).contains($0) } ?? false
        }
        if plainHead == true { return false }
        return unicodeScalars.allSatisfy(String.isSpace)
    }

    /// Unicode's White_Space property (`Unicode.Scalar.Properties.isWhitespace`), from its
    /// list: the standard library looks it up in its property tables, a search per call that
    /// was 1 % of reading a file (most values start with a Chinese character).
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09...0x0D, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
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
