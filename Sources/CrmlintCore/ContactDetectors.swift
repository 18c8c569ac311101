import PatternEngine

// Contact-detail detection: candidate patterns (PCRE2, on NFKC-normalised
// text) plus validators written as pure functions. The `contact-detail` rule
// kind and the `Redactor` use the very same detectors, so whatever a rule
// reports is also what every output masks. Each validator says its rule and
// source beside it (GB 11643-1999 for resident ids, Luhn for card numbers,
// the allocated mobile prefixes); docs/policy.md (P1) lists the sources.

/// A detected contact detail, in normalised UTF-8 bytes.
public struct ContactHit: Sendable, Equatable {
    /// Detector name, e.g. `mobile-cn`.
    public let detector: String
    /// The detail itself (without trigger words such as 微信号).
    public let range: Range<Int>
    /// Byte offsets (normalised) whose characters are masked in outputs.
    public let maskOffsets: [Int]
    /// The detail as a plain value when it was typed otherwise (`wang@qq.com`
    /// for `wang at qq dot com`); nil when the text holds it plainly.
    public let canonical: String?

    public init(detector: String, range: Range<Int>, maskOffsets: [Int], canonical: String? = nil) {
        self.detector = detector
        self.range = range
        self.maskOffsets = maskOffsets
        self.canonical = canonical
    }
}

/// What a validator may need besides the text.
public struct ValidationContext: Sendable {
    /// Latest acceptable birth date in ID numbers, as YYYYMMDD (the scan's
    /// "now"); nil accepts any date up to 2099.
    public var latestDate: Int?
    public init(latestDate: Int? = nil) { self.latestDate = latestDate }
}

/// The validators a rule names in YAML (`validator: luhn-card`). Each takes a
/// candidate's bytes and returns the offsets to mask, or nil when the
/// candidate is not a valid detail.
public enum ContactValidator: String, CaseIterable, Sendable {
    case mobile = "mobile-cn"
    case landline = "landline-cn"
    case email
    case residentID = "resident-id-cn"
    case luhnCard = "luhn-card"
    case luhn
    case mod11 = "iso7064-mod11-2"
    case messenger = "messenger-id"
    case none

    public var summary: String {
        switch self {
        case .mobile:
            "11-digit mainland mobile with an allocated prefix (libphonenumber CN metadata); +86/0086/86 prefixes allowed; masks all but the first 3 and last 4 digits"
        case .landline:
            "0 + area code (010, 02x, 0[3-9]xx) + 7–8 digit subscriber number (8 after 2-digit codes), optional +86 and extension; masks the subscriber number but its last 4 digits"
        case .email: "local@domain.tld with a well-formed local part and domain; masks the local part"
        case .residentID:
            "18-digit ID (GB 11643: province code, real birth date not after the scan date, MOD 11-2 check character) or 15-digit legacy ID; masks all but the first 6 and last 4"
        case .luhnCard:
            "15–19 digit card number with a plausible issuer prefix (62, 4, 51–55, 2221–2720, 34/37, 35) passing Luhn, and not a valid ID number; masks all but the first 4 and last 4"
        case .luhn: "12–19 digits passing Luhn; masks all but the first 4 and last 4"
        case .mod11:
            "18 characters whose last is the ISO 7064 MOD 11-2 check character of the first 17; masks all but the first 6 and last 4"
        case .messenger:
            "WeChat id (letter first, 6–20 of letters, digits, _ and -; plain words only after an explicit 号/:/是) or QQ number (5–11 digits, not a mobile or a date); masks it whole"
        case .none: "any match is a detail; masks its letters and digits"
        }
    }

    public func validate(_ bytes: UnsafeBufferPointer<UInt8>, value: Range<Int>, match: Range<Int>, context: ValidationContext) -> [Int]? {
        switch self {
        case .mobile: ContactChecks.mobileMask(bytes, value)
        case .landline: ContactChecks.landlineMask(bytes, value)
        case .email: ContactChecks.emailMask(bytes, value)
        case .residentID: ContactChecks.residentIDMask(bytes, value, latest: context.latestDate)
        case .luhnCard: ContactChecks.cardMask(bytes, value, latest: context.latestDate)
        case .luhn:
            ContactChecks.digitPositions(bytes, value).flatMap { positions in
                (12...19).contains(positions.count) && ContactChecks.luhn(positions.map { bytes[$0] - 0x30 })
                    ? ContactChecks.middle(positions, keepFirst: 4, keepLast: 4) : nil
            }
        case .mod11: ContactChecks.mod11Mask(bytes, value)
        case .messenger: ContactChecks.messengerMask(bytes, value: value, match: match)
        case .none:
            Array(value).filter { ContactChecks.isAlphanumeric(bytes[$0]) }.nilIfEmpty
        }
    }
}

