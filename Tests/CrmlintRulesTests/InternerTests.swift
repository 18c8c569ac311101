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

    /// Slots keep a name's first 16 bytes: names that differ only in one byte, before, at and after the
    /// sixteenth, and names one byte shorter or longer than another, each keep their own index.
    @Test func namesDifferingAroundTheSixteenthByteStayApart() {
        var names: [String] = []
        for length in [1, 8, 15, 16, 17, 24, 40] {
            let base = String(repeating: "a", count: length)
            names.append(base)
            for position in Set([0, length / 2, 7, 8, 14, 15, 16, length - 1]) where position < length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "b")
                names.append(String(decoding: bytes, as: UTF8.self))
            }
            names.append(base + "\u{0}")
        }
        // Chinese names cross the sixteenth byte inside a character (three bytes each).
        names += ["客户编号一二三", "客户编号一二四", "客户编号一二三四", "客户编号一二三五", "客户编号一二"]
        #expect(Set(names).count == names.count, "the test's names are distinct")
        var interner = Interner()
        for (index, name) in names.enumerated() { #expect(interner.intern(name) == Int32(index), "\(name)") }
        for (index, name) in names.enumerated().reversed() {
            #expect(interner.index(of: name) == Int32(index), "\(name)")
            #expect(interner.intern(name) == Int32(index), "\(name)")
        }
        #expect(interner.index(of: String(repeating: "a", count: 16) + "c") == nil)
        #expect(interner.index(of: String(repeating: "a", count: 9)) == nil)
    }

    /// Two spellings with the same length, the same tag (the low half of their hash) and the same first
    /// slot in a new table (found by a search over numbered ids) are still told apart by their bytes:
    /// one pair differs within the first 16 bytes (compared in the slot), one only after them (in `keyBytes`).
    @Test func spellingsWhoseTagsCollideStayApart() {
        for (first, second) in [("CRM-2024-0011921", "CRM-2024-0399884"), ("CUSTOMER-2024-00-0298523", "CUSTOMER-2024-00-0700977")] {
            func hash(_ name: String) -> UInt64 { Array(name.utf8).withUnsafeBufferPointer { ByteHash.of($0) } }
            #expect(first.utf8.count == second.utf8.count)
            #expect(UInt32(truncatingIfNeeded: hash(first)) == UInt32(truncatingIfNeeded: hash(second)), "the tags collide")
            #expect((hash(first) >> 32) & 63 == (hash(second) >> 32) & 63, "the first slots in a 64-slot table collide")
            var interner = Interner()
            #expect(interner.intern(first) == 0)
            #expect(interner.index(of: second) == nil)
            #expect(interner.intern(second) == 1)
            #expect(interner.index(of: first) == 0)
            #expect(interner.index(of: second) == 1)
        }
    }
}
