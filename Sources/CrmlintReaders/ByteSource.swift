#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes from a file descriptor in fixed-size chunks, so memory does not
/// grow with the input. Reads past a failed `read` end the stream and keep
/// the error for the caller.
public final class ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false
    public private(set) var readError: String?

    public static let chunkSize = 1 << 20

    /// Opens a file for reading; throws a readable reason on failure.
    public init(path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputProblem(line: 0, reason: String(cString: strerror(errno))) }
        descriptor = fd
        ownsDescriptor = true
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    /// Standard input.
    public init(standardInput: Void = ()) {
        descriptor = 0
        ownsDescriptor = false
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    /// In-memory bytes (tests, examples).
    public init(bytes: [UInt8]) {
        descriptor = -1
        ownsDescriptor = false
        buffer = bytes
        end = bytes.count
        finished = true
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

    /// The bytes buffered ahead (filling the buffer first if empty), without
    /// consuming them: a sample for encoding and format sniffing.
    public func lookahead() -> ArraySlice<UInt8> {
        if start == end { _ = refill() }
        return buffer[start..<end]
    }

    /// Reads the next chunk; false at end of input.
    private func refill() -> Bool {
        guard !finished else { return false }
        if buffer.count < Self.chunkSize { buffer = [UInt8](repeating: 0, count: Self.chunkSize) }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, Self.chunkSize) }
            if count > 0 {
                start = 0
                end = count
                return true
            }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = String(cString: strerror(errno)) }
            finished = true
            start = 0
            end = 0
            return false
        }
    }
}