/// A named detector: candidate patterns, a validator, and words that, right
/// before a candidate, say it is something else (`订单号13812345678`).
public final class ContactDetector: @unchecked Sendable {
    public let name: String
    public let patterns: [Pattern]
    public let validator: ContactValidator
    public let notAfter: [String]
    private let notAfterBytes: [[UInt8]]
    /// Words that, right before a candidate, say it is this detail even where
    /// a shorter `notAfter` word ends them (`card no.` over `no.`).
    public let introducedBy: [String]
    private let introducedByBytes: [[UInt8]]
    /// Cheap prefilter: candidates need at least this many ASCII digits in the text.
    public let minimumDigits: Int
    /// Cheap prefilter: candidates need this byte (e.g. `@`).
    public let requiredByte: UInt8?
    /// Detectors whose validated details win over this one's: a hit inside
    /// one of theirs is part of it (`0965 7176 9716` inside a grouped card
    /// number is no landline).
    public let yieldsTo: [ContactDetector]
    /// Cheap prefilter: candidates need a messenger name (微信, QQ, wx …) in the text.
    public let needsMessengerTrigger: Bool
    /// Other typed forms this detector also reads (spoken digits, spelled e-mails …), after its patterns.
    public let forms: [TypedForm]
    private let formsReadDigits: Bool

    public init(
        name: String, patterns: [Pattern], validator: ContactValidator, notAfter: [String] = [], introducedBy: [String] = [],
        minimumDigits: Int = 0, requiredByte: UInt8? = nil, yieldsTo: [ContactDetector] = [], needsMessengerTrigger: Bool = false,
        forms: [TypedForm] = []
    ) {
        self.name = name
        self.patterns = patterns
        self.validator = validator
        self.notAfter = notAfter
        self.notAfterBytes = notAfter.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        self.introducedBy = introducedBy
        self.introducedByBytes = introducedBy.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        self.minimumDigits = minimumDigits
        self.requiredByte = requiredByte
        self.yieldsTo = yieldsTo
        self.needsMessengerTrigger = needsMessengerTrigger
        self.forms = forms
        self.formsReadDigits = forms.contains { $0.readsDigits }
    }

    /// The same detector with other context words.
    public func with(notAfter words: [String]) -> ContactDetector {
        ContactDetector(
            name: name, patterns: patterns, validator: validator, notAfter: words, introducedBy: introducedBy,
            minimumDigits: minimumDigits, requiredByte: requiredByte, yieldsTo: yieldsTo,
            needsMessengerTrigger: needsMessengerTrigger, forms: forms)
    }

