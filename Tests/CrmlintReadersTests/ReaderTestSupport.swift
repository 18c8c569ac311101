import CrmlintReaders
import Foundation
import TestHelpers

/// Reads every event of a reader over in-memory bytes.
func events(_ bytes: [UInt8], format: InputFormat, encoding: TextEncoding? = nil) -> [ReaderEvent] {
    let reader = ReaderFactory.open(ByteSource(bytes: bytes), format: format, encoding: encoding)
    var out: [ReaderEvent] = []
    while let event = reader.next() { out.append(event) }
    return out
}

func events(_ text: String, format: InputFormat) -> [ReaderEvent] { events(Array(text.utf8), format: format) }

/// The same, with the bytes handed over `chunk` at a time, as a pipe would.
func events(_ bytes: [UInt8], format: InputFormat, encoding: TextEncoding? = nil, chunk: Int) -> [ReaderEvent] {
    let reader = ReaderFactory.open(ByteSource(bytes: bytes, chunk: chunk), format: format, encoding: encoding)
    var out: [ReaderEvent] = []
    while let event = reader.next() { out.append(event) }
    return out
}

extension ReaderEvent {
    var record: RawRecord? { if case let .record(record) = self { record } else { nil } }
    var problem: InputProblem? { if case let .problem(problem) = self { problem } else { nil } }
    var dictionary: [String: String]? { record.map { Dictionary($0.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) } }
}

let repositoryRoot = TestPaths.repoRoot
let sharedTestData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")

/// The invariants the fuzz targets check (fuzz/Sources/FuzzSupport), for
/// replaying what they found: lines within the input and never going back,
/// one-line reasons, and the same events whether the bytes come at once or
/// in small chunks. Returns what broke, or nil.
func brokenInvariant(
    _ bytes: [UInt8], format: InputFormat, encoding: TextEncoding?, configure: (RecordReader) -> Void = { _ in }
) -> String? {
    func read(_ source: ByteSource) -> [ReaderEvent] {
        let reader = ReaderFactory.open(source, format: format, encoding: encoding)
        configure(reader)
        var out: [ReaderEvent] = []
        while let event = reader.next() { out.append(event) }
        return out
    }
    let whole = read(ByteSource(bytes: bytes))
    let lineBreaks = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
    var previous = 0
    for event in whole {
        let line = event.record?.line ?? event.problem!.line
        if let reason = event.problem?.reason, reason.contains("\n") || reason.contains("\r") {
            return "reason on several lines: \(reason.debugDescription)"
        }
        if line < 1 || line > lineBreaks + 1 { return "line \(line) outside the input" }
        if line < previous { return "lines go backwards: \(previous) then \(line)" }
        previous = line
    }
    for chunk in [1, 3, 7] where read(ByteSource(bytes: bytes, chunk: chunk)) != whole { return "chunks of \(chunk) read differently" }
    return nil
}
