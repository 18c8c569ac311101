import PatternEngine
import Testing

@Suite struct PatternTests {
    @Test func compileErrorCarriesOffsetInCharacters() {
        #expect(throws: PatternCompileError.self) { try Pattern("零故障(") }
        do {
            _ = try Pattern("零故障(")
        } catch let error as PatternCompileError {
            #expect(error.offset == 4)
            #expect(error.reason.contains("missing closing parenthesis"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func matchesCJKWithByteRanges() throws {
        let pattern = try Pattern("零\\s*故障")
        let hits = try pattern.matches("设备零 故障，好")
        #expect(hits.count == 1)
        // "设备" is 6 UTF-8 bytes; "零 故障" is 3+1+6 bytes.
        #expect(hits.first?.range == 6..<16)
    }

    @Test func ucpMakesDigitClassUnicode() throws {
        let pattern = try Pattern("^\\d+$")
        #expect(try pattern.matches("１３８").count == 1)
        #expect(try pattern.matches("abc").isEmpty)
    }

    @Test func captureGroupsIncludeUnsetOnes() throws {
        let pattern = try Pattern("(\\d+)(元)?(万)?")
        let hit = try #require(try pattern.matches("价值800元").first)
        #expect(hit.groups.count == 4)
        #expect(hit.groups[1] != nil)
        #expect(hit.groups[2] != nil)
        #expect(hit.groups[3] == nil)
    }

    @Test func allMatchesTerminatesOnEmptyMatches() throws {
        let pattern = try Pattern("x*")
        let hits = try pattern.matches("ab零")
        #expect(hits.count == 4) // before a, before b, before 零, at the end
    }

    @Test func catastrophicPatternStopsWithLimitError() throws {
        let pattern = try Pattern("(a+)+$")
        let subject = String(repeating: "a", count: 40) + "!"
        #expect(throws: PatternMatchError.self) {
            _ = try pattern.matches(subject, scratch: MatchScratch(limits: MatchLimits(matchLimit: 100_000)))
        }
    }

    @Test func jitIsUsedWhereAvailable() throws {
        #if arch(x86_64) || arch(arm64)
            #expect(try Pattern("abc").isJITCompiled)
        #endif
    }

    @Test func anchoredTwinIsMadeOnceAndCompiledOnFirstUse() throws {
        let pattern = try Pattern("保证(\\d+)?")
        let twin = pattern.anchored()
        #expect(pattern.anchored() === twin)
        #expect(!twin.isCompiled)
        #expect(twin.captureCount == pattern.captureCount)
        var text = "x保证12 保证"
        let found = try text.withUTF8 { try twin.allMatches(in: $0, startingAt: [0, 1, 10], scratch: MatchScratch()) }
        #expect(found.map(\.range) == [1..<9, 10..<16])
        #expect(twin.isCompiled)
    }

    /// Where the interpreter finishes, its matches and groups are the JIT's;
    /// a pattern it answered for is never JIT-compiled.
    @Test func interpreterFirstFindsWhatTheJITFinds() throws {
        let sources = [
            "保证(?:一定|绝对)?", "(?i)abc", "(?<!个)人(\\d+)?", "\\p{Han}{2}", "(?:甲|乙)+丙?", "x?", "(\\d+)\\s*(?:元|块)(万)?",
            "(?:保证|承诺).{0,10}(?:到货|没问题)", "\\b[A-Z]{2,}\\b", "(?=.*回扣)给您.{0,6}点",
        ]
        let texts = ["保证一定到货，绝对没问题", "给您个人5个点的回扣 abc ABC", "", "中中中 x1 保证", "\u{1F600} 保证 甲乙丙", "报价 300 元，另 5块万"]
        let interpreter = MatchScratch(interpreterFirst: true), jit = MatchScratch()
        #expect(interpreter.interpreterFirst && !jit.interpreterFirst)
        for source in sources {
            let compiled = try Pattern(source)
            let lazy = Pattern(known: source, captureCount: compiled.captureCount)
            for text in texts {
                #expect(try lazy.matches(text, scratch: interpreter) == compiled.matches(text, scratch: jit), "\(source) on \(text)")
                var copy = text
                // Every character's start (PCRE2 is not told to check UTF-8, so never inside one).
                let starts =
                    text.utf8.indices.filter { text.utf8[$0] & 0xC0 != 0x80 }.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
                    + [text.utf8.count]
                try copy.withUTF8 { buffer in
                    let expected = try compiled.anchored().allMatches(in: buffer, startingAt: starts, scratch: jit)
                    #expect(try lazy.anchored().allMatches(in: buffer, startingAt: starts, scratch: interpreter) == expected)
                }
            }
            #expect(lazy.isCompiled && !lazy.hasJITCode)
        }
        #expect(interpreter.interpreterFallbacks == 0)
    }