    /// Validated details in normalised bytes. `useContext: false` ignores
    /// `notAfter` (the redactor masks an order-number-looking phone anyway).
    /// `profile`: `DigitView.profile(bytes)` when the caller has it (the redactor asks six detectors about one text,
    /// and four of them read it: ~750 instructions each time it was made again; the other two count digits, which
    /// it holds too). `bytes` are valid UTF-8, as normalised text is.
    public func hits(
        in bytes: UnsafeBufferPointer<UInt8>, scratch: MatchScratch, context: ValidationContext,
        useContext: Bool = true, profile known: DigitView.Profile? = nil
    ) throws -> [ContactHit] {
        let (precise, formApplies, profile) = cheapChecks(bytes, profile: known)
        if !precise, !formApplies { return [] }

        var found: [ContactHit] = []
        var taken: [Range<Int>] = []
        if precise {
            for pattern in patterns {
                for match in try pattern.allMatches(in: bytes, scratch: scratch) where !match.range.isEmpty {
                    let value = (match.groups.count > 1 ? match.groups[1] : nil) ?? match.range
                    if taken.contains(where: { $0.overlaps(match.range) }) { continue }
                    if useContext, followsExcludedWord(bytes, at: match.range.lowerBound) { continue }
                    guard let mask = validator.validate(bytes, value: value, match: match.range, context: context) else { continue }
                    taken.append(match.range)
                    found.append(ContactHit(detector: name, range: value, maskOffsets: mask))
                }
            }
        }
        if formApplies {
            var view: DigitView?
            for form in forms where form.mayApply(bytes, profile) {
                let hits = try form.hits(bytes, view: &view, scratch: scratch) { useContext && self.followsExcludedWord(bytes, at: $0) }
                for hit in hits where !taken.contains(where: { $0.overlaps(hit.range) }) {
                    taken.append(hit.range)
                    found.append(ContactHit(detector: name, range: hit.range, maskOffsets: hit.maskOffsets, canonical: hit.canonical))
                }
            }
        }
        if !found.isEmpty, !yieldsTo.isEmpty {
            var stronger: [Range<Int>] = []
            for other in yieldsTo {
                stronger += try other.hits(in: bytes, scratch: scratch, context: context, useContext: useContext, profile: known)
                    .map(\.range)
            }
            found.removeAll { hit in stronger.contains { $0.overlaps(hit.range) } }
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// Whether `hits` may find anything in `bytes` (normalised text, `profile` its `DigitView.profile`): the
    /// cheap checks it makes before any pattern runs. False means it finds nothing.
    public func mayHit(_ bytes: UnsafeBufferPointer<UInt8>, profile: DigitView.Profile) -> Bool {
        let (precise, formApplies, _) = cheapChecks(bytes, profile: profile)
        return precise || formApplies
    }

    /// Cheap checks first: most texts hold no digits, `@` or messenger name at all. Whether the patterns may
    /// match (`precise`), whether a typed form may apply, and the profile the forms were asked with.
    private func cheapChecks(
        _ bytes: UnsafeBufferPointer<UInt8>, profile known: DigitView.Profile?
    ) -> (precise: Bool, formApplies: Bool, profile: DigitView.Profile) {
        var profile = DigitView.Profile()
        var precise = true
        if formsReadDigits {
            profile = known ?? DigitView.profile(bytes)
            precise = profile.asciiDigits >= minimumDigits
        } else if minimumDigits > 0 {
            // The given profile's count is the same (in valid UTF-8 every ASCII digit starts a character).
            var digits = known?.asciiDigits ?? 0
            if known == nil { for byte in bytes where byte &- 0x30 < 10 { digits += 1 } }
            precise = digits >= minimumDigits
        }
        if precise, let requiredByte, !bytes.contains(requiredByte) { precise = false }
        if precise, needsMessengerTrigger, !Self.hasMessengerTrigger(bytes) { precise = false }
        var formApplies = false
        for form in forms where form.mayApply(bytes, profile) { formApplies = true; break }
        return (precise, formApplies, profile)
    }

    private static let triggerBytes = ContactDetectors.messengerTriggers.map { Array($0.utf8) }
    /// The first two (ASCII-lowercased) bytes of every trigger, as a 65,536-bit set: most positions
    /// of a text are ruled out with one lookup instead of a comparison per trigger.
    private static let triggerPairs: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 1024)
        for trigger in triggerBytes {
            let key = Int(trigger[0]) << 8 | Int(trigger[1])
            table[key >> 6] |= 1 << UInt64(key & 63)
        }
        return table
    }()

    /// Prefilter for the built-in messenger detector: one of its trigger words, ASCII case-insensitively.
    static func hasMessengerTrigger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        @inline(__always) func folded(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
        return triggerPairs.withUnsafeBufferPointer { pairs in
            var next = folded(bytes[0])
            for index in 0..<(bytes.count - 1) {
                let byte = next
                next = folded(bytes[index + 1])
                let key = Int(byte) << 8 | Int(next)
                guard pairs[key >> 6] & (1 << UInt64(key & 63)) != 0 else { continue }
                for trigger in triggerBytes where trigger[0] == byte && trigger[1] == next && index + trigger.count <= bytes.count {
                    var equal = true
                    for offset in 2..<trigger.count where folded(bytes[index + offset]) != trigger[offset] {
                        equal = false
                        break
                    }
                    if equal { return true }
                }
            }
            return false
        }
    }

    private static let connectors: [[UInt8]] = [[0x20], [0x09], [0x3A], [0x23], [0x3D], Array("是".utf8), Array("为".utf8), Array("：".utf8)]

    /// Does the text before `start`, less connectors (spaces, `:` `#` `是` `为`), end with a `notAfter` word
    /// that no longer `introducedBy` word contains?
    private func followsExcludedWord(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard !notAfterBytes.isEmpty else { return false }
        var end = start
        let connectors = Self.connectors
        var trimmed = true
        while trimmed, end > 0 {
            trimmed = false
            for connector in connectors
            where end >= connector.count
                && bytes[(end - connector.count)..<end].elementsEqual(connector)
            {
                end -= connector.count
                trimmed = true
                break
            }
        }
        let excluding = Self.longestWord(notAfterBytes, endingAt: end, in: bytes)
        guard excluding > 0 else { return false }
        return Self.longestWord(introducedByBytes, endingAt: end, in: bytes) <= excluding
    }

