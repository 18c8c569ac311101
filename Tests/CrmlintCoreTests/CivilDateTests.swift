import Foundation
import Testing

@testable import CrmlintCore

/// Days and numbers are written as bytes (`CivilDate.isoDay`, `CivilDate.padded`): what Foundation's
/// `String(format:)` writes, for every width and sign, and every day a calendar has.
@Suite struct CivilDateTests {
    @Test func paddedWritesWhatFormatWrites() {
        var generator = SystemRandomNumberGenerator()
        var values = [0, 1, -1, 9, 10, -10, 99, 100, 999, 1_000, 9_999, 10_000, -9_999, Int.max, Int.min + 1]
        values += (0..<2_000).map { _ in Int.random(in: -1_000_000...1_000_000, using: &generator) }
        values += (0..<200).map { _ in Int.random(in: Int.min + 1...Int.max, using: &generator) }
        for value in values {
            for width in 0...6 {
                #expect(CivilDate.padded(value, width) == String(format: "%0\(width)ld", value), "\(value) width \(width)")
            }
        }
        // Int.min's magnitude is one past Int.max's.
        #expect(CivilDate.padded(Int.min, 2) == "\(Int.min)")
    }

    @Test func isoDayWritesWhatFormatWrites() {
        // Every day from 1899 to 2101 through the day numbers, then the odd ones (years of one to five digits,
        // negative years, out-of-range months and days), which take the path that joins the parts.
        for dayNumber in CivilDate.days(1899, 1, 1)...CivilDate.days(2101, 12, 31) {
            let (year, month, day) = CivilDate.civil(dayNumber)
            #expect(CivilDate.isoDay(year, month, day) == String(format: "%04ld-%02ld-%02ld", year, month, day))
        }
        for (year, month, day) in [
            (0, 1, 1), (7, 3, 9), (999, 12, 31), (9_999, 12, 31), (10_000, 1, 1), (-1, 1, 1), (2024, 0, 0), (2024, 100, 7), (2024, 3, -2),
        ] {
            #expect(CivilDate.isoDay(year, month, day) == String(format: "%04ld-%02ld-%02ld", year, month, day), "\(year) \(month) \(day)")
        }
    }
}