    /// With `interpretedUses`, an anchored pattern's first searches (by every scratch) are the
    /// interpreter's and it is JIT-compiled on the search after them; the matches are the JIT's
    /// throughout. An unanchored pattern is JIT-compiled on its first search.
    @Test func firstSearchesOfAnchoredPatternsAreInterpreted() throws {
        let source = "(?:保证|承诺)(\\d+)?天?(?:到货|交付)"
        let compiled = try Pattern(source)
        let lazy = Pattern(known: source, captureCount: compiled.captureCount).anchored()
        let first = MatchScratch(interpretedUses: 3), second = MatchScratch(interpretedUses: 3), jit = MatchScratch()
        #expect(!first.interpreterFirst && first.interpretedUses == 3 && jit.interpretedUses == 0)
        func firstMatch(_ pattern: Pattern, _ text: String, from start: Int, _ scratch: MatchScratch) throws -> PatternMatch? {
            var copy = text
            return try copy.withUTF8 { try pattern.firstMatch(in: $0, from: start, scratch: scratch) }
        }
        let texts = [("承诺3天到货", 0), ("没有承诺", 0), ("我们保证交付", 6), ("保证10天交付，承诺到货", 20), ("承诺", 0)]
        for (index, (text, start)) in texts.enumerated() {
            // Searches 1-3 (two scratches sharing the pattern's count) interpreted, the fourth compiles it.
            let found = try firstMatch(lazy, text, from: start, index % 2 == 0 ? first : second)
            #expect(found == (try firstMatch(compiled.anchored(), text, from: start, jit)), "\(text)")
            #expect((found != nil) == (index != 1 && index != 4))
            #expect(lazy.hasJITCode == (index >= 3 && PCRE2Library.jitAvailable), "after search \(index + 1)")
            #expect(lazy.isCompiled)
        }
        // An unanchored pattern, and one compiled up front: JIT code from the first search on.
        let unanchored = Pattern(known: source, captureCount: compiled.captureCount)
        #expect(try firstMatch(unanchored, "我们承诺3天到货", from: 0, first) != nil)
        #expect(unanchored.hasJITCode == PCRE2Library.jitAvailable)
        #expect(compiled.hasJITCode == PCRE2Library.jitAvailable)
    }

    /// A match the interpreter does not finish within its tighter limits is
    /// the JIT's to answer: a match it finds, or the limit error it stops with.
    /// `--rule-timing`'s clock: a scratch with one times every search of every pattern, apart, and
    /// changes no answer; a scratch without one times nothing.
    @Test func aPatternClockCountsEachPatternsSearches() throws {
        let promise = try Pattern("保证\\s*(\\d+)\\s*天")
        let gift = try Pattern("红包|购物卡")
        let clock = PatternClock()
        let timed = MatchScratch(), plain = MatchScratch()
        timed.patternClock = clock
        let texts = ["保证 3 天到货，另送购物卡", "发个红包", "好的"]
        for text in texts {
            #expect(try promise.matches(text, scratch: timed) == promise.matches(text, scratch: plain))
            #expect(try gift.matches(text, scratch: timed) == gift.matches(text, scratch: plain))
        }
        // `matches` searches again after each match: 1 + 1 + 1 for the promise, 2 + 2 + 1 for the gifts.
        #expect(clock.entries[ObjectIdentifier(promise)]?.searches == 4)
        #expect(clock.entries[ObjectIdentifier(gift)]?.searches == 5)
        // Of those, the ones that found a match: one promise, two gifts.
        #expect(clock.entries[ObjectIdentifier(promise)]?.found == 1)
        #expect(clock.entries[ObjectIdentifier(gift)]?.found == 2)
        #expect(clock.entries.count == 2 && clock.entries.values.allSatisfy { $0.nanoseconds > 0 })
        #expect(plain.patternClock == nil)
    }

    @Test func interpreterLeavesUnfinishedMatchesToTheJIT() throws {
        let limits = MatchLimits(matchLimit: 1_000)
        #expect(MatchScratch.interpreterLimits(limits).matchLimit == 100)
        // About 200 steps for the interpreter, 100 for the JIT (PCRE2 10.42).
        let lazy = try Pattern("(?:a|b)*?c")
        let subject = String(repeating: "ab", count: 50) + "c"
        let interpreter = MatchScratch(limits: limits, interpreterFirst: true)
        let found = try lazy.matches(subject, scratch: interpreter)
        #expect(found == (try lazy.matches(subject, scratch: MatchScratch(limits: limits))))
        #expect(found.first?.range == 0..<101)
        #expect(interpreter.interpreterFallbacks == 1)

        let catastrophic = Pattern(known: "(a+)+$", captureCount: 1)
        let hopeless = String(repeating: "a", count: 40) + "!"
        let strict = MatchScratch(limits: MatchLimits(matchLimit: 100_000), interpreterFirst: true)
        #expect(throws: PatternMatchError.self) { _ = try catastrophic.matches(hopeless, scratch: strict) }
        #expect(strict.interpreterFallbacks == 1)
        #expect(catastrophic.hasJITCode == PCRE2Library.jitAvailable)
    }

