import CrmlintReaders
import Foundation
import Testing

/// Files that change under the reader, pipes that deliver a little at a time.
@Suite struct ByteSourceTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-bytes-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func drain(_ source: ByteSource) -> [UInt8] {
        var bytes: [UInt8] = []
        while let byte = source.next() { bytes.append(byte) }
        return bytes
    }

    @Test func fileThatGrowsIsReadToItsSizeAtOpenAndSaysSo() throws {
        let path = try temporaryFile("a,b\n1,2\n")
        defer { unlink(path) }
        let source = try ByteSource(path: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        handle.write(Data("3,4\n5,6\n".utf8))
        try handle.close()
        #expect(drain(source) == Array("a,b\n1,2\n".utf8))
        #expect(source.sizeChange == "the file grew while it was read: the 8 bytes added after the scan opened it were not read")
        #expect(source.readError == nil)
    }

    /// A regular file's buffer is sized to what is left of it (a small file no
    /// longer gets a megabyte): files around the sizes where that changes read whole.
    @Test(arguments: [
        0, 1, 4095, 4096, 4097, ByteSource.chunkSize - 1, ByteSource.chunkSize, ByteSource.chunkSize + 1, 3 * ByteSource.chunkSize + 7,
    ])
    func fileOfAnySizeIsReadWhole(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-bytes-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let source = try ByteSource(path: path)
        _ = source.lookahead()
        #expect(drain(source) == bytes)
        #expect(source.sizeChange == nil && source.readError == nil && source.bytesRead == size)
    }

    @Test func fileThatShrinksSaysTheLastRecordMayBeCut() throws {
        let path = try temporaryFile("a,b\n1,2\n3,4\n")
        defer { unlink(path) }
        let source = try ByteSource(path: path)
        #expect(truncate(path, 6) == 0)
        #expect(drain(source) == Array("a,b\n1,".utf8))
        #expect(source.sizeChange?.hasPrefix("the file shrank while it was read (12 bytes when opened, 6 read)") == true)
    }

    @Test func fileThatVanishedBeforeOpeningIsAReason() {
        #expect(throws: InputProblem(line: 0, reason: "No such file or directory")) {
            _ = try ByteSource(path: "/nonexistent/crmlint/messages.csv")
        }
    }

    @Test func fileDeletedWhileOpenIsStillReadWhole() throws {
        let path = try temporaryFile("a,b\n1,2\n")
        let source = try ByteSource(path: path)
        unlink(path)
        #expect(drain(source) == Array("a,b\n1,2\n".utf8))
        #expect(source.sizeChange == nil)
    }

    @Test func lookaheadFillsAcrossSmallChunksWithoutConsuming() {
        let bytes = Array(String(repeating: "x", count: 1000).utf8)
        let source = ByteSource(bytes: bytes, chunk: 3)
        #expect(source.lookahead(minimum: 100).count >= 100)
        #expect(source.lookahead(minimum: 5000).count == 1000)
        #expect(drain(source) == bytes)
    }

    @Test func pushedBackBytesAreReadFirst() {
        let source = ByteSource(bytes: Array("abcdef".utf8), chunk: 2)
        _ = source.next(); _ = source.next(); _ = source.next()
        source.pushBack(Array("XY".utf8))
        #expect(String(decoding: drain(source), as: UTF8.self) == "XYdef")
    }
}
