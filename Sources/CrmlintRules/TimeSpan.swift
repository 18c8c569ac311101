import CrmlintCore
import Foundation

/// A length of time in rule files: `24h`, `3d`, `30d`, `90m`, `1d12h`, `2w`
/// (also `24小时`, `3天`). Whole seconds, so edges compare exactly.
public struct TimeSpan: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    private static let units: [(String, Int64)] = [
        ("小时", 3600), ("分钟", 60), ("天", 86400), ("日", 86400), ("周", 604_800), ("秒", 1),
        ("w", 604_800), ("d", 86400), ("h", 3600), ("min", 60), ("m", 60), ("s", 1),
    ]

    /// Parses `1d12h`-style text; nil when it is not a duration.
    public static func parse(_ text: String) -> TimeSpan? {
        var rest = Substring(text.trimmed.lowercased().replacingOccurrences(of: " ", with: ""))
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let amount = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, size) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += Int64((amount * Double(size)).rounded())
        }
        return TimeSpan(seconds: total)
    }

    /// `26h10m`, `3d`, `45m`: days once the span is 3 days or more, else hours
    /// and minutes, so a 24-hour limit reads as `24h` and a 30-day one as `30d`.
    public var description: String { Self.format(seconds) }

    public static func format(_ seconds: Int64) -> String {
        let total = max(0, seconds)
        let days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60
        if total >= 3 * 86400 {
            var text = "\(days)d"
            if hours > 0 { text += "\(hours)h" }
            return text
        }
        let allHours = total / 3600
        if allHours > 0 { return minutes > 0 ? "\(allHours)h\(minutes)m" : "\(allHours)h" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }
}

/// Instants as whole seconds and calendar days in the scan's zone, without
/// going through `Calendar` for every event.
enum Instant {
    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// Days since 1970-01-01 of the local date of an instant.
    static func dayNumber(_ seconds: Int64, _ timeZone: TimeZone) -> Int64 {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        return CivilDate.dayNumber(localSeconds: seconds + offset)
    }

    /// `YYYY-MM-DD` of a day number.
    static func dayString(_ day: Int64) -> String {
        let (year, month, dayOfMonth) = CivilDate.civil(day)
        return CivilDate.isoDay(year, month, dayOfMonth)
    }

    static func day(_ seconds: Int64, _ timeZone: TimeZone) -> String { dayString(dayNumber(seconds, timeZone)) }

    /// `2024-03-15 15:30` in the scan's zone.
    static func local(_ seconds: Int64, _ timeZone: TimeZone) -> String {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        let local = seconds + offset
        let day = CivilDate.dayNumber(localSeconds: local)
        let within = local - day * 86400
        return dayString(day) + " " + CivilDate.padded(Int(within / 3600), 2) + ":" + CivilDate.padded(Int((within % 3600) / 60), 2)
    }
}
