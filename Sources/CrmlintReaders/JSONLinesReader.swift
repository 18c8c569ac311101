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
            var bytes: [UInt8] = []
            var oversized = false
            while let byte = source.next(), byte != 0x0A {
                if bytes.count < maxLineBytes { bytes.append(byte) } else { oversized = true }
            }
            if bytes.last == 0x0D { bytes.removeLast() }
            // A byte-order mark opening a later line comes from joining files; it is not part of the JSON.
            if bytes.count > 3, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if oversized { return .problem(InputProblem(line: line, reason: "line is longer than \(byteSize(maxLineBytes))")) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            switch JSONRecordDecoder.fields(from: bytes) {
            case let .success(fields): return .record(RawRecord(line: line, fields: fields))
            case let .failure(failure): return .problem(InputProblem(line: line, reason: "line is \(failure.reason)"))
            }
        }
    }
}

extension InputFormat {
    /// One JSON object a line.
    public static let jsonl = InputFormat(name: "jsonl", extensions: [".jsonl", ".ndjson"]) { source, _, _ in
        JSONLinesReader(source: source)
    }
}