    /// Length of the longest of `words` the text ends with at `end` (ASCII case-insensitive), or 0.
    private static func longestWord(_ words: [[UInt8]], endingAt end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var longest = 0
        for word in words where end >= word.count && word.count > longest {
            var equal = true
            for (offset, byte) in word.enumerated() {
                var actual = bytes[end - word.count + offset]
                if actual >= 0x41, actual <= 0x5A { actual += 0x20 } // ASCII case-insensitive
                if actual != byte { equal = false; break }
            }
            if equal { longest = word.count }
        }
        return longest
    }
}

/// The built-in detectors, by the names rules use (`detector: mobile-cn`).
public enum ContactDetectors {
    // Separators people type inside numbers (after NFKC): space, tab, - . – —.
    static let sep = #"[ \t\-.\x{2013}\x{2014}]"#
    // Not glued to a longer number or word; contact words such as `tel` may precede.
    static let before =
        #"(?:(?<=tel|Tel|TEL|phone|Phone|PHONE|mobile|Mobile|MOBILE|cell|Cell|mob|Mob|fax|Fax|FAX)|(?<![0-9A-Za-z_@]))(?<![0-9][\-.])(?<![¥$])(?<![¥$] )"#
    static let after = #"(?![0-9A-Za-z_@])(?![\-.][0-9])(?! ?(?:元|万|亿|块|美元))"#
    static let countryPrefix = #"(?:\( ?(?:\+|00)? ?86 ?\)|(?:\+|00) ?86)"#

    /// Words that, right before a number, say it is an order, invoice or
    /// other record number rather than a contact detail.
    public static let numberContextWords = [
        "单号", "编号", "订单", "工单", "发票号", "发票号码", "合同号", "流水", "流水号", "序列号", "批次号", "批号", "型号", "版本号",
        "税号", "代码", "凭证号", "报价单", "单据号", "交易号", "参考号", "条码", "条形码", "sn", "no.", "invoice", "order no.",
    ]

    public static let mobile = ContactDetector(
        name: "mobile-cn",
        patterns: [
            Pattern.builtIn(
                before + "(?:(?:" + countryPrefix + "|86)" + sep + "{0,3})?" + "1[3-9][0-9](?:" + sep + "{0,3}[0-9]){8}" + after,
                captureCount: 0)
        ],
        validator: .mobile, notAfter: numberContextWords,
        introducedBy: ["phone no.", "mobile no.", "cell no.", "tel no.", "contact no.", "phone number", "mobile number"],
        minimumDigits: 11, yieldsTo: [residentID, bankCard], forms: [.spokenMobile, .mobileHalves])

    public static let landline = ContactDetector(
        name: "landline-cn",
        patterns: [
            Pattern.builtIn(
                before
                    + "(?:" + countryPrefix + sep + "{0,3}(?:\\(0\\) ?)?\\(?(?:10|2[0-57-9]|[3-9][0-9]{2})\\)?"
                    + "|\\(?0(?:10|2[0-57-9]|[3-9][0-9]{2})\\)?)"
                    + sep + "{0,3}[2-9](?:" + sep + "?[0-9]){6,7}"
                    + "(?: ?(?:转|分机|ext\\.?|Ext\\.?|EXT\\.?|x|X|#|-) ?[0-9]{1,5})?"
                    + after, captureCount: 0)
        ],
        validator: .landline, notAfter: numberContextWords,
        introducedBy: ["tel no.", "phone no.", "fax no.", "office no.", "telephone no."],
        minimumDigits: 11, yieldsTo: [residentID, bankCard, mobile], forms: [.spokenLandline, .landlineParts])

