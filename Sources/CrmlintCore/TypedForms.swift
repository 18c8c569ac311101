import PatternEngine

/// Forms in which people type a detail to a third party besides the plain
/// one the candidate patterns read: spoken digits, numbers in labelled parts,
/// spelled-out e-mail addresses. A built-in detector lists the forms it also
/// reads; each form has its own finder and its own cheap test that runs
/// before anything is built.
public enum TypedForm: String, Sendable, CaseIterable {
    /// Mobile numbers in Chinese numerals or with separators anywhere: 一三九零一二三四五六七, 1 5 8 0 2 7 7 3 6 1 9.
    case spokenMobile = "spoken-mobile"
    /// Landlines in Chinese numerals or with unusual separators: 零五七一 八八二三 四四一零.
    case spokenLandline = "spoken-landline"
    /// A mobile given in halves: 前三位137，后八位 5520 1983.
    case mobileHalves = "mobile-halves"
    /// A landline given as 区号 and 号码: 区号0571，号码8823 4410.
    case landlineParts = "landline-parts"
    /// An e-mail address with at/dot spelled out: wang.li at qq dot com, chen [at] foxmail [dot] com.
    case spelledEmail = "spelled-email"

    var readsDigits: Bool { self != .spelledEmail }

    /// Cheap test: could this form be in the text at all?
    func mayApply(_ bytes: UnsafeBufferPointer<UInt8>, _ profile: DigitView.Profile) -> Bool {
        switch self {
        case .spokenMobile, .spokenLandline: profile.longestTypedRun >= 11
        case .mobileHalves: profile.hasPlaceLabel && profile.asciiDigits + profile.numerals >= 11
        case .landlineParts: profile.hasAreaCodeLabel && profile.asciiDigits + profile.numerals >= 10
        case .spelledEmail: SpelledEmailFinder.mayApply(bytes)
        }
    }

    /// Validated details of this form. `view` is built on first use and
    /// shared by the forms of one detector; `excluded(offset)` says whether
    /// a context word (订单号 …) right before that offset makes a number something else.
    func hits(
        _ bytes: UnsafeBufferPointer<UInt8>, view: inout DigitView?, scratch: MatchScratch,
        excluded: (Int) -> Bool
    ) throws -> [ContactHit] {
        if readsDigits, view == nil { view = DigitView(bytes) }
        switch self {
        case .spokenMobile: return DigitRunFinder(kind: .mobile).hits(bytes, view!, excluded: excluded)
        case .spokenLandline: return DigitRunFinder(kind: .landline).hits(bytes, view!, excluded: excluded)
        case .mobileHalves: return LabelledPartsFinder.mobileHalves(bytes, view!, excluded: excluded)
        case .landlineParts: return LabelledPartsFinder.landlineParts(bytes, view!, excluded: excluded)
        case .spelledEmail: return try SpelledEmailFinder.hits(bytes, scratch: scratch)
        }
    }
}

// MARK: - whole digit runs

/// Mobiles and landlines read from the digit view: a whole run, a run less
/// one numeral that belongs to a word (周一, 一定), or a stretch of groups
/// set apart by list commas (两个号码一三九…、一五二…). Only runs the precise
/// patterns cannot read (a numeral or a separator in them) are candidates,
/// so a plain digit string keeps the precise patterns' context rules.
struct DigitRunFinder {
    enum Kind { case mobile, landline }
    let kind: Kind

    func hits(_ bytes: UnsafeBufferPointer<UInt8>, _ view: DigitView, excluded: (Int) -> Bool) -> [ContactHit] {
        var found: [ContactHit] = []
        for run in view.runs where run.count >= 11 {
            if let hit = candidate(run, bytes, view, excluded: excluded) { found.append(hit); continue }
            // A numeral at either end glued to a Han word: 周一 before, 一定 after.
            var trimmed = run
            if view.isNumeral(trimmed.lowerBound), Self.hanBefore(bytes, view.sourceBytes(of: trimmed.lowerBound).lowerBound) {
                trimmed = (trimmed.lowerBound + 1)..<trimmed.upperBound
            }
            if trimmed.count > 11, view.isNumeral(trimmed.upperBound - 1),
                Self.hanAfter(bytes, view.sourceBytes(of: trimmed.upperBound - 1).upperBound)
            {
                trimmed = trimmed.lowerBound..<(trimmed.upperBound - 1)
            }
            if trimmed != run, let hit = candidate(trimmed, bytes, view, excluded: excluded) { found.append(hit); continue }
            found += listed(run, bytes, view, excluded: excluded)
        }
        return found
    }

