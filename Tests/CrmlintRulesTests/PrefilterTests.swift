import CrmlintCore
import Foundation
import PatternEngine
import Testing

@testable import CrmlintRules

/// A one-rule pack of `source` (three alternatives at the top: the word-class split, four or more, leaves it
/// whole), searched through its parts, with its prefilter and first leaf slot; nil (an issue recorded) when
/// the rule does not search it through its parts.
func alternationRule(
    _ source: String
) throws -> (
    rule: PatternRule, whole: PatternEngine.Pattern, parts: [PatternEngine.Pattern], prefilter: LiteralPrefilter, firstLeaf: Int
)? {
    let yaml = "- id: t.alt\n  category: bribery\n  severity: error\n  message: m\n  patterns: ['\(source)']\n"
    let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
    #expect(errors.isEmpty, "\(errors)")
    let rule = try #require(rules.first as? PatternRule)
    guard case let .alternation(whole, _, parts) = try #require(rule.matchers.first) else {
        Issue.record("\(source) is not searched through its parts")
        return nil
    }
    let prefilter = LiteralPrefilter(rules: [rule])
    return (rule, whole, parts, prefilter, try #require(prefilter.firstLeafSlot["t.alt"]))
}

/// `prefilter`'s word sets present in `buffer`, and their places.
func marks(_ prefilter: LiteralPrefilter, _ buffer: UnsafeBufferPointer<UInt8>) -> (LiteralPrefilter.PresentSets, LiteralPrefilter.Places) {
    var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
    var places = LiteralPrefilter.Places()
    prefilter.mark(buffer, into: &present, places: &places)
    return (present, places)
}

/// How one part of an alternation runs in `partsFindWhatTheWholeFinds`: its slot, the prefilter,
/// the text's marks and the text, and the round.
struct PartRunInput {
    let slot: Int
    let prefilter: LiteralPrefilter
    let present: LiteralPrefilter.PresentSets
    let places: LiteralPrefilter.Places
    let buffer: UnsafeBufferPointer<UInt8>
    let round: Int
}

/// `rounds` random texts of `alphabet` (up to `maxLength` characters), each searched through the alternation
/// `source`'s parts, each part run as `run` says (`.skip` already taken where the prefilter rules the part out),
/// against a search of the whole pattern. The texts compared; nil when `source` is not searched through parts.
func partsFindWhatTheWholeFinds(
    _ source: String, alphabet: [Character], maxLength: Int, rounds: Int = 400,
    run: (_ part: PatternEngine.Pattern, _ input: PartRunInput) -> TextMatcher.Run
) throws -> (parts: Int, prefilter: LiteralPrefilter, firstLeaf: Int, compared: Int)? {
    guard let (rule, whole, parts, prefilter, firstLeaf) = try alternationRule(source) else { return nil }
    var generator = SystemRandomNumberGenerator()
    let scratch = MatchScratch()
    var compared = 0
    for round in 0..<rounds {
        let text = String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let (present, places) = marks(prefilter, buffer)
            let expected = try whole.allMatches(in: buffer, scratch: scratch).map(\.range).filter { !$0.isEmpty }
            let found = try rule.matchers[0].hits(in: buffer, scratch: scratch, firstLeaf: 0) { leaf in
                let slot = firstLeaf + leaf
                guard prefilter.allows(entry: slot, present: present) else { return .skip }
                return run(
                    parts[leaf],
                    PartRunInput(slot: slot, prefilter: prefilter, present: present, places: places, buffer: buffer, round: round))
            }
            #expect(found.map(\.range) == expected, "'\(text)' with \(source)")
            compared += 1
        }
    }
    return (parts.count, prefilter, firstLeaf, compared)
}

/// The literal prefilter may only skip what cannot match: its requirements
/// are checked on patterns, and its verdicts against PCRE2 itself.
@Suite struct PrefilterTests {
    @Test func requiredWordsOfCommonShapes() {
        #expect(RequiredLiterals.of("保证") == ["保证"])
        #expect(RequiredLiterals.requirement(of: "(?:保证|承诺)\\s*到货") == .all([.words(["保证", "承诺"]), .words(["到货"])]))
        #expect(RequiredLiterals.of("(?:零|0)\\s*故障") == ["故障"])
        #expect(RequiredLiterals.of("回扣(?:费)?") == ["回扣", "回扣费"]) // an optional tail joins the run
        #expect(RequiredLiterals.of("[俱具]乐部") == ["俱乐部", "具乐部"])
        #expect(RequiredLiterals.of("(?i:YYDS)|绝绝子") == ["yyds", "绝绝子"]) // ASCII folded
        #expect(RequiredLiterals.of("(?<=您)好") == ["好"]) // lookbehinds are not part of the match
        #expect(RequiredLiterals.of("\\d+元") == ["元"])
        #expect(RequiredLiterals.of("(?:保证)?到") == ["到", "保证到"])
    }

    @Test func patternsWithNothingRequiredAreNotFiltered() {
        #expect(RequiredLiterals.of("\\d+") == nil)
        #expect(RequiredLiterals.of("(?:保证)?") == nil)
        #expect(RequiredLiterals.of("a|\\d") == nil)
        #expect(RequiredLiterals.of("(?x) a b") == nil) // extended mode: not understood, not filtered
        #expect(RequiredLiterals.of("(?(1)a|b)") == nil)
        #expect(RequiredLiterals.of("(*SKIP)保证|承诺") == nil) // a backtracking verb: nothing derived
    }

    @Test func requirementsJoinBothSidesOfASequence() {
        let requirement = RequiredLiterals.requirement(of: "(?:保证|承诺)[^,]{0,6}(?:到货|交货)")
        #expect(requirement == .all([.words(["保证", "承诺"]), .words(["到货", "交货"])]))
    }

