import CrmlintReaders
import FuzzSupport

/// Every line that is not blank is exactly one record or one problem.
func fuzzJSONLines(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let events = ReaderInvariants.check(bytes, format: .jsonl, encoding: nil)
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    // The reader drops a byte-order mark opening the file, and one opening a later line when more follows it.
    if lines.first?.starts(with: [0xEF, 0xBB, 0xBF]) == true { lines[0] = lines[0].dropFirst(3) }
    lines = lines.map { var line = $0; if line.last == 0x0D { line = line.dropLast() }; return line.count > 3 && line.starts(with: [0xEF, 0xBB, 0xBF]) ? line.dropFirst(3) : line }
    let nonBlank = lines.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }.count
    precondition(events.count == nonBlank, "\(events.count) events for \(nonBlank) non-blank lines")
    return 0
}

runFuzzer { fuzzJSONLines($0, $1) }
