import Foundation
import PatternEngine

/// One pass over a text that tells which pattern-rule entries could match it:
/// each entry of `patterns` needs one of its required words
/// (`RequiredLiterals`), and most texts hold none of most entries' words, so
/// PCRE2 runs only where it might find something.
///
/// Hand-written rather than a library: PCRE2's own alternation reports
/// non-overlapping matches only, so one combined pattern would hide a word
/// inside another (保证 in 担保证书), and Vectorscan would add a second system
/// library to install. The index is a table from a word's first scalar to the
/// words starting with it, then a byte comparison: on the conduct benchmark it
/// cut scan time by more than half (README, Performance).
public final class LiteralPrefilter: @unchecked Sendable {
    /// Words as UTF-8, and the entry slots each one enables.
    private var words: [[UInt8]] = []
    private var wordSlots: [[Int32]] = []
    /// First scalar (BMP) → index into `buckets`; 0 means none.
    private var bmpTable: [UInt32]
    private var otherTable: [UInt32: Int] = [:]
    /// Word indices per first scalar.
    private var buckets: [[Int32]] = [[]]
    /// Slots of entries without required words: always enabled.
    private var alwaysSlots: [Int32] = []
    public private(set) var slotCount = 0
    /// Rule id → its first slot (its entries are numbered in order).
    public private(set) var firstSlot: [String: Int] = [:]

    public init(rules: [Rule]) {
        bmpTable = [UInt32](repeating: 0, count: 0x10000)
        var wordIndex: [String: Int] = [:]
        for rule in rules {
            guard let pattern = rule as? PatternRule, firstSlot[pattern.metadata.id] == nil else { continue }
            firstSlot[pattern.metadata.id] = slotCount
            for requirement in pattern.requiredWords {
                let slot = Int32(slotCount)
                slotCount += 1
                guard let requirement else {
                    if getenv("CRMLINT_DEBUG_PREFILTER") != nil { print("no prefilter:", pattern.metadata.id, slot - Int32(firstSlot[pattern.metadata.id]!)); for leaf in pattern.matchers[Int(slot) - firstSlot[pattern.metadata.id]!].leaves where RequiredLiterals.of(leaf.source) == nil { print("   leaf:", String(leaf.source.prefix(150))) } }
                    alwaysSlots.append(slot)
                    continue
                }
                for word in requirement {
                    if let known = wordIndex[word] {
                        wordSlots[known].append(slot)
                        continue
                    }
                    let index = words.count
                    wordIndex[word] = index
                    words.append(Array(word.utf8))
                    wordSlots.append([slot])
                    let first = word.unicodeScalars.first!.value
                    let bucket: Int
                    if first < 0x10000 {
                        if bmpTable[Int(first)] == 0 { bmpTable[Int(first)] = UInt32(buckets.count); buckets.append([]) }
                        bucket = Int(bmpTable[Int(first)])
                    } else {
                        if otherTable[first] == nil { otherTable[first] = buckets.count; buckets.append([]) }
                        bucket = otherTable[first]!
                    }
                    buckets[bucket].append(Int32(index))
                }
            }
        }
    }

    @inline(__always) static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Marks in `enabled` (sized `slotCount`) the entries that could match `bytes`.
    public func mark(_ bytes: UnsafeBufferPointer<UInt8>, into enabled: inout [Bool]) {
        for index in enabled.indices { enabled[index] = false }
        for slot in alwaysSlots { enabled[Int(slot)] = true }
        var position = 0
        let count = bytes.count
        while position < count {
            let lead = bytes[position]
            var scalar: UInt32
            var length: Int
            if lead < 0x80 { scalar = UInt32((0x41...0x5A).contains(lead) ? lead | 0x20 : lead); length = 1 }
            else if lead < 0xE0 { scalar = UInt32(lead & 0x1F); length = 2 }
            else if lead < 0xF0 { scalar = UInt32(lead & 0x0F); length = 3 }
            else { scalar = UInt32(lead & 0x07); length = 4 }
            if position + length > count { break }
            if length > 1 { for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[position + offset] & 0x3F) } }
            let bucket = scalar < 0x10000 ? Int(bmpTable[Int(scalar)]) : (otherTable[scalar] ?? 0)
            if bucket != 0 {
                for wordIndex in buckets[bucket] {
                    let word = words[Int(wordIndex)]
                    guard position + word.count <= count else { continue }
                    var equal = true
                    // Words are stored with ASCII lower-cased; the text is compared the same way.
                    for offset in length..<word.count where Self.folded(bytes[position + offset]) != word[offset] {
                        equal = false
                        break
                    }
                    if equal { for slot in wordSlots[Int(wordIndex)] { enabled[Int(slot)] = true } }
                }
            }
            position += length
        }
    }
}
