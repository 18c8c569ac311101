import Foundation
import PatternEngine
import Testing

@testable import CrmlintRules

/// Start places inside a run of digits are dropped only for patterns that cannot
/// start a match there, and what they find stays what a search of the whole text finds.
@Suite struct DigitRunStartsTests {
    @Test func guardedAndAbsorbingPatternsAreCleared() {
        let cleared = [
            "(?<![0-9])[0-9]+元", // a guard before the digits
            "(?<![0-9.A-Za-z]|[0-9],)[0-9]{1,9}", // one alternative of the guard is a digit class
            "(?<!\\d)\\d{2}", "(?<!\\w)[0-9]", "(?<!.)[0-9]", // classes that take every digit
            "(?<!满|买)(?<![0-9])[0-9]", // a guard after another lookbehind
            "(?:人民币|¥)\\s*[0-9]+|(?<![0-9])[0-9]+块", // the other way first takes no digit
            "[0-9]+元", "[0-9][0-9,.]*\\s*(?:万|千)?元", "[0-9]{2,}", "[0-9]*+x", "[0-9][0-9]*+", "[0-9]+?元", // a loop over every digit first
            "a?[0-9]+", "\\s*[0-9]+", // after optional characters
            "(?:[0-9]+(?:\\.[0-9]+)?|[一二]+)\\s*年", "(?:(?:[0-9]+)元)", // in a group
            "(?<amount>(?<![0-9])[0-9]+)", "(?![$])(?<![0-9])[0-9]", "(?=[^x])[^0-9]", // bounded lookarounds first
            "(?i:(?<![0-9])[0-9]k)", "(?#note)(?<![0-9])1", "(?i)(?<![0-9])1",
            "[一二三]+[0-9]", "\\p{Han}+[0-9]", "[^0-9]1", "[^\\d]+", "元", "\\$[0-9]", // no digit first
        ]
        for source in cleared {
            #expect(DigitRunStarts.innerDigitDepth(source) == 1, "\(source)")
        }
    }

    /// A loop's way behind a lookbehind of plain words holds at a digit after a digit, not always at a run's first:
    /// the second digit of a run is tried too.
    @Test func loopsBehindPlainWordsNeedTheSecondDigit() {
        let second = [
            "(?<!金额|总价)\\s*(?:(?<![0-9a-zA-Z.])[0-9]+个|[0-9]{4,}+元)", "(?<!金额)[0-9]+", "(?<!a)[0-9]+", "(?<!金额)(?<!a)[0-9]+",
            "(?<!金额|额度)x?[0-9][0-9]*",
        ]
        for source in second {
            #expect(DigitRunStarts.innerDigitDepth(source) == 2, "\(source)")
        }
        let text = Array("x1234".utf8)
        var positions = Array(text.indices)
        text.withUnsafeBufferPointer { DigitRunStarts.dropInnerDigits(&positions, in: $0, depth: 2) }
        #expect(positions == [0, 1, 2])
    }

