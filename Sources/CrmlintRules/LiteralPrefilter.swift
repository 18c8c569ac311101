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
    /// Per entry slot, its requirement in a flat "and of ors" form: clauses
    /// `clauseStart[slot]..<clauseStart[slot + 1]`, each clause a run of word-set
    /// indices `clauseSets[setStart[c]..<setStart[c + 1]]` of which one must be present.
    /// (How a requirement becomes clauses: see `cnf` in `init`.)
    // Built in `init`, only read after: unchecked exclusive access spares the
    // hot `allows`/`mark` a runtime check per read (dropping the global
    // -enforce-exclusivity=unchecked flag cost ~6 % of a scan's CPU).
    @exclusivity(unchecked) private var clauseStart: [Int32] = [0]
    @exclusivity(unchecked) private var setStart: [Int32] = [0]
    @exclusivity(unchecked) private var clauseSets: [Int32] = []

    /// First scalar (BMP) → bucket number; 0 means none.
    @exclusivity(unchecked) private var bmpTable: [UInt32]
    @exclusivity(unchecked) private var otherTable: [UInt32: Int] = [:]
    // Flat tables for the scan (no reference counting in the loop): the words
    // as UTF-8, the word sets each word belongs to, the words of each bucket.
    @exclusivity(unchecked) private var wordBytes: [UInt8] = []
    @exclusivity(unchecked) private var wordStart: [Int32] = [0]
    @exclusivity(unchecked) private var setsFlat: [Int32] = []
    @exclusivity(unchecked) private var setsStart: [Int32] = [0]
    @exclusivity(unchecked) private var bucketFlat: [Int32] = []
    @exclusivity(unchecked) private var bucketStart: [Int32] = [0]
    /// Per word set: are its words' positions wanted (it is a pattern's leading words)?
    @exclusivity(unchecked) private var positional: [Bool] = []
    /// Per slot: the word set every match of that pattern starts with, or -1.
    @exclusivity(unchecked) private var leadingSet: [Int32] = []
    /// How many distinct word sets the entries need.
    public private(set) var setCount = 0
    public private(set) var slotCount = 0
    /// Rule id → its first entry slot (its entries are numbered in order).
    public private(set) var firstSlot: [String: Int] = [:]
    /// Rule id → the slot of the first pattern inside its entries (numbered
    /// in the order of `TextMatcher.leaves`, entry after entry).
    public private(set) var firstLeafSlot: [String: Int] = [:]

    public init(rules: [Rule]) {
        bmpTable = [UInt32](repeating: 0, count: 0x10000)
        var words: [[UInt8]] = []
        var wordSets: [[Int32]] = []
        var buckets: [[Int32]] = [[]]
        var wordIndex: [String: Int] = [:]
        var setIndex: [Set<String>: Int] = [:]
        var setStrength: [Int] = []
        func index(_ set: Set<String>) -> Int {
            if let known = setIndex[set] { return known }
            let number = setCount
            setCount += 1
            setStrength.append(set.map(RequiredLiterals.wordStrength).min() ?? 0)
            positional.append(false)
            setIndex[set] = number
            for word in set {
                if let known = wordIndex[word] {
                    wordSets[known].append(Int32(number))
                    continue
                }
                let index = words.count
                wordIndex[word] = index
                words.append(Array(word.utf8))
                wordSets.append([Int32(number)])
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
            return number
        }
        // The requirement as clauses of word sets (and of ors). An "or" of
        // "and"s is distributed while small ((A∧B)∨C = (A∨C)∧(B∨C)); beyond
        // that each branch keeps its strongest clause: weaker, still necessary.
        func cnf(_ requirement: RequiredLiterals.Requirement) -> [[Int32]] {
            switch requirement {
            case let .words(set): return [[Int32(index(set))]]
            case let .all(parts): return parts.flatMap(cnf)
            case let .any(parts):
                let branches = parts.map(cnf)
                let combinations = branches.reduce(1) { min($0 * max($1.count, 1), 1_000) }
                if combinations <= 64 {
                    var result: [[Int32]] = [[]]
                    for branch in branches {
                        result = result.flatMap { partial in branch.map { partial + $0 } }
                    }
                    return result
                }
                return [branches.flatMap { branch in branch.max { (strength($0), -$0.count) < (strength($1), -$1.count) } ?? [] }]
            }
        }
        func strength(_ clause: [Int32]) -> Int { clause.map { setStrength[Int($0)] }.min() ?? 0 }
        func clauses(_ requirement: RequiredLiterals.Requirement) -> [[Int32]] {
            // Drop clauses implied by others: one whose sets include all of another's.
            let all = cnf(requirement).map { Array(Set($0)).sorted() }
            return all.enumerated().filter { i, clause in
                !all.enumerated().contains { j, other in
                    j != i && Set(other).isSubset(of: Set(clause)) && (other.count < clause.count || j < i)
                }
            }.map(\.element)
        }
        // A pattern's requirement once, however many entries share it (word classes repeat).
        // Keyed by the compiled pattern, not its text: hashing a long pattern's text costs more than parsing it.
        var known: [ObjectIdentifier: (requirement: RequiredLiterals.Requirement?, leadingWords: Set<String>?)] = [:]
        func analysis(_ pattern: Pattern) -> (requirement: RequiredLiterals.Requirement?, leadingWords: Set<String>?) {
            if let hit = known[ObjectIdentifier(pattern)] { return hit }
            let found = RequiredLiterals.analysis(of: pattern.source, caseless: pattern.options.contains(.caseless))
            known[ObjectIdentifier(pattern)] = found
            return found
        }
        // A pattern's clauses and leading set, once: a pattern alone in its entry has both slots.
        var patternSlots: [ObjectIdentifier: (clauses: [[Int32]], leading: Int32)] = [:]
        func slotParts(_ pattern: Pattern) -> (clauses: [[Int32]], leading: Int32) {
            if let known = patternSlots[ObjectIdentifier(pattern)] { return known }
            let found = analysis(pattern)
            var leading: Int32 = -1
            if let words = found.leadingWords {
                let set = index(words)
                positional[set] = true
                leading = Int32(set)
            }
            let parts = (found.requirement.map(clauses) ?? [], leading)
            patternSlots[ObjectIdentifier(pattern)] = parts
            return parts
        }
        func addSlot(clauses list: [[Int32]], leading: Int32) {
            leadingSet.append(leading)
            for sets in list {
                clauseSets += sets
                setStart.append(Int32(clauseSets.count))
            }
            clauseStart.append(Int32(setStart.count - 1))
            slotCount += 1
        }
        var patternRules: [PatternRule] = []
        for rule in rules {
            guard let pattern = rule as? PatternRule, firstSlot[pattern.metadata.id] == nil else { continue }
            patternRules.append(pattern)
            firstSlot[pattern.metadata.id] = slotCount
            for matcher in pattern.matchers {
                if case let .pattern(leaf, _) = matcher {
                    addSlot(clauses: slotParts(leaf).clauses, leading: -1)
                } else {
                    addSlot(clauses: matcher.requirement { analysis($0).requirement }.map(clauses) ?? [], leading: -1)
                }
            }
        }
        // Then one slot per pattern inside the entries, so a combination runs only
        // its parts whose words are present (a split word class runs only the
        // pieces the text has words of).
        for pattern in patternRules {
            firstLeafSlot[pattern.metadata.id] = slotCount
            for leaf in pattern.matchers.flatMap(\.leaves) {
                let parts = slotParts(leaf)
                addSlot(clauses: parts.clauses, leading: parts.leading)
            }
        }
        for word in words { wordBytes += word; wordStart.append(Int32(wordBytes.count)) }
        for sets in wordSets { setsFlat += sets; setsStart.append(Int32(setsFlat.count)) }
        for bucket in buckets { bucketFlat += bucket; bucketStart.append(Int32(bucketFlat.count)) }
    }

    /// Could entry `slot` hit a text whose present word sets are `present`?
    /// (An entry with no requirement has no clauses and always may.)
    @inline(__always)
    public func allows(entry slot: Int, present: [Bool]) -> Bool {
        var c = Int(clauseStart[slot])
        let end = Int(clauseStart[slot + 1])
        while c < end {
            var satisfied = false
            var i = Int(setStart[c])
            let stop = Int(setStart[c + 1])
            while i < stop {
                if present[Int(clauseSets[i])] { satisfied = true; break }
                i += 1
            }
            if !satisfied { return false }
            c += 1
        }
        return true
    }

    @inline(__always) static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Where the pattern of `slot` may start in a text whose word hits are
    /// `starts` (from `mark`): the ascending byte offsets of its leading
    /// words, or nil when it has none known (search the whole text).
    public func starts(slot: Int, in starts: [Int64]) -> [Int]? {
        let set = leadingSet[slot]
        guard set >= 0 else { return nil }
        var positions: [Int] = []
        for packed in starts where Int32(truncatingIfNeeded: packed >> 32) == set {
            let position = Int(Int32(truncatingIfNeeded: packed))
            if positions.last != position { positions.append(position) }
        }
        return positions
    }

    /// Marks in `present` (sized `setCount`) the word sets with a word in `bytes`.
    public func mark(_ bytes: UnsafeBufferPointer<UInt8>, into present: inout [Bool]) {
        var starts: [Int64] = []
        mark(bytes, into: &present, starts: &starts)
    }

    /// The same, and appends to `starts` (set << 32 | byte offset, in text
    /// order) where a word of a pattern's leading set stands.
    public func mark(_ bytes: UnsafeBufferPointer<UInt8>, into present: inout [Bool], starts: inout [Int64]) {
        starts.removeAll(keepingCapacity: true)
        present.withUnsafeMutableBufferPointer { present in
            positional.withUnsafeBufferPointer { positional in
                for index in present.indices { present[index] = false }
                wordBytes.withUnsafeBufferPointer { wordBytes in
                    wordStart.withUnsafeBufferPointer { wordStart in
                        setsFlat.withUnsafeBufferPointer { setsFlat in
                            setsStart.withUnsafeBufferPointer { setsStart in
                                bucketFlat.withUnsafeBufferPointer { bucketFlat in
                                    bucketStart.withUnsafeBufferPointer { bucketStart in
                                        bmpTable.withUnsafeBufferPointer { bmpTable in
                                            var position = 0
                                            let count = bytes.count
                                            while position < count {
                                                let lead = bytes[position]
                                                var scalar: UInt32
                                                var length: Int
                                                if lead < 0x80 {
                                                    scalar = UInt32(Self.folded(lead)); length = 1
                                                } else if lead < 0xE0 {
                                                    scalar = UInt32(lead & 0x1F); length = 2
                                                } else if lead < 0xF0 {
                                                    scalar = UInt32(lead & 0x0F); length = 3
                                                } else {
                                                    scalar = UInt32(lead & 0x07); length = 4
                                                }
                                                if position + length > count { break }
                                                if length > 1 {
                                                    for offset in 1..<length {
                                                        scalar = scalar << 6 | UInt32(bytes[position + offset] & 0x3F)
                                                    }
                                                }
                                                let bucket = scalar < 0x10000 ? Int(bmpTable[Int(scalar)]) : (otherTable[scalar] ?? 0)
                                                if bucket != 0 {
                                                    for b in Int(bucketStart[bucket])..<Int(bucketStart[bucket + 1]) {
                                                        let word = Int(bucketFlat[b])
                                                        let start = Int(wordStart[word]), end = Int(wordStart[word + 1])
                                                        guard position + (end - start) <= count else { continue }
                                                        // Words are stored with ASCII lower-cased; the text is compared the same way.
                                                        var offset = length
                                                        while offset < end - start,
                                                            Self.folded(bytes[position + offset]) == wordBytes[start + offset]
                                                        { offset += 1 }
                                                        if offset == end - start {
                                                            for set in Int(setsStart[word])..<Int(setsStart[word + 1]) {
                                                                let number = Int(setsFlat[set])
                                                                present[number] = true
                                                                if positional[number] {
                                                                    starts.append(Int64(number) << 32 | Int64(position))
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                                position += length
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension LiteralPrefilter {
    /// The prefilter for `rules`, read from a file beside the rule cache when
    /// one was written for exactly these rules (ids, entries' shapes, pattern
    /// texts and options, in order, hashed whole), else built and written
    /// there. Built from the same rules, the tables are the same either way.
    public static func cached(rules: [Rule], cache: RuleCache) -> LiteralPrefilter {
        guard let cachePath = cache.path else { return LiteralPrefilter(rules: rules) }
        var hash = StableHash()
        hash.add((cachePath as NSString).lastPathComponent)
        for case let rule as PatternRule in rules {
            hash.add(rule.metadata.id)
            for matcher in rule.matchers { hash.add(matcher) }
        }
        let path = (cachePath as NSString).deletingLastPathComponent + "/prefilter-\(hash.hex).bin"
        if let data = FileManager.default.contents(atPath: path), let restored = LiteralPrefilter(restoring: [UInt8](data)) {
            return restored
        }
        let built = LiteralPrefilter(rules: rules)
        RuleCache.write(built.serialized(), to: path)
        return built
    }

    static let magic = "crmlint-prefilter 1\n"

    func serialized() -> [UInt8] {
        var out = CacheWriter()
        out.string(Self.magic)
        out.raw(clauseStart)
        out.raw(setStart)
        out.raw(clauseSets)
        out.raw(bmpTable)
        let others = otherTable.sorted { $0.key < $1.key }
        out.raw(others.map(\.key))
        out.raw(others.map(\.value))
        out.raw(wordBytes)
        out.raw(wordStart)
        out.raw(setsFlat)
        out.raw(setsStart)
        out.raw(bucketFlat)
        out.raw(bucketStart)
        out.raw(positional.map { $0 ? UInt8(1) : 0 })
        out.raw(leadingSet)
        out.count(setCount)
        out.count(slotCount)
        for table in [firstSlot, firstLeafSlot] {
            let entries = table.sorted { $0.key < $1.key }
            out.count(entries.count)
            for (id, slot) in entries {
                out.string(id)
                out.count(slot)
            }
        }
        out.string("end")
        return out.bytes
    }

    /// The tables as `serialized` wrote them; nil for a file that is not one (then the prefilter is built).
    convenience init?(restoring bytes: [UInt8]) {
        var input = CacheReader(bytes: bytes)
        guard input.string() == Self.magic, let clauseStart = input.raw(Int32.self), let setStart = input.raw(Int32.self),
            let clauseSets = input.raw(Int32.self), let bmpTable = input.raw(UInt32.self), bmpTable.count == 0x10000,
            let otherKeys = input.raw(UInt32.self), let otherValues = input.raw(Int.self), otherKeys.count == otherValues.count,
            let wordBytes = input.raw(UInt8.self), let wordStart = input.raw(Int32.self), let setsFlat = input.raw(Int32.self),
            let setsStart = input.raw(Int32.self), let bucketFlat = input.raw(Int32.self), let bucketStart = input.raw(Int32.self),
            let positional = input.raw(UInt8.self), let leadingSet = input.raw(Int32.self), let setCount = input.count(),
            let slotCount = input.count()
        else { return nil }
        var tables: [[String: Int]] = []
        for _ in 0..<2 {
            guard let count = input.count() else { return nil }
            var table: [String: Int] = [:]
            for _ in 0..<count {
                guard let id = input.string(), let slot = input.count() else { return nil }
                table[id] = slot
            }
            tables.append(table)
        }
        guard input.string() == "end", input.atEnd, positional.count == setCount, leadingSet.count == slotCount,
            clauseStart.count == slotCount + 1
        else { return nil }
        self.init(rules: [])
        self.clauseStart = clauseStart
        self.setStart = setStart
        self.clauseSets = clauseSets
        self.bmpTable = bmpTable
        self.otherTable = Dictionary(uniqueKeysWithValues: zip(otherKeys, otherValues))
        self.wordBytes = wordBytes
        self.wordStart = wordStart
        self.setsFlat = setsFlat
        self.setsStart = setsStart
        self.bucketFlat = bucketFlat
        self.bucketStart = bucketStart
        self.positional = positional.map { $0 != 0 }
        self.leadingSet = leadingSet
        self.setCount = setCount
        self.slotCount = slotCount
        self.firstSlot = tables[0]
        self.firstLeafSlot = tables[1]
    }
}

/// A 128-bit hash of text, the same in every process (Swift's `Hasher` is
/// seeded per process), eight bytes a step: it names cache files by what
/// built them, so it must be cheap on megabytes of pattern text.
struct StableHash {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    private mutating func mix(_ word: UInt64) {
        a = (a ^ word) &* 0x0000_0100_0000_01B3
        a ^= a >> 29
        b = (b &+ word) &* 0xFF51_AFD7_ED55_8CCD
        b ^= b >> 33
    }

    mutating func add(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            mix(UInt64(buffer.count))
            let raw = UnsafeRawBufferPointer(buffer)
            var index = 0
            while index + 8 <= raw.count {
                mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            var tail: UInt64 = 0
            while index < raw.count {
                tail = tail << 8 | UInt64(raw[index])
                index += 1
            }
            mix(tail)
        }
    }

    /// A matcher's shape and patterns: what the prefilter's slots are made of.
    mutating func add(_ matcher: TextMatcher) {
        switch matcher {
        case let .pattern(pattern, group):
            add("p\(pattern.options.rawValue):\(group ?? -1)")
            add(pattern.source)
        case let .any(parts):
            add("any\(parts.count)")
            parts.forEach { add($0) }
        case let .all(parts, near, scope):
            add("all\(parts.count):\(near ?? -1):\(scope.rawValue)")
            parts.forEach { add($0) }
        }
    }

    var words: (UInt64, UInt64) { (a, b) }

    var hex: String {
        [a, b].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
