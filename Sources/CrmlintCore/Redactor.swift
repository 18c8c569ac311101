import Foundation
import PatternEngine

/// Masks contact details in any text crmlint writes out (excerpts, messages,
/// identifiers). Masking is one `*` per masked character, so offsets computed
/// on the original still hold on the redacted text.
///
/// Two layers: the validated detectors of `ContactDetectors` (the same ones
/// the `contact-detail` rules report with) give the precise mask — a phone
/// keeps its first 3 and last 4 digits, an ID its first 6 and last 4, a card
/// its first 4 and last 4, an e-mail its domain. Then a conservative fallback
/// masks what merely looks like one: long digit runs, anything before an `@`,
/// ids after 微信/QQ. Over-masking an order number is acceptable; a report
/// carrying an unmasked phone, ID or card number is not.
public final class Redactor: @unchecked Sendable {
    public static let shared = Redactor()

    // Digit runs (separators allowed between digits) that do not start a date
    // such as 2024-03-15. `*` belongs to runs so that a masked run is seen whole.
    private let digitRun = Pattern.builtIn(
        #"(?<![0-9*])(?!(?:19|20)[0-9]{2}([\-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12][0-9]|3[01])(?![0-9]))[0-9*](?:[ \t\-.\x{2013}\x{2014}/()]{0,3}[0-9*])+[Xx]?"#,
        captureCount: 1)
    // The local part of anything shaped like an e-mail address, spaces around @ included.
    private let emailLocal = Pattern.builtIn(
        #"[A-Za-z0-9._%+\-]+(?=\s*@\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"#, captureCount: 0)
    // The same with the at or a dot spelled out (wang at qq dot com, chen [at] foxmail [dot] com, li#163。com), valid or not.
    private let spelledEmailLocal = Pattern.builtIn(
        #"(?i)[A-Za-z0-9._%+\-]+(?=\s*(?:@|\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|<\s*at\s*>|\sat\s|#|艾特)\s*[A-Za-z0-9\-]+\s*(?:\.|。|点|\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\}|<\s*dot\s*>|\sdot\s)\s*[A-Za-z0-9])"#,
        captureCount: 0)
    // Whatever follows a messenger name or a loose trigger (加我, 搜, V:, Q号), validated or not.
    private let messengerID = Pattern.builtIn(
        #"(?i)(?:微信号?|薇信|威信|v信|vx|wx|wechat|weixin|qq|扣扣|企鹅号?|加个?v|\+v|加我(?:好友)?|搜(?:索)?(?:一下)?我?|(?<![a-z0-9])v号?\s*[:=]|(?<![a-z0-9])q号)\s*(?:号|号码|id)?\s*[:=是为]?\s*([A-Za-z0-9_\-]{5,40})"#,
        captureCount: 1)

    /// Its patterns, for the test that compiles every built-in pattern.
    var patternsForTesting: [Pattern] { [digitRun, emailLocal, spelledEmailLocal, messengerID] }

    // Normaliser, match state and a bounded memo, used under the lock:
    // excerpts of several findings on one field, and rule messages, repeat.
    private let lock = NSLock()
    private let normalizer = TextNormalizer()
    private let scratch = MatchScratch()
    /// A text by its UTF-8 bytes: hashing a `String` normalises non-ASCII text first (~1,000 instructions
    /// for an excerpt), and two texts that are canonically equivalent but spelled differently may mask
    /// differently (masks go by scalar), so each keeps its own entry.
    private struct Key: Hashable {
        let text: String
        let minimumRun: Int

        func hash(into hasher: inout Hasher) {
            var copy = text
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(minimumRun)
        }

        static func == (a: Key, b: Key) -> Bool { a.minimumRun == b.minimumRun && a.text.hasSameBytes(as: b.text) }
    }
    @exclusivity(unchecked) private var cache: [Key: String] = [:]
    @exclusivity(unchecked) private var identifierCache: [Key: String] = [:]
    /// The text `excerpt` last redacted, and its redaction.
    @exclusivity(unchecked) private var lastExcerptText: String?
    @exclusivity(unchecked) private var lastExcerptRedacted: String?

    /// Whether `compute` skips the fallback patterns a text cannot match (`FallbackNeeds`); off only in the test
    /// that compares redactions with and without the skips.
    private let skipsUnmatchable: Bool

    public init() { skipsUnmatchable = true }

    init(skippingUnmatchablePatterns: Bool) { skipsUnmatchable = skippingUnmatchablePatterns }

    /// `text` with every contact detail masked. Digit runs of `minimumRun`
    /// or more digits are masked even when no detector validates them.
    public func redact(_ text: String, minimumRun: Int = 7) -> String {
        guard text.utf8.count >= 5 else { return text }
        // ASCII text is its own normalisation: ruled out here without the lock, the memo or a copy (a finding's
        // record and customer ids, each one new, were ~12,000 instructions each through them: 1.3 % of a scan).
        // Other text is asked after it is normalised (`compute`), as the detectors see it: read as written, a
        // phone in superscript digits (¹³⁸…), a trigger split by a space (加 我) or a Traditional one went unmasked.
        if skipsUnmatchable, text.withUTF8InPlace({ bytes in UTF8Validation.isASCII(bytes) && !mayMask(bytes, minimumRun: minimumRun) }) {
            return text
        }
        lock.lock()
        defer { lock.unlock() }
        let key = Key(text: text, minimumRun: minimumRun)
        // Identifiers (record and customer ids: mostly distinct) in a memo of their own: in one with the
        // messages (a few thousand texts, each repeated on finding after finding) they filled it, and
        // emptying it made every message be masked again (~15,000 instructions each).
        return minimumRun == Int.max ? remembered(key, in: &identifierCache) : remembered(key, in: &cache)
    }

    /// `key`'s text redacted, from `memo` or computed into it (emptied when full: 4,096 texts). The lock held.
    private func remembered(_ key: Key, in memo: inout [Key: String]) -> String {
        if let hit = memo[key] { return hit }
        let result = compute(key.text, minimumRun: key.minimumRun)
        if memo.count >= 4096 { memo.removeAll(keepingCapacity: true) }
        memo[key] = result
        return result
    }

    /// Only validated details: for identifiers (record ids, customer ids),
    /// which must stay readable unless they are a phone, ID or card number.
    public func redactValidated(_ text: String) -> String { redact(text, minimumRun: Int.max) }

    /// A finding safe to write anywhere: its message, excerpt, identifiers and
    /// notes redacted. Rules already redact excerpts; this is the last line
    /// of defence for whatever a rule put into a finding.
    public func redact(_ finding: Finding) -> Finding {
        var finding = finding
        finding.message = redact(finding.message, minimumRun: 11)
        finding.excerpt = finding.excerpt.map { redact($0) }
        finding.recordId = finding.recordId.map(redactValidated)
        finding.customerId = finding.customerId.map(redactValidated)
        finding.rep = finding.rep.map(redactValidated)
        if let related = finding.related {
            finding.related = related.map { location in
                var location = location
                location.recordId = location.recordId.map(redactValidated)
                location.note = location.note.map { redact($0, minimumRun: 11) }
                return location
            }
        }
        return finding
    }

    private func compute(_ text: String, minimumRun: Int) -> String {
        let normalized = normalizer.normalize(text)
        var maskedScalars = Set<Int>()
        var covered: [Range<Int>] = []
        func mask(_ offsets: [Int]) {
            for offset in offsets { maskedScalars.insert(Int(normalized.origins[offset])) }
        }
        normalized.bytes.withUnsafeBufferPointer { buffer in
            // Made once for the detectors that read it and the spoken runs below.
            let profile = DigitView.profile(buffer)
            guard mayMask(buffer, minimumRun: minimumRun, profile: profile) else { return }
            for detector in ContactDetectors.all {
                let hits = try? detector.hits(
                    in: buffer, scratch: scratch, context: ValidationContext(), useContext: false, profile: profile)
                for hit in hits ?? [] {
                    if covered.contains(where: { $0.overlaps(hit.range) }) { continue }
                    covered.append(hit.range)
                    mask(hit.maskOffsets)
                }
            }
            guard minimumRun < Int.max else { return }
            // What the fallback patterns need, read in one pass: each PCRE2 pass over a text that cannot match
            // cost ~2,000 instructions, four a message and excerpt of every finding.
            let needs = skipsUnmatchable ? FallbackNeeds(buffer) : .all
            // A piece of a digit run counts digits and a final X: fewer digits than `minimumRun - 1` mask nothing.
            let digitRunsMayMask = !skipsUnmatchable || profile.asciiDigits + 1 >= minimumRun
            for match in digitRunsMayMask ? (try? digitRun.allMatches(in: buffer, scratch: scratch)) ?? [] : [] {
                // Already masked (138****5678, 1 5 8 * * * * 3 6 1 9): redacting twice must not mask the kept digits.
                if match.range.filter({ buffer[$0] == 0x2A }).count >= 3 { continue }
                // Digits of the run outside validated details, in pieces split by them.
                var piece: [Int] = []
                func flush() {
                    if piece.count >= minimumRun {
                        // Phone-length runs keep their first 3 and last 4 digits; shorter ones their last 4.
                        let keepFirst = piece.count >= 11 ? 3 : 0
                        mask(Array(piece[keepFirst..<(piece.count - 4)]))
                    }
                    piece.removeAll()
                }
                for offset in match.range {
                    if covered.contains(where: { $0.contains(offset) }) { flush(); continue }
                    let byte = buffer[offset]
                    if byte &- 0x30 < 10 || (byte | 0x20 == 0x78 && offset == match.range.upperBound - 1) { piece.append(offset) }
                }
                flush()
            }
            // Spoken digit runs (一三九零…) the detectors did not validate, as the digit runs above.
            if profile.numerals > 0 {
                let view = DigitView(buffer)
                for run in view.runs where run.count >= minimumRun && run.contains(where: view.isNumeral) {
                    let free = run.filter { index in !covered.contains { $0.overlaps(view.sourceBytes(of: index)) } }
                    guard free.count >= minimumRun else { continue }
                    let keepFirst = free.count >= 11 ? 3 : 0
                    mask(free[keepFirst..<(free.count - 4)].flatMap { view.sourceBytes(of: $0) })
                }
            }
            for (pattern, needed) in [(emailLocal, needs.atSign), (spelledEmailLocal, needs.spelledAt)] where needed {
                for match in (try? pattern.allMatches(in: buffer, scratch: scratch)) ?? [] {
                    mask(match.range.filter { offset in !covered.contains { $0.contains(offset) } })
                }
            }
            for match in needs.messengerTrigger ? (try? messengerID.allMatches(in: buffer, scratch: scratch)) ?? [] : [] {
                if let group = match.groups[1] { mask(Array(group)) }
            }
        }
        guard !maskedScalars.isEmpty else { return text }
        var result = String.UnicodeScalarView()
        for (index, scalar) in text.unicodeScalars.enumerated() {
            result.append(maskedScalars.contains(index) && !String.isSpace(scalar) ? "*" : scalar)
        }
        return String(result)
    }

    /// Whether `compute` may mask anything in `bytes`, normalised text (`profile`: its `DigitView.profile`): a
    /// detector's cheap checks pass (`ContactDetector.mayHit`), or, below `Int.max`, a fallback's needs are
    /// there (digits for a run of `minimumRun`, an at, a messenger word). Each is the check that part of
    /// `compute` makes before it reads the text, so false means the text comes back unchanged. Always true
    /// for a redactor that runs every pattern (`skipsUnmatchable` off: the tests' reference).
    func mayMask(_ bytes: UnsafeBufferPointer<UInt8>, minimumRun: Int, profile: DigitView.Profile) -> Bool {
        guard skipsUnmatchable else { return true }
        for detector in ContactDetectors.all where detector.mayHit(bytes, profile: profile) { return true }
        guard minimumRun < Int.max else { return false }
        // Digit runs count digits and a final X; spoken runs, digits and numerals.
        if profile.asciiDigits + 1 >= minimumRun || profile.asciiDigits + profile.numerals >= minimumRun { return true }
        let needs = FallbackNeeds(bytes)
        return needs.atSign || needs.spelledAt || needs.messengerTrigger
    }

    /// The same, with the profile made here.
    func mayMask(_ bytes: UnsafeBufferPointer<UInt8>, minimumRun: Int) -> Bool {
        mayMask(bytes, minimumRun: minimumRun, profile: DigitView.profile(bytes))
    }

    static func isDigitLike(_ scalar: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(scalar.value) || (0xFF10...0xFF19).contains(scalar.value) || scalar == "X" || scalar == "x"
    }

    /// A redacted one-line excerpt around original scalars `hit`, with up to
    /// `context` characters either side.
    public func excerpt(of text: String, hit: Range<Int>, context: Int = 20) -> String {
        // The findings of one field ask for the same text one after another: its redaction is
        // kept for the next (hashing a long text for the memo per finding made a long field with
        // many findings quadratic). Same storage compares in O(1).
        lock.lock()
        let known = lastExcerptText == text ? lastExcerptRedacted : nil
        lock.unlock()
        var redacted = known ?? redact(text)
        if known == nil {
            lock.lock()
            (lastExcerptText, lastExcerptRedacted) = (text, redacted)
            lock.unlock()
        }
        // On the UTF-8 bytes, a run of characters copied at a time (building the excerpt a scalar at a
        // time from the text's scalars as an array was most of the cost of a finding's excerpt).
        return redacted.withUTF8 { bytes in
            var scalarStarts: [Int] = []
            scalarStarts.reserveCapacity(bytes.count)
            for index in bytes.indices where bytes[index] & 0xC0 != 0x80 { scalarStarts.append(index) }
            let count = scalarStarts.count
            let lower = max(0, min(hit.lowerBound, count) - context)
            let upper = min(count, max(hit.upperBound, lower) + context)
            let from = lower < count ? scalarStarts[lower] : bytes.count
            let to = upper < count ? scalarStarts[upper] : bytes.count
            var out: [UInt8] = []
            out.reserveCapacity(to - from + 8)
            if lower > 0 { out.append(contentsOf: Self.ellipsis) }
            var runStart = from
            var index = from
            while index < to {
                let length = Self.spaceLength(bytes, at: index)
                if length > 0 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    out.append(0x20)
                    index += length
                    runStart = index
                } else {
                    index += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<to]))
            if upper < count { out.append(contentsOf: Self.ellipsis) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static let ellipsis: [UInt8] = Array("…".utf8)

    /// The byte length of the scalar at `index` when it is white space (`String.isSpace`), else 0;
    /// `index` is at a scalar's first byte or inside one (then 0: only a first byte starts a space).
    @inline(__always) static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
        switch byte {
        case 0xC2:
            guard index + 1 < bytes.count else { return 0 }
            return bytes[index + 1] == 0x85 || bytes[index + 1] == 0xA0 ? 2 : 0
        case 0xE1, 0xE2, 0xE3:
            guard index + 2 < bytes.count else { return 0 }
            var value = UInt32(byte & 0x0F) << 12
            value |= UInt32(bytes[index + 1] & 0x3F) << 6
            value |= UInt32(bytes[index + 2] & 0x3F)
            return String.isSpace(Unicode.Scalar(value) ?? "a") ? 3 : 0
        default: return 0
        }
    }
}

/// What `Redactor`'s fallback patterns need in a normalised text, found in one pass over its bytes: a
/// pattern whose need is missing cannot match, and is not run. Each need is a necessary condition read
/// off the pattern (`RedactorPatternSkipTests` compares redactions with and without the skips). (Digit
/// runs need digits: the text's `DigitView.Profile` counts them.)
struct FallbackNeeds {
    /// `@`: the e-mail pattern's lookahead needs one.
    var atSign = false
    /// `@`, `#`, 艾特 or the letters "at" side by side (any case): every way the spelled-out pattern writes the at.
    var spelledAt = false
    /// v, w or q (any case), or 微 薇 威 扣 企 加 搜 (a letter or the first character of every messenger
    /// trigger), and a run of five or more of the id's characters (`[A-Za-z0-9_\-]`, with the Kelvin sign and
    /// long s that match K and s caselessly) for the id that every match captures after its trigger.
    var messengerTrigger: Bool { messengerWord && longestIDRun >= 5 }
    private var messengerWord = false
    private var longestIDRun = 0