    /// Details among the items of a run listed with 、 (or with `,` when every item has 7 digits or more).
    private func listed(
        _ run: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, _ view: DigitView,
        excluded: (Int) -> Bool
    ) -> [ContactHit] {
        var items: [Range<Int>] = []
        var start = run.lowerBound
        for index in run.dropFirst() where view.gap(before: index) == .listComma {
            items.append(start..<index)
            start = index
        }
        items.append(start..<run.upperBound)
        // Commas separate items only when no item uses them inside.
        if items.count == 1 {
            let commas = run.dropFirst().filter { view.gap(before: $0) == .comma }
            guard !commas.isEmpty else { return [] }
            items = []
            start = run.lowerBound
            for index in commas { items.append(start..<index); start = index }
            items.append(start..<run.upperBound)
            guard items.allSatisfy({ $0.count >= 7 }) else { return [] }
        }
        return items.compactMap { $0.count >= 11 ? candidate($0, bytes, view, excluded: excluded) : nil }
    }

    private func candidate(
        _ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, _ view: DigitView,
        excluded: (Int) -> Bool
    ) -> ContactHit? {
        // Plain digit strings are the precise patterns' (they know dates, order numbers, amounts).
        guard range.contains(where: { view.isNumeral($0) || ($0 != range.lowerBound && view.gap(before: $0) != .none) }) else { return nil }
        guard !looksLikeAmountOrAddress(range, view) else { return nil }
        let source = view.sourceRange(of: range)
        guard Self.freeBefore(bytes, source.lowerBound), Self.freeAfter(bytes, source.upperBound) else { return nil }
        if excluded(source.lowerBound) { return nil }
        var digits = Array(view.digits[range])
        var positions = Array(range)
        let maskedDigits: ArraySlice<Int>
        switch kind {
        case .mobile:
            if digits.count == 15, digits.starts(with: [0, 0, 8, 6]) { digits.removeFirst(4); positions.removeFirst(4) }
            if digits.count == 13, digits.starts(with: [8, 6]) { digits.removeFirst(2); positions.removeFirst(2) }
            guard ContactChecks.isMobile(digits) else { return nil }
            // As in the precise pattern: dots group a phone 3-4-4 only (13.8.1234.5678 is a version).
            let national = positions[0]..<(positions[10] + 1)
            let dots = national.dropFirst().filter { view.gap(before: $0) == .dot }
            if !dots.isEmpty, dots.map({ $0 - national.lowerBound }) != [3, 7] { return nil }
            maskedDigits = positions[3..<7]
        case .landline:
            guard let subscriber = ContactChecks.landlineSubscriber(digits) else { return nil }
            maskedDigits = positions[subscriber.lowerBound..<(subscriber.upperBound - 4)]
        }
        return ContactHit(
            detector: kind == .mobile ? "mobile-cn" : "landline-cn", range: source,
            maskOffsets: maskedDigits.flatMap { view.sourceBytes(of: $0) })
    }

