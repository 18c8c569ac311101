import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `CheckContext.time` reads a record's time once for all rules, and takes the last record's time again when
/// the field holds the same bytes. Whatever the order of the values, it gives what parsing each value gives.
@Suite struct CheckContextTimeTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    @Test func eachRecordsTimeIsItsValueParsed() {
        // Repeated times (as in an export sorted by time), other spellings of the same minute, times that
        // are not times, an empty value and the field left out.
        let values: [String?] = [
            "2024-03-15 14:00", "2024-03-15 14:00", "2024/3/15 14:00", "2024-03-15 14:01", "2024年3月15日14:00-15:30",
            "45366.5", "not a time", "", nil, "2023-11-01 08:00",
        ]
        let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: zone)
        var generator = SystemRandomNumberGenerator()
        var reused = 0
        var previous: String?? = .none
        for position in 1...600 {
            // Runs of one value, as sorted exports have them, between random picks.
            let value = position % 3 == 0 ? values.randomElement(using: &generator)! : (previous ?? values[0])
            var fields = ["text": "hello"]
            if let value { fields["timestamp"] = value }
            let record = Record(dataset: .messages, file: "m.csv", line: position + 1, position: position, fields: fields)
            let expected = value.flatMap { $0.isEmpty ? nil : TimeValue.parse($0, timeZone: zone) }
            #expect(context.time(record, field: "timestamp") == expected, "\(String(describing: value))")
            // Asked again for the same record: the same answer.
            #expect(context.time(record, field: "timestamp") == expected)
            if case let .some(last) = previous, last == value { reused += 1 }
            previous = .some(value)
        }
        #expect(reused > 100, "the sequence repeats values")
    }
}
