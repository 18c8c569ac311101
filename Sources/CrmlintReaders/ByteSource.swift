#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes from a file descriptor in fixed-size chunks, so memory does not
/// grow with the input. Reads past a failed `read` end the stream and keep
/// the error for the caller.
///
/// A regular file is read up to the size it had when opened: a file that an
/// exporter is still appending to cannot keep a scan reading for ever, and
/// `sizeChange` says afterwards that it grew or shrank meanwhile.
public final class ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    // Read by the reader for every line (`takeLine`), on the one thread that reads the file: unchecked
    // exclusive access spares a run-time check a line.
    @exclusivity(unchecked) private var buffer: [UInt8]
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var finished = false
    public private(set) var readError: String?

    /// Size at open for a regular file (nil for pipes, terminals, stdin).
    public let expectedSize: Int?
    /// Bytes taken from the descriptor (or the in-memory feed) so far.
    public private(set) var bytesRead = 0
    /// Set at the end of a regular file whose size changed while it was read.
    public private(set) var sizeChange: String?

    // In-memory bytes handed out a few at a time, so tests and fuzzing reach
    // the refill paths (a CR at the end of one chunk, its LF in the next).
    private var feed: [UInt8] = []
    private var feedChunk = 0

    public static let chunkSize = 1 << 20

    /// Called before a read would wait for a pipe or terminal to be written
    /// to: a reader's caller holding records back (the scanner's batch) lets
    /// them go, so a stream's findings come as its records do.
    public var willWait: (() -> Void)?

    /// Bytes one refill can bring: no more than a regular file has left (plus
    /// one, to see it end), so a small file does not zero a megabyte per buffer;
    /// those pages were a sixth of a one-file pre-commit scan's page faults.
    private var capacity: Int {
        if feedChunk > 0 { return feedChunk }
        guard let expectedSize else { return Self.chunkSize }
        return min(Self.chunkSize, max(4096, expectedSize - bytesRead + 1))
    }

    /// Opens a file for reading; throws a readable reason on failure.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputProblem(line: 0, reason: String(cString: strerror(errno))) }
        descriptor = fd
        ownsDescriptor = true
        buffer = []
        var info = stat()
        // Size 0 is also what /proc and sysfs report for files that do hold text: read those to the end.
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
            expectedSize = Int(info.st_size)
        } else {
            expectedSize = nil
        }
    }

    /// Standard input.
    public init(standardInput: Void = ()) {
        descriptor = 0
        ownsDescriptor = false
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        expectedSize = nil
    }

    /// In-memory bytes (tests, examples), all buffered at once.
    public init(bytes: [UInt8]) {
        descriptor = -1
        ownsDescriptor = false
        buffer = bytes
        end = bytes.count
        bytesRead = bytes.count
        finished = true
        expectedSize = nil
    }

    /// In-memory bytes handed out `chunk` bytes per refill, as a pipe would.
    public init(bytes: [UInt8], chunk: Int) {
        descriptor = -1
        ownsDescriptor = false
        buffer = []
        feed = bytes
        feedChunk = max(1, chunk)
        expectedSize = nil
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    /// Next byte without consuming it, or nil at the end.
    @inline(__always)
    public func peek() -> UInt8? {
        if start == end, !refill() { return nil }
        return buffer[start]
    }

    @inline(__always)
    public func next() -> UInt8? {
        if start == end, !refill() { return nil }
        let byte = buffer[start]
        start += 1
        return byte
    }

    /// When a line feed is buffered within `limit` bytes: calls `body` with the bytes before it,
    /// and consumes them and the line feed if `body` returns true. False (nothing consumed) when
    /// none is buffered there or `body` declines: a reader takes a plain row at once, and reads
    /// any other byte by byte.
    @inline(__always)
    public func takeLine(limit: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        let stop = min(end, start + max(0, limit))
        guard start < stop else { return false }
        return buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base + start, 0x0A, stop - start) else { return false }
            let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard body(UnsafeBufferPointer(start: base + start, count: lineFeed - start)) else { return false }
            start = lineFeed + 1
            return true
        }
    }

    /// Moves the buffered bytes before the first one equal to `a`, `b`, `c` or
    /// `d` (at most `limit` of them) to the end of `target`, and returns how
    /// many: a reader copies the plain run of a field at once instead of
    /// asking byte by byte (the per-byte calls were most of CSV reading).
    /// Takes nothing when nothing is buffered; `next` then refills.
    @inline(__always)
    public func takeRun(into target: inout [UInt8], stoppingAt a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, limit: Int) -> Int {
        let from = start, stop = min(end, start + max(0, limit))
        guard from < stop else { return 0 }
        var index = from
        buffer.withUnsafeBufferPointer { bytes in
            // Sixteen bytes a step while none of them stops the run (most of a field's bytes): comparing
            // byte by byte against four values was a fifth of reading a CSV file.
            let raw = UnsafeRawBufferPointer(bytes)
            let (sa, sb, sc, sd) = (SIMD16<UInt8>(repeating: a), SIMD16(repeating: b), SIMD16(repeating: c), SIMD16(repeating: d))
            while index + 16 <= stop {
                let chunk = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                let stops = (chunk .== sa) .| (chunk .== sb) .| (chunk .== sc) .| (chunk .== sd)
                if any(stops) { break }
                index += 16
            }
            while index < stop {
                let byte = bytes[index]
                if byte == a || byte == b || byte == c || byte == d { break }
                index += 1
            }
            if index > from { target.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<index])) }
        }
        start = index
        return index - from
    }

    /// The bytes buffered ahead, without consuming them: a sample for
    /// encoding, format and dataset sniffing. Reads on until the sample is
    /// `enough` (by default: it holds a whole first line that is not blank),
    /// there are `minimum` bytes or the input ends — so the sample does not
    /// depend on how a pipe happened to split its first write, yet a stream
    /// that sends a header and waits is not waited for.
    public func lookahead(minimum: Int = 64 << 10, enough: (ArraySlice<UInt8>) -> Bool = ByteSource.holdsFirstLine) -> ArraySlice<UInt8> {
        if end - start < minimum, !finished, !enough(buffer[start..<end]) {
            var live = Array(buffer[start..<end])
            var chunk = [UInt8](repeating: 0, count: capacity)
            while live.count < minimum, !enough(live[...]) {
                let count = readChunk(into: &chunk)
                if count == 0 { break }
                live.append(contentsOf: chunk[0..<count])
            }
            buffer = live
            start = 0
            end = live.count
        }
        return buffer[start..<end]
    }

    /// True when the bytes hold a line break after something other than white space.
    public static func holdsFirstLine(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let content = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return false }
        return bytes[content...].contains { $0 == 0x0A || $0 == 0x0D }
    }

    /// Puts bytes back in front of what is still to be read, so a reader
    /// can re-read them (CSV resynchronising after an unterminated quote).
    public func pushBack<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard !bytes.isEmpty else { return }
        var merged: [UInt8] = []
        merged.reserveCapacity(bytes.count + end - start)
        merged.append(contentsOf: bytes)
        merged.append(contentsOf: buffer[start..<end])
        buffer = merged
        start = 0
        end = merged.count
    }

    /// Reads the next chunk; false at end of input.
    private func refill() -> Bool {
        guard !finished else { return false }
        if buffer.count < capacity { buffer = [UInt8](repeating: 0, count: capacity) }
        let count = readChunk(into: &buffer)
        start = 0
        end = count
        return count > 0
    }

    /// Fills `target` from its start with up to its size in bytes; 0 marks
    /// the end of input (after which `finished` is set).
    private func readChunk(into target: inout [UInt8]) -> Int {
        guard !finished else { return 0 }
        if feedChunk > 0 {
            let count = min(feedChunk, feed.count - bytesRead, target.count)
            if count <= 0 { finished = true; return 0 }
            target.replaceSubrange(0..<count, with: feed[bytesRead..<bytesRead + count])
            bytesRead += count
            return count
        }
        var wanted = min(target.count, Self.chunkSize)
        if let expectedSize {
            wanted = min(wanted, expectedSize - bytesRead)
            if wanted <= 0 {
                finished = true
                noteGrowth()
                return 0
            }
        }
        if expectedSize == nil, let willWait {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, 0) == 0 { willWait() }
        }
        while true {
            let count = target.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count > 0 {
                bytesRead += count
                return count
            }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = String(cString: strerror(errno)) }
            finished = true
            if count == 0, let expectedSize, bytesRead < expectedSize {
                sizeChange =
                    "the file shrank while it was read (\(expectedSize) bytes when opened, \(bytesRead) read): the last record may be cut short"
            }
            return 0
        }
    }

    private func noteGrowth() {
        guard let expectedSize else { return }
        var info = stat()
        if fstat(descriptor, &info) == 0, Int(info.st_size) > expectedSize {
            sizeChange =
                "the file grew while it was read: the \(Int(info.st_size) - expectedSize) bytes added after the scan opened it were not read"
        }
    }
}
