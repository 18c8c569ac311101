import Testing

@testable import CrmlintRules

/// `Interner` finds ASCII names by their bytes; it must still give every name
/// the index a String-keyed dictionary gives it, canonical equality included.
@Suite struct InternerTests {
    @Test func givesTheIndicesAStringDictionaryGives() {
        // Canonically equal spellings across the ASCII line (U+212A KELVIN SIGN is `K`, U+037E is `;`,
        // e + U+0301 is é), ids that differ in one byte, the empty name, and enough names to grow the table.
        let pieces = ["K", "\u{212A}", ";", "\u{037E}", "é", "e\u{301}", "CRM-", "0", "1", "9", "客户", "", "a", "b", "/", "."]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var interner = Interner()
            var reference: [String: Int32] = [:]
            var order: [String] = []
            for _ in 0..<2_000 {
                let name = (0..<Int.random(in: 0...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                #expect(interner.index(of: name) == reference[name], "asked before interning")
                let expected: Int32
                if let known = reference[name] {
                    expected = known
                } else {
                    expected = Int32(order.count)
                    reference[name] = expected
                    order.append(name)
                }
                #expect(interner.intern(name) == expected, "'\(name.unicodeScalars.map { String($0.value, radix: 16) })'")
                #expect(interner.index(of: name) == expected)
            }
            // Compared name by name (a failing whole-array expectation prints two thousand names twice).
            #expect(interner.names.count == order.count)
            let firstDifference = zip(interner.names, order).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "names differ from position \(firstDifference ?? -1)")
        }
    }

    @Test func anASCIINameMeetsItsCanonicalTwinEitherWayRound() {
        var interner = Interner()
        #expect(interner.intern("\u{212A}9") == 0)
        #expect(interner.intern("K9") == 0, "the ASCII spelling after the Kelvin sign")
        #expect(interner.intern("K9") == 0, "now from the byte table")
        #expect(interner.intern("K8") == 1)
        #expect(interner.intern("\u{212A}8") == 1, "the Kelvin sign after the ASCII spelling")
        #expect(interner.names == ["\u{212A}9", "K8"])
        // ASCII names only so far (kept by their bytes alone), then the twin of one of them.
        var asciiFirst = Interner()
        #expect(asciiFirst.intern("K7") == 0)
        #expect(asciiFirst.intern("id-1") == 1)
        #expect(asciiFirst.index(of: "\u{212A}7") == 0, "asked before any other name is interned")
        #expect(asciiFirst.intern("\u{212A}7") == 0)
        #expect(asciiFirst.intern("\u{212A}6") == 2)
        #expect(asciiFirst.intern("K6") == 2)
        #expect(asciiFirst.names == ["K7", "id-1", "\u{212A}6"])
    }

    @Test func tenThousandIdsKeepTheirIndices() {
        var interner = Interner()
        let ids = (0..<10_000).map { "CRM-2024-\($0)" }
        for (index, id) in ids.enumerated() { #expect(interner.intern(id) == Int32(index)) }
        for (index, id) in ids.enumerated().reversed() where index % 7 == 0 { #expect(interner.intern(id) == Int32(index)) }
        #expect(interner.names.count == 10_000)
    }
}