    /// 1,234,567 (thousands), 10.12.1.254 (an address or a version), 13812345.67 (decimals).
    private func looksLikeAmountOrAddress(_ range: Range<Int>, _ view: DigitView) -> Bool {
        let groups = view.groups(in: range)
        guard groups.count > 1 else { return false }
        let gaps = Set(groups.dropFirst().map { view.gap(before: $0.lowerBound) })
        if gaps == [.comma], groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) { return true }
        if gaps == [.dot], groups.count >= 3, groups.allSatisfy({ $0.count <= 3 }) { return true }
        if view.gap(before: groups.last!.lowerBound) == .dot, groups.last!.count <= 2 { return true }
        return false
    }

    /// Not glued to a word, a currency sign, a mask or an address: `SO一三…`, `¥…`, `*…`, `@…`.
    static func freeBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        guard start > 0 else { return true }
        let byte = bytes[start - 1]
        if ContactChecks.isAlphanumeric(byte) {
            // Contact words may touch the number: tel一三九…, Mob:… is separated anyway.
            return ["tel", "phone", "mobile", "cell", "mob"].contains { word in
                start >= word.utf8.count && zip(bytes[(start - word.utf8.count)..<start], word.utf8).allSatisfy { $0 | 0x20 == $1 }
            }
        }
        if byte == 0x5F || byte == 0x2A || byte == 0x40 || byte == 0x24 || byte == 0x23 { return false } // _ * @ $ #
        if start >= 2, bytes[start - 2] == 0xC2, byte == 0xA5 { return false } // ¥
        return true
    }

    static let amountWords: [[UInt8]] = ["元", "万", "亿", "块", "千", "百", "美元", "人民币", "%", "￥"].map { Array($0.utf8) }

    /// Not followed by a word, a mask, an address or a unit of money.
    static func freeAfter(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        guard end < bytes.count else { return true }
        let byte = bytes[end]
        if ContactChecks.isAlphanumeric(byte) || byte == 0x5F || byte == 0x2A || byte == 0x40 { return false }
        var index = end
        if byte == 0x20 { index += 1 }
        return !amountWords.contains { word in
            index + word.count <= bytes.count && bytes[index..<(index + word.count)].elementsEqual(word)
        }
    }

    /// Is the character ending at `offset` a Han character (not a numeral)?
    static func hanBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        guard offset >= 3 else { return false }
        return isHan(bytes, offset - 3) && DigitView.digit(bytes, at: offset - 3) == nil
    }

    static func hanAfter(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        isHan(bytes, offset) && DigitView.digit(bytes, at: offset) == nil
    }

    static func isHan(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index >= 0, index + 2 < bytes.count, bytes[index] &- 0xE3 < 7 else { return false }
        let scalar = UInt32(bytes[index] & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        return TextNormalizer.isHan(scalar)
    }
}

// MARK: - numbers in labelled parts

/// A number given in two labelled parts: the halves of a mobile (前三位137，后八位 5520 1983)
/// or the area code and number of a landline (区号0571，号码8823 4410). The
/// parts are joined only when the second follows within a short stretch
/// that does not end the sentence.
enum LabelledPartsFinder {
    static let place = Array("位".utf8)
    static let fronts: [[UInt8]] = ["前面", "前", "头"].map { Array($0.utf8) }
    static let backs: [[UInt8]] = ["后面", "后", "尾部"].map { Array($0.utf8) }
    static let areaCode = Array("区号".utf8)
    // Not a bare 号: 工号, 合同号 and 订单号 end in it.
    static let numberLabels: [[UInt8]] = ["电话号码", "号码", "电话", "座机", "座机号", "总机", "总机号", "固话", "直线", "传真"].map { Array($0.utf8) }
    /// At most this many bytes between the two parts (about ten characters).
    static let reach = 30

    static func mobileHalves(_ bytes: UnsafeBufferPointer<UInt8>, _ view: DigitView, excluded: (Int) -> Bool) -> [ContactHit] {
        var found: [ContactHit] = []
        for (index, first) in view.runs.enumerated() {
            // 前 N 位 [是/为/:] first … 后 M 位 [是/为/:] second
            guard let (count, labelStart) = placeCount(before: first, in: view, bytes, leads: fronts),
                count == first.count, count < 11, !excluded(labelStart)
            else { continue }
            let end = view.sourceRange(of: first).upperBound
            for second in view.runs[(index + 1)...] {
                let start = view.sourceRange(of: second).lowerBound
                guard start - end <= reach, !endsClause(bytes, end..<start) else { break }
                guard let (rest, _) = placeCount(before: second, in: view, bytes, leads: backs) else { continue }
                guard rest == second.count, count + rest == 11 else { break }
                let positions = Array(first) + Array(second)
                guard ContactChecks.isMobile(positions.map { view.digits[$0] }) else { break }
                found.append(
                    ContactHit(
                        detector: "mobile-cn", range: view.sourceRange(of: first).lowerBound..<view.sourceRange(of: second).upperBound,
                        maskOffsets: positions[3..<7].flatMap { view.sourceBytes(of: $0) }))
                break
            }
        }
        return found
    }

