import Foundation

/// Money as it appears in real exports, in yuan: `120万`, `¥1,200,000`,
/// `85.5万元`, `1.2亿`, `300000`, `RMB 3,000`, `八百元`, `两千五`.
public enum Amount {
    private static let multipliers: [(suffix: String, factor: Double)] = [
        ("亿", 1e8), ("億", 1e8), ("万", 1e4), ("萬", 1e4), ("千", 1e3), ("仟", 1e3), ("k", 1e3), ("w", 1e4),
    ]
    private static let currencyPrefixes = ["人民币", "港币", "港元", "rmb", "cny", "hkd", "¥", "￥"]
    private static let currencySuffixes = ["元整", "块钱", "港币", "港元", "元", "圆", "块", "塊", "蚊", "rmb", "cny", "yuan", "hkd"]

    /// The value in yuan, or nil when the text is not an amount.
    public static func parse(_ text: String) -> Double? {
        guard text.utf8.count <= 80 else { return nil }
        var value = ValueKey.make(text)
        guard !value.isEmpty else { return nil }
        for prefix in currencyPrefixes where value.hasPrefix(prefix) {
            value.removeFirst(prefix.count)
            break
        }
        for suffix in currencySuffixes where value.hasSuffix(suffix) {
            value.removeLast(suffix.count)
            break
        }
        guard !value.isEmpty else { return nil }
        if let number = arabic(value) { return number }
        return chinese(value)
    }

    /// Digits with an optional multiplier: `1,200,000`, `85.5万`, `1.2亿`, `3k`.
    private static func arabic(_ text: String) -> Double? {
        var body = text
        var factor = 1.0
        for (suffix, multiplier) in multipliers where body.hasSuffix(suffix) {
            body.removeLast(suffix.count)
            factor = multiplier
            break
        }
        // `1亿2000万` is rare but real: split at 亿 and add.
        if let split = body.firstIndex(where: { $0 == "亿" || $0 == "億" }), factor == 1e4 {
            guard let high = plainNumber(String(body[..<split])), let low = plainNumber(String(body[body.index(after: split)...])) else {
                return nil
            }
            return high * 1e8 + low * 1e4
        }
        guard let number = plainNumber(body) else { return nil }
        return number * factor
    }

