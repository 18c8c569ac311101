import PatternEngine
import Testing

/// A 128-bit key's table hash (`PatternSourceKey.tableHash`, what Dictionary and Set ask of it): spread
/// over the buckets whichever of its bits differ, ordered differently by each table's seed.
@Suite struct PatternSourceKeyTests {
    /// Distinct buckets of 1,024 that 1,000 keys fall into (random hashes fill about 630).
    func buckets(_ keys: [PatternSourceKey], seed: Int) -> Int {
        Set(keys.map { PatternSourceKey.tableHash($0.a, $0.b, seed: seed) & 1023 }).count
    }

    @Test func keysThatDifferInAnyBitsSpreadOverTheBuckets() {
        for shift in [0, 20, 40, 54] {
            let first = (0..<1_000).map { PatternSourceKey(a: UInt64($0) << shift, b: 7) }
            let second = (0..<1_000).map { PatternSourceKey(a: 7, b: UInt64($0) << shift) }
            #expect(buckets(first, seed: 12_345) > 550, "a << \(shift)")
            #expect(buckets(second, seed: 12_345) > 550, "b << \(shift)")
        }
    }

    @Test func eachSeedOrdersTheKeysItsOwnWay() {
        let keys = (0..<1_000).map { PatternSourceKey(a: UInt64($0) &* 0x9E37_79B9_7F4A_7C15, b: UInt64($0)) }
        let one = keys.map { PatternSourceKey.tableHash($0.a, $0.b, seed: 1) & 1023 }
        let other = keys.map { PatternSourceKey.tableHash($0.a, $0.b, seed: 2) & 1023 }
        #expect(zip(one, other).filter { $0 != $1 }.count > 950)
    }

    @Test func aDictionaryFindsEveryKeyAndEqualKeysHashAlike() {
        var generator = SystemRandomNumberGenerator()
        let keys = (0..<20_000).map { _ in PatternSourceKey(a: generator.next(), b: generator.next() & 0xFF) }
        var table: [PatternSourceKey: Int] = [:]
        for (index, key) in keys.enumerated() { table[key] = index }
        #expect(table.count == Set(keys).count)
        for (index, key) in keys.enumerated().prefix(2_000) { #expect(table[PatternSourceKey(a: key.a, b: key.b)] == index) }
        #expect(table[PatternSourceKey(a: 1, b: 2)] == nil)
        #expect(PatternSourceKey(a: 3, b: 4).hashValue == PatternSourceKey(a: 3, b: 4).hashValue)
    }
}