    static func landlineParts(_ bytes: UnsafeBufferPointer<UInt8>, _ view: DigitView, excluded: (Int) -> Bool) -> [ContactHit] {
        var found: [ContactHit] = []
        for (index, code) in view.runs.enumerated() where (3...4).contains(code.count) && view.digits[code.lowerBound] == 0 {
            let codeSource = view.sourceRange(of: code)
            guard let labelStart = labelled(codeSource.lowerBound, by: [areaCode], bytes) else { continue }
            // The number after the area code, or before it (号码8823 4410，区号0571).
            var number: Range<Int>?
            for other in view.runs[(index + 1)...] {
                let start = view.sourceRange(of: other).lowerBound
                guard start - codeSource.upperBound <= reach, !endsClause(bytes, codeSource.upperBound..<start) else { break }
                if let label = labelled(start, by: numberLabels, bytes) {
                    // 订单号码, 发票号码: the label belongs to another number.
                    if !excluded(label), !excluded(start) { number = other }
                    break
                }
            }
            if number == nil {
                for other in view.runs[..<index].reversed() {
                    let source = view.sourceRange(of: other)
                    guard labelStart - source.upperBound <= reach, !endsClause(bytes, source.upperBound..<labelStart) else { break }
                    if let label = labelled(source.lowerBound, by: numberLabels, bytes) {
                        if !excluded(label), !excluded(source.lowerBound) { number = other }
                        break
                    }
                }
            }
            guard let number, (7...8).contains(number.count) else { continue }
            let digits = view.digits[code] + view.digits[number]
            guard let subscriber = ContactChecks.landlineSubscriber(Array(digits)), subscriber.lowerBound == code.count else { continue }
            let numberSource = view.sourceRange(of: number)
            guard DigitRunFinder.freeAfter(bytes, numberSource.upperBound), !excluded(labelStart) else { continue }
            found.append(
                ContactHit(
                    detector: "landline-cn",
                    range: min(codeSource.lowerBound, numberSource.lowerBound)..<max(codeSource.upperBound, numberSource.upperBound),
                    maskOffsets: number.dropLast(4).flatMap { view.sourceBytes(of: $0) }))
        }
        return found
    }

    /// `前三位` (or another lead) right before a run, connectors allowed: the
    /// count it announces and where the label starts.
    private static func placeCount(
        before run: Range<Int>, in view: DigitView, _ bytes: UnsafeBufferPointer<UInt8>,
        leads: [[UInt8]]
    ) -> (Int, Int)? {
        let start = skipConnectorsBackward(bytes, from: view.sourceRange(of: run).lowerBound)
        guard ends(bytes, at: start, with: place) else { return nil }
        let placeStart = start - place.count
        // The count is the run ending right before 位: 三, 3, 八 …
        guard let countRun = view.runs.last(where: { view.sourceRange(of: $0).upperBound == placeStart }),
            (1...2).contains(countRun.count)
        else { return nil }
        let count = countRun.reduce(0) { $0 * 10 + Int(view.digits[$1]) }
        let countStart = view.sourceRange(of: countRun).lowerBound
        guard let lead = leads.first(where: { ends(bytes, at: countStart, with: $0) }) else { return nil }
        return (count, countStart - lead.count)
    }

    /// Where a label ending right before `start` (connectors allowed) begins.
    private static func labelled(_ start: Int, by labels: [[UInt8]], _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let end = skipConnectorsBackward(bytes, from: start)
        return labels.first { ends(bytes, at: end, with: $0) }.map { end - $0.count }
    }

    static let connectors: [[UInt8]] = [" ", "\t", ":", "是", "为", "="].map { Array($0.utf8) }

    private static func skipConnectorsBackward(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        var trimmed = true
        while trimmed {
            trimmed = false
            for connector in connectors where ends(bytes, at: end, with: connector) {
                end -= connector.count
                trimmed = true
                break
            }
        }
        return end
    }

    static func ends(_ bytes: UnsafeBufferPointer<UInt8>, at end: Int, with word: [UInt8]) -> Bool {
        end >= word.count && end <= bytes.count && bytes[(end - word.count)..<end].elementsEqual(word)
    }

