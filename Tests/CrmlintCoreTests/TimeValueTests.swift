import CrmlintCore
import Foundation
import Testing

@Suite struct TimeValueTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func iso(_ date: Date) -> String { TimeValue.iso8601(date, timeZone: shanghai) }

    @Test(arguments: [
        ("2024-03-15 14:00", "2024-03-15T14:00:00+08:00"),
        ("2024/3/15 14:00", "2024-03-15T14:00:00+08:00"),
        ("2024年3月15日14:00", "2024-03-15T14:00:00+08:00"),
        ("2024-03-15T06:00:00Z", "2024-03-15T14:00:00+08:00"),
        ("2024-03-15T14:00:00+08:00", "2024-03-15T14:00:00+08:00"),
        ("2024-03-15T09:00:00+03:00", "2024-03-15T14:00:00+08:00"),
        ("2024-03-15", "2024-03-15T00:00:00+08:00"),
        ("2024-03-15 14:00:30", "2024-03-15T14:00:30+08:00"),
        ("２０２４－０３－１５　１４：００", "2024-03-15T14:00:00+08:00"),
    ])
    func parsesExportFormats(input: String, expected: String) throws {
        let value = try #require(TimeValue.parse(input, timeZone: shanghai))
        #expect(iso(value.start) == expected)
    }

    @Test func rangeEndsAtItsEndTime() throws {
        let value = try #require(TimeValue.parse("2024年3月15日14:00-15:30", timeZone: shanghai))
        #expect(iso(value.start) == "2024-03-15T14:00:00+08:00")
        #expect(iso(value.end) == "2024-03-15T15:30:00+08:00")
    }

    @Test func excelSerialDate() throws {
        let value = try #require(TimeValue.parse("45366.5", timeZone: shanghai))
        #expect(iso(value.start) == "2024-03-15T12:00:00+08:00")
    }

    @Test(arguments: ["2024-02-30 10:00", "2024-13-01", "下周三", "", "2024-03-15 25:00", "15/03/2024"])
    func rejectsWhatIsNotATime(input: String) {
        #expect(TimeValue.parse(input, timeZone: shanghai) == nil)
    }

    @Test func dayUsesTheGivenTimeZone() throws {
        let value = try #require(TimeValue.parse("2024-03-15T23:30:00+08:00", timeZone: shanghai))
        #expect(TimeValue.day(of: value.start, timeZone: shanghai) == "2024-03-15")
        #expect(TimeValue.day(of: value.start, timeZone: TimeZone(identifier: "UTC")!) == "2024-03-15")
        let early = try #require(TimeValue.parse("2024-03-16T01:30:00+08:00", timeZone: shanghai))
        #expect(TimeValue.day(of: early.start, timeZone: TimeZone(identifier: "UTC")!) == "2024-03-15")
        #expect(TimeValue.day(of: early.start, timeZone: shanghai) == "2024-03-16")
    }
}

/// Days are written without Foundation's formatter and calendar on the hot path: the same text as those give.
@Suite struct DayTextTests {
    @Test func paddedIsPrintfs() {
        for value in [-10_000, -1_000, -999, -10, -5, -1, 0, 1, 5, 9, 10, 99, 100, 999, 1_000, 2_024, 9_999, 10_000, 123_456] {
            #expect(CivilDate.padded(value, 4) == String(format: "%04d", value))
            #expect(CivilDate.padded(value, 2) == String(format: "%02d", value))
        }
    }

    @Test func dayIsTheGregorianCalendars() {
        var generator = SystemRandomNumberGenerator()
        let zones = ["Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Europe/London"]
        for name in zones {
            let zone = TimeZone(identifier: name)!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            // 1850 to 2200: before 1900 the calendar is asked, after it the arithmetic, both must agree with it.
            for _ in 0..<3_000 {
                let date = Date(timeIntervalSince1970: Double.random(in: -3_786_825_600...7_258_118_400, using: &generator))
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                let expected = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
                #expect(TimeValue.day(of: date, timeZone: zone) == expected, "\(name) \(date.timeIntervalSince1970)")
            }
        }
    }
}
