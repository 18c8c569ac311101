/// Proleptic Gregorian calendar arithmetic on day numbers (days since
/// 1970-01-01), after Howard Hinnant's days_from_civil / civil_from_days:
/// shared by the rules (calendar days and months in a zone) and the XLSX
/// reader (Excel date serials).
public enum CivilDate {
    /// Days since 1970-01-01 of a calendar date.
    public static func days(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Year, month, day of a day number.
    public static func civil(_ dayNumber: Int64) -> (Int, Int, Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    /// The day number of a local time given in seconds since 1970-01-01 00:00 (rounded down, before 1970 too).
    public static func dayNumber(localSeconds: Int64) -> Int64 {
        localSeconds >= 0 ? localSeconds / 86400 : (localSeconds - 86399) / 86400
    }

    /// `YYYY-MM-DD`, as `String(format: "%04d-%02d-%02d", …)` writes it, without Foundation's formatter
    /// (a day is written for nearly every record and finding; the formatter was several percent of a scan).
    public static func isoDay(_ year: Int, _ month: Int, _ day: Int) -> String {
        // The usual day, ten bytes written at once (a small string, no allocation); others as the parts join.
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else {
            return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
        }
        return String(unsafeUninitializedCapacity: 10) { bytes in
            write(UInt(year), width: 4, into: bytes, at: 0)
            bytes[4] = 0x2D
            write(UInt(month), width: 2, into: bytes, at: 5)
            bytes[7] = 0x2D
            write(UInt(day), width: 2, into: bytes, at: 8)
            return 10
        }
    }

    /// `String(format: "%0<width>d", value)`: zeros after the sign, the sign counted in the width. Written as
    /// bytes (the number as a string, the zeros as another and the sign joined to them were ~1,300 instructions a
    /// call, three a day written: 0.6 % of a messages scan, findings' days and labels).
    public static func padded(_ value: Int, _ width: Int) -> String {
        var digits = 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        let sign = value < 0 ? 1 : 0
        let count = max(width, sign + digits)
        return String(unsafeUninitializedCapacity: count) { bytes in
            write(value.magnitude, width: count - sign, into: bytes, at: sign)
            if sign == 1 { bytes[0] = 0x2D }
            return count
        }
    }

    /// `value` (below 10^width) as `width` decimal digits at `offset`, zeros first.
    @inline(__always) private static func write(_ value: UInt, width: Int, into bytes: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        var index = offset + width
        while index > offset {
            index -= 1
            bytes[index] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }
}