    @Test func branchesSplitAtTheTopLevelOnly() {
        #expect(RequiredLiterals.branches(of: "(?:a|b(?:c|d)|[|]|e|f)") == ["a", "b(?:c|d)", "[|]", "e", "f"])
        #expect(RequiredLiterals.branches(of: "(?<amount>a|b|c|d)") == nil) // a capture around the whole stays
        #expect(RequiredLiterals.branches(of: "(a)|b|c|\\1") == nil) // numbered back reference
        #expect(RequiredLiterals.branches(of: "a|b") == nil) // too few to be worth it
    }

    /// A whole non-capturing group among the alternatives is the same as its own
    /// alternatives in its place (`{{deal}}|{{favor}}`); a group with more after it,
    /// a quantifier or a capture is not. `branches` (the word-class split) takes none apart.
    @Test func flattenedBranchesTakeWholeGroupsApartInOrder() {
        #expect(RequiredLiterals.flattenedBranches(of: "(?:a|b)|c|(?:d|e)f|(?:g|(?:h|i))") == ["a", "b", "c", "(?:d|e)f", "g", "h", "i"])
        #expect(RequiredLiterals.flattenedBranches(of: "(?:a|b)?|c") == ["(?:a|b)?", "c"])
        #expect(RequiredLiterals.flattenedBranches(of: "(?:a|b)|(c|d)|e") == ["a", "b", "(c|d)", "e"])
        #expect(RequiredLiterals.flattenedBranches(of: "(?:a|b)") == ["a", "b"])
        #expect(RequiredLiterals.flattenedBranches(of: "abc") == nil)
        #expect(RequiredLiterals.flattenedBranches(of: "(a)|\\1") == nil) // a back reference
        #expect(RequiredLiterals.branches(of: "(?:a|b)|c|d|e") == ["(?:a|b)", "c", "d", "e"])
    }

