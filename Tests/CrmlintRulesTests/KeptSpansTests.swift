import Testing

@testable import CrmlintRules

/// `KeptSpans` answers what asking every kept span answers.
@Suite struct KeptSpansTests {
    @Test func coversWhatComparingEverySpanCovers() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var index = KeptSpans()
            var kept: [Range<Int>] = []
            // Mostly ascending starts with jumps back (a rule's next entry), of mixed lengths.
            var start = 0
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                start =
                    Bool.random(using: &generator) && round % 3 == 0
                    ? Int.random(in: 0...80, using: &generator) : start + Int.random(in: 0...5, using: &generator)
                let span = start..<start + Int.random(in: 1...(round % 2 == 0 ? 6 : 40), using: &generator)
                for unlessEqual in [false, true] {
                    let probe = Int.random(in: 0...90, using: &generator)
                    for candidate in [span, probe..<probe + Int.random(in: 1...8, using: &generator)] {
                        let expected = kept.contains {
                            $0.lowerBound <= candidate.lowerBound && candidate.upperBound <= $0.upperBound
                                && !(unlessEqual && $0 == candidate)
                        }
                        #expect(index.covers(candidate, unlessEqual: unlessEqual) == expected, "\(candidate) in \(kept)")
                    }
                }
                kept.append(span)
                index.append(span)
            }
        }
    }
}
