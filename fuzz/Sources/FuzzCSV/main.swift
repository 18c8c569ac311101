import CrmlintReaders
import FuzzSupport

// The first byte picks the encoding and small limits, so the fuzzer reaches
// the resynchronisation paths (line and byte limits of quoted fields) quickly.
func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let control = bytes.first else { return 0 }
    let encoding: TextEncoding? = [nil, .utf8, .gb18030][Int(control % 3)]
    let small = control & 0x80 != 0
    ReaderInvariants.check(Array(bytes.dropFirst()), format: .csv, encoding: encoding) { reader in
        guard small, let csv = reader as? CSVReader else { return }
        csv.maxQuotedLines = 3
        csv.maxFieldBytes = 64
        csv.maxFields = 8
    }
    return 0
}

runFuzzer { fuzzCSV($0, $1) }
