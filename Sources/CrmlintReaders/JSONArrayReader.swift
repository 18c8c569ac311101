/// A JSON document holding an array of objects (or one object), read element
/// by element: a small scanner finds where each top-level element starts and
/// ends (tracking strings and nesting), so the whole array is never held in
/// memory. An element that does not parse is an input problem at its line.
/// An element left open (an unterminated string swallows the rest of the
/// file) is reported, and reading resumes at the next line that starts an
/// element at the same indentation, as pretty-printed arrays have them;
/// otherwise the broken structure ends the file with one problem.
public final class JSONArrayReader: RecordReader {
    public let encoding: TextEncoding = .utf8
    private let source: ByteSource
    private var line = 1
    /// Bytes since the last line feed: where an element starts, for resuming after a broken one.
    private var column = 0
    private enum State { case start, inArray, done }
    private var state = State.start
    public var maxElementBytes = 32 << 20
    /// The keys of the last element read (`JSONRecordDecoder.KeyMemory`): an array's objects mostly write the same keys.
    private let keys = JSONRecordDecoder.KeyMemory()

    public init(source: ByteSource) {
        self.source = source
        if source.lookahead().starts(with: [0xEF, 0xBB, 0xBF]) { for _ in 0..<3 { _ = source.next() } }
    }

    private func skipWhitespace() {
        while let byte = source.peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            if byte == 0x0A { line += 1; column = 0 } else { column += 1 }
            _ = source.next()
        }
    }

    public func next() -> ReaderEvent? {
        switch state {
        case .done:
            return nil
        case .start:
            skipWhitespace()
            guard let first = source.peek() else { state = .done; return nil }
            if first == UInt8(ascii: "[") {
                _ = source.next()
                column += 1
                state = .inArray
                return next()
            }
            // A single object document is one record.
            state = .done
            return element()
        case .inArray:
            skipWhitespace()
            guard let byte = source.peek() else {
                state = .done
                return .problem(InputProblem(line: line, reason: "JSON array is not closed before the end of the file", records: 0))
            }
            if byte == UInt8(ascii: "]") {
                _ = source.next()
                column += 1
                state = .done
                skipWhitespace()
                if source.peek() == UInt8(ascii: "[") {
                    // Two exports joined into one file: read the second array too.
                    _ = source.next()
                    column += 1
                    state = .inArray
                    return .problem(
                        InputProblem(
                            line: line, reason: "a second JSON array starts here (files joined together?); its elements are read too",
                            records: 0))
                }
                if source.peek() != nil {
                    return .problem(InputProblem(line: line, reason: "unexpected text after the end of the JSON array"))
                }
                return nil
            }
            if byte == UInt8(ascii: ",") {
                _ = source.next()
                column += 1
                skipWhitespace()
            }
            return element()
        }
    }

    /// The first line after the first that opens an element at `column`
    /// (or closes the array further left): its byte offset in `bytes` and
    /// how many lines down it is.
    static func resumePoint(in bytes: [UInt8], column: Int) -> (offset: Int, lines: Int)? {
        var lines = 0
        var index = 0
        while let feed = bytes[index...].firstIndex(of: 0x0A) {
            lines += 1
            index = feed + 1
            var indent = 0
            while index + indent < bytes.count, bytes[index + indent] == 0x20 || bytes[index + indent] == 0x09 { indent += 1 }
            guard index + indent < bytes.count else { break }
            let first = bytes[index + indent]
            if (first == UInt8(ascii: "{") && indent == column) || (first == UInt8(ascii: "]") && indent < column) { return (index, lines) }
        }
        return nil
    }

    /// Reads one element up to the next top-level `,` or `]`.
    private func element() -> ReaderEvent {
        let startLine = line, startColumn = column
        var bytes: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        var oversized = false
        while let byte = source.peek() {
            if !inString, depth == 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
            _ = source.next()
            if byte == 0x0A { line += 1; column = 0 } else { column += 1 }
            if bytes.count < maxElementBytes { bytes.append(byte) } else { oversized = true }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
            // A closing bracket with nothing open ends the element here, or it would swallow the rest of the array.
            if depth < 0 {
                return .problem(
                    InputProblem(line: startLine, reason: "array element is not valid JSON (a closing bracket without an opening one)"))
            }
        }
        if source.peek() == nil, depth != 0 || inString {
            if state == .inArray, !oversized, let resume = Self.resumePoint(in: bytes, column: startColumn) {
                source.pushBack(bytes[resume.offset...])
                line = startLine + resume.lines
                column = 0
                return .problem(
                    InputProblem(
                        line: startLine,
                        reason: "array element is not closed (an unterminated string or bracket?); reading resumes on line \(line)"))
            }
            state = .done
            return .problem(InputProblem(line: startLine, reason: "JSON value is not closed before the end of the file"))
        }
        if oversized { return .problem(InputProblem(line: startLine, reason: "JSON element is larger than \(byteSize(maxElementBytes))")) }
        while let last = bytes.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { bytes.removeLast() }
        switch bytes.withUnsafeBufferPointer({ JSONRecordDecoder.fields(from: $0, keys: keys) }) {
        case let .success(fields): return .record(RawRecord(line: startLine, keys: fields.keys, values: fields.values))
        case let .failure(failure): return .problem(InputProblem(line: startLine, reason: "array element is \(failure.reason)"))
        }
    }
}

extension InputFormat {
    /// One JSON array of objects.
    public static let json = InputFormat(name: "json", extensions: [".json"]) { source, _, _ in JSONArrayReader(source: source) }
}
