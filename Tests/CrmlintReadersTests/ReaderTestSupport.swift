import CrmlintReaders
import Foundation

/// Reads every event of a reader over in-memory bytes.
func events(_ bytes: [UInt8], format: InputFormat, encoding: TextEncoding? = nil) -> [ReaderEvent] {
    let reader = ReaderFactory.open(ByteSource(bytes: bytes), format: format, encoding: encoding)
    var out: [ReaderEvent] = []
    while let event = reader.next() { out.append(event) }
    return out
}

func events(_ text: String, format: InputFormat) -> [ReaderEvent] { events(Array(text.utf8), format: format) }

extension ReaderEvent {
    var record: RawRecord? { if case let .record(record) = self { record } else { nil } }
    var problem: InputProblem? { if case let .problem(problem) = self { problem } else { nil } }
    var dictionary: [String: String]? { record.map { Dictionary($0.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) } }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sharedTestData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