    static let all = FallbackNeeds(atSign: true, spelledAt: true, messengerWord: true, longestIDRun: 5)

    private init(atSign: Bool, spelledAt: Bool, messengerWord: Bool, longestIDRun: Int) {
        (self.atSign, self.spelledAt, self.messengerWord, self.longestIDRun) = (atSign, spelledAt, messengerWord, longestIDRun)
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var previousWasA = false
        var run = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                let lower = byte | 0x20
                let inID = byte &- 0x30 < 10 || lower &- 0x61 < 26 || byte == 0x5F || byte == 0x2D
                run = inID ? run + 1 : 0
                longestIDRun = max(longestIDRun, run)
                if byte == 0x40 {
                    atSign = true
                    spelledAt = true
                } else if byte == 0x23 {
                    spelledAt = true
                } else if lower == 0x74, previousWasA {
                    spelledAt = true
                } else if lower == 0x76 || lower == 0x77 || lower == 0x71 {
                    messengerWord = true
                }
                previousWasA = lower == 0x61
                index += 1
                continue
            }
            previousWasA = false
            if byte == 0xC5, index + 1 < count, bytes[index + 1] == 0xBF { // ſ (U+017F), caselessly s
                run += 1
                longestIDRun = max(longestIDRun, run)
                index += 2
                continue
            }
            if byte >= 0xE0, byte < 0xF0, index + 2 < count {
                let scalar = UInt32(byte & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                run = scalar == 0x212A ? run + 1 : 0 // the Kelvin sign, caselessly k
                longestIDRun = max(longestIDRun, run)
                switch scalar {
                case 0x5FAE, 0x8587, 0x5A01, 0x6263, 0x4F01, 0x52A0, 0x641C: messengerWord = true // 微 薇 威 扣 企 加 搜
                case 0x827E: // 艾, then 特
                    if index + 5 < count, bytes[index + 3] == 0xE7, bytes[index + 4] == 0x89, bytes[index + 5] == 0xB9 { spelledAt = true }
                default: break
                }
                index += 3
                continue
            }
            run = 0
            index += 1
        }
    }
}