    static let clauseEnds: [[UInt8]] = ["。", "!", "?", ";", "\n", "\r"].map { Array($0.utf8) }

    private static func endsClause(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for index in range {
            for mark in clauseEnds where index + mark.count <= range.upperBound && bytes[index..<(index + mark.count)].elementsEqual(mark) {
                return true
            }
        }
        return false
    }
}

// MARK: - spelled-out e-mail addresses

/// E-mail addresses with the `@` or the dots spelled out (at, [at], (at),
/// #, 艾特; dot, [dot], 。, 点), validated as an address once read back.
/// Where the spelling is ambiguous in prose (a bare `at` or `#`), the
/// domain must end in a known top-level domain or the text must say that
/// `#` stands for `@` (#换成@).
enum SpelledEmailFinder {
    // The at and dot tokens; spaces are allowed around the worded ones only.
    static let atToken =
        #"(?:[ \t]*(?:@|\[[ \t]*at[ \t]*\]|\([ \t]*at[ \t]*\)|\{[ \t]*at[ \t]*\}|<[ \t]*at[ \t]*>|艾特)[ \t]*|[ \t]+at[ \t]+|#)"#
    static let dotToken =
        #"(?:\.|[ \t]*(?:。|点|\[[ \t]*dot[ \t]*\]|\([ \t]*dot[ \t]*\)|\{[ \t]*dot[ \t]*\}|<[ \t]*dot[ \t]*>)[ \t]*|[ \t]+dot[ \t]+)"#
    static let pattern = Pattern.builtIn(
        #"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})"# + atToken
            + #"((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"# + dotToken + #")+[A-Za-z]{2,24})(?![A-Za-z0-9\-])"#,
        options: [.caseless], captureCount: 2)

    /// Top-level domains common in Chinese sales mail, for spellings that prose also uses.
    static let knownTopLevelDomains: Set<String> = [
        "com", "cn", "net", "org", "edu", "gov", "info", "biz", "io", "co", "me", "cc", "tv", "top", "xyz", "vip", "club",
        "site", "online", "tech", "ltd", "hk", "tw", "mo", "jp", "kr", "sg", "uk", "us", "de", "fr", "ca", "au", "ru", "ai",
        "app", "dev", "mobi", "cloud", "shop", "store", "work", "email", "asia", "pro", "name", "ink", "wang", "ren",
    ]
    static let hashNote = [
        Array("#换成@".utf8), Array("#改成@".utf8), Array("#换@".utf8), Array("#替换为@".utf8), Array("#替换成@".utf8), Array("#即@".utf8),
        Array("#=@".utf8), Array("#是@".utf8),
    ]

    /// An at token and a dot token somewhere: `@ # 艾特`, or `at` as a word; `. 。 点`, or `dot` as a word.
    static func mayApply(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = false, dot = false
        var index = 0
        while index < bytes.count, !(at && dot) {
            switch bytes[index] {
            case 0x40, 0x23: at = true
            case 0x2E: dot = true
            case 0x41, 0x61:
                if word(bytes, index, Self.spelledAt) { at = true }
            case 0x44, 0x64:
                if word(bytes, index, Self.spelledDot) { dot = true }
            case 0xE8 where index + 5 < bytes.count && bytes[index + 1] == 0x89 && bytes[index + 2] == 0xBE: at = true // 艾(特)
            case 0xE3 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x82: dot = true // 。
            case 0xE7 where index + 2 < bytes.count && bytes[index + 1] == 0x82 && bytes[index + 2] == 0xB9: dot = true // 点
            default: break
            }
            index += 1
        }
        return at && dot
    }

    /// The spelled words, lower case, as bytes made once: each test made an array of its word's bytes, an
    /// allocation per `a` and `d` of every text the redactor asks about (every finding's message and excerpt).
    private static let spelledAt: [UInt8] = Array("at".utf8), spelledDot: [UInt8] = Array("dot".utf8)

