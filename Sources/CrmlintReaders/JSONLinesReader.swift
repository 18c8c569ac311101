/// JSON Lines: one object a line; blank lines are skipped. A line that is not
/// a JSON object is an input problem for that line, and reading goes on.
/// (Read errors of the source are reported by the scan, for every format.)
public final class JSONLinesReader: RecordReader {
    public let encoding: TextEncoding = .utf8
    private let source: ByteSource
    private var line = 0
    public var maxLineBytes = 32 << 20

    public init(source: ByteSource) {
        self.source = source
        if source.lookahead().starts(with: [0xEF, 0xBB, 0xBF]) { for _ in 0..<3 { _ = source.next() } }
    }

    public func next() -> ReaderEvent? {
        while true {
            guard source.peek() != nil else { return nil }
            line += 1
            // Most lines: buffered whole, taken at once (byte by byte into an array of their own, reading a
            // line cost more than parsing it).
            var event: ReaderEvent?
            let taken = source.takeLine(limit: maxLineBytes) { bytes in
                event = decode(bytes)
                return true
            }
            if taken {
                // (No event: a blank line.)
                if let event { return event }
                continue
            }
            var bytes: [UInt8] = []
            var oversized = false
            while let byte = source.next(), byte != 0x0A {
                if bytes.count < maxLineBytes { bytes.append(byte) } else { oversized = true }
            }
            if oversized { return .problem(InputProblem(line: line, reason: "line is longer than \(byteSize(maxLineBytes))")) }
            if let event = bytes.withUnsafeBufferPointer(decode) { return event }
        }
    }

    /// The keys of the last object read (`JSONRecordDecoder.KeyMemory`): a file's lines mostly write the same keys.
    private let keys = JSONRecordDecoder.KeyMemory()

    /// The event for one line's bytes (its line feed taken off); nil for a blank line.
    private func decode(_ line: UnsafeBufferPointer<UInt8>) -> ReaderEvent? {
        var bytes = line[...]
        if bytes.last == 0x0D { bytes.removeLast() }
        // A byte-order mark opening a later line comes from joining files; it is not part of the JSON.
        if bytes.count > 3, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        switch JSONRecordDecoder.fields(from: UnsafeBufferPointer(rebasing: bytes), keys: keys) {
        case let .success(fields): return .record(RawRecord(line: self.line, keys: fields.keys, values: fields.values))
        case let .failure(failure): return .problem(InputProblem(line: self.line, reason: "line is \(failure.reason)"))
        }
    }
}

extension InputFormat {
    /// One JSON object a line.
    public static let jsonl = InputFormat(name: "jsonl", extensions: [".jsonl", ".ndjson"]) { source, _, _ in
        JSONLinesReader(source: source)
    }
}
