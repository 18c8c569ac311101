import CrmlintReaders
import FuzzSupport

func fuzzJSONArray(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    ReaderInvariants.check(Array(UnsafeBufferPointer(start: start, count: count)), format: .json, encoding: nil)
    return 0
}

runFuzzer { fuzzJSONArray($0, $1) }