    /// Whether `letters` (lower case) stand at `index` as a word of their own, ASCII case-insensitively.
    @inline(__always)
    private static func word(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ letters: [UInt8]) -> Bool {
        letters.withUnsafeBufferPointer { letters in
            guard index + letters.count <= bytes.count else { return false }
            for offset in 0..<letters.count where bytes[index + offset] | 0x20 != letters[offset] { return false }
            @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
            return (index == 0 || !isLetter(bytes[index - 1]))
                && (index + letters.count == bytes.count || !isLetter(bytes[index + letters.count]))
        }
    }

    static func hits(_ bytes: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws -> [ContactHit] {
        var found: [ContactHit] = []
        for match in try pattern.allMatches(in: bytes, scratch: scratch) {
            guard let local = match.groups[1], let domain = match.groups[2] else { continue }
            let at = Array(bytes[local.upperBound..<domain.lowerBound]).filter { $0 != 0x20 && $0 != 0x09 }.map {
                $0 &- 0x41 < 26 ? $0 | 0x20 : $0
            }
            let (labels, spelledDots) = domainLabels(bytes, domain)
            guard labels.count >= 2, let tld = labels.last?.lowercased() else { continue }
            if at == [0x40], !spelledDots { continue } // a plain address: the precise pattern's
            let bareAt = at == Array("at".utf8) || at == [0x23] || at == Array("艾特".utf8)
            if bareAt {
                let noted =
                    at == [0x23]
                    && hashNote.contains {
                        contains(bytes, $0, from: max(0, local.lowerBound - 40), within: domain.upperBound - local.lowerBound + 80)
                    }
                guard knownTopLevelDomains.contains(tld) || noted else { continue }
                // `look at example.com` is prose: a bare `at` with plain dots needs a mail provider's domain;
                // and a domain of numbers only (10.5 dot com) is one only for the big providers (163, 139 …).
                let host = labels.dropLast().joined(separator: ".").lowercased()
                if at == Array("at".utf8), !spelledDots, !mailProviders.contains(host) { continue }
                if !host.contains(where: \.isLetter), !mailProviders.contains(host) { continue }
            }
            let address = String(decoding: bytes[local], as: UTF8.self) + "@" + labels.joined(separator: ".")
            guard ContactChecks.isEmailAddress(address) else { continue }
            found.append(
                ContactHit(detector: "email", range: local.lowerBound..<domain.upperBound, maskOffsets: Array(local), canonical: address))
        }
        return found
    }

    /// Free mail domains people give with a bare `at`: wang at qq.com.
    static let mailProviders: Set<String> = [
        "qq", "163", "126", "yeah", "foxmail", "sina", "sohu", "gmail", "hotmail", "outlook", "live", "yahoo",
        "aliyun", "139", "189", "icloud", "vip.qq", "vip.163", "vip.sina",
    ]

    /// The labels of a matched domain, and whether any dot was spelled out.
    private static func domainLabels(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ([String], Bool) {
        var labels: [String] = []
        var spelled = false
        var index = range.lowerBound
        func isLabelByte(_ byte: UInt8) -> Bool { ContactChecks.isAlphanumeric(byte) || byte == 0x2D }
        while index < range.upperBound {
            let start = index
            while index < range.upperBound, isLabelByte(bytes[index]) { index += 1 }
            labels.append(String(decoding: bytes[start..<index], as: UTF8.self))
            guard index < range.upperBound else { break }
            // One dot token: `.`, or spaces and a spelled dot (。 点 dot [dot] (dot) …).
            if bytes[index] == 0x2E { index += 1; continue }
            spelled = true
            while index < range.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            if index < range.upperBound, bytes[index] &- 0x41 < 26 || bytes[index] &- 0x61 < 26 {
                index += 3 // dot
            } else if index < range.upperBound, [0x5B, 0x28, 0x7B, 0x3C].contains(bytes[index]) {
                while index < range.upperBound, ![0x5D, 0x29, 0x7D, 0x3E].contains(bytes[index]) { index += 1 }
                index += 1 // [dot] (dot) {dot} <dot>
            } else {
                index += 3 // 。 点
            }
            while index < range.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }
        return (labels, spelled)
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from start: Int, within length: Int) -> Bool {
        let end = min(bytes.count, start + length + needle.count)
        guard end - start >= needle.count else { return false }
        for index in start...(end - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
        return false
    }
}