    @Test func anythingElseIsNot() {
        let open = [
            "[0-9]", "1", "[1-9][0-9]*", "[0-9]{2,5}", "[0-9][0-9]{1,3}", "\\d\\d", // digits, no loop over every digit
            "(?=1)[0-9]+", "\\b[0-9]+", "^[0-9]+", "(?:(?=x)|y)?[0-9]+", "(?<=a)[0-9]+", // an assertion before the loop
            "(?<!金额|x1)[0-9]+", "(?<!金额\\.)[0-9]+", "(?<!(?:金额))[0-9]+", "(?<!金额)(?=x)[0-9]+", // lookbehinds not of plain words
            "(?<!a|)[0-9]+", "(?<!|a)[0-9]+", "(?<!a?)[0-9]+", "(?:(?<!a))[0-9]+", "\\b(?<!a)[0-9]+", "[0-9](?<!a)[0-9]*",
            "(?i)(?<!k)[0-9]+",
            "(?<![0-9],)[0-9]", "(?<![1-9])[0-9]", "(?<![0-9]{1})[0-9]", "(?<![0-9]x)[0-9]", // not a guard against every digit
            "x|[0-9]", "(?:x|)[0-9]", "(?:x)?[0-9]", "", "(?:)", "a*", // a way to a digit, or to nothing
            "[^,]", "\\w", "\\S", ".", "\\p{N}", "\\P{Han}", "[[:digit:]]", // classes that may take a digit
            "(?=(?:\\d+)+!)(?<![0-9])[0-9]", "(?!x+)[^0-9]", "(?<![0-9]|(?=a+)b)[0-9]", // lookarounds holding loops
            // Not modelled:
            "(?>[0-9]+)元", "(?:[0-9]+)++元", "[0-9]*\\G5", "(?<![0-9])(1)\\1", "\\K1", "(?x) 1", "(?(1)a|b)", "(?R)", "(*SKIP)1", "\\x{31}",
            "\\Q1\\E",
            "(?<![0-9])[0-9", "(?<![0-9]1", "((?<![0-9])1", "1)", "*1", // malformed
        ]
        for source in open {
            #expect(DigitRunStarts.innerDigitDepth(source) == 0, "\(source)")
        }
    }

    /// Only a search told that its starts lack places inside runs tries the place it resumes at in one.
    @Test func theResumePlaceIsTriedOnlyWhenAsked() throws {
        let pattern = try PatternEngine.Pattern("[0-9]").anchored()
        let text = Array("12".utf8)
        try text.withUnsafeBufferPointer { buffer in
            let plain = try pattern.allMatches(in: buffer, startingAt: [0], scratch: MatchScratch())
            let resuming = try pattern.allMatches(in: buffer, startingAt: [0], resumingInDigitRuns: true, scratch: MatchScratch())
            #expect(plain.map(\.range) == [0..<1])
            #expect(resuming.map(\.range) == [0..<1, 1..<2])
        }
    }

    @Test func onlyDigitsAfterDigitsAreDropped() {
        let text = Array("12a34 5６7,8".utf8) // ６ is not an ASCII digit
        var positions = Array(text.indices)
        text.withUnsafeBufferPointer { DigitRunStarts.dropInnerDigits(&positions, in: $0) }
        let kept = positions.map { String(decoding: text[$0...].prefix(1), as: UTF8.self) }
        // 2 and 4 follow digits; 7 follows a continuation byte, 8 a comma.
        #expect(!positions.contains(1) && !positions.contains(4))
        #expect(kept.filter { $0.first?.isASCII == true && $0.first!.isNumber } == ["1", "3", "5", "7", "8"])
        var none: [Int] = []
        text.withUnsafeBufferPointer { DigitRunStarts.dropInnerDigits(&none, in: $0) }
        #expect(none.isEmpty)
    }

