import CrmlintCore
@testable import CrmlintRules
import PatternEngine
import Foundation
import Testing

/// The literal prefilter may only skip what cannot match: its requirements
/// are checked on patterns, and its verdicts against PCRE2 itself.
@Suite struct PrefilterTests {
    @Test func requiredWordsOfCommonShapes() {
        #expect(RequiredLiterals.of("保证") == ["保证"])
        #expect(RequiredLiterals.requirement(of: "(?:保证|承诺)\\s*到货") == .all([.words(["保证", "承诺"]), .words(["到货"])]))
        #expect(RequiredLiterals.of("(?:零|0)\\s*故障") == ["故障"])
        #expect(RequiredLiterals.of("回扣(?:费)?") == ["回扣", "回扣费"])   // an optional tail joins the run
        #expect(RequiredLiterals.of("[俱具]乐部") == ["俱乐部", "具乐部"])
        #expect(RequiredLiterals.of("(?i:YYDS)|绝绝子") == ["yyds", "绝绝子"])   // ASCII folded
        #expect(RequiredLiterals.of("(?<=您)好") == ["好"])                     // lookbehinds are not part of the match
        #expect(RequiredLiterals.of("\\d+元") == ["元"])
        #expect(RequiredLiterals.of("(?:保证)?到") == ["到", "保证到"])
    }

    @Test func patternsWithNothingRequiredAreNotFiltered() {
        #expect(RequiredLiterals.of("\\d+") == nil)
        #expect(RequiredLiterals.of("(?:保证)?") == nil)
        #expect(RequiredLiterals.of("a|\\d") == nil)
        #expect(RequiredLiterals.of("(?x) a b") == nil)         // extended mode: not understood, not filtered
        #expect(RequiredLiterals.of("(?(1)a|b)") == nil)
    }

    @Test func requirementsJoinBothSidesOfASequence() {
        let requirement = RequiredLiterals.requirement(of: "(?:保证|承诺)[^,]{0,6}(?:到货|交货)")
        #expect(requirement == .all([.words(["保证", "承诺"]), .words(["到货", "交货"])]))
    }

    @Test func branchesSplitAtTheTopLevelOnly() {
        #expect(RequiredLiterals.branches(of: "(?:a|b(?:c|d)|[|]|e|f)") == ["a", "b(?:c|d)", "[|]", "e", "f"])
        #expect(RequiredLiterals.branches(of: "(?<amount>a|b|c|d)") == nil)   // a capture around the whole stays
        #expect(RequiredLiterals.branches(of: "(a)|b|c|\\1") == nil)          // numbered back reference
        #expect(RequiredLiterals.branches(of: "a|b") == nil)                  // too few to be worth it
    }

    /// Random texts over a small alphabet: wherever PCRE2 finds a match, the
    /// prefilter must have let the pattern run.
    @Test func neverSkipsATextThatMatches() throws {
        let sources = ["(?:保证|承诺)\\s*(?:到货|交货)", "零\\s*故障|百分之百", "(?:送|给)[^,]{0,4}(?:礼|卡)", "回扣(?:费)?|好处费",
                       "(?i:vip)卡", "(?<=您)好", "[俱具]乐部", "(?:一|二|三)?等奖"]
        let alphabet = Array("保证承诺到货交零故障百分之送给礼卡回扣费好处您俱具乐部一二三等奖VvIiPp ,")
        var generator = SystemRandomNumberGenerator()
        for source in sources {
            let pattern = try #require(try? PatternEngine.Pattern(source))
            let metadata = RuleMetadata(id: "t.\(abs(source.hashValue))", kind: "pattern", category: .exaggeration, severity: .error, message: "m")
            let rule = PatternRule(metadata: metadata, patterns: [pattern])
            let prefilter = LiteralPrefilter(rules: [rule])
            for _ in 0..<400 {
                let text = String((0..<Int.random(in: 1...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                var present = [Bool](repeating: false, count: prefilter.setCount)
                Array(text.utf8).withUnsafeBufferPointer { prefilter.mark($0, into: &present) }
                if !(try pattern.matches(text)).isEmpty {
                    #expect(prefilter.allows(entry: 0, present: present), "prefilter skipped '\(text)' for \(source)")
                }
            }
        }
    }
}
