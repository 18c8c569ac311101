import CrmlintCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary file of length-prefixed records that only this process can
/// find: it is removed from its folder as soon as it is created, so neither
/// a crash nor Ctrl-C leaves it behind, and the system frees it when the
/// descriptor closes. Records are appended through a buffer and read back
/// in order, from any range written before (`Cursor`).
final class SpillFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes written so far, buffered ones included: the offset the next record starts at.
    private(set) var size = 0
    static let bufferSize = 1 << 16

    init() throws {
        let folder = EnvironmentVariable.value("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/.crmlint-findings-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw CrmlintError.output(
                path: folder, reason: "cannot create a temporary file for the findings: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(descriptor) }

    /// Appends one record (its length first).
    func append(_ record: [UInt8]) throws {
        var length = UInt32(record.count).littleEndian
        withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: record)
        size += 4 + record.count
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes what is buffered, so cursors can read everything appended.
    func flush() throws {
        if let reason = AtomicOutput.writeAll(buffer, to: descriptor) {
            throw CrmlintError.output(path: "temporary findings file", reason: reason)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reads the records between two offsets, in order.
    final class Cursor {
        private let file: SpillFile
        private var position: Int
        private let end: Int
        private var chunk: [UInt8] = []
        private var start = 0

        /// Bytes read from the file at a time.
        private let readSize: Int

        init(file: SpillFile, from: Int, to: Int, readSize: Int = SpillFile.bufferSize) {
            self.file = file
            position = from
            end = to
            self.readSize = readSize
        }

        /// The next record, handed to `body`; nil at the end of the range.
        func next<T>(_ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
            guard try fill(4) else { return nil }
            let length = chunk.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self))) }
            guard try fill(4 + length) else { throw CrmlintError.output(path: "temporary findings file", reason: "it was cut short") }
            defer { start += 4 + length }
            return try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start + 4..<start + 4 + length])) }
        }

        /// At least `count` unread bytes in `chunk`; false at the end of the range.
        private func fill(_ count: Int) throws -> Bool {
            if chunk.count - start >= count { return true }
            if position >= end { return false }
            chunk.removeFirst(start)
            start = 0
            let wanted = max(count - chunk.count, readSize)
            let old = chunk.count
            let length = min(wanted, end - position)
            chunk.append(contentsOf: repeatElement(0, count: length))
            var read = 0
            while read < length {
                let got = chunk.withUnsafeMutableBytes {
                    pread(file.descriptor, $0.baseAddress! + old + read, length - read, off_t(position + read))
                }
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    throw CrmlintError.output(
                        path: "temporary findings file", reason: got < 0 ? String(cString: strerror(errno)) : "it was cut short")
                }
                read += got
            }
            position += length
            return chunk.count - start >= count
        }
    }
}