    public static let email = ContactDetector(
        name: "email",
        patterns: [
            Pattern.builtIn(#"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#, captureCount: 0)
        ],
        validator: .email, requiredByte: 0x40, forms: [.spelledEmail])

    public static let residentID = ContactDetector(
        name: "resident-id-cn",
        // Any grouping (6-8-4, 4-4-4-4-2, none); the validator checks date, province and check character.
        patterns: [
            Pattern.builtIn(
                #"(?<![0-9A-Za-z_])(?<![0-9][\-.])[1-8](?:[ \-]{0,2}[0-9]){16}[ \-]{0,2}[0-9Xx](?![0-9A-Za-z_])(?![\-.][0-9])"#,
                captureCount: 0),
            Pattern.builtIn(
                #"(?<![0-9A-Za-z_])(?<![0-9][\-.])[1-8](?:[ \-]{0,2}[0-9]){14}(?![0-9A-Za-z_])(?![\-.][0-9])"#, captureCount: 0),
        ],
        validator: .residentID, notAfter: numberContextWords + ["卡号", "银行卡", "账号", "帐号"], minimumDigits: 15)

    public static let bankCard = ContactDetector(
        name: "bank-card",
        patterns: [
            Pattern.builtIn(
                #"(?<![0-9A-Za-z_])(?<![0-9][\-.])[2-6][0-9]{3}(?:[ \t\-]{0,2}[0-9]){11,15}(?![0-9A-Za-z_])(?![\-.][0-9])"#, captureCount: 0
            )
        ],
        validator: .luhnCard, notAfter: numberContextWords + ["物流", "快递", "运单", "跟踪号", "追踪号", "身份证", "身份证号", "身份证号码", "证件号"],
        // English introductions end in `no.`, which alone says order number.
        introducedBy: [
            "card no.", "card number", "card #", "credit card no.", "debit card no.", "bank card no.", "account no.",
            "account number", "acct no.", "a/c no.",
        ],
        minimumDigits: 15, yieldsTo: [residentID])

    public static let messenger = ContactDetector(
        name: "messenger-id",
        patterns: [
            Pattern.builtIn(
                // Han trigger words may touch the id; Latin ones need a space or a marker.
                #"(?|(?:(?:加(?:我|一下|个)?)?(?:微信|薇信|威信|[vV]信)|(?:加(?:我|一下|个)?|\+)[vV](?![A-Za-z]))(?:号|ID|id)?[ \t]*(?:[:=]|是|为)?[ \t]*([A-Za-z][\-_A-Za-z0-9]{5,19})"#
                    + #"|(?<![A-Za-z0-9])(?i:wechat|weixin|wx|vx)(?:[ \t]*(?i:id|号))?(?:[ \t]*(?:[:=]|是|为)[ \t]*|[ \t]+)([A-Za-z][\-_A-Za-z0-9]{5,19})"#
                    // Loose triggers: 微信搜 / VX搜 / 搜我, 加我 + id, V: + id.
                    + #"|(?:(?:微信|薇信|威信|[vV]信|(?<![A-Za-z0-9])(?i:wechat|weixin|wx|vx))[ \t]*搜(?:索)?(?:一下)?|搜(?:索)?我(?:的)?)(?:号|ID|id)?[ \t]*(?:[:=]|是|为)?[ \t]*([A-Za-z][\-_A-Za-z0-9]{5,19})"#
                    + #"|加我(?:好友)?[ \t]*[:=]?[ \t]*([A-Za-z][\-_A-Za-z0-9]{5,19})"#
                    + #"|(?<![A-Za-z0-9])[vV]号?[ \t]*[:=][ \t]*([A-Za-z][\-_A-Za-z0-9]{5,19})"#
                    + #"|(?<![A-Za-z0-9])(wxid_[A-Za-z0-9_\-]{4,30})"#
                    + #"|(?:(?<![A-Za-z0-9])(?i:qq)|扣扣|企鹅|(?<![A-Za-z0-9])[Qq](?=号))(?:号|号码)?[ \t]*(?:[:=]|是|为)?[ \t]*([1-9][0-9]{4,10}))"#
                    + #"(?![\-_A-Za-z0-9@])(?!\.[A-Za-z0-9])"#, captureCount: 1)
        ],
        validator: .messenger, notAfter: ["型号", "版本", "版本号", "规格", "编号"], yieldsTo: [email, mobile], needsMessengerTrigger: true)

    /// Lowercased text one of which every messenger id needs before it; the
    /// redactor's prefilter uses them on text not yet normalised (hence `v：`),
    /// so keep them in step with the pattern.
    public static let messengerTriggers = [
        "信", "wx", "vx", "qq", "扣扣", "wechat", "weixin", "加v", "加个v", "加我v", "加一下v", "+v",
        "加我", "搜", "v:", "v：", "v=", "v号", "q号", "企鹅",
    ]

    public static let all: [ContactDetector] = [residentID, bankCard, mobile, landline, email, messenger]

    public static func named(_ name: String) -> ContactDetector? { all.first { $0.name == name } }
}

/// The validators as pure functions on digits and bytes.
public enum ContactChecks {
    // MARK: digits

    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    public static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- 0x61 < 26
    }

    /// Offsets of ASCII digits in a range; nil when there are none.
    static func digitPositions(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int]? {
        Array(range).filter { isDigit(bytes[$0]) }.nilIfEmpty
    }

    /// Offsets to mask: all but the first `keepFirst` and last `keepLast`.
    static func middle(_ positions: [Int], keepFirst: Int, keepLast: Int) -> [Int]? {
        guard positions.count > keepFirst + keepLast else { return nil }
        return Array(positions[keepFirst..<(positions.count - keepLast)])
    }

    public static func luhn<C: Collection>(_ digits: C) -> Bool where C.Element == UInt8 {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return !digits.isEmpty && sum % 10 == 0
    }

    /// Is `digits` (0–9 values) an allocated 11-digit mainland mobile number?
    public static func isMobile(_ d: [UInt8]) -> Bool {
        guard d.count == 11, d[0] == 1 else { return false }
        switch d[1] {
        case 3, 8: return true
        case 4: return d[2] == 5 || d[2] == 7
        case 5, 9: return d[2] != 4
        case 6: return [2, 5, 6, 7].contains(d[2]) || (d[2] == 1 && d[3] == 0)
        case 7: return [0, 1, 2, 3, 5, 6, 7, 8].contains(d[2]) || (d[2] == 4 && d[3] == 0 && d[4] <= 5)
        default: return false
        }
    }

    public static func isMobile(_ text: String) -> Bool {
        let digits = text.utf8.filter(isDigit).map { $0 - 0x30 }
        return digits.count == text.utf8.count && isMobile(digits)
    }

    static func mobileMask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int]? {
        guard var positions = digitPositions(bytes, range) else { return nil }
        var digits = positions.map { bytes[$0] - 0x30 }
        if digits.count == 15, digits.starts(with: [0, 0, 8, 6]) { digits.removeFirst(4); positions.removeFirst(4) }
        if digits.count == 13, digits.starts(with: [8, 6]) { digits.removeFirst(2); positions.removeFirst(2) }
        guard isMobile(digits) else { return nil }
        // Dots group a phone 3-4-4 only: 172.16.100.101 is an address, 13.8.1234.5678 a version.
        let dots = (1..<positions.count).filter { bytes[(positions[$0 - 1] + 1)..<positions[$0]].contains(0x2E) }
        if !dots.isEmpty, dots != [3, 7] { return nil }
        return Array(positions[3..<7])
    }

    // MARK: landline

    /// Length of the area code (without trunk 0) at the start of `d`, or nil.
    static func areaCodeLength(_ d: ArraySlice<UInt8>) -> Int? {
        guard let first = d.first else { return nil }
        let second = d.dropFirst().first
        if first == 1, second == 0 { return 2 }
        if first == 2, let second, second != 6 { return 2 }
        if (3...9).contains(first), d.count >= 3 { return 3 }
        return nil
    }

    static func landlineMask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int]? {
        // Digits with the group each belongs to (groups are split by any
        // non-digit), up to an explicit extension marker (转, 分机, ext, x, #).
        var digits: [UInt8] = [], positions: [Int] = [], groups: [Int] = []
        var group = 0, previousWasDigit = false
        var extensionDigits = 0
        var index = range.lowerBound
        scan: while index < range.upperBound {
            let byte = bytes[index]
            if isDigit(byte) {
                if !previousWasDigit { group += 1 }
                digits.append(byte - 0x30); positions.append(index); groups.append(group)
                previousWasDigit = true
            } else {
                previousWasDigit = false
                for marker in extensionMarkers where bytes[index..<min(index + marker.count, range.upperBound)].elementsEqual(marker) {
                    extensionDigits = (index..<range.upperBound).filter { isDigit(bytes[$0]) }.count
                    break scan
                }
            }
            index += 1
        }
        guard extensionDigits <= 5, !digits.isEmpty else { return nil }
        // The candidate pattern only lets 86 in as a country code (after + or 00, or in brackets);
        // domestic numbers start with the trunk 0, which never precedes 086.
        var start: Int
        if digits.starts(with: [0, 0, 8, 6]) {
            start = 4
        } else if digits.starts(with: [8, 6]) {
            start = 2
        } else if digits.first == 0 {
            start = 1
        } else {
            return nil
        }
        // "+86 (0)10 …": a lone trunk 0 after the country code.
        if start > 1, start + 1 < digits.count, digits[start] == 0, groups[start] != groups[start + 1] { start += 1 }
        guard let areaLength = areaCodeLength(digits[start...]) else { return nil }
        let subscriberStart = start + areaLength
        guard subscriberStart < digits.count, (2...9).contains(digits[subscriberStart]) else { return nil }
        for length in areaLength == 2 ? [8] : [8, 7] {
            let end = subscriberStart + length
            guard end <= digits.count else { continue }
            let rest = digits.count - end
            // Digits after the subscriber number must be a separate group of at most 5 (an extension).
            if rest > 0, rest > 5 || groups[end] == groups[end - 1] { continue }
            return Array(positions[subscriberStart..<(end - 4)])
        }
        return nil
    }

