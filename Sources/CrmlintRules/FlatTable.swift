/// A table of plain values that is built once and then only read: an array
/// while it is built, or a stretch of a mapped cache file read in place
/// (`CacheReader.table`). The prefilter's tables are 2 MB; copying them out of
/// their cache file into arrays was a fifth of a one-file scan's page faults,
/// and a scan reads a few of their pages.
struct FlatTable<Element: BitwiseCopyable>: ExpressibleByArrayLiteral, @unchecked Sendable {
    // @unchecked: the mapped bytes are read-only and kept alive by `owner`.
    private enum Storage {
        case array([Element])
        case mapped(UnsafeBufferPointer<Element>, owner: CacheBytes)
    }

    private var storage: Storage

    init(_ values: [Element]) { storage = .array(values) }

    init(arrayLiteral elements: Element...) { storage = .array(elements) }

    init(repeating value: Element, count: Int) { storage = .array([Element](repeating: value, count: count)) }

    /// `count` values at `offset` in `file`, which must be aligned for them (nil otherwise).
    init?(file: CacheBytes, offset: Int, count: Int) {
        let size = count * MemoryLayout<Element>.stride
        guard let base = file.buffer.baseAddress, offset >= 0, size >= 0, offset + size <= file.buffer.count else { return nil }
        let start = base + offset
        guard Int(bitPattern: start) % MemoryLayout<Element>.alignment == 0 else { return nil }
        storage = .mapped(UnsafeBufferPointer(start: start.assumingMemoryBound(to: Element.self), count: count), owner: file)
    }

    /// Whether the values are read in place from a file (tests).
    var isMapped: Bool {
        if case .mapped = storage { return true }
        return false
    }

    var count: Int {
        switch storage {
        case let .array(values): return values.count
        case let .mapped(buffer, _): return buffer.count
        }
    }

    var indices: Range<Int> { 0..<count }

    subscript(index: Int) -> Element {
        get {
            switch storage {
            case let .array(values): return values[index]
            case let .mapped(buffer, _):
                precondition(index >= 0 && index < buffer.count, "index out of range")
                return buffer[index]
            }
        }
        set { mutate { $0[index] = newValue } }
    }

    /// A copy of the values in `bounds`.
    subscript(bounds: Range<Int>) -> [Element] {
        withUnsafeBufferPointer { buffer in
            precondition(bounds.lowerBound >= 0 && bounds.upperBound <= buffer.count, "range out of bounds")
            return Array(buffer[bounds])
        }
    }

    /// The values as an array (a copy when they are mapped).
    var array: [Element] {
        switch storage {
        case let .array(values): return values
        case let .mapped(buffer, _): return Array(buffer)
        }
    }

    func map<T>(_ transform: (Element) throws -> T) rethrows -> [T] { try withUnsafeBufferPointer { try $0.map(transform) } }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        switch storage {
        case let .array(values): return try values.withUnsafeBufferPointer(body)
        // The owner is not bound: `self`, borrowed for the call, keeps it alive, and binding it retained and released
        // it per call (the prefilter's ten tables, one owner: twenty atomic operations per text marked).
        case let .mapped(buffer, _): return try body(buffer)
        }
    }

    mutating func append(_ value: Element) { mutate { $0.append(value) } }

    static func += <S: Sequence>(table: inout FlatTable, values: S) where S.Element == Element {
        table.mutate { $0 += values }
    }

    /// Changes the values as an array (a mapped table becomes one first: only built tables change).
    private mutating func mutate(_ change: (inout [Element]) -> Void) {
        var values: [Element]
        switch storage {
        case let .array(existing): values = existing
        case let .mapped(buffer, _): values = Array(buffer)
        }
        storage = .array([]) // the only reference, so the change below does not copy
        change(&values)
        storage = .array(values)
    }
}
