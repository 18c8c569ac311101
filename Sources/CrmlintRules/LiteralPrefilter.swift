import Foundation
import PatternEngine

/// One pass over a text that tells which pattern-rule entries could match it:
/// each entry of `patterns` needs one of its required words
/// (`RequiredLiterals`), and most texts hold none of most entries' words, so
/// PCRE2 runs only where it might find something.
///
/// Hand-written rather than a library: PCRE2's own alternation reports
/// non-overlapping matches only, so one combined pattern would hide a word
/// inside another (保证 in 担保证书), and Vectorscan, measured on the bundled
/// rules' 1,036 distinct patterns in PREFILTER mode, took 430 s to compile them
/// into one 123 MB database and scanned 1.0 MB/s, flagging ten patterns on every
/// message (README, Performance). The index is a table from a word's first scalar to the
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
    @exclusivity(unchecked) private var setStart: FlatTable<Int32> = [0]
    @exclusivity(unchecked) private var clauseSets: FlatTable<Int32> = []
    /// The clauses as masks, for `allows`, slot by slot: slot `s`'s clauses are the pairs
    /// `slotProgram[2 * slotProgramStart[s]..<2 * slotProgramStart[s + 1]]`, each clause's sets grouped by the word of
    /// 64 that holds their bits, a pair (header, bits) per word, the header that word's index | the pairs from this one
    /// to its clause's end << 16. A clause names 6.4 sets on average in 2.2 words of the bundled rules, and testing its
    /// sets one by one, most of them absent, was half of judging a text's entries. One table read front to back per
    /// slot, not three (where a slot's clauses start, where each clause's masks start, the masks): judging a fresh
    /// text's entries and a rule's patterns missed the first-level cache ~3 times a slot. Derived from the clauses, and
    /// kept in the cache file.
    @exclusivity(unchecked) private var slotProgramStart: FlatTable<Int32> = [0]
    @exclusivity(unchecked) private var slotProgram: FlatTable<UInt64> = []

    /// First scalar (BMP) → bucket number; 0 means none, `directBucketLimit` that the bucket is in
    /// `otherTable`. Two bytes a scalar (128 KB) rather than four: `mark` looks up every character of a
    /// text, and the wider table's cache misses were a visible part of its time.
    @exclusivity(unchecked) private var bmpTable: FlatTable<UInt16>
    /// Buckets numbered from here on (and the buckets of scalars beyond the BMP) are found in `otherTable`.
    let directBucketLimit: Int
    @exclusivity(unchecked) private var otherTable: [UInt32: Int] = [:]
    // Flat tables for the scan (no reference counting in the loop): the words
    // as UTF-8, the word sets each word belongs to, the words of each bucket.
    @exclusivity(unchecked) private var wordBytes: FlatTable<UInt8> = []
    @exclusivity(unchecked) private var wordStart: FlatTable<Int32> = [0]
    @exclusivity(unchecked) private var setsFlat: FlatTable<Int32> = []
    /// Per word: where its positional sets end in `setsFlat` (`orderSetsOfWords` puts them first),
    /// so `mark` records places for those without testing each set (a branch it mispredicted often).
    @exclusivity(unchecked) private var positionalSetsEnd: FlatTable<Int32> = []
    @exclusivity(unchecked) private var setsStart: FlatTable<Int32> = [0]
    /// Per positional set, its words (`positionalWordsStart[set]..<positionalWordsStart[set + 1]`), derived
    /// from the tables above: a pattern reads the places of its set's words (`positions(ofSet:)`).
    @exclusivity(unchecked) private var positionalWords: FlatTable<Int32> = []
    @exclusivity(unchecked) private var positionalWordsStart: FlatTable<Int32> = [0]
    @exclusivity(unchecked) private var bucketFlat: FlatTable<Int32> = []
    @exclusivity(unchecked) private var bucketStart: [Int32] = [0]
    /// Derived from the tables above by `derivePairTable` (so the cached file
    /// keeps its format): per bucket, its one-scalar words (`shortWords`), and
    /// an open-addressing table from a word's first two scalars to the words
    /// starting with them (`pairWords`). A common first character (您, 不, 保)
    /// starts dozens of words, and comparing each of them at every place it
    /// stood was most of `mark`; the text's next scalar now picks the few that can match.
    @exclusivity(unchecked) private var shortStart: [Int32] = []
    @exclusivity(unchecked) private var shortWords: [Int32] = []
    /// Two values a slot: the pair's key (0: an empty slot), then where its words start (low half) and
    /// end (high half) in `pairWords`, counted in words (`pairWordValues` values each) — side by side, so a
    /// probe that finds its pair reads one cache line (keys and ranges in two tables cost a second miss per hit).
    @exclusivity(unchecked) private var pairSlots: FlatTable<UInt64> = []
    /// Per word of a pair, `pairWordValues` values side by side: the word, and where its bytes start and end in
    /// `wordBytes` (as `markWords` has them). Read with the word, its bytes' place costs no second load: from
    /// `markWords`, by the word's number, it was the stall of a tenth of `mark`'s time (`perf annotate`), a
    /// miss per word tried, as the text's pair had named it.
    @exclusivity(unchecked) private var pairWords: FlatTable<Int32> = []
    /// The values `pairWords` holds per word.
    @inline(__always) static var pairWordValues: Int { 3 }
    /// One bit per hash of a pair (`pairBit`), set for the pairs `pairSlots` holds: 16 KB that stay in the
    /// first-level cache, where the 512 KB slot table does not. Most Chinese characters start some word
    /// (nine in ten of a messages file's), but seven in ten of those places start no pair of one, and
    /// probing the slot table for them missed the cache: a fifth of `mark`'s time, on one load.
    /// Derived from `pairSlots` (`derivePairBits`) when built, and kept in the cache file.
    @exclusivity(unchecked) private var pairBits: FlatTable<UInt64> = []
    /// A common word's sets as bits (a word of `denseSetCount` sets or more — 给 leads 156, a digit ~95 — marks
    /// them with one OR a word of 64 sets instead of a store per set: a fifth of `mark`'s instructions went to
    /// those stores; `markWords` tells where a word's row starts), only the words of 64 sets that hold one of them:
    /// how many such words, then groups of four, each their indices in `PresentSets` (16 bits apiece, in one `UInt64`) and their bits (a
    /// group padded with index 0 and no bits). Of the bundled rules' 4,301 sets (68 words of bits), a common word's
    /// ~44 fell in ~16 words (measured when words of 32 sets or more had rows): kept whole, its 68 words were 8.5
    /// cache lines read per text that holds the word (callgrind's cache simulation: a fifth of `mark`'s misses of
    /// the first-level cache), ~3 this way.
    /// Never empty (one spare word), so `mark` always has its address.
    @exclusivity(unchecked) private var denseSets: FlatTable<UInt64> = [0]
    /// How many sets a word must be in to be marked as bits. 16 since the rows keep only their words of bits
    /// that hold a set: a messages scan takes 0.5 % fewer instructions than at 32 (callgrind, the benchmark's first
    /// 100,001 lines: 3,963.2 → 3,944.7 M; first-level misses +0.6 %; the cache file 4.93 → 5.10 MB, and the small
    /// file +0.25 % instructions for reading it). (With whole rows of bits, 16 was no better than 32.)
    static let denseSetCount = 16
    /// The words of a group in a common word's row of `denseSets`: one of four indices, then their four words of bits.
    @inline(__always) static var denseGroupWords: Int { 5 }
    /// Per word, four values side by side, what `mark` reads of it: where its bytes start and end in `wordBytes`;
    /// where its sets start in `setsFlat`, or its row in `denseSets` complemented (negative) when it has one; and
    /// where its sets end, complemented when it leads no pattern (no positional sets). 16 bytes a word, aligned: one
    /// cache line, where a word found in a fresh text was read from four tables (`mark`'s first-level misses on the
    /// messages file's first 100,001 lines 9.78 → 8.45 M). Derived (`deriveMarkWords`) when built, and kept in the
    /// cache file (deriving it on every run was 1.9 % of a warm small-file run).
    @exclusivity(unchecked) private var markWords: FlatTable<Int32> = []
    /// The values `markWords` holds per word.
    @inline(__always) static var markWordValues: Int { 4 }
    /// Per word set: are its words' positions wanted (it is a pattern's leading words)?
    @exclusivity(unchecked) private var positional: [Bool] = []
    /// Per slot: the word set every match of that pattern starts with, or -1.
    @exclusivity(unchecked) private var leadingSet: [Int32] = []
    /// Per slot: how many digits must precede a digit for its pattern to need no try there
    /// (`DigitRunStarts.innerDigitDepth`; 0: tried at every digit), so its start places there are dropped.
    @exclusivity(unchecked) private var outsideDigitRuns: [UInt8] = []
    /// Derived from the clause tables (`deriveEntryTriggers`): per word set, the entry slots whose
    /// first clause names it (`triggerSlots[triggerStart[set]..<triggerStart[set + 1]]`), and the entry
    /// slots with no clause, a bit each. An entry can be allowed only when a set of its first clause is
    /// present, so `judgeEntries` judges just the entries its present sets name, once per text; judging every
    /// entry of every rule in turn (most fail) was a tenth of a messages scan.
    @exclusivity(unchecked) private var triggerStart: [Int32] = [0]
    @exclusivity(unchecked) private var triggerSlots: [Int32] = []
    @exclusivity(unchecked) private var openEntries: [UInt64] = []
    /// A bit per word set that some entry's first clause names: nine in ten sets present in a message
    /// name none, and reading their (empty) trigger ranges was half of `judgeEntries`.
    @exclusivity(unchecked) private var triggerSets: [UInt64] = []
    /// Entry slots come first (every rule's entries), then the slots of the patterns inside them.
    public private(set) var entrySlotCount = 0
    /// How many distinct word sets the entries need.
    public private(set) var setCount = 0
    public private(set) var slotCount = 0
    /// Rule id → its first entry slot (its entries are numbered in order).
    public private(set) var firstSlot: [String: Int] = [:]
    /// Rule id → the slot of the first pattern inside its entries (numbered
    /// in the order of `TextMatcher.leaves`, entry after entry).
    public private(set) var firstLeafSlot: [String: Int] = [:]

    /// How many clauses an "or" too large to distribute keeps (see `cnf` in `init`).
    static let choicesKept = 8

    public convenience init(rules: [Rule]) { self.init(rules: rules, directBucketLimit: Int(UInt16.max)) }

    /// `directBucketLimit`: lowered by tests, which have too few first characters to reach the real one.
    init(rules: [Rule], directBucketLimit: Int) {
        precondition(directBucketLimit > 0 && directBucketLimit <= Int(UInt16.max), "a bucket number must fit the table")
        self.directBucketLimit = directBucketLimit
        bmpTable = FlatTable(repeating: 0, count: 0x10000)
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
                if first < 0x10000, bmpTable[Int(first)] != 0, Int(bmpTable[Int(first)]) != directBucketLimit {
                    bucket = Int(bmpTable[Int(first)])
                } else if let known = otherTable[first] {
                    bucket = known
                } else {
                    bucket = buckets.count
                    buckets.append([])
                    if first < 0x10000, bucket < directBucketLimit {
                        bmpTable[Int(first)] = UInt16(bucket)
                    } else {
                        otherTable[first] = bucket
                        if first < 0x10000 { bmpTable[Int(first)] = UInt16(directBucketLimit) }
                    }
                }
                buckets[bucket].append(Int32(index))
            }
            return number
        }
        // The requirement as clauses of word sets (and of ors). An "or" of
        // "and"s is distributed while small ((A∧B)∨C = (A∨C)∧(B∨C)); beyond
        // that, clauses that each take one clause of every branch (the first
        // takes each branch's strongest, the next each one's second, …): each
        // is necessary, and together they keep most of every branch's "and".
        // (Keeping only the first let a word class of verbs (给|送|帮…) pass
        // where the gift it must name was missing: most business messages.)
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
                let ranked = branches.map { branch in branch.sorted { rank($0) > rank($1) } }
                // A branch with no requirement leaves the "or" none.
                guard let deepest = ranked.map(\.count).max(), ranked.allSatisfy({ !$0.isEmpty }) else { return [] }
                return (0..<min(deepest, Self.choicesKept)).map { choice in ranked.flatMap { $0[choice % $0.count] } }
            }
        }
        func strength(_ clause: [Int32]) -> Int { clause.map { setStrength[Int($0)] }.min() ?? 0 }
        /// How likely a text is to fail a clause, likeliest highest: the strength of its weakest word set, then fewer sets.
        func rank(_ clause: [Int32]) -> (Int, Int) { (strength(clause), -clause.count) }
        func clauses(_ requirement: RequiredLiterals.Requirement) -> [[Int32]] {
            // Drop clauses implied by others: one whose sets include all of another's.
            let all = cnf(requirement).map { Array(Set($0)).sorted() }
            let kept = all.enumerated().filter { i, clause in
                !all.enumerated().contains { j, other in
                    j != i && Set(other).isSubset(of: Set(clause)) && (other.count < clause.count || j < i)
                }
            }.map(\.element)
            // The clause a text most likely fails first (rarest words, fewest sets): `allows`
            // stops at the first unsatisfied one, and most entries are ruled out for most texts.
            // Inside a clause, its commonest sets first: `allows` stops at the first present one,
            // and most clauses it reads are satisfied (the entries that fail, fail at one clause).
            return kept.enumerated().sorted { a, b in
                let (x, y) = (rank(a.element), rank(b.element))
                return (x.0, x.1, -a.offset) > (y.0, y.1, -b.offset)
            }.map { $0.element.sorted { (setStrength[Int($0)], $0) < (setStrength[Int($1)], $1) } }
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
        var patternSlots: [ObjectIdentifier: (clauses: [[Int32]], leading: Int32, digitDepth: Int)] = [:]
        func slotParts(_ pattern: Pattern) -> (clauses: [[Int32]], leading: Int32, digitDepth: Int) {
            if let known = patternSlots[ObjectIdentifier(pattern)] { return known }
            let found = analysis(pattern)
            var leading: Int32 = -1
            var depth = 0
            if let words = found.leadingWords {
                let set = index(words)
                positional[set] = true
                leading = Int32(set)
                // Asked only of a pattern tried at its places: one searched whole has no places to drop.
                depth = DigitRunStarts.innerDigitDepth(pattern.source)
            }
            let parts = (found.requirement.map(clauses) ?? [], leading, depth)
            patternSlots[ObjectIdentifier(pattern)] = parts
            return parts
        }
        func addSlot(clauses list: [[Int32]], leading: Int32, digitDepth: Int = 0) {
            leadingSet.append(leading)
            outsideDigitRuns.append(UInt8(digitDepth))
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
            for leaf in TextMatcher.leaves(of: pattern.matchers) {
                let parts = slotParts(leaf)
                addSlot(clauses: parts.clauses, leading: parts.leading, digitDepth: parts.digitDepth)
            }
        }
        for word in words { wordBytes += word; wordStart.append(Int32(wordBytes.count)) }
        for sets in wordSets { setsFlat += sets; setsStart.append(Int32(setsFlat.count)) }
        for bucket in buckets { bucketFlat += bucket; bucketStart.append(Int32(bucketFlat.count)) }
        derivePairTable()
        orderSetsOfWords()
        derivePositionalWords()
        deriveEntryTriggers()
        deriveMarkWords(denseStart: deriveDenseSets())
        deriveSlotPrograms()
    }

    /// Builds `markWords` from `wordStart`, `setsStart`, `positionalSetsEnd` and each word's row in `denseSets`
    /// (`denseStart`: -1 for none).
    private func deriveMarkWords(denseStart: [Int32]) {
        let wordCount = max(0, setsStart.count - 1)
        let stride = Self.markWordValues
        var packed = [Int32](repeating: 0, count: stride * wordCount)
        for word in 0..<wordCount {
            let setsBegin = setsStart[word], setsEnd = setsStart[word + 1], dense = denseStart[word]
            packed[stride * word] = wordStart[word]
            packed[stride * word + 1] = wordStart[word + 1]
            packed[stride * word + 2] = dense >= 0 ? ~dense : setsBegin
            packed[stride * word + 3] = positionalSetsEnd[word] == setsBegin ? ~setsEnd : setsEnd
        }
        markWords = FlatTable(packed)
    }

    /// Whether each common word's row of bits in `markWords` (`packed`, `markWordValues` a word) may be read by `mark`
    /// unchecked (`denseRowIsValid`). (Its other offsets, into the words' bytes and sets, are guarded by the file's
    /// checksum as `wordStart` and `setsStart` are: checking each of 35,720 words' was 0.7 % of a small-file run.)
    static func markWordsHaveValidRows(
        _ packed: UnsafeBufferPointer<Int32>, denseSets: UnsafeBufferPointer<UInt64>, presentWords: Int
    )
        -> Bool
    {
        let stride = markWordValues
        guard packed.count % stride == 0 else { return false }
        for index in 0..<packed.count / stride {
            let start = Int(packed[index &* stride &+ 2])
            if start < 0, !denseRowIsValid(at: ~start, in: denseSets, presentWords: presentWords) { return false }
        }
        return true
    }

    /// Builds `slotProgramStart` and `slotProgram` from the clauses (each clause's words in the order its sets
    /// first name them).
    private func deriveSlotPrograms() {
        var starts: [Int32] = [0], program: [UInt64] = []
        starts.reserveCapacity(clauseStart.count)
        for slot in 0..<clauseStart.count - 1 {
            for clause in Int(clauseStart[slot])..<Int(clauseStart[slot + 1]) {
                let first = program.count
                for index in Int(setStart[clause])..<Int(setStart[clause + 1]) {
                    let set = Int(clauseSets[index])
                    let word = UInt64(set >> 6), bit: UInt64 = 1 << UInt64(set & 63)
                    var pair = first
                    while pair < program.count, program[pair] != word { pair += 2 }
                    if pair < program.count { program[pair + 1] |= bit } else { program += [word, bit] }
                }
                // Each pair's count of pairs left goes into its header now, once the clause's pairs are all there (the
                // search above compares headers holding the word alone). (A clause always names a set: an empty one could never hold, and `cnf` makes none.)
                let pairs = (program.count - first) / 2
                for pair in 0..<pairs { program[first + 2 * pair] |= UInt64(pairs - pair) << 16 }
            }
            starts.append(Int32(program.count / 2))
        }
        slotProgramStart = FlatTable(starts)
        slotProgram = FlatTable(program)
    }

    /// Whether `program` and `starts` (as `deriveSlotPrograms` makes them, read back from a cache file) may be read by
    /// `allows` unchecked: each slot's pairs within the table, each header's word within `presentWords`, and each
    /// clause's count of pairs landing inside its slot's.
    static func slotProgramsAreValid(
        _ starts: UnsafeBufferPointer<Int32>, _ program: UnsafeBufferPointer<UInt64>, slots: Int, presentWords: Int
    ) -> Bool {
        guard starts.count == slots + 1, starts[0] == 0, Int(starts[slots]) * 2 == program.count, ascends(starts) else { return false }
        for slot in 0..<slots {
            let end = Int(starts[slot + 1])
            var pair = Int(starts[slot])
            while pair < end {
                // A clause's first pair says how many it has; each of them (the first too) its word and the pairs left.
                let left = Int(program[2 * pair] >> 16)
                guard left >= 1, pair + left <= end else { return false }
                for inner in pair..<pair + left {
                    let other = program[2 * inner]
                    guard other & 0xFFFF < UInt64(presentWords), Int(other >> 16) == pair + left - inner else { return false }
                }
                pair += left
            }
        }
        return true
    }

    /// Whether a word's row in `denseSets` (`start`) is -1 (none), or the start of a row `mark` may read unchecked: its
    /// count and groups within `bits`, each index within the `presentWords` words of a `PresentSets`.
    static func denseRowIsValid(at start: Int, in bits: UnsafeBufferPointer<UInt64>, presentWords: Int) -> Bool {
        if start == -1 { return true }
        guard start >= 0, start < bits.count, bits[start] <= UInt64(presentWords) else { return false }
        let groups = (Int(bits[start]) + 3) / 4
        guard start + 1 + denseGroupWords * groups <= bits.count else { return false }
        for group in 0..<groups {
            let indices = bits[start + 1 + denseGroupWords * group]
            for lane in 0..<4 where Int(indices >> UInt64(16 * lane) & 0xFFFF) >= presentWords { return false }
        }
        return true
    }

    /// Builds `denseSets` from the words' sets, and returns where each word's row starts in it (-1: none).
    private func deriveDenseSets() -> [Int32] {
        let wordCount = max(0, setsStart.count - 1), presentWords = Self.bitWords(setCount)
        var starts = [Int32](repeating: -1, count: wordCount)
        var bits: [UInt64] = []
        // (An index is 16 bits: more sets than 2^16 words of them hold, and every word's sets are stored one by one.)
        if presentWords <= 1 << 16 {
            var row = [UInt64](repeating: 0, count: presentWords)
            for word in 0..<wordCount where Int(setsStart[word + 1] &- setsStart[word]) >= Self.denseSetCount {
                for index in row.indices { row[index] = 0 }
                for entry in Int(setsStart[word])..<Int(setsStart[word + 1]) {
                    let set = Int(setsFlat[entry])
                    row[set &>> 6] |= 1 &<< UInt64(set & 63)
                }
                let held = row.indices.filter { row[$0] != 0 }
                starts[word] = Int32(truncatingIfNeeded: bits.count)
                bits.append(UInt64(held.count))
                for group in stride(from: 0, to: held.count, by: 4) {
                    let four = held[group..<min(group + 4, held.count)]
                    var indices: UInt64 = 0
                    for (lane, index) in four.enumerated() { indices |= UInt64(index) << UInt64(16 * lane) }
                    bits.append(indices)
                    for lane in 0..<4 { bits.append(lane < four.count ? row[four[four.startIndex + lane]] : 0) }
                }
            }
        }
        bits.append(0) // one spare word: never empty
        denseSets = FlatTable(bits)
        return starts
    }

    /// Builds `triggerStart`, `triggerSlots` and `openEntries` from the clause tables.
    private func deriveEntryTriggers() {
        entrySlotCount = firstLeafSlot.values.min() ?? slotCount
        openEntries = [UInt64](repeating: 0, count: Self.bitWords(entrySlotCount))
        var counts = [Int32](repeating: 0, count: setCount + 1)
        func firstClause(_ slot: Int) -> Range<Int>? {
            let clause = Int(clauseStart[slot])
            return clause < Int(clauseStart[slot + 1]) ? Int(setStart[clause])..<Int(setStart[clause + 1]) : nil
        }
        for slot in 0..<entrySlotCount {
            guard let sets = firstClause(slot) else {
                openEntries[slot >> 6] |= 1 << UInt64(slot & 63)
                continue
            }
            for index in sets { counts[Int(clauseSets[index]) + 1] += 1 }
        }
        for set in 0..<setCount { counts[set + 1] += counts[set] }
        triggerStart = counts
        triggerSets = [UInt64](repeating: 0, count: Self.bitWords(setCount))
        for set in 0..<setCount where counts[set + 1] > counts[set] { triggerSets[set >> 6] |= 1 << UInt64(set & 63) }
        var next = counts
        triggerSlots = [Int32](repeating: 0, count: Int(counts[setCount]))
        for slot in 0..<entrySlotCount {
            guard let sets = firstClause(slot) else { continue }
            for index in sets {
                let set = Int(clauseSets[index])
                triggerSlots[Int(next[set])] = Int32(slot)
                next[set] += 1
            }
        }
    }

    /// Puts each word's positional sets before its others in `setsFlat` (in order, both
    /// runs) and notes where they end (`positionalSetsEnd`); derived, as the pair table is.
    private func orderSetsOfWords() {
        var ordered: [Int32] = []
        ordered.reserveCapacity(setsFlat.count)
        positionalSetsEnd = []
        for word in 0..<max(0, setsStart.count - 1) {
            let sets = setsFlat[Int(setsStart[word])..<Int(setsStart[word + 1])]
            // Ascending: `positions(ofSet:)` stops at the first set past the one it asks for.
            ordered += sets.filter { self.positional[Int($0)] }.sorted()
            positionalSetsEnd.append(Int32(ordered.count))
            ordered += sets.lazy.filter { !self.positional[Int($0)] }
        }
        setsFlat = FlatTable(ordered)
    }

    /// The key of a pair of scalars in `pairSlots` (never 0: scalars are below 2^21).
    @inline(__always) static func pairKey(_ first: UInt32, _ second: UInt32) -> UInt64 { UInt64(first) << 21 | UInt64(second) | 1 << 63 }

    @inline(__always) static func pairSlot(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The bit of a pair in `pairBits`: the hash's top 17 bits (2^17 bits, 16 KB; with ~8,000 pairs
    /// about one place in sixteen that starts no pair still probes the slots).
    static let pairBitShift: UInt64 = 47
    @inline(__always) static func pairBit(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> pairBitShift) }

    /// How many words of 64 bits hold `count` bits (a `PresentSets` of `count` sets, a bit per entry slot).
    @inline(__always) static func bitWords(_ count: Int) -> Int { (count + 63) / 64 }

    /// How many words of 64 bits `pairBits` has.
    static let pairBitWords = 1 << (64 - pairBitShift) / 64

    /// Builds `pairBits` from `pairSlots`.
    private func derivePairBits() {
        var bits = [UInt64](repeating: 0, count: Self.pairBitWords)
        pairSlots.withUnsafeBufferPointer { slots in
            for slot in stride(from: 0, to: slots.count, by: 2) where slots[slot] != 0 {
                let bit = Self.pairBit(slots[slot])
                bits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        pairBits = FlatTable(bits)
    }

    /// The first scalar of UTF-8 `bytes` from `position` and its length, ASCII
    /// lower-cased (as `mark` reads the text); nil when the bytes end inside it.
    @inline(__always) static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (value: UInt32, length: Int)? {
        let lead = bytes[position]
        var scalar: UInt32
        var length: Int
        if lead < 0x80 {
            return (UInt32(folded(lead)), 1)
        } else if lead & 0xF0 == 0xE0, position &+ 3 <= bytes.count {
            // A three-byte character (every Chinese one) in one step, as the loop below reads it (the loop was a
            // tenth of marking).
            let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[position &+ 1] & 0x3F) << 6 | UInt32(bytes[position &+ 2] & 0x3F)
            return (value, 3)
        } else if lead < 0xE0 {
            scalar = UInt32(lead & 0x1F); length = 2
        } else if lead < 0xF0 {
            scalar = UInt32(lead & 0x0F); length = 3
        } else {
            scalar = UInt32(lead & 0x07); length = 4
        }
        if position + length > bytes.count { return nil }
        for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[position + offset] & 0x3F) }
        return (scalar, length)
    }

    /// Every word as stored (UTF-8, ASCII lower-cased), with the word sets it belongs to and whether
    /// each set's positions are kept: what `mark` looks for, for tests that check it against a plain search.
    var wordsForTesting: [(bytes: [UInt8], sets: [Int], positional: [Bool])] {
        (0..<max(0, wordStart.count - 1)).map { word in
            let sets = (Int(setsStart[word])..<Int(setsStart[word + 1])).map { Int(setsFlat[$0]) }
            return (Array(wordBytes[Int(wordStart[word])..<Int(wordStart[word + 1])]), sets, sets.map { positional[$0] })
        }
    }

    /// Builds `shortStart`/`shortWords` and the pair table from the word and bucket tables.
    private func derivePairTable() {
        shortStart = [0]
        shortWords = []
        var groups: [UInt64: [Int32]] = [:]
        var order: [UInt64] = []
        wordBytes.withUnsafeBufferPointer { all in
            for bucket in 0..<max(0, bucketStart.count - 1) {
                for b in Int(bucketStart[bucket])..<Int(bucketStart[bucket + 1]) {
                    let word = Int(bucketFlat[b])
                    let bytes = UnsafeBufferPointer(rebasing: all[Int(wordStart[word])..<Int(wordStart[word + 1])])
                    guard let first = Self.scalar(bytes, at: 0), first.length < bytes.count,
                        let second = Self.scalar(bytes, at: first.length)
                    else {
                        shortWords.append(Int32(word))
                        continue
                    }
                    let key = Self.pairKey(first.value, second.value)
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(Int32(word))
                }
                shortStart.append(Int32(shortWords.count))
            }
        }
        var size = 16
        while size < order.count * 2 { size <<= 1 }
        var slots = [UInt64](repeating: 0, count: 2 * size)
        pairWords = []
        for key in order {
            var slot = Self.pairSlot(key, mask: size - 1)
            while slots[2 * slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[2 * slot] = key
            let start = UInt64(pairWords.count / Self.pairWordValues)
            for word in groups[key]! { pairWords += [word, wordStart[Int(word)], wordStart[Int(word) + 1]] }
            slots[2 * slot + 1] = start | UInt64(pairWords.count / Self.pairWordValues) << 32
        }
        pairSlots = FlatTable(slots)
        derivePairBits()
    }

    /// Could entry `slot` hit a text whose present word sets are `present`?
    /// (An entry with no requirement has no clauses and always may.)
    @inline(__always)
    public func allows(entry slot: Int, present: PresentSets) -> Bool { firstAllowed(slot..<slot + 1, present: present) == slot }

    /// The first slot of `slots` whose entry may hit a text whose present word sets are
    /// `present` (`slots.upperBound` when none): `allows` over a rule's entries with the
    /// tables read once (most fields allow none of a rule's entries, so every one is judged).
    public func firstAllowed(_ slots: Range<Int>, present: PresentSets) -> Int {
        present.bits.withUnsafeBufferPointer { present in
            withClauseTables { tables in
                for slot in slots where tables.allows(slot, present: present) { return slot }
                return slots.upperBound
            }
        }
    }

    /// Writes into `allowed` a bit per slot of `slots` (bit `i` for slot `slots.lowerBound + i`): `allows`
    /// for each, the tables read once. A pattern rule judges an entry's patterns together before searching
    /// them: asked one at a time (an `all`'s parts twice), opening the tables for each cost more than judging it.
    public func judge(_ slots: Range<Int>, present: PresentSets, into allowed: UnsafeMutableBufferPointer<UInt64>) {
        precondition(allowed.count * 64 >= slots.count, "a bit per slot")
        for word in allowed.indices { allowed[word] = 0 }
        present.bits.withUnsafeBufferPointer { present in
            withClauseTables { tables in
                for slot in slots where tables.allows(slot, present: present) {
                    let bit = slot &- slots.lowerBound
                    allowed[bit &>> 6] |= 1 &<< UInt64(bit & 63)
                }
            }
        }
    }

    /// The clause tables as buffers, for judging many slots at once.
    private struct ClauseTables {
        let programStart: UnsafeBufferPointer<Int32>
        let program: UnsafeBufferPointer<UInt64>

        /// Whether every clause of `slot` has a set present; with `skippingFirst`, every clause after its first
        /// (whose set the caller found present). A slot with no clauses always may.
        @inline(__always) func allows(_ slot: Int, present: UnsafeBufferPointer<UInt64>, skippingFirst: Bool = false) -> Bool {
            var pair = Int(programStart[slot])
            let end = Int(programStart[slot + 1])
            if skippingFirst, pair < end { pair &+= Int(truncatingIfNeeded: program[pair &* 2] &>> 16) }
            while pair < end {
                let header = program[pair &* 2]
                let left = Int(truncatingIfNeeded: header &>> 16)
                if present[Int(truncatingIfNeeded: header & 0xFFFF)] & program[pair &* 2 &+ 1] != 0 {
                    pair &+= left
                } else if left == 1 {
                    return false
                } else {
                    pair &+= 1
                }
            }
            return true
        }
    }

    @inline(__always) private func withClauseTables<R>(_ body: (ClauseTables) -> R) -> R {
        slotProgramStart.withUnsafeBufferPointer { programStart in
            slotProgram.withUnsafeBufferPointer { program in
                body(ClauseTables(programStart: programStart, program: program))
            }
        }
    }

    /// `allows` for an entry slot (below `entrySlotCount`), read in `judgeEntries`' verdicts on a text; likewise a
    /// slot's bit in `judge`'s verdicts (`slot` counted from the range's start).
    @inline(__always) public static func allows(entry slot: Int, verdicts bits: UnsafeBufferPointer<UInt64>) -> Bool {
        bits[slot >> 6] & (1 << UInt64(slot & 63)) != 0
    }

    /// `firstAllowed` over entry slots, read in `judgeEntries`' verdicts on a text.
    @inline(__always)
    public static func firstAllowedEntry(_ slots: Range<Int>, verdicts bits: UnsafeBufferPointer<UInt64>) -> Int {
        var slot = slots.lowerBound
        while slot < slots.upperBound {
            let word = bits[slot >> 6] >> UInt64(slot & 63)
            if word != 0 { return min(slot + word.trailingZeroBitCount, slots.upperBound) }
            slot = (slot | 63) + 1
        }
        return slots.upperBound
    }

    /// How many words of 64 bits hold a verdict per entry slot.
    public var entryVerdictWords: Int { openEntries.count }

    /// A bit per entry slot: set for the entries with no word to look for, which every text allows.
    public var openEntryBits: [UInt64] { openEntries }

    /// Writes into `allowed` (`entryVerdictWords` words) a bit per entry slot: `allows` on the text `mark`
    /// just read into `present`. Only the entries with a present set in their first clause are judged
    /// (the others cannot be allowed), each once, however many rules ask after.
    public func judgeEntries(present: PresentSets, into allowed: UnsafeMutableBufferPointer<UInt64>, memo: EntryVerdictMemo) {
        guard memo.words == openEntries.count, present.bits.count == triggerSets.count else {
            judgeEntries(present: present, into: allowed)
            return
        }
        let key = present.bits.withUnsafeBufferPointer(EntryVerdictMemo.key)
        if memo.find(key, into: allowed) { return }
        judgeEntries(present: present, into: allowed)
        memo.keep(key, verdicts: allowed)
    }

    /// The same, judged (no memory of earlier texts).
    public func judgeEntries(present: PresentSets, into allowed: UnsafeMutableBufferPointer<UInt64>) {
        let words = openEntries.count
        precondition(allowed.count == words && present.bits.count == triggerSets.count, "one bit per entry, one per word set")
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { judged in
            openEntries.withUnsafeBufferPointer { open in
                for word in 0..<words {
                    allowed[word] = open[word]
                    judged[word] = open[word]
                }
            }
            triggerSets.withUnsafeBufferPointer { triggerSets in
                triggerStart.withUnsafeBufferPointer { triggerStart in
                    triggerSlots.withUnsafeBufferPointer { triggerSlots in
                        present.bits.withUnsafeBufferPointer { present in
                            withClauseTables { tables in
                                // The present sets that some entry's first clause names, a word of 64 sets at a time
                                // (nine in ten sets present in a message name none).
                                for chunk in 0..<present.count {
                                    var bits = present[chunk] & triggerSets[chunk]
                                    while bits != 0 {
                                        let set = chunk << 6 | bits.trailingZeroBitCount
                                        bits &= bits &- 1
                                        for index in Int(triggerStart[set])..<Int(triggerStart[set + 1]) {
                                            let slot = Int(triggerSlots[index])
                                            let bit: UInt64 = 1 << UInt64(slot & 63)
                                            if judged[slot >> 6] & bit != 0 { continue }
                                            judged[slot >> 6] |= bit
                                            // Its first clause holds `set`: the others decide.
                                            if tables.allows(slot, present: present, skippingFirst: true) { allowed[slot >> 6] |= bit }
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

    @inline(__always) static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Where the leading words of patterns stand in a text, as `mark` found
    /// them: per word a chain through its own places, and the words found, so a
    /// pattern reads the places of its set's words without reading every other
    /// word's (a message has dozens of places, a pattern's set a few: reading them
    /// all was 7 % of a scan). Kept per word, not per set: a common character
    /// leads dozens of sets (您 50, a digit 55), and linking each of its places into
    /// each set's chain was two fifths of `mark`; a pattern asks for its set's
    /// places about 3.5 times a message.
    public struct Places: Equatable, Sendable {
        /// In text order, one per place of a word of a positional set: the index of the
        /// word's place before it (-1: none) << 32 | its byte offset.
        /// (Sized ahead: only the first `count` are places.)
        fileprivate var links: [Int64] = []
        fileprivate var count = 0
        /// Whether the places were not kept (more than `maxPlaces`): every pattern then searches the whole text.
        public fileprivate(set) var dropped = false
        /// Per word (the first `wordCount`), the index in `links` of its last place in the text; -1: not
        /// found in the text, -2: found, and in no positional set (reset for the words found before the next
        /// text is marked). Then room for the words found, each once: those in a positional set (that lead
        /// patterns) from its front, the others from its back; then how many of the others, and how many
        /// leaders. One array, so a copy of the places is two references, as it was with places per set (a
        /// third made the words' tuple a generic copy: 17 M instructions on 30,000 messages).
        fileprivate var words: [Int32] = []

        public init() {}

        public static func == (a: Places, b: Places) -> Bool {
            a.dropped == b.dropped && a.links.prefix(a.count) == b.links.prefix(b.count)
        }
    }

    /// The word sets a text holds, as `mark` found them: a bit per set. (As flags a byte each, with a
    /// list of the sets found to clear them by, `judgeEntries` tested each of the ~400 sets a message
    /// holds against the sets that start entries; as bits it reads sixty-four at a time: a quarter less
    /// of its time, and `mark` sets a set that leads no pattern without a branch and clears the lot in
    /// a few dozen stores.)
    public struct PresentSets: Equatable, Sendable {
        fileprivate var bits: [UInt64]
        /// How many sets (the prefilter's `setCount`).
        public let count: Int

        public init(count: Int) {
            self.count = count
            bits = [UInt64](repeating: 0, count: LiteralPrefilter.bitWords(count))
        }

        public subscript(set: Int) -> Bool { bits.withUnsafeBufferPointer { Self.holds(set, in: $0) } }

        /// Every set's flag, in order (for tests and diagnostics).
        public var flags: [Bool] { (0..<count).map { self[$0] } }

        @inline(__always) static func holds(_ set: Int, in bits: UnsafeBufferPointer<UInt64>) -> Bool {
            bits[set &>> 6] & (1 &<< UInt64(set & 63)) != 0
        }
    }

    /// The ascending byte offsets in a text where words of `set` stand, from
    /// `mark`'s `present` and `places` (empty for a set not positional).
    public func positions(ofSet set: Int, in places: Places, present: PresentSets) -> [Int] {
        guard present[set], positional[set], !places.dropped else { return [] }
        let lower = Int(positionalWordsStart[set]), upper = Int(positionalWordsStart[set + 1])
        return places.words.withUnsafeBufferPointer { words in
            places.links.withUnsafeBufferPointer { links in
                let wordCount = (words.count - 2) / 2
                let leaderCount = Int(words[2 * wordCount + 1])
                // The set's words the text holds, then their places: a small set's words are each looked up;
                // for a large one (a word class of hundreds) the text's few leading words are each asked whether
                // they are of the set (a word's positional sets are in ascending order).
                let room = min(upper - lower, leaderCount)
                return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, room)) { held in
                    var heldCount = 0
                    if upper - lower <= 2 * leaderCount {
                        positionalWords.withUnsafeBufferPointer { setWords in
                            for index in lower..<upper where words[Int(setWords[index])] >= 0 && heldCount < room {
                                held[heldCount] = Int(setWords[index])
                                heldCount += 1
                            }
                        }
                    } else {
                        let target = Int32(truncatingIfNeeded: set)
                        // The tables as buffers: read through `FlatTable` each read asked whether the table was mapped.
                        setsFlat.withUnsafeBufferPointer { sets in
                            setsStart.withUnsafeBufferPointer { setsStart in
                                positionalSetsEnd.withUnsafeBufferPointer { positionalSetsEnd in
                                    for index in 0..<leaderCount where heldCount < room {
                                        let word = Int(words[wordCount + index])
                                        // Its positional sets ascend: a binary search (a digit or 给 leads ~100 sets, and
                                        // reading them in turn was most of this function once leading words were lengthened).
                                        // Branch-free (the halving's next base picked by a conditional move): which half
                                        // holds the set is a coin toss the processor mispredicts (`perf`: this function
                                        // 3.8 % → 3.6 % of a one-thread scan's time).
                                        var base = Int(setsStart[word])
                                        var length = Int(positionalSetsEnd[word]) &- base
                                        guard length > 0 else { continue }
                                        while length > 1 {
                                            let half = length &>> 1
                                            base = sets[base &+ half] <= target ? base &+ half : base
                                            length &-= half
                                        }
                                        if sets[base] == target {
                                            held[heldCount] = word
                                            heldCount += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                    // Counted first, then written from the end of each chain (chains run backwards) into room on the
                    // stack, sorted there, and copied out once: `[Int](unsafeUninitializedCapacity:)` was not
                    // specialised (the array's storage class was looked up by the runtime, ~370 instructions a call:
                    // a third of this function), and growing an array place by place was 1 % of a messages scan.
                    var count = 0
                    for index in 0..<heldCount {
                        var link = Int(words[held[index]])
                        while link >= 0 {
                            count += 1
                            link = Int(Int32(truncatingIfNeeded: links[link] >> 32))
                        }
                    }
                    return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, count)) { buffer in
                        var end = count
                        for index in 0..<heldCount {
                            var link = Int(words[held[index]])
                            while link >= 0 {
                                let value = links[link]
                                end -= 1
                                buffer[end] = Int(Int32(truncatingIfNeeded: value))
                                link = Int(Int32(truncatingIfNeeded: value >> 32))
                            }
                        }
                        var kept = count
                        // Two words' places interleave; two words of a set at one place give it once.
                        if heldCount > 1, count > 1 {
                            var places = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                            if count <= 16 {
                                // By insertion: a few places (the usual) cost the library's sort ~300 instructions a call.
                                for index in 1..<count {
                                    let place = places[index]
                                    var slot = index
                                    while slot > 0, places[slot - 1] > place {
                                        places[slot] = places[slot - 1]
                                        slot -= 1
                                    }
                                    places[slot] = place
                                }
                            } else {
                                places.sort()
                            }
                            kept = 1
                            for index in 1..<count where places[index] != places[kept - 1] {
                                places[kept] = places[index]
                                kept += 1
                            }
                        }
                        return Array(UnsafeBufferPointer(rebasing: buffer[0..<kept]))
                    }
                }
            }
        }
    }

    /// Derives `positionalWords`: per positional set, its words, from each word's sets.
    private func derivePositionalWords() {
        var starts = [Int32](repeating: 0, count: setCount + 1)
        let wordCount = max(0, setsStart.count - 1)
        for word in 0..<wordCount {
            for entry in Int(setsStart[word])..<Int(positionalSetsEnd[word]) { starts[Int(setsFlat[entry]) + 1] += 1 }
        }
        for set in 0..<setCount { starts[set + 1] += starts[set] }
        var next = starts
        var words = [Int32](repeating: 0, count: Int(starts[setCount]))
        for word in 0..<wordCount {
            for entry in Int(setsStart[word])..<Int(positionalSetsEnd[word]) {
                let set = Int(setsFlat[entry])
                words[Int(next[set])] = Int32(word)
                next[set] += 1
            }
        }
        positionalWords = FlatTable(words)
        positionalWordsStart = FlatTable(starts)
    }

    /// Where the pattern of `slot` may start in a text whose word hits are
    /// `present` and `places` (from `mark`): the ascending byte offsets of its
    /// leading words, or nil when it has none known (search the whole text).
    public func starts(slot: Int, in places: Places, present: PresentSets) -> [Int]? {
        let set = Int(leadingSet[slot])
        guard set >= 0, !places.dropped else { return nil }
        return positions(ofSet: set, in: places, present: present)
    }

    /// `starts`, less the digits of `text` that follow as many digits as the pattern of `slot` needs no try past
    /// (`DigitRunStarts.innerDigitDepth`, one or two; run it with `resumingInDigitRuns`, as `startsOutsideDigitRuns` says).
    public func starts(slot: Int, in places: Places, present: PresentSets, text: UnsafeBufferPointer<UInt8>) -> [Int]? {
        guard var positions = starts(slot: slot, in: places, present: present) else { return nil }
        if outsideDigitRuns[slot] != 0 { DigitRunStarts.dropInnerDigits(&positions, in: text, depth: Int(outsideDigitRuns[slot])) }
        return positions
    }

    /// Whether `starts(slot:in:present:text:)` drops places inside runs of digits for `slot`: its search then
    /// tries the place it resumes at inside such a run (`Pattern.allMatches(in:startingAt:resumingInDigitRuns:)`).
    public func startsOutsideDigitRuns(slot: Int) -> Bool { outsideDigitRuns[slot] != 0 }

    /// Marks in `present` (sized `setCount`) the word sets with a word in `bytes`.
    public func mark(_ bytes: UnsafeBufferPointer<UInt8>, into present: inout PresentSets) {
        var places = Places()
        mark(bytes, into: &present, places: &places)
    }

    /// The same, and keeps in `places` where a word of a pattern's leading set stands.
    public func mark(_ bytes: UnsafeBufferPointer<UInt8>, into present: inout PresentSets, places: inout Places) {
        let wordCount = max(0, setsStart.count - 1)
        if places.words.count != 2 * wordCount + 2 {
            // One array written once (two joined made three, ~280 KB each for the bundled rules' words, on every thread).
            places.words = [Int32](unsafeUninitializedCapacity: 2 * wordCount + 2) { buffer, count in
                buffer[..<wordCount].initialize(repeating: -1)
                buffer[wordCount...].initialize(repeating: 0)
                count = 2 * wordCount + 2
            }
        }
        if present.count != setCount { present = PresentSets(count: setCount) }
        // Places go into a buffer sized beforehand (appending to an array here doubled the cost
        // of `mark`): 8 a byte, which messages stay well under, up to 64 Ki at first; a text
        // with more is marked again with room for all.
        let room = min(max(256, 8 * bytes.count), 1 << 16, maxPlaces)
        if places.links.count < room || places.links.count > maxPlaces { places.links = [Int64](repeating: 0, count: room) }
        places.dropped = false
        while true {
            let needed = mark(bytes, into: &present.bits, places: &places.links, words: &places.words)
            places.count = needed
            if needed <= places.links.count { return }
            // A long text full of leading words (a hostile field: megabytes of one promise
            // repeated) would hold hundreds of bytes of places per byte of text; its
            // patterns search the whole text instead, which finds the same.
            if needed > maxPlaces {
                places.dropped = true
                places.count = 0
                return
            }
            places.links = [Int64](repeating: 0, count: 2 * needed)
        }
    }

    /// The most places `mark` keeps for one text (8 MB); messages have dozens.
    /// (Set before the prefilter is shared: tests lower it.)
    @exclusivity(unchecked) public var maxPlaces = 1 << 20

    /// One try of `mark`: the number of places found, of which `links` holds those it has room for.
    private func mark(_ bytes: UnsafeBufferPointer<UInt8>, into present: inout [UInt64], places: inout [Int64], words: inout [Int32]) -> Int
    {
        var linkCount = 0
        places.withUnsafeMutableBufferPointer { links in
            words.withUnsafeMutableBufferPointer { words in
                present.withUnsafeMutableBufferPointer { present in
                    for index in present.indices { present[index] = 0 }
                    let wordCount = (words.count - 2) / 2
                    // The last text's words are not found in this one yet: its leading words from the front of
                    // the list, the others from its back.
                    for index in 0..<Int(words[2 * wordCount + 1]) { words[Int(words[wordCount + index])] = -1 }
                    for index in 0..<Int(words[2 * wordCount]) { words[Int(words[2 * wordCount - 1 - index])] = -1 }
                    // Words found that lead patterns (`positions(ofSet:)` reads only them) go to the list's front as
                    // they are found, the others to its back (moving the leaders to the front in a pass after
                    // marking cost 80 M instructions on the benchmark's messages file).
                    var leadersFound = 0, othersFound = 0
                    withTables { tables in
                        // The tables' and buffers' base addresses as constants: read through the buffers, each
                        // store to a flag or a link made the loop load every base address again (they might alias).
                        // (No sets, no words: a prefilter of rules without words finds nothing, and its empty tables have no address.)
                        guard let presentBits = present.baseAddress, let lastPlaces = words.baseAddress,
                            let linkBase = links.baseAddress, let setsFlat = tables.setsFlat.baseAddress,
                            let markWords = tables.markWords.baseAddress, let denseSets = tables.denseSets.baseAddress
                        else { return }
                        let linkRoom = links.count
                        let foundWords = lastPlaces + wordCount
                        /// A word stands at `position`: the first time in the text, its sets are present; where it
                        /// stands is kept when it leads patterns. (The counters are passed, not captured: a captured
                        /// `var` changed in the loop cost an exclusive-access check per character.)
                        @inline(__always) func found(
                            _ word: Int, at position: Int, linkCount: inout Int, leadersFound: inout Int, othersFound: inout Int
                        ) {
                            let previous = lastPlaces[word]
                            if previous == -1 {
                                let start = Int(markWords[Self.markWordValues &* word &+ 2]),
                                    end = Int(markWords[Self.markWordValues &* word &+ 3])
                                if start < 0 {
                                    // Its words of 64 sets, four at a time: their indices in one word, then their bits.
                                    let dense = ~start
                                    var group = dense &+ 1
                                    let stop = group &+ Self.denseGroupWords &* ((Int(truncatingIfNeeded: denseSets[dense]) &+ 3) &>> 2)
                                    while group < stop {
                                        let indices = denseSets[group]
                                        presentBits[Int(truncatingIfNeeded: indices & 0xFFFF)] |= denseSets[group &+ 1]
                                        presentBits[Int(truncatingIfNeeded: indices &>> 16 & 0xFFFF)] |= denseSets[group &+ 2]
                                        presentBits[Int(truncatingIfNeeded: indices &>> 32 & 0xFFFF)] |= denseSets[group &+ 3]
                                        presentBits[Int(truncatingIfNeeded: indices &>> 48)] |= denseSets[group &+ 4]
                                        group &+= Self.denseGroupWords
                                    }
                                } else {
                                    for set in start..<(end < 0 ? ~end : end) {
                                        let number = Int(setsFlat[set])
                                        presentBits[number &>> 6] |= 1 &<< UInt64(number & 63)
                                    }
                                }
                                if end < 0 {
                                    othersFound &+= 1
                                    foundWords[wordCount &- othersFound] = Int32(truncatingIfNeeded: word)
                                    lastPlaces[word] = -2
                                    return
                                }
                                foundWords[leadersFound] = Int32(truncatingIfNeeded: word)
                                leadersFound &+= 1
                            } else if previous == -2 {
                                return
                            }
                            if linkCount < linkRoom { linkBase[linkCount] = Int64(previous) << 32 | Int64(position) }
                            lastPlaces[word] = Int32(truncatingIfNeeded: linkCount)
                            linkCount &+= 1
                        }
                        let count = bytes.count
                        var position = 0
                        // Each scalar decoded once: as the one after a place (for the pair it starts), then kept
                        // as the next place's own (decoding it twice was an eighth of marking).
                        var current = count > 0 ? Self.scalar(bytes, at: 0) : nil
                        while position < count {
                            guard let (scalar, length) = current else { break }
                            let following = position + length < count ? Self.scalar(bytes, at: position + length) : nil
                            current = following
                            var bucket = scalar < 0x10000 ? Int(tables.bmpTable[Int(scalar)]) : directBucketLimit
                            if bucket == directBucketLimit { bucket = otherTable[scalar] ?? 0 }
                            if bucket != 0 {
                                // The one-scalar words starting here, then the words starting with this scalar and the next.
                                for s in Int(tables.shortStart[bucket])..<Int(tables.shortStart[bucket + 1]) {
                                    found(
                                        Int(tables.shortWords[s]), at: position, linkCount: &linkCount, leadersFound: &leadersFound,
                                        othersFound: &othersFound)
                                }
                                if let (next, nextLength) = following {
                                    let key = Self.pairKey(scalar, next)
                                    let bit = Self.pairBit(key)
                                    guard tables.pairBits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else {
                                        position += length
                                        continue
                                    }
                                    let mask = tables.pairSlots.count / 2 - 1
                                    var slot = Self.pairSlot(key, mask: mask)
                                    while tables.pairSlots[2 * slot] != 0 {
                                        if tables.pairSlots[2 * slot] == key {
                                            let range = tables.pairSlots[2 * slot + 1]
                                            for p in Int(UInt32(truncatingIfNeeded: range))..<Int(range >> 32) {
                                                let entry = Self.pairWordValues &* p
                                                let word = Int(tables.pairWords[entry])
                                                let start = Int(tables.pairWords[entry &+ 1]), end = Int(tables.pairWords[entry &+ 2])
                                                guard position + (end - start) <= count else { continue }
                                                // Words are stored with ASCII lower-cased; the text is compared the same way,
                                                // after the two scalars the pair's key already matched exactly (comparing
                                                // them again byte by byte was a fifth of the comparisons' time).
                                                var offset = length + nextLength
                                                while offset < end - start,
                                                    Self.folded(bytes[position + offset]) == tables.wordBytes[start + offset]
                                                {
                                                    offset += 1
                                                }
                                                if offset == end - start {
                                                    found(
                                                        word, at: position, linkCount: &linkCount, leadersFound: &leadersFound,
                                                        othersFound: &othersFound)
                                                }
                                            }
                                            break
                                        }
                                        slot = (slot + 1) & mask
                                    }
                                }
                            }
                            position += length
                        }
                    }
                    words[2 * wordCount] = Int32(truncatingIfNeeded: othersFound)
                    words[2 * wordCount + 1] = Int32(truncatingIfNeeded: leadersFound)
                }
            }
        }
        return linkCount
    }

    /// The tables `mark` reads, as buffers (no reference counting or bounds bookkeeping per read).
    private struct Tables {
        let bmpTable: UnsafeBufferPointer<UInt16>
        let shortStart: UnsafeBufferPointer<Int32>
        let shortWords: UnsafeBufferPointer<Int32>
        let pairSlots: UnsafeBufferPointer<UInt64>
        let pairWords: UnsafeBufferPointer<Int32>
        let pairBits: UnsafeBufferPointer<UInt64>
        let wordBytes: UnsafeBufferPointer<UInt8>
        let setsFlat: UnsafeBufferPointer<Int32>
        let markWords: UnsafeBufferPointer<Int32>
        let denseSets: UnsafeBufferPointer<UInt64>
    }

    private func withTables(_ body: (Tables) -> Void) {
        bmpTable.withUnsafeBufferPointer { bmpTable in
            shortStart.withUnsafeBufferPointer { shortStart in
                shortWords.withUnsafeBufferPointer { shortWords in
                    pairSlots.withUnsafeBufferPointer { pairSlots in
                        pairWords.withUnsafeBufferPointer { pairWords in
                            pairBits.withUnsafeBufferPointer { pairBits in
                                wordBytes.withUnsafeBufferPointer { wordBytes in
                                    setsFlat.withUnsafeBufferPointer { setsFlat in
                                        markWords.withUnsafeBufferPointer { markWords in
                                            denseSets.withUnsafeBufferPointer { denseSets in
                                                body(
                                                    Tables(
                                                        bmpTable: bmpTable, shortStart: shortStart, shortWords: shortWords,
                                                        pairSlots: pairSlots, pairWords: pairWords, pairBits: pairBits,
                                                        wordBytes: wordBytes, setsFlat: setsFlat, markWords: markWords,
                                                        denseSets: denseSets))
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
        if let file = CacheFile.bytes(atPath: path), let restored = LiteralPrefilter(restoring: file) {
            return restored
        }
        let built = LiteralPrefilter(rules: rules)
        RuleCache.write(built.serialized(), to: path)
        return built
    }

    /// 2: the pair table is kept too (deriving it was 4 % of a warm small-file run), and a checksum;
    /// 3: wide "or"s keep several clauses; 4: the four-lane checksum; 5: each word's positional
    /// sets first, and where they end (`positionalSetsEnd`); 6: the large tables aligned and read in place;
    /// 7: the first-scalar table two bytes a scalar, and the pair table's keys and ranges side by side;
    /// 8: each positional set's words (`positionalWords`; deriving them was 2 % of a warm small-file run);
    /// 9: the pair bits and a common word's sets as bits (`pairBits`, `denseStart`, `denseSets`: deriving
    /// them on every run was 1.7 % of a warm small-file run); 10: the clauses as masks (`clauseMasks`);
    /// 11: the bits of 9 aligned and read in place, not copied out; 12: which slots' patterns need no try inside a
    /// run of digits; 13: per slot, how many digits before a digit its pattern needs no try past (`outsideDigitRuns`, 0–2);
    /// 14: a common word's bits only where it has sets, four words of them at a time (`denseSets`); 15: what `mark`
    /// reads of a word side by side (`markWords`, in place of where its bits start); 16: a pair's words with where
    /// their bytes are (`pairWords`); 17: the clauses' masks slot by slot, with where each clause ends (`slotProgram`).
    static let magic = "crmlint-prefilter 17\n"

    func serialized() -> [UInt8] {
        var out = CacheWriter()
        out.string(Self.magic)
        out.raw(clauseStart)
        out.aligned(setStart)
        out.aligned(clauseSets)
        out.aligned(bmpTable)
        let others = otherTable.sorted { $0.key < $1.key }
        out.raw(others.map(\.key))
        out.raw(others.map(\.value))
        out.aligned(wordBytes)
        out.aligned(wordStart)
        out.aligned(setsFlat)
        out.aligned(setsStart)
        out.aligned(bucketFlat)
        out.raw(bucketStart)
        out.raw(positional.map { $0 ? UInt8(1) : 0 })
        out.raw(leadingSet)
        out.raw(outsideDigitRuns)
        out.raw(shortStart)
        out.raw(shortWords)
        out.aligned(pairSlots)
        out.aligned(pairWords)
        out.aligned(positionalSetsEnd)
        out.aligned(positionalWords)
        out.aligned(positionalWordsStart)
        out.aligned(pairBits)
        out.aligned(markWords)
        out.aligned(denseSets)
        out.aligned(slotProgramStart)
        out.aligned(slotProgram)
        out.count(setCount)
        out.count(slotCount)
        out.count(directBucketLimit)
        for table in [firstSlot, firstLeafSlot] {
            let entries = table.sorted { $0.key < $1.key }
            out.count(entries.count)
            for (id, slot) in entries {
                out.string(id)
                out.count(slot)
            }
        }
        out.string("end")
        // A damaged word index or pair range would read out of bounds or skip a pattern that matches.
        out.checksum()
        return out.bytes
    }

    /// The tables as `serialized` wrote them; nil for a file that is not one (then the prefilter is built).
    convenience init?(restoring bytes: [UInt8]) {
        self.init(restoring: CacheBytes(copying: bytes))
    }

    convenience init?(restoring bytes: CacheBytes) {
        guard var input = CacheReader(checked: bytes), input.string() == Self.magic, let clauseStart = input.raw(Int32.self),
            let setStart = input.table(Int32.self),
            let clauseSets = input.table(Int32.self), let bmpTable = input.table(UInt16.self), bmpTable.count == 0x10000,
            let otherKeys = input.raw(UInt32.self), let otherValues = input.raw(Int.self), otherKeys.count == otherValues.count,
            let wordBytes = input.table(UInt8.self), let wordStart = input.table(Int32.self), let setsFlat = input.table(Int32.self),
            let setsStart = input.table(Int32.self), let bucketFlat = input.table(Int32.self), let bucketStart = input.raw(Int32.self),
            let positional = input.raw(UInt8.self), let leadingSet = input.raw(Int32.self),
            let outsideDigitRuns = input.raw(UInt8.self), let shortStart = input.raw(Int32.self),
            let shortWords = input.raw(Int32.self), let pairSlots = input.table(UInt64.self),
            let pairWords = input.table(Int32.self), let positionalSetsEnd = input.table(Int32.self),
            let positionalWords = input.table(Int32.self), let positionalWordsStart = input.table(Int32.self),
            let pairBits = input.table(UInt64.self), let markWords = input.table(Int32.self), let denseSets = input.table(UInt64.self),
            let slotProgramStart = input.table(Int32.self), let slotProgram = input.table(UInt64.self),
            let setCount = input.count(),
            let slotCount = input.count(), let directBucketLimit = input.count(), directBucketLimit > 0,
            directBucketLimit <= Int(UInt16.max)
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
            outsideDigitRuns.count == slotCount, outsideDigitRuns.allSatisfy({ $0 <= 2 }),
            clauseStart.count == slotCount + 1, shortStart.count == bucketStart.count, pairSlots.count >= 32,
            pairSlots.count & (pairSlots.count - 1) == 0, positionalSetsEnd.count == setsStart.count - 1,
            positionalWordsStart.count == setCount + 1, positionalWordsStart[0] == 0,
            positionalWordsStart[setCount] == Int32(positionalWords.count),
            pairWords.count % Self.pairWordValues == 0, pairBits.count == Self.pairBitWords,
            markWords.count == Self.markWordValues * max(0, setsStart.count - 1), denseSets.count > 0,
            // `mark` reads a common word's bits unchecked: each within the table.
            markWords.withUnsafeBufferPointer({ packed in
                denseSets.withUnsafeBufferPointer { bits in
                    Self.markWordsHaveValidRows(packed, denseSets: bits, presentWords: Self.bitWords(setCount))
                }
            }),
            // Each slot's clauses within the clauses (`deriveEntryTriggers` reads their sets).
            setStart.count >= 1, clauseStart[0] == 0, Int(clauseStart[slotCount]) == setStart.count - 1,
            clauseStart.withUnsafeBufferPointer(Self.ascends),
            // `allows` reads the programs unchecked: each slot's within the table, each word within the present sets.
            slotProgramStart.withUnsafeBufferPointer({ starts in
                slotProgram.withUnsafeBufferPointer { program in
                    Self.slotProgramsAreValid(starts, program, slots: slotCount, presentWords: Self.bitWords(setCount))
                }
            }),
            positionalWordsStart.withUnsafeBufferPointer(Self.ascends),
            positionalSetsEnd.withUnsafeBufferPointer({ ends in
                setsStart.withUnsafeBufferPointer { starts in
                    ends.indices.allSatisfy { starts[$0] <= ends[$0] && ends[$0] <= starts[$0 + 1] }
                }
            })
        else { return nil }
        self.init(rules: [], directBucketLimit: directBucketLimit)
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
        self.outsideDigitRuns = outsideDigitRuns
        self.setCount = setCount
        self.slotCount = slotCount
        self.firstSlot = tables[0]
        self.firstLeafSlot = tables[1]
        self.shortStart = shortStart
        self.shortWords = shortWords
        self.pairSlots = pairSlots
        self.pairWords = pairWords
        self.pairBits = pairBits
        // Written ordered (`orderSetsOfWords`): ordering again cost more than the rest of reading the file.
        self.positionalSetsEnd = positionalSetsEnd
        self.positionalWords = positionalWords
        self.positionalWordsStart = positionalWordsStart
        deriveEntryTriggers()
        self.markWords = markWords
        self.denseSets = denseSets
        self.slotProgramStart = slotProgramStart
        self.slotProgram = slotProgram
    }

    /// Whether offsets into another table never decrease (a start table read back from a cache file:
    /// the tables' readers walk from one start to the next unchecked).
    static func ascends(_ starts: UnsafeBufferPointer<Int32>) -> Bool {
        starts.indices.dropLast().allSatisfy { starts[$0] <= starts[$0 + 1] }
    }

    /// How many of the tables are read in place from a cache file (tests).
    var mappedTablesForTesting: Int {
        [
            setStart.isMapped, clauseSets.isMapped, bmpTable.isMapped, wordBytes.isMapped, wordStart.isMapped, setsFlat.isMapped,
            setsStart.isMapped, bucketFlat.isMapped, pairSlots.isMapped, pairWords.isMapped, positionalSetsEnd.isMapped,
            positionalWords.isMapped, positionalWordsStart.isMapped, slotProgramStart.isMapped, slotProgram.isMapped, pairBits.isMapped,
            markWords.isMapped, denseSets.isMapped,
        ].filter { $0 }.count
    }

    /// The pair table as `derivePairTable` builds it, for tests of the cached one.
    var pairTablesForTesting: [[Int64]] {
        [
            shortStart.map(Int64.init), shortWords.map(Int64.init), pairSlots.map { Int64(bitPattern: $0) },
            pairWords.map(Int64.init),
        ]
    }

    /// The bits derived from the other tables (`pairBits`, `markWords`, `denseSets`), for tests of the cached ones.
    var derivedBitsForTesting: [[Int64]] {
        [
            pairBits.indices.map { Int64(bitPattern: pairBits[$0]) }, markWords.indices.map { Int64(markWords[$0]) },
            denseSets.indices.map { Int64(bitPattern: denseSets[$0]) },
            slotProgramStart.indices.map { Int64(slotProgramStart[$0]) }, slotProgram.indices.map { Int64(bitPattern: slotProgram[$0]) },
        ]
    }

    func rederivedBitsForTesting() -> [[Int64]] {
        derivePairBits()
        deriveMarkWords(denseStart: deriveDenseSets())
        deriveSlotPrograms()
        return derivedBitsForTesting
    }

    func rederivedPairTablesForTesting() -> [[Int64]] {
        derivePairTable()
        return pairTablesForTesting
    }
}

/// A 128-bit hash of text, the same in every process (Swift's `Hasher` is
/// seeded per process), eight bytes a step: it names cache files by what
/// built them, so it must be cheap on megabytes of pattern text.
struct StableHash {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    mutating func add(word: UInt64) { mix(word) }

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
            // A long text (a rule file: a warm run hashes a megabyte of them to name its cache) through
            // the checksum's vector lanes, at half the instructions a byte of the word-by-word mix below.
            if raw.count >= 256 {
                let (first, second) = CacheChecksum.of(raw)
                mix(first)
                mix(second)
                return
            }
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

    /// A pattern's text, through its name (`CacheKey.name(of:)`: the text is not hashed again).
    mutating func add(_ pattern: Pattern) {
        let name = CacheKey.name(of: pattern)
        mix(name.a)
        mix(name.b)
    }

    /// A matcher's shape and patterns: what the prefilter's slots are made of. (Numbers are
    /// mixed in as words: writing each shape as a string first was most of hashing a rule set,
    /// 1.5 % of a one-file scan.)
    mutating func add(_ matcher: TextMatcher) {
        switch matcher {
        case let .pattern(pattern, group):
            mix(1)
            mix(UInt64(pattern.options.rawValue))
            mix(UInt64(bitPattern: Int64(group ?? -1)))
            add(pattern)
        case let .alternation(whole, group, parts):
            mix(2)
            mix(UInt64(parts.count))
            mix(UInt64(whole.options.rawValue))
            mix(UInt64(bitPattern: Int64(group ?? -1)))
            add(whole)
            parts.forEach { add(.pattern($0, captureGroup: nil)) }
        case let .any(parts):
            mix(3)
            mix(UInt64(parts.count))
            parts.forEach { add($0) }
        case let .all(parts, near, scope):
            mix(4)
            mix(UInt64(parts.count))
            mix(UInt64(bitPattern: Int64(near ?? -1)))
            add(scope.rawValue)
            parts.forEach { add($0) }
        }
    }

    var words: (UInt64, UInt64) { (a, b) }

    /// The hash as a pattern's name (`PatternSourceKey`).
    var key: PatternSourceKey { PatternSourceKey(a: a, b: b) }

    var hex: String { Self.hex(a, b) }

    /// Two words as 32 hex digits (a cache file's name, a model's key).
    static func hex(_ a: UInt64, _ b: UInt64) -> String {
        [a, b].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