    /// An alternation's parts: those that start with known words and need no more
    /// together, each that needs more words alone, those whose start is unknown in
    /// groups of four; whole when it has only one kind, or a backtracking verb or `\K`.
    @Test func partPiecesKeepAlternativesOfUnknownStartApart() {
        let pieces = TextMatcher.partPieces("(?:事成|签约)|\\p{Han}{1,2}总说|(?<=,)\\p{Han}?没问题|拍板|\\p{Han}*好")
        #expect(pieces == ["(?:事成|签约|拍板)", "(?:\\p{Han}{1,2}总说|(?<=,)\\p{Han}?没问题|\\p{Han}*好)"])
        #expect(RequiredLiterals.leadingWords(of: pieces?.first ?? "") == ["事成", "签约", "拍板"])
        #expect(TextMatcher.partPieces("事成|签约|拍板") == nil) // every start known: tried whole at its words
        #expect(TextMatcher.partPieces("事成|签约|\\s*好") == nil) // optional white space first: its start is known too
        #expect(TextMatcher.partPieces("\\p{Han}总|\\p{Han}*好") == nil) // none known
        // An alternative that starts with known words but needs more further on stands alone, so its own
        // requirement (both words) decides whether it runs.
        let gated = TextMatcher.partPieces("事成|(?:多|请)\\s*(?:费心|担待)|拍板|\\p{Han}{1,2}总说")
        #expect(gated == ["(?:事成|拍板)", "(?:多|请)\\s*(?:费心|担待)", "\\p{Han}{1,2}总说"])
        if let gated, gated.count == 3 {
            let requirement = RequiredLiterals.requirement(of: gated[1])
            #expect(
                requirement == .all([.words(["多", "请"]), .words(["费心", "担待"])])
                    || requirement == .all([.words(["费心", "担待"]), .words(["多", "请"])]))
        }
        // Bounded: past the limit, such alternatives join the common part (in order).
        let many = (0..<(TextMatcher.gatedPartLimit + 3)).map { "请\\s*(?:费心\($0)|担待\($0))" }
        let bounded = TextMatcher.partPieces((many + ["\\p{Han}{1,2}总说"]).joined(separator: "|"))
        #expect(bounded?.count == TextMatcher.gatedPartLimit + 2)
        #expect(bounded?.first == "(?:" + many.suffix(3).joined(separator: "|") + ")")
        #expect(TextMatcher.partPieces("事成(*SKIP)x|\\p{Han}总") == nil)
        #expect(TextMatcher.partPieces("事成\\Kx|\\p{Han}总") == nil)
    }

    /// A pattern searched through its parts (`alternation`) finds exactly what a search of
    /// the whole pattern finds, with the prefilter skipping and anchoring its parts: on
    /// random texts of its pieces, empty matches, lookbehinds and overlapping alternatives included.
    @Test func alternationFindsWhatTheWholePatternFinds() throws {
        let sources = [
            "(?:事成|签约|成了)|\\p{Han}{1,2}总说|(?<=,)\\s*没问题|拍板",
            "(?:签约(?:了)?|成|事成之后)|(?<=我)\\p{Han}?签|\\p{Han}*约了",
            "(?:(?:给|送)您|[0-9]+\\s*元)|您(?=好)|\\s*",
        ]
        let alphabet = Array("事成签约了总说没问题拍板我,给送您好元0123 约之后经理")
        var compared = 0
        for source in sources {
            let result = try partsFindWhatTheWholeFinds(source, alphabet: alphabet, maxLength: 18) { part, input in
                // Every other round without start positions: parts searched whole.
                guard input.round % 2 == 0,
                    let positions = input.prefilter.starts(slot: input.slot, in: input.places, present: input.present)
                else { return .scan }
                return .at(positions, anchored: part.anchored())
            }
            compared += result?.compared ?? 0
        }
        #expect(compared == 1_200)
    }

    /// Random texts over a small alphabet: wherever PCRE2 finds a match, the
    /// prefilter must have let the pattern run.
    @Test func neverSkipsATextThatMatches() throws {
        let sources = [
            "(?:保证|承诺)\\s*(?:到货|交货)", "零\\s*故障|百分之百", "(?:送|给)[^,]{0,4}(?:礼|卡)", "回扣(?:费)?|好处费",
            "(?i:vip)卡", "(?<=您)好", "[俱具]乐部", "(?:一|二|三)?等奖",
        ]
        let alphabet = Array("保证承诺到货交零故障百分之送给礼卡回扣费好处您俱具乐部一二三等奖VvIiPp ,")
        var generator = SystemRandomNumberGenerator()
        for source in sources {
            let pattern = try #require(try? PatternEngine.Pattern(source))
            let metadata = RuleMetadata(
                id: "t.\(abs(source.hashValue))", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
            let rule = PatternRule(metadata: metadata, patterns: [pattern])
            let prefilter = LiteralPrefilter(rules: [rule])
            for _ in 0..<400 {
                let text = String((0..<Int.random(in: 1...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
                Array(text.utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present) }
                if !(try pattern.matches(text)).isEmpty {
                    #expect(prefilter.allows(entry: 0, present: present), "prefilter skipped '\(text)' for \(source)")
                }
            }
        }
    }

    /// An "or" of many conjunctions (too many to distribute) keeps a clause per choice of each
    /// branch's clauses, not only a clause of each branch's strongest: here each branch's
    /// strongest words (two characters) are everyday ones, and its rare one-character object is
    /// what an everyday text lacks, so that text is skipped, while any text a branch matches still
    /// runs (random texts check it).
    @Test func aWideOrKeepsMoreThanItsStrongestClauses() throws {
        let everyday = ["您好", "我们", "报价", "感谢", "合同", "样品", "发货", "下周", "方案"]
        let rare = ["鼎", "玺", "翠", "钻", "貂", "裘", "砚", "琥", "珀"]
        let source = zip(everyday, rare).map { "\($0)\\s*(?:送|赠)\\s*\($1)" }.joined(separator: "|")
        let pattern = try PatternEngine.Pattern(source)
        let prefilter = Self.prefilter(for: pattern)
        func allowed(_ text: String) -> Bool {
            var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
            Array(text.utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present) }
            return prefilter.allows(entry: 0, present: present)
        }
        #expect(!allowed("您好，感谢您的耐心，我们的报价和方案下周发货前送到"))
        for (word, object) in zip(everyday, rare) { #expect(allowed("\(word)送\(object)")) }
        let alphabet = Array(everyday.joined() + rare.joined() + "送赠 ，")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = String((0..<Int.random(in: 1...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if !(try pattern.matches(text)).isEmpty { #expect(allowed(text), "prefilter skipped '\(text)'") }
        }
    }

    /// The rule cache's prefilter file keeps the pair table: read back, it is
    /// the table deriving it from the words gives, and the restored prefilter
    /// marks what the built one marks and gives each set's places alike (from
    /// each set's words as the file keeps them); a damaged byte makes the file unreadable.
    @Test func restoredPrefilterKeepsThePairTable() throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        let built = LiteralPrefilter(rules: rules)
        var file = built.serialized()
        let restored = try #require(LiteralPrefilter(restoring: file))
        // The large tables are read where they lie in the file, not copied out.
        #expect(built.mappedTablesForTesting == 0)
        #expect(restored.mappedTablesForTesting == 18)
        let kept = restored.pairTablesForTesting
        #expect(kept == built.pairTablesForTesting)
        #expect(kept == restored.rederivedPairTablesForTesting())
        #expect(kept[2].count >= 32 && kept[3].count > 500)
        // The bits kept in the file (pair bits, a common word's sets, the clauses as masks) are those the tables derive.
        let bits = restored.derivedBitsForTesting
        #expect(bits == built.derivedBitsForTesting)
        #expect(bits == restored.rederivedBitsForTesting())
        #expect(bits[0].contains { $0 != 0 } && bits[1].contains { $0 >= 0 } && bits[2].count > 1)
        #expect(bits[3].count > 1000 && bits[4].count == 2 * Int(bits[3].last!))
        for text in ["给您个人5个点的回扣", "保证一定到货，绝对没问题", "VIP 客户 事成之后 另有重谢", ""] {
            let bytes = Array(text.utf8)
            var (present, places) = (LiteralPrefilter.PresentSets(count: built.setCount), LiteralPrefilter.Places())
            var (again, againPlaces) = (LiteralPrefilter.PresentSets(count: restored.setCount), LiteralPrefilter.Places())
            bytes.withUnsafeBufferPointer { buffer in
                built.mark(buffer, into: &present, places: &places)
                restored.mark(buffer, into: &again, places: &againPlaces)
            }
            #expect(present.flags.contains(true) == !text.isEmpty)
            #expect(present == again && places == againPlaces, "\(text)")
            // Each set's places come from its words as the file keeps them.
            let sets = 0..<built.setCount
            #expect(
                sets.map { built.positions(ofSet: $0, in: places, present: present) }
                    == sets.map { restored.positions(ofSet: $0, in: againPlaces, present: again) }, "\(text)")
            #expect(sets.contains { !built.positions(ofSet: $0, in: places, present: present).isEmpty } == !text.isEmpty, "\(text)")
        }
        file[file.count / 2] ^= 0x40
        #expect(LiteralPrefilter(restoring: file) == nil)
    }

    /// A table read in place gives the values written, only where they are aligned and
    /// whole; changing one copies it first and leaves the file as it was.
    @Test func aTableReadInPlaceReadsWhatWasWritten() throws {
        var writer = CacheWriter()
        writer.string("x") // 9 bytes: the table's count must be padded to a multiple of eight
        let values: [Int32] = [7, -1, 0, Int32.max, 42]
        writer.aligned(FlatTable(values))
        writer.count(3)
        let file = CacheBytes(copying: writer.bytes)
        var reader = CacheReader(bytes: file)
        let text = reader.string()
        #expect(text == "x")
        let read = reader.table(Int32.self)
        var table = try #require(read)
        #expect(table.isMapped && table.array == values && table.count == 5 && table[3] == Int32.max)
        #expect(table[1..<3] == [-1, 0])
        let after = reader.count()
        #expect(after == 3)
        #expect(FlatTable<Int32>(file: file, offset: 17, count: 1) == nil) // not aligned
        #expect(FlatTable<Int32>(file: file, offset: 16, count: writer.bytes.count) == nil) // past the end
        table[0] = 8
        table.append(9)
        #expect(!table.isMapped && table.array == [8, -1, 0, Int32.max, 42, 9])
        var again = CacheReader(bytes: file)
        _ = again.string()
        let reread = again.table(Int32.self)
        #expect(reread?.array == values)
    }

    /// `mark` (first scalar, then the pair of the first two, then the bytes) finds
    /// every word of the bundled rules wherever it stands, and only there: checked
    /// against comparing every word at every character, on random texts made of
    /// the words' own pieces (upper-case ASCII too, which the words match folded). The same with the
    /// first characters past the 40th found through the overflow table (the real limit, 65,535 first
    /// characters, is more than any rules have), built and read back from its file.
    @Test(arguments: [0, 40]) func markFindsWhatComparingEveryWordFinds(directBucketLimit: Int) throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        let prefilter: LiteralPrefilter
        if directBucketLimit == 0 {
            prefilter = LiteralPrefilter(rules: rules)
        } else {
            let built = LiteralPrefilter(rules: rules, directBucketLimit: directBucketLimit)
            prefilter = try #require(LiteralPrefilter(restoring: built.serialized()))
            #expect(prefilter.directBucketLimit == directBucketLimit)
        }
        let words = prefilter.wordsForTesting
        #expect(words.count > 500)
        // Common words are in enough sets to be marked as bits (`denseSets`): both ways are checked below.
        #expect(words.contains { $0.sets.count >= LiteralPrefilter.denseSetCount })
        #expect(words.contains { $0.sets.count < LiteralPrefilter.denseSetCount })
        var pieces = words.map { String(decoding: $0.bytes, as: UTF8.self) }
        pieces += pieces.flatMap { $0.map(String.init) }
        pieces += ["A", "VIP", "Q", " ", "，", "😀", "é"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &generator) {
                var piece = pieces.randomElement(using: &generator)!
                if Bool.random(using: &generator) { piece = piece.uppercased() }
                text += piece
            }
            let bytes = Array(text.utf8)
            var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
            var places = LiteralPrefilter.Places()
            bytes.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
            var expectedPresent = [Bool](repeating: false, count: prefilter.setCount)
            var expectedPositions: [Int: [Int]] = [:]
            let folded = bytes.map(LiteralPrefilter.folded)
            for position in bytes.indices where bytes[position] & 0xC0 != 0x80 {
                for word in words where folded[position...].starts(with: word.bytes) {
                    for (set, positional) in zip(word.sets, word.positional) {
                        expectedPresent[set] = true
                        if positional, expectedPositions[set, default: []].last != position {
                            expectedPositions[set, default: []].append(position)
                        }
                    }
                }
            }
            #expect(present.flags == expectedPresent, "'\(text)'")
            // The first allowed slot of a run of slots is the first `allows` lets through.
            for _ in 0..<20 {
                let lower = Int.random(in: 0..<prefilter.slotCount, using: &generator)
                let slots = lower..<Int.random(in: lower...min(prefilter.slotCount, lower + 64), using: &generator)
                let expected = slots.first { prefilter.allows(entry: $0, present: present) } ?? slots.upperBound
                #expect(prefilter.firstAllowed(slots, present: present) == expected, "\(slots) in '\(text)'")
            }
            // `judge` writes `allows` of each slot of a run (up to 130: verdicts across three words of bits) at
            // its bit, read back as a pattern rule reads it; the bits past the run stay clear.
            for _ in 0..<20 {
                let lower = Int.random(in: 0..<prefilter.slotCount, using: &generator)
                let slots = lower..<Int.random(in: lower...min(prefilter.slotCount, lower + 130), using: &generator)
                var verdicts = [UInt64](repeating: .max, count: 3)
                verdicts.withUnsafeMutableBufferPointer { prefilter.judge(slots, present: present, into: $0) }
                verdicts.withUnsafeBufferPointer { bits in
                    let wrong = (0..<(3 * 64)).first { bit in
                        LiteralPrefilter.allows(entry: bit, verdicts: bits)
                            != (bit < slots.count && prefilter.allows(entry: lower + bit, present: present))
                    }
                    #expect(wrong == nil, "bit \(wrong ?? -1) for \(slots) in '\(text)'")
                }
            }
            // Every set's places, ascending, each once (a set of no pattern's lead has none).
            let found = (0..<prefilter.setCount).map { prefilter.positions(ofSet: $0, in: places, present: present) }
            #expect(found == (0..<prefilter.setCount).map { expectedPositions[$0, default: []] }, "'\(text)'")
        }
    }

    /// A common word's row of bits, as the cache file holds it, is read unchecked by `mark`: restoring accepts only
    /// rows whose count, groups and word indices stay within the table and a text's words of bits.
    @Test func aCommonWordsRowIsReadOnlyWhenItStaysInBounds() {
        // Three words of bits (indices 0, 2, 5), four lanes per group: one group; a row of six indices: two groups.
        let one: [UInt64] = [3, 0 | 2 << 16 | 5 << 32, 0b1, 0b10, 0b100, 0]
        let two: [UInt64] = [6, 0 | 1 << 16 | 2 << 32 | 3 << 48, 1, 1, 1, 1, 4 | 5 << 16, 1, 1, 0, 0]
        func valid(_ bits: [UInt64], at start: Int = 0, words: Int = 6) -> Bool {
            bits.withUnsafeBufferPointer { LiteralPrefilter.denseRowIsValid(at: start, in: $0, presentWords: words) }
        }
        #expect(valid(one) && valid(two) && valid(one, at: -1))
        #expect(!valid(one, words: 5)) // index 5 past five words of bits
        #expect(!valid(Array(one.dropLast()))) // the group runs past the table
        #expect(!valid(Array(two.dropLast(5)))) // the second group missing
        #expect(!valid([7] + one.dropFirst(), words: 6)) // more words than a text has
        #expect(!valid(one, at: one.count) && !valid(one, at: -2))
        // `mark` finds a common word's row through its entry in `markWords` (the row's start complemented): the table
        // is accepted only when every such row is.
        func rowsValid(_ packed: [Int32], _ bits: [UInt64] = two) -> Bool {
            packed.withUnsafeBufferPointer { packed in
                bits.withUnsafeBufferPointer { LiteralPrefilter.markWordsHaveValidRows(packed, denseSets: $0, presentWords: 6) }
            }
        }
        let plain: [Int32] = [0, 2, 0, 3], common: [Int32] = [2, 4, ~0, ~0]
        #expect(rowsValid(plain + common) && rowsValid([]))
        #expect(!rowsValid(plain + [2, 4, ~1, ~0])) // no row starts at 1: its indices would be read as a count
        #expect(!rowsValid(plain + [2, 4, ~Int32(two.count), ~0])) // past the table
        #expect(!rowsValid(plain + common, Array(two.dropLast(5)))) // the row's second group missing
        #expect(!rowsValid(plain + common.dropLast())) // not four values a word
    }

    /// The clauses' masks slot by slot, as the cache file holds them, are read unchecked by `allows`: restoring
    /// accepts only programs whose slots, clause lengths and word indices stay within the table and a text's words.
    @Test func aSlotsClausesAreReadOnlyWhenTheyStayInBounds() {
        // Three slots: none (always allowed); one clause of two words (2 and 0); a clause of one word (1), then one of one (3).
        let starts: [Int32] = [0, 0, 2, 4]
        let program: [UInt64] = [2 | 2 << 16, 0b1, 0 | 1 << 16, 0b10, 1 | 1 << 16, 0b100, 3 | 1 << 16, 0b1000]
        func valid(_ starts: [Int32] = starts, _ program: [UInt64] = program, slots: Int = 3, words: Int = 4) -> Bool {
            starts.withUnsafeBufferPointer { starts in
                program.withUnsafeBufferPointer { LiteralPrefilter.slotProgramsAreValid(starts, $0, slots: slots, presentWords: words) }
            }
        }
        #expect(valid())
        #expect(!valid(words: 3)) // word 3 past three words of bits
        #expect(!valid(slots: 2)) // a start per slot and one more
        #expect(!valid([0, 0, 2, 3])) // the table holds more pairs than the slots
        #expect(!valid([0, 2, 0, 4])) // a slot ending before it starts
        var uneven = program
        uneven[2] = 0 | 2 << 16 // the clause's second pair says two pairs left where one is
        #expect(!valid(starts, uneven))
        var past = program
        past[6] = 3 | 2 << 16 // the last clause said to be two pairs long: past the slot's end
        #expect(!valid(starts, past))
        var none = program
        none[0] = 2 // a clause of no pairs: `allows` would never move on
        #expect(!valid(starts, none))
    }

    /// The verdicts on entries remembered by the sets present (`EntryVerdictMemo`) are those judging gives: on
    /// random texts of the bundled rules' words, each also marked again with a character of no word added (the same
    /// sets: answered from the memory), through a memory of eight rows (rows overwritten by other sets' verdicts).
    @Test func rememberedEntryVerdictsAreWhatJudgingGives() throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        let prefilter = LiteralPrefilter(rules: rules)
        let pieces = prefilter.wordsForTesting.map { String(decoding: $0.bytes, as: UTF8.self) } + ["，", " "]
        let memo = EntryVerdictMemo(verdictWords: prefilter.entryVerdictWords, slots: 8)
        var generator = SystemRandomNumberGenerator()
        var keys: [[UInt64]: [UInt64]] = [:]
        var texts: [String] = []
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            texts += [text, text + "😀", texts.randomElement(using: &generator) ?? ""]
        }
        for text in texts {
            var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
            Array(text.utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present) }
            var judged = [UInt64](repeating: 0, count: prefilter.entryVerdictWords)
            var remembered = [UInt64](repeating: .max, count: prefilter.entryVerdictWords)
            judged.withUnsafeMutableBufferPointer { prefilter.judgeEntries(present: present, into: $0) }
            remembered.withUnsafeMutableBufferPointer { prefilter.judgeEntries(present: present, into: $0, memo: memo) }
            #expect(remembered == judged, "'\(text)'")
            // Distinct sets of sets, distinct keys.
            let bits = present.flags.enumerated().filter(\.element).map { UInt64($0.offset) }
            let key = [UInt64](repeating: 0, count: LiteralPrefilter.bitWords(prefilter.setCount)).enumerated().map { word, _ in
                bits.filter { Int($0) >> 6 == word }.reduce(UInt64(0)) { $0 | 1 << ($1 & 63) }
            }.withUnsafeBufferPointer(EntryVerdictMemo.key)
            let seen = keys.updateValue(bits, forKey: [key.first, key.second])
            #expect(seen == nil || seen == bits, "two sets of sets share a key")
        }
        // Repeated texts and texts of the same words were answered from the memory.
        #expect(memo.hits > 100)
        #expect(keys.count > 100)
    }

    /// The entries' verdicts `judgeEntries` writes after a `mark` (judging only the entries a present set
    /// of their first clause names) are `allows` on every entry slot, and `mark` reusing one `present` and
    /// `Places` from text to text (clearing the sets of the text before) marks what a fresh one does: on
    /// random texts of the bundled rules' words, with the prefilter built and read back from its file.
    @Test func entryVerdictsAreWhatJudgingEveryEntryGives() throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        let built = LiteralPrefilter(rules: rules)
        let restored = try #require(LiteralPrefilter(restoring: built.serialized()))
        #expect(built.entrySlotCount > 300 && built.entrySlotCount < built.slotCount)
        #expect(restored.entrySlotCount == built.entrySlotCount)
        var pieces = built.wordsForTesting.map { String(decoding: $0.bytes, as: UTF8.self) }
        pieces += pieces.flatMap { $0.map(String.init) } + ["，", " ", "A"]
        var generator = SystemRandomNumberGenerator()
        var allowedSeen = 0
        for prefilter in [built, restored] {
            var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
            var places = LiteralPrefilter.Places()
            var verdicts = [UInt64](repeating: 0, count: prefilter.entryVerdictWords)
            for round in 0..<150 {
                // Some empty texts: a mark that finds nothing must clear what the last one found.
                let text =
                    round % 10 == 9
                    ? "" : (0..<Int.random(in: 1...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                let bytes = Array(text.utf8)
                var fresh = LiteralPrefilter.PresentSets(count: prefilter.setCount)
                bytes.withUnsafeBufferPointer { buffer in
                    prefilter.mark(buffer, into: &present, places: &places)
                    prefilter.mark(buffer, into: &fresh)
                }
                #expect(present == fresh, "'\(text)'")
                verdicts.withUnsafeMutableBufferPointer { prefilter.judgeEntries(present: present, into: $0) }
                try verdicts.withUnsafeBufferPointer { bits in
                    for slot in 0..<prefilter.entrySlotCount {
                        let expected = prefilter.allows(entry: slot, present: present)
                        if expected { allowedSeen += 1 }
                        guard LiteralPrefilter.allows(entry: slot, verdicts: bits) == expected else {
                            Issue.record("entry \(slot) in '\(text)'")
                            return
                        }
                    }
                    for _ in 0..<20 {
                        let lower = Int.random(in: 0..<prefilter.entrySlotCount, using: &generator)
                        let slots = lower..<Int.random(in: lower...min(prefilter.entrySlotCount, lower + 100), using: &generator)
                        let first = LiteralPrefilter.firstAllowedEntry(slots, verdicts: bits)
                        #expect(first == prefilter.firstAllowed(slots, present: present), "\(slots) in '\(text)'")
                    }
                    _ = try #require(bits.last)
                }
            }
        }
        // Texts of the rules' own words open many entries: the verdicts were not all "no".
        #expect(allowedSeen > 1_000)
    }

    @Test func leadingWordsOfCommonShapes() {
        #expect(RequiredLiterals.leadingWords(of: "(?:保证|承诺)\\s*到货") == ["保证", "承诺"])
        #expect(RequiredLiterals.leadingWords(of: "事成|事后|中了标") == ["事成", "事后", "中了标"]) // the whole word, not its first character
        // Lookbehind skipped; an optional word is followed by what comes next, so a common character alone
        // (能) is a place only where the pattern could start.
        #expect(RequiredLiterals.leadingWords(of: "(?<!不)(?:都|全)?能") == ["都能", "全能", "能"])
        #expect(RequiredLiterals.leadingWords(of: "[0-9]+元") == Set((0...9).map(String.init)))
        #expect(RequiredLiterals.leadingWords(of: "(?i:VIP)卡") == ["vip卡"])
        // Optional white space or characters before the first word: a match may start with them too.
        let space = RequiredLiterals.whiteSpaceStarts
        #expect(RequiredLiterals.leadingWords(of: "\\s*保证") == space.union(["保证"])) // a space ends its word: more may follow
        #expect(RequiredLiterals.leadingWords(of: "(?:算下来)?\\s*(?:每|一)人") == space.union(["算下来", "每人", "一人"]))
        #expect(RequiredLiterals.leadingWords(of: "(?<![0-9])[一二]*[三四]千") == ["一", "二", "三千", "四千"])
        // One common character is followed by the few that may come next, up to two characters a word
        // (保证 is not lengthened by the spaces and words after it: each step multiplies the words).
        // (帮, not among the common characters, stands at few places: it is left as it is.)
        let giving = space.reduce(into: Set(["给您", "给你", "帮"])) { $0.insert("给" + $1) }
        #expect(RequiredLiterals.leadingWords(of: "(?:给|帮)\\s*(?:您|你)") == giving)
        #expect(RequiredLiterals.leadingWords(of: "用(?:我们|我司)") == ["用我们", "用我司"])
        #expect(RequiredLiterals.leadingWords(of: "[0-9]{2}元") == Set((0...9).map(String.init))) // repeated: not lengthened
        #expect(RequiredLiterals.leadingWords(of: "多\\p{Han}") == ["多"]) // an unknown character next: the word stays
        #expect(RequiredLiterals.leadingWords(of: "\\s+元") == space)
        #expect(RequiredLiterals.leadingWords(of: "\\s*") == nil) // may match nothing
        #expect(RequiredLiterals.leadingWords(of: "(?:\\s*|a)b") == space.union(["ab", "b"])) // the group may match nothing: b may start it
        #expect(RequiredLiterals.leadingWords(of: "(?:\\s*)?保证") == space.union(["保证"]))
        #expect(RequiredLiterals.leadingWords(of: "\\d*保证") == nil) // digits are not listed as words
        #expect(RequiredLiterals.of("\\s+元") == ["元"]) // white space is a start, never a required word
        #expect(RequiredLiterals.leadingWords(of: "\\p{Han}{1,2}总") == nil)
        #expect(RequiredLiterals.leadingWords(of: "(?:保证)?") == nil) // may match nothing
        #expect(RequiredLiterals.leadingWords(of: "(*SKIP)a") == nil)
    }

    /// Tried only at its leading words, a pattern finds exactly what a whole
    /// scan finds: random texts over the patterns' own characters.
    @Test func anchoredSearchAtLeadingWordsFindsWhatAScanFinds() throws {
        let sources = [
            "(?:保证|承诺)\\s*(?:到货|交货)", "(?<!不)(?:都|全)?能(?:到|修)", "[0-9]+\\s*(?:元|块)", "(?i:vip)卡|(?:送|给)[^,]{0,3}卡",
            "(?:事成|事后)[^,]{0,4}(?:重谢|感谢)", "好(?=处)|好处费",
            // Starting with optional white space or characters (the start may be a space, a tab, an ideographic space).
            "(?:算下来)?\\s*(?:每|一)\\s*人", "(?<!金额)\\s*(?:[0-9]+\\s*元|上\\s*万)", "[一二]*[三四]\\s*千|\\s+块",
            // A common first character lengthened through optional words and white space.
            "(?:给|送)\\s*(?:您|你)?\\s*(?:卡|元)", "多\\s*(?:给|送)?\\s*(?:我们)?\\s*(?:好处|块)", "(?:\\s*|事)成", "(?:都|全)?[一二]{1,2}(?:千|万)",
            "(?:保证|承诺)?(?:能|到)(?:货)?", "送(?=卡)卡?|送",
        ]
        try expectAnchoredEquivalence(
            sources: sources, alphabet: Array("保证承诺到货交不都全能修元块送给卡事成后重谢感好处费Vv Ii Pp,0123456789算下来每一二三四人金额上万千您你我们多\t\u{3000}"))
    }

    /// `whiteSpaceStarts` lists every character PCRE2's `\s` matches in crmlint's patterns
    /// (UTF and UCP), checked over every scalar: a character missing there would make an
    /// anchored search skip a match starting with it.
    @Test func whiteSpaceStartsHoldEveryCharacterBackslashSMatches() throws {
        let pattern = try PatternEngine.Pattern("\\A\\s\\z")
        let scratch = MatchScratch()
        var matched = Set<String>()
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let text = String(Character(scalar))
            let found = try Array(text.utf8).withUnsafeBufferPointer { try pattern.firstMatch(in: $0, from: 0, scratch: scratch) != nil }
            if found { matched.insert(text) }
        }
        #expect(matched.count >= 20) // the Z categories and the five control characters
        #expect(
            matched.isSubset(of: RequiredLiterals.whiteSpaceStarts),
            "missing: \(matched.subtracting(RequiredLiterals.whiteSpaceStarts).map { $0.unicodeScalars.first!.value })")
    }

    /// The same for every pattern of the bundled rules that has leading words,
    /// on its own rule's examples (where its words stand).
    @Test func anchoredSearchHoldsForTheBundledRules() throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false).compactMap { $0 as? PatternRule }
        var checked = 0
        let scratch = MatchScratch()
        for rule in rules {
            for pattern in rule.matchers.flatMap(\.leaves)
            where RequiredLiterals.leadingWords(of: pattern.source, caseless: pattern.options.contains(.caseless)) != nil {
                let anchored = pattern.anchored()
                let prefilter = Self.prefilter(for: pattern)
                checked += 1
                for text in rule.matchExamples + rule.noMatchExamples {
                    try expectSameMatches(pattern, anchored, prefilter: prefilter, text: text, scratch: scratch)
                }
            }
        }
        #expect(checked > 100)
    }

    private func expectAnchoredEquivalence(sources: [String], alphabet: [Character]) throws {
        var generator = SystemRandomNumberGenerator()
        let scratch = MatchScratch()
        for source in sources {
            let pattern = try PatternEngine.Pattern(source)
            #expect(RequiredLiterals.leadingWords(of: source) != nil, "no leading words for \(source)")
            let anchored = pattern.anchored()
            let prefilter = Self.prefilter(for: pattern)
            for _ in 0..<300 {
                let text = String((0..<Int.random(in: 1...16, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                try expectSameMatches(pattern, anchored, prefilter: prefilter, text: text, scratch: scratch)
            }
        }
    }

    /// A text with more places than `mark` makes room for at first (8 a byte:
    /// here one word leading a hundred patterns, thirty times, 3,000 places in
    /// 201 bytes) is marked again with room for all,
    /// and every pattern still reads its own starts, and only them.
    /// A prefilter of rules with no words (or of no rules) has empty tables: marking a text finds
    /// nothing and allows the entries, as no prefilter would.
    @Test func aPrefilterWithoutWordsMarksNothing() throws {
        let metadata = RuleMetadata(id: "t", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
        let rule = PatternRule(metadata: metadata, patterns: [try PatternEngine.Pattern("\\d+"), try PatternEngine.Pattern("a|\\d")])
        for rules in [[rule], []] as [[Rule]] {
            let prefilter = LiteralPrefilter(rules: rules)
            #expect(prefilter.setCount == 0)
            var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
            var places = LiteralPrefilter.Places()
            Array("保证123 abc".utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
            #expect(present.count == 0 && present.flags.isEmpty)
            if let first = prefilter.firstSlot["t"] {
                #expect(prefilter.allows(entry: first, present: present) && prefilter.allows(entry: first + 1, present: present))
            }
        }
    }

    @Test func aTextWithMorePlacesThanRoomIsMarkedWhole() throws {
        let sources = (0..<100).map { "(?:保证|承诺\($0)号)\\s*到货" }
        let metadata = RuleMetadata(id: "t", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
        let rule = PatternRule(metadata: metadata, patterns: try sources.map { try PatternEngine.Pattern($0) })
        let prefilter = LiteralPrefilter(rules: [rule])
        let firstLeaf = try #require(prefilter.firstLeafSlot["t"])
        let text = String(repeating: "保证", count: 30) + "承诺7号到货"
        let bytes = Array(text.utf8)
        var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
        var places = LiteralPrefilter.Places()
        bytes.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        let guarantees = Array(stride(from: 0, to: 180, by: 6))
        for leaf in sources.indices {
            let starts = try #require(prefilter.starts(slot: firstLeaf + leaf, in: places, present: present))
            #expect(starts == guarantees + (leaf == 7 ? [180] : []), "pattern \(leaf)")
        }
        // Marked again on a short text, the same arrays hold only its places.
        let short = Array("承诺7号".utf8)
        short.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        #expect(try #require(prefilter.starts(slot: firstLeaf + 7, in: places, present: present)) == [0])
        #expect(try #require(prefilter.starts(slot: firstLeaf, in: places, present: present)) == [])
    }

    /// Places are kept per leading word where it stands, so a text has more than `mark`'s first room
    /// (8 a byte) only where many leading words start at each place: here twenty patterns led by
    /// "aa", "aaa", … "a" × 21, on a run of a's (about twenty places a byte). It is marked again with
    /// room for all, and each pattern's starts are every place its word fits.
    @Test func overlappingLeadingWordsOutgrowTheFirstRoom() throws {
        let lengths = Array(2...21)
        let patterns = try lengths.map { try PatternEngine.Pattern(String(repeating: "a", count: $0) + "\\d") }
        let metadata = RuleMetadata(id: "t", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
        let prefilter = LiteralPrefilter(rules: [PatternRule(metadata: metadata, patterns: patterns)])
        let firstLeaf = try #require(prefilter.firstLeafSlot["t"])
        let run = 200
        let bytes = Array((String(repeating: "a", count: run) + "1").utf8)
        var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
        var places = LiteralPrefilter.Places()
        bytes.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        #expect(!places.dropped)
        for (leaf, length) in lengths.enumerated() {
            let starts = try #require(prefilter.starts(slot: firstLeaf + leaf, in: places, present: present))
            #expect(starts == Array(0...(run - length)), "a × \(length)")
        }
    }

    /// A long text with more places than `mark` keeps (here a hundred patterns
    /// led by 保证, repeated 300 times: 301 places, a place per leading word where
    /// it stands, over a cap lowered to 200 from its million) keeps none, so
    /// every pattern searches it whole; the rule finds what it finds without the
    /// prefilter; and a short text after it has its places again.
    @Test func aTextWithTooManyPlacesIsSearchedWhole() throws {
        let sources = (0..<100).map { "(?:保证|承诺\($0)号)\\s*到货" }
        let metadata = RuleMetadata(id: "t", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
        let rule = PatternRule(metadata: metadata, patterns: try sources.map { try PatternEngine.Pattern($0) })
        let prefilter = LiteralPrefilter(rules: [rule])
        prefilter.maxPlaces = 200
        let firstLeaf = try #require(prefilter.firstLeafSlot["t"])
        let text = String(repeating: "保证到货，", count: 300) + "承诺7号到货"
        var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
        var places = LiteralPrefilter.Places()
        Array(text.utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        #expect(places.dropped, "301 places kept")
        for leaf in sources.indices { #expect(prefilter.starts(slot: firstLeaf + leaf, in: places, present: present) == nil) }
        let short = Array("承诺7号".utf8)
        short.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        #expect(!places.dropped)
        #expect(try #require(prefilter.starts(slot: firstLeaf + 7, in: places, present: present)) == [0])

        func findings(_ filter: LiteralPrefilter?) -> [Int] {
            let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            context.prefilter = filter
            let record = Record(dataset: .messages, file: "m.csv", line: 2, position: 1, fields: ["id": "M1", "text": text])
            var columns: [Int] = []
            rule.makeChecker().check(record, context: context) { columns.append($0.column ?? 0) }
            return columns
        }
        let filtered = findings(prefilter)
        #expect(filtered.count == 301)
        #expect(filtered == findings(nil))
    }

    /// A prefilter for one rule of one pattern: slot 0 is its entry, slot 1 the pattern.
    private static func prefilter(for pattern: PatternEngine.Pattern) -> LiteralPrefilter {
        let metadata = RuleMetadata(id: "t", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
        return LiteralPrefilter(rules: [PatternRule(metadata: metadata, patterns: [pattern])])
    }

    /// The prefilter's start positions for the pattern's leading words in `text`, then both searches.
    private func expectSameMatches(
        _ pattern: PatternEngine.Pattern, _ anchored: PatternEngine.Pattern, prefilter: LiteralPrefilter,
        text: String, scratch: MatchScratch
    ) throws {
        var present = LiteralPrefilter.PresentSets(count: prefilter.setCount)
        var places = LiteralPrefilter.Places()
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            prefilter.mark(buffer, into: &present, places: &places)
            // Slot 1 is the rule's one pattern (slot 0 its entry).
            let positions = try #require(prefilter.starts(slot: 1, in: places, present: present))
            let whole = try pattern.allMatches(in: buffer, scratch: scratch).map(\.range)
            let tried = try anchored.allMatches(in: buffer, startingAt: positions, scratch: scratch).map(\.range)
            #expect(whole == tried, "'\(text)' with \(pattern.source.prefix(60))")
        }
    }
}