    /// `1200000`, `1,200,000`, `85.5`, `-3` (thousands separators must be in groups of three).
    private static func plainNumber(_ text: String) -> Double? {
        var digits: [UInt8] = []
        var sinceComma = -1 // digits since the last comma; -1 before any comma
        var leading = 0 // digits before the first comma
        var sawDot = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if !sawDot { if sinceComma >= 0 { sinceComma += 1 } else { leading += 1 } }
                digits.append(byte)
            case UInt8(ascii: ","):
                // Groups of three after a comma, one to three digits before the first.
                guard !sawDot, sinceComma == -1 ? (1...3).contains(leading) : sinceComma == 3 else { return nil }
                sinceComma = 0
            case UInt8(ascii: "."):
                guard !sawDot, sinceComma == -1 || sinceComma == 3 else { return nil }
                sawDot = true
                digits.append(byte)
            case UInt8(ascii: "-") where index == 0:
                digits.append(byte)
            default:
                return nil
            }
        }
        if !sawDot, sinceComma != -1, sinceComma != 3 { return nil }
        guard let number = Double(String(decoding: digits, as: UTF8.self)), number.isFinite else { return nil }
        return number
    }

    private static let digits: [Character: Double] = [
        "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
        "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
    ]
    private static let smallUnits: [Character: Double] = ["十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000]
    private static let bigUnits: [Character: Double] = ["万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8]

    /// Chinese numerals: `八百`, `两千五` (= 2500), `十二万`, `一千零五`.
    private static func chinese(_ text: String) -> Double? {
        var total = 0.0, section = 0.0, number = 0.0
        var lastUnit = 0.0
        var sawDigitAfterUnit = false
        var zeroSinceUnit = false
        var sawAny = false
        for character in text {
            if let digit = digits[character] {
                number = digit
                sawDigitAfterUnit = true
                if digit == 0 { zeroSinceUnit = true }
                sawAny = true
            } else if let unit = smallUnits[character] {
                section += (number == 0 && !sawDigitAfterUnit ? 1 : number) * unit
                number = 0
                lastUnit = unit
                sawDigitAfterUnit = false
                zeroSinceUnit = false
                sawAny = true
            } else if let unit = bigUnits[character] {
                guard section + number > 0 else { return nil } // 万 needs a number before it
                section += number
                total = (total + section) * unit
                section = 0
                number = 0
                lastUnit = unit
                sawDigitAfterUnit = false
                zeroSinceUnit = false
                sawAny = true
            } else {
                return nil
            }
        }
        guard sawAny else { return nil }
        // A trailing digit right after a unit is a tenth of it: 两千五 = 2500,
        // 一万二 = 12000; after a 零 it is itself: 一千零五 = 1005.
        if sawDigitAfterUnit, !zeroSinceUnit, number > 0, lastUnit >= 100 { number *= lastUnit / 10 }
        return total + section + number
    }

    private static let approximatePrefixes = [
        "大概", "大约", "差不多", "将近", "接近", "超过", "至少", "足足", "总共", "一共", "合计",
        "起码", "得", "约", "近", "小", "上", "共", "才", "要",
    ]
    private static let approximateSuffixes = ["出头", "左右", "上下", "开外", "以上", "朝上", "不到", "好几", "把", "多", "余", "来", "几"]
    /// Suffixes that mean "more than the number": 两百多 is above 200.
    private static let aboveMarkers = ["多", "余", "出头", "开外", "以上", "朝上", "好几"]
    private static let rangeDigits: [(String, String)] = [
        ("一两", "两"), ("两三", "三"), ("二三", "三"), ("三四", "四"), ("四五", "五"), ("五六", "六"), ("六七", "七"),
        ("七八", "八"), ("八九", "九"), ("三五", "五"), ("大几", "七"), ("好几", "三"), ("几", "三"),
    ]

    /// An amount as people say it, at its stated size or its top: `三百多块` (300),
    /// `六百出头` (600), `大概五百块钱` (500), `一两百` (200), `两三千` (3000),
    /// `几百块` (300), `千把块` (1000), `200-300元` (300), `￥1.2千` (1200).
    public static func parseApproximate(_ text: String) -> Double? { parseApproximateBound(text)?.value }

    /// Like `parseApproximate`, and whether the text means more than the value
    /// (两百多, 两百出头, 两百几, 500以上): a limit of 200 is exceeded by 两百多.
    public static func parseApproximateBound(_ text: String) -> (value: Double, above: Bool)? {
        if let exact = parse(text) { return (exact, false) }
        // 两百几 (a unit, then 几) is "two hundred and some": above 200, like 两百多.
        let unitThenSeveral = ["十几", "百几", "千几", "万几", "拾几", "佰几", "仟几", "萬几", "百幾", "千幾", "十幾"].contains { text.contains($0) }
        let above = (aboveMarkers.contains { text.contains($0) } || unitThenSeveral) && !text.contains("不到")
        guard let value = parseApproximateValue(text) else { return nil }
        return (value, above)
    }

    private static func parseApproximateValue(_ text: String) -> Double? {
        guard text.utf8.count <= 80 else { return nil }
        var value = ValueKey.make(text)
        var changed = true
        while changed {
            changed = false
            for prefix in currencyPrefixes + approximatePrefixes where value.hasPrefix(prefix) && value.count > prefix.count {
                value.removeFirst(prefix.count)
                changed = true
            }
            for suffix in currencySuffixes + ["钱"] + approximateSuffixes where value.hasSuffix(suffix) && value.count > suffix.count {
                value.removeLast(suffix.count)
                changed = true
            }
        }
        // 三百多块 → 三百块 → 三百; 200-300 → 300.
        for marker in ["多", "余", "来"] { value = value.replacingOccurrences(of: marker, with: "") }
        if let dash = value.lastIndex(where: { $0 == "-" || $0 == "~" || $0 == "到" || $0 == "至" }), dash != value.startIndex {
            value = String(value[value.index(after: dash)...])
        }
        // 几 stands for a digit only before a unit: 几百 is several hundred, 几 alone is nothing.
        for (range, top) in rangeDigits where value.contains(range) {
            if range.hasSuffix("几"), let at = value.range(of: range),
                at.upperBound == value.endIndex || !"十百千万".contains(value[at.upperBound])
            {
                return nil
            }
            value = value.replacingOccurrences(of: range, with: top)
            break
        }
        if value.hasPrefix("千") || value.hasPrefix("万") || value.hasPrefix("百") { value = "一" + value }
        return parse(value)
    }

    /// Short display in the units Chinese sales teams use: `800元`, `85.5万`, `1.2亿`.
    public static func format(_ yuan: Double) -> String {
        func trim(_ value: Double) -> String {
            let rounded = (value * 100).rounded() / 100
            if rounded == rounded.rounded() { return String(Int64(rounded)) }
            // Two decimals, a trailing zero dropped (85.50 → 85.5), from whole cents: `String(format:)` and a
            // regular expression to drop the zero were ~19,000 instructions an amount (a finding quoting one).
            // Not whole, so below 2^52 / 100: the cents fit.
            let cents = Int64((rounded * 100).rounded())
            let sign = cents < 0 ? "-" : "", magnitude = cents.magnitude
            let fraction = magnitude % 100
            let decimals = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
            return sign + String(magnitude / 100) + "." + decimals
        }
        if abs(yuan) >= 1e8 { return trim(yuan / 1e8) + "亿" }
        if abs(yuan) >= 1e4 { return trim(yuan / 1e4) + "万" }
        return trim(yuan) + "元"
    }
}