    /// A store holding serialized code by key (what the rule cache's code file does).
    final class KeyedStore: PatternCodeStore, @unchecked Sendable {
        var codes: [String: [UInt8]] = [:]
        var sourcesAsked = 0
        func serializedCode(source: () -> String, key: PatternSourceKey?, options: Pattern.Options) -> [UInt8]? {
            if key == nil { sourcesAsked += 1; _ = source() }
            return key.flatMap { codes["\($0.a).\($0.b).\(options.rawValue)"] }
        }
        func keep(serializedCode: [UInt8], source: String, key: PatternSourceKey?, options: Pattern.Options) {
            if let key { codes["\(key.a).\(key.b).\(options.rawValue)"] = serializedCode }
        }
    }

    /// A pattern whose text is made on demand makes it only to compile (its code not stored)
    /// or when asked, once; with its code in the store it matches without it, and so does its anchored twin.
    @Test func aPatternMadeOnDemandMakesItsTextOnlyWhenNeeded() throws {
        final class Counter: @unchecked Sendable { var made = 0 }
        let store = KeyedStore(), counter = Counter(), key = PatternSourceKey(a: 1, b: 2)
        func pattern() -> Pattern {
            Pattern(
                knownMaking: {
                    counter.made += 1; return "保[证障]"
                }, captureCount: 0, sourceKey: key, store: store)
        }
        let subject = "我们保障质量，保证交付"
        let first = pattern()
        #expect(try first.matches(subject).map(\.range) == [6..<12, 21..<27])
        #expect(counter.made == 1, "compiling made the text once")
        #expect(first.source == "保[证障]" && counter.made == 1, "the made text is kept")
        #expect(store.codes.count == 1)

        let second = pattern()
        #expect(try second.matches(subject).map(\.range) == [6..<12, 21..<27])
        #expect(counter.made == 1, "code from the store needs no text")
        #expect(second.source == "保[证障]" && counter.made == 2)
        // The anchored twin has code of its own (compiled from the same text, then stored).
        #expect(try second.anchored().matches(subject).isEmpty)
        #expect(try second.anchored().matches("保证").map(\.range) == [0..<6])
        #expect(counter.made == 3 && store.codes.count == 2)
        #expect(store.sourcesAsked == 0)
    }

    @Test func scalarCountConvertsBytesToCharacters() {
        let bytes = Array("零故障abc".utf8)
        #expect(UTF8Offsets.scalarCount(bytes, upTo: 9) == 3)
        #expect(UTF8Offsets.scalarCount(bytes, upTo: 10) == 4)
    }
    /// A search with an offset limit finds exactly the first match when it starts
    /// at or before the limit, and nothing when it starts later; lookarounds and the
    /// match itself still read past the limit. Random texts, with the interpreter too.
    @Test(arguments: [false, true])
    func anOffsetLimitStopsOnlyTheStartPlaces(interpreter: Bool) throws {
        let sources = ["保证(?=满意)", "(?<!不)满意", "包[^,]{0,3}?过", "a+b", "(?:保证|包)\\s*(?:您|你)?\\s*满意(?!度)"]
        let alphabet = Array("保证包您你满意度不过,ab ")
        var generator = SystemRandomNumberGenerator()
        let scratch = MatchScratch(interpreterFirst: interpreter)
        for source in sources {
            let limited = try Pattern(source, options: .offsetLimit)
            let plain = try Pattern(source)
            for _ in 0..<300 {
                let text = String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                var copy = text
                try copy.withUTF8 { buffer in
                    let start = Int.random(in: 0...buffer.count, using: &generator)
                    let limit = Int.random(in: start...buffer.count, using: &generator)
                    let expected = try plain.firstMatch(in: buffer, from: start, scratch: scratch).flatMap {
                        $0.range.lowerBound <= limit ? $0.range : nil
                    }
                    let found = try limited.firstMatch(in: buffer, from: start, startingAtMost: limit, scratch: scratch)?.range
                    #expect(found == expected, "\(source) in '\(text)' from \(start) to \(limit)")
                    // The scratch's contexts are left without a limit.
                    #expect(
                        try limited.firstMatch(in: buffer, from: start, scratch: scratch)?.range
                            == plain.firstMatch(in: buffer, from: start, scratch: scratch)?.range)
                }
            }
        }
    }
}
