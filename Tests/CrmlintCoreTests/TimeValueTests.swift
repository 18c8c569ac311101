import Foundation
import Testing

@testable import CrmlintCore

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

    /// Reading a wall-clock time by arithmetic must give the Calendar's instant wherever it answers:
    /// random times of 1850–2200, and every quarter hour within a day of each offset change of
    /// zones with daylight saving, half-hour and 45-minute offsets, and a skipped day (Apia, 2011).
    @Test func arithmeticTimesAreTheCalendars() {
        var generator = SystemRandomNumberGenerator()
        let zones = [
            "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham",
            "Pacific/Apia", "America/St_Johns", "UTC",
        ]
        var answered = 0
        var offsets = ZoneOffsets()
        func check(_ parts: DateComponents, _ zone: TimeZone, _ calendar: Calendar) {
            let expected = TimeValue.validDate(parts, calendar)
            // With the day's offset remembered too (from the last time asked about, of this day or another).
            if let remembered = TimeValue.arithmeticDate(parts, zone, offsets: offsets) {
                #expect(remembered == expected, "\(zone.identifier) \(parts), remembered")
            }
            guard let fast = TimeValue.arithmeticDate(parts, zone) else { return }
            answered += 1
            #expect(fast == expected, "\(zone.identifier) \(parts)")
        }
        for name in zones {
            let zone = TimeZone(identifier: name)!
            offsets = ZoneOffsets()
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            for _ in 0..<2_000 {
                let parts = DateComponents(
                    year: Int.random(in: 1850...2200, using: &generator), month: Int.random(in: 1...12, using: &generator),
                    day: Int.random(in: 1...31, using: &generator), hour: Int.random(in: 0...23, using: &generator),
                    minute: Int.random(in: 0...59, using: &generator), second: Int.random(in: 0...59, using: &generator))
                check(parts, zone, calendar)
            }
            var instant = Date(timeIntervalSince1970: 1_262_304_000) // 2010-01-01
            for _ in 0..<8 {
                guard let change = zone.nextDaylightSavingTimeTransition(after: instant) else { break }
                for quarter in -100...100 {
                    let wall = calendar.dateComponents(
                        [.year, .month, .day, .hour, .minute, .second], from: change.addingTimeInterval(Double(quarter) * 900))
                    check(wall, zone, calendar)
                }
                instant = change.addingTimeInterval(1)
            }
            if name == "Pacific/Apia" {
                // 2011-12-30 never happened there: the Calendar's answer, whatever it is, stands.
                check(DateComponents(year: 2011, month: 12, day: 30, hour: 12, minute: 0, second: 0), zone, calendar)
            }
        }
        #expect(answered > 10_000)
    }

    /// `2024-03-15 14:00`, `2024-03-15T14:00:05`, `2024/3/5 8:01`, `2024.3.15` and the like, read without the
    /// pattern, give what the pattern gives (a leading space sends a text to it): valid and invalid dates and
    /// times, padded or not, in several zones; and texts near those forms are left to the pattern.
    @Test func canonicalTimesReadAsThePatternReadsThem() {
        var generator = SystemRandomNumberGenerator()
        let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Pacific/Apia"].map { TimeZone(identifier: $0)! }
        var read = 0
        for _ in 0..<6_000 {
            func part(_ range: ClosedRange<Int>) -> String {
                let value = Int.random(in: range, using: &generator)
                return Bool.random(using: &generator) ? CivilDate.padded(value, 2) : String(value)
            }
            func separator() -> String { ["-", "/", ".", "-"].randomElement(using: &generator)! }
            let date =
                "\(CivilDate.padded(Int.random(in: 1890...2100, using: &generator), 4))\(separator())\(part(0...13))\(separator())\(part(0...32))"
            var text = date
            if Int.random(in: 0..<5, using: &generator) > 0 {
                text +=
                    (Bool.random(using: &generator) ? " " : "T")
                    + "\(part(0...25)):\(CivilDate.padded(Int.random(in: 0...60, using: &generator), 2))"
                if Bool.random(using: &generator) { text += ":\(CivilDate.padded(Int.random(in: 0...61, using: &generator), 2))" }
            }
            let zone = zones.randomElement(using: &generator)!
            let offsets = ZoneOffsets()
            let fast = TimeValue.parse(text, timeZone: zone, offsets: offsets)
            #expect(fast == TimeValue.parse(" " + text, timeZone: zone), "\(text) in \(zone.identifier)")
            var copy = text
            #expect(copy.withUTF8(TimeValue.canonicalParts) != nil, "\(text) is read without the pattern")
            if fast != nil { read += 1 }
        }
        #expect(read > 2_000)
        #expect(TimeValue.canonicalParts(UnsafeBufferPointer(start: nil, count: 0)) == nil)
        for text in [
            "2024-03-15 14:00 ", "2024-03-15  14:00", "2024-03-15 14:0a", "２０２４-03-15 14:00", "2024/3/15 8:1", "2024/123/5 8:00",
            "20240/3/15", "2024/3/15 8:01:5", "2024年3月15日", "2024/3/15 8:01:05.5", "2024/3/158:01", "24/3/15 8:00", "2024/3/15 8:00Z",
        ] {
            var copy = text
            #expect(copy.withUTF8(TimeValue.canonicalParts) == nil, "\(text)")
        }
        // The texts left to the pattern still read as before.
        #expect(TimeValue.parse("2024年3月15日", timeZone: zones[0]) == TimeValue.parse(" 2024-03-15", timeZone: zones[0]))
    }

    /// Times with an offset read by arithmetic (`canonicalPartsAndOffset`) read as the pattern reads them, `-HH:MM`
    /// (which the pattern takes for the end of a range) and offsets out of range included.
    @Test func timesWithAnOffsetReadAsThePatternReadsThem() {
        var generator = SystemRandomNumberGenerator()
        let zones = ["Asia/Shanghai", "America/New_York", "Pacific/Apia"].map { TimeZone(identifier: $0)! }
        var byArithmetic = 0, read = 0
        for _ in 0..<6_000 {
            func part(_ range: ClosedRange<Int>) -> String {
                let value = Int.random(in: range, using: &generator)
                return Bool.random(using: &generator) ? CivilDate.padded(value, 2) : String(value)
            }
            var text =
                "\(CivilDate.padded(Int.random(in: 1890...2100, using: &generator), 4))-\(part(1...13))-\(part(0...32))"
            if Int.random(in: 0..<6, using: &generator) > 0 {
                text +=
                    (Bool.random(using: &generator) ? " " : "T")
                    + "\(part(0...25)):\(CivilDate.padded(Int.random(in: 0...60, using: &generator), 2))"
                if Bool.random(using: &generator) { text += ":\(CivilDate.padded(Int.random(in: 0...61, using: &generator), 2))" }
            }
            let hours = CivilDate.padded(Int.random(in: 0...20, using: &generator), 2)
            let minutes = CivilDate.padded(Int.random(in: 0...61, using: &generator), 2)
            text += ["Z", "z", "+\(hours):\(minutes)", "-\(hours):\(minutes)", "+\(hours)\(minutes)", "-\(hours)\(minutes)"]
                .randomElement(using: &generator)!
            let zone = zones.randomElement(using: &generator)!
            let fast = TimeValue.parse(text, timeZone: zone, offsets: ZoneOffsets())
            #expect(fast == TimeValue.parse(" " + text, timeZone: zone), "\(text) in \(zone.identifier)")
            var copy = text
            if copy.withUTF8(TimeValue.canonicalPartsAndOffset) != nil { byArithmetic += 1 }
            if fast != nil { read += 1 }
        }
        #expect(byArithmetic > 1_500)
        #expect(read > 2_000)
        for text in [
            "2024-03-15 14:00-08:00", "2024-03-15-0800", "2024-03-15 14:00 +08:00", "2024-03-15 14:00+8:00", "2024-03-15 14:00+19:00",
        ] {
            var copy = text
            #expect(copy.withUTF8(TimeValue.canonicalPartsAndOffset) == nil, "\(text)")
        }
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        #expect(TimeValue.parse("2024-05-01T01:30:00+08:00", timeZone: shanghai)?.start == Date(timeIntervalSince1970: 1_714_498_200))
        #expect(TimeValue.parse("2024-04-30T17:30:00Z", timeZone: shanghai)?.start == Date(timeIntervalSince1970: 1_714_498_200))
        // A range, not an offset: 14:00 to 08:00 the next morning, in the scan's zone.
        let range = TimeValue.parse("2024-03-15 14:00-08:00", timeZone: shanghai)
        #expect(range.map { Int($0.end.timeIntervalSince($0.start).rounded()) } == 18 * 3600)
        // Past ±18:00 there is no Foundation zone: not a time (it crashed the pattern's reading before).
        for text in ["2024-03-15 14:00 +18:30", "2024-03-15T14:00:00+18:01", "2024-03-15 14:00-1859"] {
            #expect(TimeValue.parse(text, timeZone: shanghai) == nil, "\(text)")
        }
        #expect(TimeValue.parse("2024-03-15T14:00:00+18:00", timeZone: shanghai)?.start == Date(timeIntervalSince1970: 1_710_446_400))
    }

    /// `iso8601` writes what Foundation's formatter writes, whatever the zone, instant or fraction of a second
    /// (written by hand from 1900 to 9999 in whole-minute zones, by the formatter elsewhere).
    @Test func iso8601AsTheFormatterWritesIt() {
        var generator = SystemRandomNumberGenerator()
        let zones =
            [
                "Asia/Shanghai", "UTC", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham",
                "America/Los_Angeles", "Europe/Dublin", "Pacific/Kiritimati", "Africa/Monrovia", "Asia/Hong_Kong",
            ]
            .compactMap(TimeZone.init(identifier:)) + [TimeZone(secondsFromGMT: -34_200)!, TimeZone(secondsFromGMT: 0)!]
        #expect(zones.count == 13)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: 1_714_500_000.999),
            Date(timeIntervalSince1970: -2_208_988_800), Date(timeIntervalSince1970: -2_208_988_801),
            Date(timeIntervalSince1970: 253_402_300_799.9),
            Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: -3_000_000_000),
            Date(timeIntervalSince1970: 1_714_500_000.9995), Date(timeIntervalSince1970: -0.0001), Date(timeIntervalSince1970: -1.0001),
        ]
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2.5e9...2.6e11, using: &generator))) }
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: 0...2.2e9, using: &generator))) }
        // Whole seconds, as --as-of is mostly written.
        for _ in 0..<500 {
            dates.append(Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800...4_102_444_800, using: &generator))))
        }
        for date in dates {
            let zone = zones.randomElement(using: &generator)!
            #expect(
                TimeValue.iso8601(date, timeZone: zone) == TimeValue.formatted(date, timeZone: zone),
                "\(date.timeIntervalSince1970) in \(zone.identifier)")
        }
    }
}
