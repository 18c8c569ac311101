import CFuzzDriver
import CrmlintReaders
import Foundation

/// Runs libFuzzer with `test` as the function under test; never returns.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}

/// What must hold for any input to any reader; a broken invariant traps, and
/// libFuzzer saves the input as a crash.
public enum ReaderInvariants {
    /// Reads `bytes` whole and again in small chunks (as a pipe delivers
    /// them), and checks that both readings agree and make sense.
    @discardableResult
    public static func check(_ bytes: [UInt8], format: InputFormat, encoding: TextEncoding?,
                             configure: (RecordReader) -> Void = { _ in }) -> [ReaderEvent] {
        let whole = read(ByteSource(bytes: bytes), format: format, encoding: encoding, configure: configure)
        let lineBreaks = bytes.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        var previous = 0
        for event in whole {
            let line: Int
            switch event {
            case let .record(record):
                line = record.line
            case let .problem(problem):
                line = problem.line
                precondition(problem.records >= 0, "negative record count")
                precondition(!problem.reason.contains("\n"), "a reason must be one line")
            }
            precondition(line >= 1 && line <= lineBreaks + 1, "line \(line) outside the input's \(lineBreaks + 1) lines")
            precondition(line >= previous, "lines go backwards: \(previous) then \(line)")
            previous = line
        }
        precondition(whole.count <= bytes.count + 2, "more events than bytes")
        for chunk in [1, 3, 7] {
            let pieces = read(ByteSource(bytes: bytes, chunk: chunk), format: format, encoding: encoding, configure: configure)
            precondition(pieces == whole, "reading in chunks of \(chunk) bytes differs from reading at once")
        }
        return whole
    }

    static func read(_ source: ByteSource, format: InputFormat, encoding: TextEncoding?, configure: (RecordReader) -> Void) -> [ReaderEvent] {
        let reader = ReaderFactory.open(source, format: format, encoding: encoding)
        configure(reader)
        var events: [ReaderEvent] = []
        while let event = reader.next() { events.append(event) }
        return events
    }
}