    /// Where the subscriber number lies in a domestic landline written as
    /// digits only (trunk 0, area code, 7–8 digits, nothing more); nil when
    /// the digits are no such number.
    static func landlineSubscriber(_ d: [UInt8]) -> Range<Int>? {
        guard d.count >= 10, d[0] == 0, let areaLength = areaCodeLength(d[1...]) else { return nil }
        let start = 1 + areaLength
        guard start < d.count, (2...9).contains(d[start]) else { return nil }
        let length = d.count - start
        guard length == 8 || (length == 7 && areaLength == 3) else { return nil }
        return start..<d.count
    }

    static let extensionMarkers: [[UInt8]] = ["转", "分机", "ext", "Ext", "EXT", "x", "X", "#"].map { Array($0.utf8) }

    // MARK: e-mail

    static func emailMask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int]? {
        guard let at = range.first(where: { bytes[$0] == 0x40 }) else { return nil }
        let local = range.lowerBound..<at
        let domain = (at + 1)..<range.upperBound
        guard (1...64).contains(local.count), domain.count <= 253 else { return nil }
        if bytes[local.lowerBound] == 0x2E || bytes[local.upperBound - 1] == 0x2E { return nil }
        for index in local.dropLast() where bytes[index] == 0x2E && bytes[index + 1] == 0x2E { return nil }
        // Domain labels: 1–63 characters, no leading or trailing hyphen; the last is 2–24 letters.
        var labels: [Range<Int>] = []
        var labelStart = domain.lowerBound
        for index in domain where bytes[index] == 0x2E {
            labels.append(labelStart..<index)
            labelStart = index + 1
        }
        labels.append(labelStart..<domain.upperBound)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.count), bytes[label.lowerBound] != 0x2D, bytes[label.upperBound - 1] != 0x2D else { return nil }
        }
        guard let tld = labels.last, (2...24).contains(tld.count), tld.allSatisfy({ (bytes[$0] | 0x20) &- 0x61 < 26 }) else { return nil }
        return Array(local)
    }

    /// Is the whole text one well-formed address (local@domain.tld)?
    public static func isEmailAddress(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { emailMask($0, 0..<$0.count) != nil && !$0.contains(0x20) && $0.filter { $0 == 0x40 }.count == 1 }
    }

    /// The domain of an e-mail address in text, lowercased, or nil.
    public static func emailDomain(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return domain.isEmpty ? nil : domain.lowercased()
    }

    // MARK: resident ID

    /// Province-level codes (GB/T 2260), plus 83 for Taiwan residence permits.
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ]
    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let idCheckCharacters: [UInt8] = Array("10X98765432".utf8)

    /// The GB 11643 check character (`0`–`9` or `X`) of 17 digit values.
    public static func residentIDCheck(_ body: [UInt8]) -> UInt8 {
        var sum = 0
        for (digit, weight) in zip(body, idWeights) { sum += Int(digit) * weight }
        return idCheckCharacters[sum % 11]
    }

    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    static func number(_ digits: ArraySlice<UInt8>) -> Int { digits.reduce(0) { $0 * 10 + Int($1) } }

    /// An 18-character ID (digits, last may be X/x) or a 15-digit legacy ID.
    public static func isResidentID(_ text: String, latest: Int? = nil) -> Bool {
        var copy = text
        return copy.withUTF8 { residentIDMask($0, 0..<$0.count, latest: latest) } != nil
    }

    static func residentIDMask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, latest: Int?) -> [Int]? {
        let positions = Array(range).filter { isDigit(bytes[$0]) || bytes[$0] | 0x20 == 0x78 }
        guard positions.count == 18 || positions.count == 15 else { return nil }
        let last = bytes[positions.last!]
        let digits = positions.dropLast().map { bytes[$0] - 0x30 }
        guard digits.allSatisfy({ $0 < 10 }) else { return nil }
        guard provinces.contains(number(digits[0..<2])) else { return nil }
        if positions.count == 18 {
            let year = number(digits[6..<10]), month = number(digits[10..<12]), day = number(digits[12..<14])
            guard year >= 1850, isValidDate(year: year, month: month, day: day) else { return nil }
            guard year * 10000 + month * 100 + day <= (latest ?? 2099_12_31) else { return nil }
            guard residentIDCheck(digits) == (last | 0x20 == 0x78 ? 0x58 : last) else { return nil }
        } else {
            guard isDigit(last) else { return nil }
            let year = 1900 + number(digits[6..<8]), month = number(digits[8..<10]), day = number(digits[10..<12])
            guard isValidDate(year: year, month: month, day: day) else { return nil }
        }
        return middle(positions, keepFirst: 6, keepLast: 4)
    }

    static func mod11Mask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int]? {
        let positions = Array(range).filter { isDigit(bytes[$0]) || bytes[$0] | 0x20 == 0x78 }
        guard positions.count == 18 else { return nil }
        let digits = positions.dropLast().map { bytes[$0] - 0x30 }
        guard digits.allSatisfy({ $0 < 10 }) else { return nil }
        let last = bytes[positions.last!]
        guard residentIDCheck(digits) == (last | 0x20 == 0x78 ? 0x58 : last) else { return nil }
        return middle(positions, keepFirst: 6, keepLast: 4)
    }

    // MARK: bank card

    /// A plausible issuer prefix for a card of this length.
    public static func isPlausibleCardPrefix(_ d: [UInt8]) -> Bool {
        guard d.count >= 6 else { return false }
        let two = number(d[0..<2]), four = number(d[0..<4])
        switch d.count {
        case 15: return two == 34 || two == 37
        case 16...19:
            if two == 62 || (3528...3589).contains(four) { return true }
            if d[0] == 4 { return d.count == 16 || d.count == 19 }
            return d.count == 16 && ((51...55).contains(two) || (2221...2720).contains(four))
        default: return false
        }
    }

    public static func isCardNumber(_ text: String) -> Bool {
        let digits = text.utf8.filter(isDigit).map { $0 - 0x30 }
        return isPlausibleCardPrefix(digits) && luhn(digits)
    }

    static func cardMask(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, latest: Int?) -> [Int]? {
        guard let positions = digitPositions(bytes, range) else { return nil }
        let digits = positions.map { bytes[$0] - 0x30 }
        guard isPlausibleCardPrefix(digits), luhn(digits) else { return nil }
        // A number that is a valid ID (18 digits, or 15 for AmEx) is reported as an ID, not twice.
        if digits.count == 18 || digits.count == 15, residentIDMask(bytes, range, latest: nil) != nil { return nil }
        return middle(positions, keepFirst: 4, keepLast: 4)
    }

    // MARK: messenger ids

    static func messengerMask(_ bytes: UnsafeBufferPointer<UInt8>, value: Range<Int>, match: Range<Int>) -> [Int]? {
        guard !value.isEmpty else { return nil }
        let id = Array(bytes[value])
        if id.allSatisfy(isDigit) {
            // QQ: not a mobile (the mobile detector reports it) and not a date such as 20240315.
            let digits = id.map { $0 - 0x30 }
            guard (5...11).contains(digits.count), digits[0] != 0, !isMobile(digits) else { return nil }
            if digits.count == 8, (1900...2099).contains(number(digits[0..<4])),
                isValidDate(year: number(digits[0..<4]), month: number(digits[4..<6]), day: number(digits[6..<8]))
            {
                return nil
            }
            return Array(value)
        }
        guard (6...40).contains(id.count) else { return nil }
        // A plain word ("meeting", "linkedin") counts only after an explicit marker (号, ID, :, 是, 为) or 加 with a
        // messenger name (加微信, 加V): after a loose trigger (加我, 搜) it is more likely a word than an id.
        let plainWord = id.allSatisfy { ($0 | 0x20) &- 0x61 < 26 }
        if plainWord {
            let introduction = String(decoding: bytes[match.lowerBound..<value.lowerBound], as: UTF8.self)
            let markers = ["号", "ID", "id", "Id", ":", "=", "是", "为"]
            let namesMessenger = ["信", "v", "V", "wx", "WX"].contains(where: introduction.contains)
            guard markers.contains(where: introduction.contains) || (introduction.contains("加") && namesMessenger) else { return nil }
        }
        return Array(value)
    }
}

extension Array {
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
