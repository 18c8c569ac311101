import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The prefilter's verdicts on entries (`LiteralPrefilter.judgeEntries`) remembered by the word sets present they
/// were judged on. Fresh texts of one template (another name, date or amount) mostly hold the same sets: the
/// benchmark's messages file marks 301,520 fresh texts holding 91,898 distinct sets of sets, and judging them was a
/// sixteenth of a first scan's time (`perf`), most of it waiting on the clause tables. Per worker (no lock), a
/// direct-mapped table of `slots` rows, each the present sets' 128-bit key and the verdicts; a row is overwritten by
/// the next key that maps to it.
///
/// The key is the present bits' two 64-bit lanes of `StableHash` (different mixes, each step a bijection of the lane
/// and of the word), each finished by SplitMix64's finaliser; two distinct sets of sets share a row's key with odds
/// ~2⁻¹²⁷ per pair, the same order as the text memory's 128-bit text keys (`TextVerdicts.Key`).
public final class EntryVerdictMemo {
    /// Rows (a power of two) and verdict words a row.
    let slots: Int, words: Int
    /// `slots` rows of `2 + words` words: the key (0, 0 empty; a key's first word is odd), then the verdicts.
    /// `calloc`: pages no key has reached are never touched (a small file's scan reaches a few).
    private let table: UnsafeMutablePointer<UInt64>
    /// How many judgements the table answered (tests).
    private(set) var hits = 0

    /// 16,384 rows (1.5 MB with the bundled rules' ten verdict words) answered 58 % of the benchmark's fresh texts
    /// (4,096: 43 %; 65,536: 68 %).
    public static let defaultSlots = 16_384

    public init(verdictWords words: Int, slots: Int = EntryVerdictMemo.defaultSlots) {
        precondition(slots > 0 && slots & (slots - 1) == 0, "a power of two")
        self.slots = slots
        self.words = words
        table = calloc(slots * (2 + words), MemoryLayout<UInt64>.stride)!.bindMemory(to: UInt64.self, capacity: slots * (2 + words))
    }

    deinit { free(table) }

    /// The key of a text's present sets (`bits`, a bit per set).
    @inline(__always) static func key(_ bits: UnsafeBufferPointer<UInt64>) -> (first: UInt64, second: UInt64) {
        var hash = StableHash()
        for word in bits { hash.add(word: word) }
        let (a, b) = hash.words
        return (SplitMix64.finalized(a) | 1, SplitMix64.finalized(b))
    }

    /// The row for `key`.
    @inline(__always) private func row(_ key: (first: UInt64, second: UInt64)) -> UnsafeMutablePointer<UInt64> {
        table + (Int(truncatingIfNeeded: key.second) & (slots &- 1)) &* (2 &+ words)
    }

    /// Copies into `verdicts` (`words` words) the verdicts kept for `key`, if kept.
    @inline(__always) func find(_ key: (first: UInt64, second: UInt64), into verdicts: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        let row = row(key)
        guard row[0] == key.first, row[1] == key.second else { return false }
        for index in 0..<words { verdicts[index] = row[2 &+ index] }
        hits &+= 1
        return true
    }

    /// Keeps `verdicts` for `key`, in place of the row's last key.
    @inline(__always) func keep(_ key: (first: UInt64, second: UInt64), verdicts: UnsafeMutableBufferPointer<UInt64>) {
        let row = row(key)
        row[0] = key.first
        row[1] = key.second
        for index in 0..<words { row[2 &+ index] = verdicts[index] }
    }
}
