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