    /// Tried at its leading words less the digits inside runs, a cleared pattern finds what a
    /// search of the whole text finds: random texts heavy in digits.
    @Test func droppedStartsFindWhatAScanFinds() throws {
        let sources = [
            "(?<![0-9.])[0-9]{1,3}(?:,[0-9]{3})*\\s*元", "[0-9][0-9,.]*\\s*(?:万|千)?\\s*(?:元|块)", "[0-9]+(?=[0-9]{2}元)",
            "[0-9]+(?:元|(?=[0-9]元))", "(?:[0-9]+个|(?<![0-9])[0-9]元)", "[0-9]++5?元", "(?:[0-9][0-9]*)元", "(?:[0-9]+,)+元",
            "[0-9]*+元", "(?<amount>[0-9]+)\\s*(?:元|块)?(?!万)", "(?:人民币|¥)[0-9]+元|[0-9]+元", "(?<![0-9])[0-9]{2}",
            "(?<!元|个)[0-9]+元", "(?<!元个|x)\\s*(?:(?<![0-9.])[0-9]+个|[0-9]{2,}+元)",
        ]
        let alphabet = Array("0123456789,.元块万个人民币¥ x")
        var generator = SystemRandomNumberGenerator()
        let scratch = MatchScratch()
        for source in sources {
            let depth = DigitRunStarts.innerDigitDepth(source)
            #expect(depth > 0, "\(source)")
            let pattern = try PatternEngine.Pattern(source)
            let anchored = pattern.anchored()
            // The places of its leading words; every place when it has none known.
            let words = RequiredLiterals.leadingWords(of: source)
            for _ in 0..<400 {
                let text = String((0..<Int.random(in: 1...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                let bytes = Array(text.utf8)
                try bytes.withUnsafeBufferPointer { buffer in
                    var starts = bytes.indices.filter { start in
                        guard let words else { return bytes[start] & 0xC0 != 0x80 }
                        return words.contains { bytes[start...].starts(with: $0.utf8) }
                    }
                    DigitRunStarts.dropInnerDigits(&starts, in: buffer, depth: depth)
                    let expected = try pattern.allMatches(in: buffer, scratch: scratch).map(\.range)
                    let found = try anchored.allMatches(in: buffer, startingAt: starts, resumingInDigitRuns: true, scratch: scratch).map(
                        \.range)
                    #expect(found == expected, "'\(text)' with \(source)")
                }
            }
        }
    }

    /// The analysis itself, on random patterns of guards, digit loops (greedy, lazy,
    /// possessive, bounded), assertions, atomic groups and alternatives: where it clears
    /// one, trying it at every place but the digits inside runs finds what trying it at every
    /// place finds. (Not compared with a scan: PCRE2's JIT has answered an unanchored search of
    /// an atomic group with alternatives differently from the anchored one, which is not this.)
    @Test func randomPatternsItClearsFindWhatEveryPlaceFinds() throws {
        var generator = SystemRandomNumberGenerator()
        let atoms = [
            "[0-9]", "\\d", "[1-9]", "1", "元", "x", "[0-9,.]", "\\s", ",", "(?<![0-9])", "(?<!x)", "(?<![0-9.]|[0-9],)", "(?=[0-9])",
            "(?![0-9])", "\\b", "(?<=元)", "\\G", "(?=[0-9]+元)", "(?<!元x)", "(?<!x|元)",
        ]
        let loops = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "*?", "+?", "*+", "++"]
        func sequence(_ depth: Int) -> String {
            (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                if depth < 2, Int.random(in: 0..<5, using: &generator) == 0 {
                    let opener = Bool.random(using: &generator) ? "(?:" : "(?>"
                    return opener + alternation(depth + 1) + ")" + loops.randomElement(using: &generator)!
                }
                let atom = atoms.randomElement(using: &generator)!
                return atom.hasPrefix("(?") || atom.hasPrefix("\\b") || atom.hasPrefix("\\G")
                    ? atom : atom + loops.randomElement(using: &generator)!
            }.joined()
        }
        func alternation(_ depth: Int) -> String {
            (0..<Int.random(in: 1...3, using: &generator)).map { _ in sequence(depth) }.joined(separator: "|")
        }
        let alphabet = Array("0123456789,.元x ")
        let scratch = MatchScratch()
        var cleared = 0, dropped = 0
        for _ in 0..<20_000 {
            let source = alternation(0)
            let depth = DigitRunStarts.innerDigitDepth(source)
            guard depth > 0, let pattern = try? PatternEngine.Pattern(source) else { continue }
            cleared += 1
            let anchored = pattern.anchored()
            for _ in 0..<25 {
                let text = String((0..<Int.random(in: 0...14, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                let bytes = Array(text.utf8)
                try bytes.withUnsafeBufferPointer { buffer in
                    var starts = Array((0...bytes.count).filter { $0 == bytes.count || bytes[$0] & 0xC0 != 0x80 })
                    let everyPlace = starts
                    DigitRunStarts.dropInnerDigits(&starts, in: buffer, depth: depth)
                    // (A pathological pattern may meet the match limit either way: not this test's business.)
                    guard let expected = try? anchored.allMatches(in: buffer, startingAt: everyPlace, scratch: scratch) else { return }
                    let found = try anchored.allMatches(in: buffer, startingAt: starts, resumingInDigitRuns: true, scratch: scratch)
                    #expect(found.map(\.range) == expected.map(\.range), "'\(text)' with \(source)")
                    dropped += everyPlace.count - starts.count
                }
            }
        }
        #expect(cleared > 300 && dropped > 1_000)
    }

    /// A pattern searched through its parts, one of which ends its matches inside runs of
    /// digits where a cleared part could start: the search tries that place itself, and
    /// finds what a search of the whole pattern finds.
    @Test func alternationPartsStartingInsideARunFindWhatTheWholeFinds() throws {
        let sources = [
            // The first alternative's start is unknown (a part of its own, searched whole); it ends matches inside runs.
            "\\p{Han}?[0-9]{2}|[0-9]+元|(?<![0-9])[0-9]个", "\\p{Han}?1[0-9]|[0-9][0-9]*块|元", "\\p{Han}?[0-9](?=[0-9]{2})|[0-9]+万|x",
        ]
        let alphabet = Array("0123456789元块万个x ")
        var dropped = 0
        for source in sources {
            let result = try partsFindWhatTheWholeFinds(source, alphabet: alphabet, maxLength: 16) { part, input in
                let (prefilter, slot) = (input.prefilter, input.slot)
                guard let positions = prefilter.starts(slot: slot, in: input.places, present: input.present, text: input.buffer) else {
                    return .scan
                }
                dropped += (prefilter.starts(slot: slot, in: input.places, present: input.present)?.count ?? 0) - positions.count
                return .at(positions, anchored: part.anchored(), resumingInDigitRuns: prefilter.startsOutsideDigitRuns(slot: slot))
            }
            guard let (parts, prefilter, firstLeaf, compared) = result else { continue }
            #expect(compared == 400)
            #expect((0..<parts).contains { prefilter.startsOutsideDigitRuns(slot: firstLeaf + $0) }, "\(source)")
        }
        #expect(dropped > 100) // the places were dropped, not merely allowed to be
    }

    /// The prefilter keeps which slots drop places in its file, and drops them for the
    /// bundled rules' amount patterns.
    @Test func theBundledAmountPatternsDropThemAndTheFileKeepsIt() throws {
        let rules = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        let built = LiteralPrefilter(rules: rules)
        let restored = try #require(LiteralPrefilter(restoring: built.serialized()))
        let slots = 0..<built.slotCount
        let flags = slots.map(built.startsOutsideDigitRuns)
        #expect(flags == slots.map(restored.startsOutsideDigitRuns))
        #expect(flags.filter { $0 }.count >= 20)
        let gift = try #require(built.firstLeafSlot["conduct.gift-limit"])
        #expect(flags[gift]) // the money pattern: guarded digits
        // Never for a slot without start places.
        let text = Array("价值1234元的礼品，电话13800000000".utf8)
        var present = LiteralPrefilter.PresentSets(count: built.setCount)
        var places = LiteralPrefilter.Places()
        try text.withUnsafeBufferPointer { buffer in
            built.mark(buffer, into: &present, places: &places)
            let all = try #require(built.starts(slot: gift, in: places, present: present))
            let kept = try #require(built.starts(slot: gift, in: places, present: present, text: buffer))
            #expect(kept.count < all.count && Set(kept).isSubset(of: Set(all)))
            for slot in slots where !flags[slot] {
                #expect(
                    built.starts(slot: slot, in: places, present: present)
                        == built.starts(slot: slot, in: places, present: present, text: buffer))
            }
        }
    }
}
