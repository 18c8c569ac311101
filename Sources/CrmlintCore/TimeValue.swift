import Foundation
import PatternEngine

/// Times as they appear in real exports: `2024-03-15 14:00`, `2024/3/15 14:00`,
/// `2024年3月15日14:00-15:30` (a range), ISO 8601 with offset, dates alone,
/// Excel serial dates. Times without an offset are in the scan's time zone.
public struct TimeValue: Sendable, Equatable {
    public let start: Date
    /// The end of a range (`14:00-15:30`), else equal to `start`.
    public let end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    static let shape = Pattern.builtIn(
        #"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"#
            + #"(?:\s*[T ]?\s*(\d{1,2})\s*[:时點点]\s*(\d{2})(?:\s*:\s*(\d{2})(?:\.\d+)?)?\s*分?"#
            + #"(?:\s*(?:-|~|至|到|—|–)\s*(\d{1,2})\s*:\s*(\d{2}))?)?"#
            + #"\s*(Z|z|[+-]\d{2}:?\d{2})?\s*$"#, captureCount: 9)

    /// Parses one value; nil when it is not a time crmlint understands. Pass
    /// the caller's `scratch` and `offsets` on hot paths: a fresh scratch maps a JIT stack.
    public static func parse(
        _ text: String, timeZone: TimeZone, scratch: MatchScratch? = nil, offsets: ZoneOffsets? = nil
    ) -> TimeValue? {
        // Most exports write `2024-03-15 14:00` or `2024/3/15 14:00`: read as the pattern below reads them, without it.
        var written = text
        if let parts = written.withUTF8(canonicalParts) {
            guard let start = date(parts, timeZone, offsets: offsets) else { return nil }
            return TimeValue(start: start, end: start)
        }
        // ISO 8601 with its offset (`2024-05-01T01:30:00+08:00`, `…Z`: `--as-of` as the README writes it, exports
        // that keep the offset): by arithmetic at that offset, which the pattern reads the same. (Through the pattern:
        // its compile on first use, a match scratch and a Foundation time zone, 0.7 M instructions a time.)
        if let (parts, offset) = written.withUTF8(canonicalPartsAndOffset), let start = arithmeticDate(parts, offset: offset) {
            return TimeValue(start: start, end: start)
        }
        var value = text.compatibilityFolded
        guard !value.isEmpty, value.utf8.count < 80 else { return nil }
        // No number `Double` reads holds a colon or a byte beyond ASCII: most times are not asked
        // (asking `Double` of every time was 1 % of a scan).
        if value.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x3A }), let serial = Double(value.trimmed), serial > 20000, serial < 80000 {
            // Excel serial date: days since 1899-12-30 as a wall-clock time
            // (serial 25569 is 1970-01-01); read the wall clock in UTC, then
            // place it in the scan's zone.
            let utc = gregorian(TimeZone(secondsFromGMT: 0)!)
            let wall = Date(timeIntervalSince1970: ((serial - 25569) * 86400).rounded())
            let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: wall)
            guard let date = gregorian(timeZone).date(from: parts) else { return nil }
            return TimeValue(start: date, end: date)
        }
        let match: PatternMatch? = value.withUTF8 { buffer in
            try? shape.firstMatch(in: buffer, scratch: scratch ?? MatchScratch(maxGroups: 12))
        }
        guard let match else { return nil }
        let bytes = Array(value.utf8)
        func group(_ index: Int) -> String? {
            guard let range = match.groups[index] else { return nil }
            return String(decoding: bytes[range], as: UTF8.self)
        }
        func number(_ index: Int) -> Int? { match.groups[index].flatMap { decimal(bytes[$0]) } }
        var zone = timeZone
        if let offset = group(9) {
            if offset == "Z" || offset == "z" {
                zone = TimeZone(secondsFromGMT: 0)!
            } else {
                let digits = offset.filter(\.isNumber)
                let hours = Int(digits.prefix(2))!, minutes = Int(digits.suffix(2))!
                guard hours <= 18, minutes < 60 else { return nil }
                let sign = offset.hasPrefix("-") ? -1 : 1
                // Foundation's zones end at ±18:00 (+18:30 has none): not a time, rather than a crash.
                guard let fixed = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60)) else { return nil }
                zone = fixed
            }
        }
        let components = DateComponents(
            year: number(1), month: number(2), day: number(3),
            hour: number(4) ?? 0, minute: number(5) ?? 0, second: number(6) ?? 0)
        let known = zone == timeZone ? offsets : nil
        guard let start = date(components, zone, offsets: known) else { return nil }
        var end = start
        if let endHour = number(7), let endMinute = number(8) {
            var endComponents = components
            endComponents.hour = endHour
            endComponents.minute = endMinute
            endComponents.second = 0
            guard let rangeEnd = date(endComponents, zone, offsets: known) else { return nil }
            // A range that ends "before" it starts crosses midnight.
            end = rangeEnd < start ? rangeEnd.addingTimeInterval(86400) : rangeEnd
        }
        return TimeValue(start: start, end: end)
    }

    /// `validDate`'s answer by arithmetic (`CivilDate`) where it is sure to be the Calendar's: a
    /// wall-clock time of 1900–9999 with every part in range and no change of the zone's offset
    /// within two days of it. Nil sends the caller to the Calendar (an invalid or unusual time,
    /// a time near a daylight-saving change): building a Calendar and asking it twice per
    /// record was most of reading a time, several per cent of a messages scan.
    ///
    /// `offsets`: the zone's offset remembered for the last day asked about (`ZoneOffsets`), when it
    /// holds through that day and two days either side (so it is the offset every time of the day
    /// would have found): a record's neighbours are mostly of its day.
    static func arithmeticDate(_ components: DateComponents, _ zone: TimeZone, offsets: ZoneOffsets? = nil) -> Date? {
        guard let year = components.year, let month = components.month, let day = components.day, let hour = components.hour,
            let minute = components.minute, let second = components.second
        else { return nil }
        return arithmeticDate(
            WallClock(year: year, month: month, day: day, hour: hour, minute: minute, second: second), zone, offsets: offsets)
    }

    /// The same for a wall-clock time's parts.
    static func arithmeticDate(_ wall: WallClock, _ zone: TimeZone, offsets: ZoneOffsets? = nil) -> Date? {
        guard let (days, local) = localSeconds(wall) else { return nil }
        if let offsets {
            if offsets.day != days {
                (offsets.day, offsets.offset) = (days, steadyOffset(zone, from: days * 86400, to: days * 86400 + 86400))
            }
            if let known = offsets.offset { return Date(timeIntervalSince1970: TimeInterval(local - known)) }
        }
        guard let offset = steadyOffset(zone, from: local, to: local) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(local - offset))
    }

    /// The zone's offset for every wall-clock time from `first` to `last` (seconds since 1970-01-01 as
    /// read on the wall), when it is the same from two days before to two days after them; nil near a
    /// change. Offsets are within ±18 h, so those two days bracket every instant the times can be.
    private static func steadyOffset(_ zone: TimeZone, from first: Int64, to last: Int64) -> Int64? {
        func offset(at seconds: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
        let before = offset(at: first - 2 * 86400)
        guard offset(at: last + 2 * 86400) == before, offset(at: first - before) == before,
            first == last || offset(at: last - before) == before
        else { return nil }
        return before
    }

    /// The instant of wall-clock `components` in `zone` as the Calendar gives it (`validDate`), by
    /// arithmetic where that is sure to agree (`arithmeticDate`).
    private static func date(_ components: DateComponents, _ zone: TimeZone, offsets: ZoneOffsets?) -> Date? {
        arithmeticDate(components, zone, offsets: offsets) ?? validDate(components, gregorian(zone))
    }

    /// The same for parts read without the pattern: by arithmetic on them, `DateComponents` made only
    /// for the Calendar (making them first was half of reading a time).
    private static func date(_ wall: WallClock, _ zone: TimeZone, offsets: ZoneOffsets?) -> Date? {
        arithmeticDate(wall, zone, offsets: offsets) ?? validDate(wall.components, gregorian(zone))
    }

    /// ASCII digits as a number, as `Int(String)` reads them; nil when empty or not all digits.
    private static func decimal<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            result = result * 10 + Int(byte - 0x30)
        }
        return result
    }

    /// A Gregorian calendar in `zone`.
    private static func gregorian(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The parts of a time written plainly — `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM:SS`, `YYYY/M/D H:MM`
    /// (Excel's way), `YYYY.M.D`, a date alone: ASCII digits, `-`, `/` or `.` between the date's parts, one
    /// space or `T` before the time, nothing around — as `shape` captures them (hour, minute and second 0
    /// when absent). Nil for anything else, which `shape` reads. (Reading `2024/3/15 8:01` through the pattern,
    /// folded first, was ~3,400 instructions a time, 5 % of scanning an export's follow-ups.)
    static func canonicalParts(_ bytes: UnsafeBufferPointer<UInt8>) -> WallClock? {
        let count = bytes.count
        guard count >= 8, count <= 19 else { return nil }
        var index = 0
        /// The number of `minimum...maximum` ASCII digits at `index`, and `index` past them; nil otherwise.
        func number(_ minimum: Int, _ maximum: Int) -> Int? {
            var value = 0, digits = 0
            while index < count, digits < maximum, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            // More digits than allowed: not what `shape` reads as this part.
            guard digits >= minimum, index == count || bytes[index] < 0x30 || bytes[index] > 0x39 else { return nil }
            return value
        }
        func separator(_ allowed: (UInt8) -> Bool) -> Bool {
            guard index < count, allowed(bytes[index]) else { return false }
            index += 1
            return true
        }
        let dateSeparator = { (byte: UInt8) in byte == 0x2D || byte == 0x2F || byte == 0x2E }
        guard let year = number(4, 4), separator(dateSeparator), let month = number(1, 2), separator(dateSeparator),
            let day = number(1, 2)
        else { return nil }
        if index == count { return WallClock(year: year, month: month, day: day, hour: 0, minute: 0, second: 0) }
        guard separator({ $0 == 0x20 || $0 == 0x54 }), let hour = number(1, 2), separator({ $0 == 0x3A }), let minute = number(2, 2)
        else { return nil }
        var second = 0
        if index < count {
            guard separator({ $0 == 0x3A }), let seconds = number(2, 2) else { return nil }
            second = seconds
        }
        guard index == count else { return nil }
        return WallClock(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// A plainly written time (`canonicalParts`, with its time of day) followed at once by an offset
    /// the pattern reads as one: `Z`, `z`, `+HH:MM`, `+HHMM` or `-HHMM` (up to 18:00), as
    /// the parts and the offset in seconds east of UTC. Not `-HH:MM`: the pattern reads `14:00-08:00` as a
    /// range, 14:00 to 08:00. Nil for anything else, which `shape` reads.
    static func canonicalPartsAndOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> (WallClock, Int)? {
        let count = bytes.count
        guard count >= 14, count <= 25 else { return nil }
        func digit(_ index: Int) -> Int? {
            let byte = bytes[index]
            return byte >= 0x30 && byte <= 0x39 ? Int(byte &- 0x30) : nil
        }
        let timeEnd: Int, offset: Int
        if bytes[count - 1] == 0x5A || bytes[count - 1] == 0x7A {
            (timeEnd, offset) = (count - 1, 0)
        } else {
            let colon = bytes[count - 3] == 0x3A
            let sign = colon ? count - 6 : count - 5
            guard bytes[sign] == 0x2B || (bytes[sign] == 0x2D && !colon), let tens = digit(sign + 1), let units = digit(sign + 2),
                let minuteTens = digit(count - 2), let minuteUnits = digit(count - 1)
            else { return nil }
            let hours = tens * 10 + units, minutes = minuteTens * 10 + minuteUnits
            // As far as a Foundation zone goes (±18:00); past it the pattern's reading says no.
            guard hours * 60 + minutes <= 18 * 60, minutes < 60 else { return nil }
            (timeEnd, offset) = (sign, (bytes[sign] == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60))
        }
        // The time of day is there: a date alone before the offset is left to the pattern.
        guard timeEnd > 10, let parts = canonicalParts(UnsafeBufferPointer(rebasing: bytes[..<timeEnd])) else { return nil }
        return (parts, offset)
    }

    /// The instant of a wall-clock time at a fixed offset (seconds east of UTC), by arithmetic for the
    /// times `arithmeticDate` takes (1900–9999, every part in range); nil for the rest (the Calendar's).
    static func arithmeticDate(_ wall: WallClock, offset: Int) -> Date? {
        guard let (_, local) = localSeconds(wall) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(local - Int64(offset)))
    }

    /// A wall-clock time's day number and seconds since 1970-01-01 as read on the wall, when it is one arithmetic
    /// reads as the Calendar does: 1900–9999, every part in range (no hour 24, no leap second).
    private static func localSeconds(_ wall: WallClock) -> (days: Int64, seconds: Int64)? {
        let (year, month, day, hour, minute, second) = (wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second)
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year, month),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let days = CivilDate.days(year, month, day)
        return (days, days * 86400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// The date, or nil when the components are not a real time (2024-02-30, 25:00).
    static func validDate(_ components: DateComponents, _ calendar: Calendar) -> Date? {
        guard let month = components.month, (1...12).contains(month),
            let day = components.day, (1...31).contains(day),
            let hour = components.hour, (0...24).contains(hour),
            let minute = components.minute, (0...59).contains(minute),
            let second = components.second, (0...60).contains(second),
            let date = calendar.date(from: components)
        else { return nil }
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        if hour == 24 { return minute == 0 && second == 0 ? date : nil }
        guard check.year == components.year, check.month == month, check.day == day else { return nil }
        return date
    }

    /// `YYYY-MM-DD` of an instant in a time zone.
    public static func day(of date: Date, timeZone: TimeZone) -> String {
        // From 1900 on the proleptic calendar of `CivilDate` is Foundation's Gregorian one (which turns Julian
        // before 1582): the day from the zone's offset at that instant, without a Calendar per record.
        let seconds = date.timeIntervalSince1970.rounded(.down)
        if seconds >= -2_208_988_800, seconds < 1e13 {
            let local = Int64(seconds) + Int64(timeZone.secondsFromGMT(for: date))
            let (year, month, day) = CivilDate.civil(CivilDate.dayNumber(localSeconds: local))
            return CivilDate.isoDay(year, month, day)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// ISO 8601 with the zone's offset, e.g. `2024-05-01T00:00:00+08:00` (`Z` for UTC), as
    /// `ISO8601DateFormatter` writes it with `.withInternetDateTime`: written here from 1900 to
    /// 9999 in zones offset by whole minutes (making the formatter was 2 % of a one-file scan),
    /// by the formatter otherwise, and within a millisecond of a whole second (the formatter
    /// rounds to milliseconds before it drops them).
    public static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let fraction = interval - seconds
        let offset = timeZone.secondsFromGMT(for: date)
        if seconds >= -2_208_988_800, seconds < 253_402_300_800, offset % 60 == 0, fraction == 0 || (0.001..<0.999).contains(fraction) {
            let local = Int64(seconds) + Int64(offset)
            let day = CivilDate.dayNumber(localSeconds: local)
            let (year, month, dayOfMonth) = CivilDate.civil(day)
            let second = Int(local - day * 86_400)
            if (1900...9999).contains(year) {
                let zone =
                    offset == 0
                    ? "Z"
                    : (offset < 0 ? "-" : "+") + CivilDate.padded(abs(offset) / 3600, 2) + ":"
                        + CivilDate.padded(abs(offset) % 3600 / 60, 2)
                return CivilDate.isoDay(year, month, dayOfMonth) + "T" + CivilDate.padded(second / 3600, 2) + ":"
                    + CivilDate.padded(second % 3600 / 60, 2) + ":" + CivilDate.padded(second % 60, 2) + zone
            }
        }
        return formatted(date, timeZone: timeZone)
    }

    /// `iso8601` by Foundation's formatter (and the reference its tests compare with).
    static func formatted(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// A wall-clock time's parts as written, not yet checked.
struct WallClock: Equatable {
    var year, month, day, hour, minute, second: Int

    var components: DateComponents {
        DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}

/// A time zone's offset for the last day `TimeValue.parse` read a time of, where it holds all day
/// (`arithmeticDate`): one per thread, for the scan's zone (`CheckContext.time`).
public final class ZoneOffsets {
    var day: Int64 = .min
    var offset: Int64?

    public init() {}
}
