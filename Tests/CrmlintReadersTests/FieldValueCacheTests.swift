import Foundation
import Testing

@testable import CrmlintReaders

@Suite struct FieldValueCacheTests {
    /// For every length up to past the longest cached and every byte of it: a value, the same value with that
    /// byte changed, then the first again, in one column. Each comes back as its own bytes (a key that left
    /// out a byte would hand the second the first's string), wherever the field stands in its row (short
    /// fields are read from the bytes before or after them, or one at a time when the row has neither).
    @Test func handsBackEachValueAsItsOwnBytes() {
        let cache = FieldValueCache()
        var asked = 0
        for length in 1...(FieldValueCache.longest + 4) {
            let base = [UInt8]((0..<length).map { UInt8(0x61 + $0 % 26) })
            for changed in 0..<length {
                var other = base
                other[changed] = 0x30
                for (placement, (before, after)) in [(0, 0), (1, 2), (3, 9), (12, 0)].enumerated() {
                    for value in [base, other, base] {
                        let row = [UInt8](repeating: 0x2C, count: before) + value + [UInt8](repeating: 0x2C, count: after)
                        let read = row.withUnsafeBufferPointer { bytes in
                            cache.value(in: bytes, before..<(before + length), column: placement)
                        }
                        #expect(Array(read.utf8) == value, "length \(length), byte \(changed) changed, \(before) bytes before")
                        asked += 1
                    }
                }
            }
        }
        #expect(asked > 2_000)
    }

    /// A short value is read three ways (the 8 bytes that end where it ends, the 8 that start where it starts,
    /// or a byte at a time), by where it stands in its row: in one column, each way, and the same bytes in
    /// other orders, come back as their own bytes whichever way the value before them was read.
    @Test func aShortValueReadEachWayInOneColumn() {
        let cache = FieldValueCache()
        let values: [[UInt8]] = [Array("ab,cd".utf8), Array("cd,ab".utf8), Array("ba,dc".utf8), Array("李超".utf8), Array("超李".utf8)]
        for _ in 0..<3 {
            for value in values {
                let placements: [(before: Int, after: Int)] = [
                    (9, 0), // ends at 8 or later: the 8 bytes before its end
                    (0, 9), // starts a row with 8 bytes after its start
                    (0, 0), // a row of its own, shorter than 8 bytes: a byte at a time
                ]
                for (before, after) in placements {
                    let row = [UInt8](repeating: 0x3B, count: before) + value + [UInt8](repeating: 0x3B, count: after)
                    let read = row.withUnsafeBufferPointer { cache.value(in: $0, before..<(before + value.count), column: 0) }
                    #expect(Array(read.utf8) == value, "\(before) bytes before, \(after) after")
                }
            }
        }
    }

    /// The same bytes in one column come back as the same string, and in any column as equal text.
    @Test func findsARepeatedValueAndKeepsColumnsApart() {
        let cache = FieldValueCache()
        let rows: [[UInt8]] = [Array("outbound,客户,李超".utf8), Array("inbound,客户,李超".utf8), Array("outbound,客户,何金凤".utf8)]
        var seen: [[String]] = []
        for row in rows + rows {
            let fields = row.split(separator: 0x2C, omittingEmptySubsequences: false)
            var start = 0
            var values: [String] = []
            row.withUnsafeBufferPointer { bytes in
                for (column, field) in fields.enumerated() {
                    values.append(cache.value(in: bytes, start..<(start + field.count), column: column))
                    start += field.count + 1
                }
            }
            seen.append(values)
        }
        for (index, row) in rows.enumerated() {
            let expected = String(decoding: row, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(seen[index] == expected)
            #expect(seen[index + rows.count] == expected)
        }
    }

    /// Past the longest cached length, past the cached columns, and empty: made as they are.
    @Test func makesLongValuesOtherColumnsAndEmptyOnesAsTheyAre() {
        let cache = FieldValueCache()
        let long = Array(String(repeating: "长", count: 40).utf8)
        long.withUnsafeBufferPointer { bytes in
            #expect(cache.value(in: bytes, 0..<bytes.count, column: 0) == String(repeating: "长", count: 40))
            #expect(cache.value(in: bytes, 0..<3, column: FieldValueCache.cachedColumns + 5) == "长")
            #expect(cache.value(in: bytes, 3..<3, column: 1) == "")
        }
    }

    /// A column whose values never repeat stops being looked up, and comes back to it: values stay right throughout.
    @Test func aColumnOfDistinctValuesRestsAndIsTriedAgain() {
        let cache = FieldValueCache()
        for number in 0..<10_000 {
            let row = Array("MSG\(String(number + 1_000_000)),outbound".utf8)
            row.withUnsafeBufferPointer { bytes in
                #expect(cache.value(in: bytes, 0..<10, column: 0) == "MSG\(number + 1_000_000)")
                #expect(cache.value(in: bytes, 11..<19, column: 1) == "outbound")
            }
        }
    }
}
