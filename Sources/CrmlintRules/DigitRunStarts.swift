import PatternEngine

/// Which patterns need no try at an ASCII digit that follows an ASCII digit.
///
/// Amount patterns lead with digits and guard their start with a lookbehind
/// (`(?<![0-9.A-Za-z]|[0-9],)[0-9]{1,9}…`) or read the whole number with a loop
/// (`[0-9][0-9,.]*\s*元`). The prefilter gives every digit as a start place, so a
/// phone number was eleven anchored tries where one decides; on a messages export
/// the gift-limit amounts alone were half of all PCRE2 searches (two million,
/// nearly none found). For a pattern cleared here those places are dropped
/// (`LiteralPrefilter.starts(slot:in:present:text:)`).
///
/// The analysis follows every way the pattern can begin, up to the first character
/// it consumes. A way is cleared
/// - by a negative lookbehind one of whose alternatives is a single character class
///   taking every ASCII digit (after a digit it fails);
/// - by first consuming a character that no ASCII digit is (on a digit it fails);
/// - by first consuming with an unbounded loop of a class taking every digit
///   (`[0-9]+`), or such a class followed at once by one (`[0-9][0-9,.]*`), with no
///   assertion before it on the way: started one digit earlier, the loop takes that
///   digit too and the rest matches at the same place. So a match at a digit inside
///   a run means one a digit earlier, down to the run's first digit (kept) or to the
///   place a search resumes at inside the run, which `Pattern.allMatches(in:startingAt:)`
///   and `TextMatcher.earliestStart` try themselves.
///
/// A negative lookbehind of plain words (`(?<!金额|总价)`) cannot end at a digit,
/// so after a digit it holds: a loop behind one is cleared too, but the chain then
/// stops at the run's second digit (the lookbehind may fail at the first), which is
/// kept as well (`innerDigitDepth` 2: `conduct.kickback`'s amounts).
/// Other lookarounds and anchors are passed as if absent (only more ways stay open),
/// but end the third kind; a lookaround holding a loop ends all three (its work at
/// a dropped place might have met the match limit, and the limit's finding must
/// not go missing). Conservative elsewhere: a construct it does not model makes it
/// answer "try everywhere" — backreferences, `\K`, `\G`, conditionals, recursion,
/// verbs, `(?x)`, POSIX classes, `\Q…\E`, code-point escapes outside a class, and
/// atomic and possessive groups (the third kind rests on the loop giving way; and
/// PCRE2's JIT was seen, in `pcre2test` 10.42, to try an atomic group's second
/// alternative after its first had matched and what followed failed, as the
/// interpreter does not).
enum DigitRunStarts {
    /// How many ASCII digits must precede an ASCII digit for `source` (PCRE2 syntax, compiled with UTF and UCP)
    /// to need no try there: 1 when every way into it is cleared, 2 when a loop's way is cleared behind a
    /// lookbehind of plain words (`(?<!金额|总价)`: it holds at a digit after a digit, not always at a run's
    /// first digit, so the run's second digit is tried too), 0 when some way is not cleared.
    static func innerDigitDepth(_ source: String) -> Int {
        var parser = Parser(Array(source.unicodeScalars))
        guard let flow = parser.alternation(), !parser.failed, parser.index == parser.chars.count, !flow.mayConsumeDigit,
            !flow.passes
        else { return 0 }
        return flow.needsSecondDigit ? 2 : 1
    }

    /// Removes from `positions` (byte offsets into `buffer`) each ASCII digit that follows `depth` ASCII digits.
    static func dropInnerDigits(_ positions: inout [Int], in buffer: UnsafeBufferPointer<UInt8>, depth: Int = 1) {
        guard depth > 0 else { return }
        // In place: the array is the caller's own (fresh from `LiteralPrefilter.positions`).
        var kept = 0
        for index in positions.indices {
            let place = positions[index]
            if UTF8Offsets.insideDigitRun(buffer, at: place), depth < 2 || UTF8Offsets.insideDigitRun(buffer, at: place - 1) { continue }
            positions[kept] = place
            kept += 1
        }
        if kept < positions.count { positions.removeLast(positions.count - kept) }
    }

    /// How the ways into a piece of pattern begin.
    struct Flow {
        /// Some way consumes an ASCII digit (or what the analysis cannot tell apart from one) first,
        /// before any guard.
        var mayConsumeDigit = false
        /// Some way gets through the piece consuming nothing and meeting no guard.
        var passes = false
        /// The piece is one alternative of a single character class (or `\d`, `.`) that takes every ASCII digit:
        /// as a lookbehind's alternative it fails after any digit.
        var everyDigitAtom = false
        /// A lookaround whose work is not plainly bounded (it holds a loop, `*`, `+` or `{`): met before a way is
        /// cleared, it would run at a dropped place too and might meet the match limit there, so it leaves the way open.
        var costlyAssertion = false
        /// A negative lookbehind of plain words, every character one that no digit is: no word ends at a digit,
        /// so after a digit it holds whatever came before.
        var holdsAfterDigits = false
        /// A way cleared by a loop behind such a lookbehind (`innerDigitDepth` 2).
        var needsSecondDigit = false
        /// The piece is a character that no digit is, written plainly (unquantified).
        var plainNonDigit = false
        /// Every alternative is a word of such characters.
        var plainWords = false
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        var failed = false
        /// An assertion (not a guard) comes before the group being read, on the way into it.
        var assertionBefore = false
        /// A lookbehind that holds after digits (`Flow.holdsAfterDigits`) comes before it.
        var afterDigitsBefore = false

        init(_ chars: [Unicode.Scalar]) { self.chars = chars }

        private func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        /// Alternatives up to `)` or the end (not consumed).
        mutating func alternation() -> Flow? {
            var result = Flow()
            var alternatives = 0
            while true {
                guard let branch = sequence() else { return nil }
                alternatives += 1
                result.mayConsumeDigit = result.mayConsumeDigit || branch.mayConsumeDigit
                result.passes = result.passes || branch.passes
                // (For a lookbehind: true when any alternative is such an atom.)
                result.everyDigitAtom = result.everyDigitAtom || branch.everyDigitAtom
                result.needsSecondDigit = result.needsSecondDigit || branch.needsSecondDigit
                result.plainWords = (alternatives == 1 || result.plainWords) && branch.plainWords
                guard peek() == "|" else { break }
                index += 1
            }
            return alternatives > 0 ? result : nil
        }

        /// Items up to `|`, `)` or the end.
        mutating func sequence() -> Flow? {
            var result = Flow()
            var open = true // every way so far got here consuming nothing, meeting no guard
            var items = 0
            var onlyAtom = false
            let inherited = (assertionBefore, afterDigitsBefore)
            var assertion = inherited.0, afterDigits = inherited.1
            var plain = true
            while let char = peek(), char != "|", char != ")" {
                let start = index
                (assertionBefore, afterDigitsBefore) = (assertion, afterDigits)
                guard let (item, everyDigit, loop) = quantifiedItem() else { return nil }
                (assertionBefore, afterDigitsBefore) = inherited
                items += 1
                onlyAtom = everyDigit && loop == nil
                plain = plain && item.plainNonDigit && loop == nil
                guard open else { continue }
                if item.costlyAssertion { result.mayConsumeDigit = true }
                if item.needsSecondDigit { result.needsSecondDigit = true }
                if item.mayConsumeDigit {
                    // A loop over every digit, or a digit class then such a loop, with no assertion before: the
                    // run's first digit is tried instead (see the type's note).
                    if everyDigit, !assertion {
                        if let loop, loop.unbounded {
                            open = false
                            if afterDigits { result.needsSecondDigit = true }
                            continue
                        }
                        if loop == nil, let after = absorbingLoop() {
                            index = after
                            items += 1
                            onlyAtom = false
                            plain = false
                            open = false
                            if afterDigits { result.needsSecondDigit = true }
                            continue
                        }
                    }
                    result.mayConsumeDigit = true
                }
                if !item.passes {
                    open = false
                } else if !item.mayConsumeDigit, Self.mayAssert(chars, at: start) {
                    if item.holdsAfterDigits { afterDigits = true } else { assertion = true }
                }
            }
            result.passes = open
            result.everyDigitAtom = items == 1 && onlyAtom
            result.plainWords = items > 0 && plain
            return result
        }

        /// Whether the item at `start`, passed without consuming, may be (or hold) an assertion: a group,
        /// an anchor, a zero-width escape. (An optional character or class is not.)
        static func mayAssert(_ chars: [Unicode.Scalar], at start: Int) -> Bool {
            switch chars[start] {
            case "(", "^", "$": return true
            case "\\": return start + 1 < chars.count && "bBAzZG".unicodeScalars.contains(chars[start + 1])
            default: return false
            }
        }

        /// When an unbounded loop of a class taking every digit follows: where it ends (not read).
        mutating func absorbingLoop() -> Int? {
            let saved = index, wasFailed = failed
            defer {
                index = saved
                failed = wasFailed
            }
            guard let (_, everyDigit) = item(), everyDigit, let loop = quantifierShape(), loop.unbounded else {
                return nil
            }
            return index
        }

        /// One item and its quantifier (nil: none); the second value: the item is a single atom taking every ASCII digit.
        mutating func quantifiedItem() -> (Flow, Bool, Loop?)? {
            let start = index
            guard let (flow, everyDigit) = item() else { return nil }
            var result = flow
            guard let loop = quantifierShape() else { return failed ? nil : (result, everyDigit, nil) }
            // A possessive group is an atomic one (above); a possessive character loop is modelled.
            if loop.possessive, chars[start] == "(" {
                failed = true
                return nil
            }
            if loop.minimum == 0 { result.passes = true }
            return (result, everyDigit, loop)
        }

        struct Loop {
            var minimum: Int
            var unbounded: Bool
            var possessive: Bool
        }

        /// Reads a quantifier if one follows.
        mutating func quantifierShape() -> Loop? {
            var minimum: Int
            var unbounded = false
            switch peek() {
            case "?": minimum = 0; index += 1
            case "*": minimum = 0; unbounded = true; index += 1
            case "+": minimum = 1; unbounded = true; index += 1
            case "{":
                // `{n}`, `{n,}`, `{n,m}`; anything else is a literal brace (PCRE2 10.42).
                var look = index + 1, digits = 0, value = 0
                while look < chars.count, let digit = Self.digitValue(chars[look]) {
                    value = value * 10 + digit
                    digits += 1
                    look += 1
                }
                guard digits > 0, look < chars.count else { return nil }
                if chars[look] == "," {
                    look += 1
                    unbounded = true
                    while look < chars.count, Self.digitValue(chars[look]) != nil {
                        unbounded = false
                        look += 1
                    }
                }
                guard look < chars.count, chars[look] == "}" else { return nil }
                index = look + 1
                minimum = value
            default: return nil
            }
            let possessive = peek() == "+"
            if possessive || peek() == "?" { index += 1 } // possessive, lazy
            return Loop(minimum: minimum, unbounded: unbounded, possessive: possessive)
        }

        static func digitValue(_ char: Unicode.Scalar) -> Int? {
            char.value >= 0x30 && char.value <= 0x39 ? Int(char.value - 0x30) : nil
        }

        private mutating func giveUp() -> (Flow, Bool)? {
            failed = true
            return nil
        }

        /// A consuming atom: whether it may take an ASCII digit, and whether it takes every one.
        private func consuming(mayDigit: Bool, everyDigit: Bool) -> (Flow, Bool) {
            (Flow(mayConsumeDigit: mayDigit, passes: false), everyDigit)
        }

        private var zeroWidth: (Flow, Bool) { (Flow(mayConsumeDigit: false, passes: true), false) }

        mutating func item() -> (Flow, Bool)? {
            guard let char = peek() else { return giveUp() }
            switch char {
            case "(": return group()
            case "[":
                guard let digits = characterClass() else { return giveUp() }
                return consuming(mayDigit: digits.may, everyDigit: digits.every)
            case "\\": return escape()
            case ".":
                index += 1
                return consuming(mayDigit: true, everyDigit: true)
            case "^", "$":
                index += 1
                return zeroWidth
            case "*", "+", "?": return giveUp() // a quantifier with nothing before it
            default:
                index += 1
                let digit = Self.digitValue(char) != nil
                var flow = consuming(mayDigit: digit, everyDigit: false)
                flow.0.plainNonDigit = !digit
                return flow
            }
        }

        /// After `\` outside a class.
        private mutating func escape() -> (Flow, Bool)? {
            guard let next = peek(1) else { return giveUp() }
            index += 2
            switch next {
            case "d", "w", "S", "X", "C", "V", "H", "N", "R":
                // Classes that take digits (\d, \w, \S and the "anything" ones), or whose reach is not worth modelling.
                return consuming(mayDigit: true, everyDigit: next == "d" || next == "w" || next == "S")
            case "D", "W", "s", "h", "v", "n", "t", "r", "f", "e", "a":
                return consuming(mayDigit: false, everyDigit: false)
            case "b", "B", "A", "z", "Z":
                return zeroWidth
            case "p", "P":
                guard let name = propertyName() else { return giveUp() }
                // Han has no ASCII digit; any other property (or its negation) may.
                return consuming(mayDigit: !(next == "p" && name == "Han"), everyDigit: false)
            default:
                // Escaped punctuation is that character; letters and digits are escapes not modelled
                // (\K, \Q, \x, \g, \k, backreferences, \o, \c, …).
                if next.properties.isAlphabetic || Self.digitValue(next) != nil || next.value > 0x7F { return giveUp() }
                return consuming(mayDigit: false, everyDigit: false)
            }
        }

        /// `{Name}` or a one-letter name after `\p`; nil when malformed.
        private mutating func propertyName() -> String? {
            guard let first = peek() else { return nil }
            if first != "{" {
                index += 1
                return String(first)
            }
            var name = ""
            var look = index + 1
            while look < chars.count, chars[look] != "}" {
                name.unicodeScalars.append(chars[look])
                look += 1
            }
            guard look < chars.count else { return nil }
            index = look + 1
            return name
        }

        /// After `(`.
        private mutating func group() -> (Flow, Bool)? {
            index += 1
            enum Kind { case plain, lookahead, lookbehind, negativeLookbehind }
            var kind = Kind.plain
            if peek() == "?" {
                guard let marker = peek(1) else { return giveUp() }
                switch marker {
                case ":", "|": index += 2
                case ">": return giveUp() // atomic groups are not modelled (see the type's note)
                case "=", "!": index += 2; kind = .lookahead
                case "<":
                    switch peek(2) {
                    case "=": index += 3; kind = .lookbehind
                    case "!": index += 3; kind = .negativeLookbehind
                    default:
                        index += 2
                        guard skipName(until: ">") else { return giveUp() }
                    }
                case "P":
                    guard peek(2) == "<" else { return giveUp() } // (?P=name) and (?P>name) refer to other groups
                    index += 3
                    guard skipName(until: ">") else { return giveUp() }
                case "'":
                    index += 2
                    guard skipName(until: "'") else { return giveUp() }
                case "#":
                    while let char = peek(), char != ")" { index += 1 }
                    guard peek() == ")" else { return giveUp() }
                    index += 1
                    return zeroWidth
                default:
                    // Inline options: `(?i)`, `(?-i:…)`; `x` changes how the rest reads, so it is not modelled.
                    var look = index + 1
                    while look < chars.count, chars[look] != ")" && chars[look] != ":" {
                        guard "imsnJU-^".unicodeScalars.contains(chars[look]) else { return giveUp() }
                        look += 1
                    }
                    guard look < chars.count else { return giveUp() }
                    index = look + 1
                    if chars[look] == ")" { return zeroWidth }
                }
            } else if peek() == "*" {
                return giveUp() // verbs and (*…) options
            }
            let contentStart = index
            guard let inner = alternation(), peek() == ")" else { return giveUp() }
            // Lookarounds are plainly bounded work when they hold no loop (nor a literal `*`, `+` or `{`: not told apart).
            let bounded = !chars[contentStart..<index].contains { $0 == "*" || $0 == "+" || $0 == "{" }
            index += 1
            let assertion = (Flow(mayConsumeDigit: false, passes: true, costlyAssertion: !bounded), false)
            switch kind {
            case .plain: return (inner, false)
            case .lookahead, .lookbehind: return assertion
            case .negativeLookbehind:
                // A guard when one alternative is a single character taking every digit: after a digit it matches, so
                // the assertion fails.
                if inner.everyDigitAtom && bounded { return (Flow(mayConsumeDigit: false, passes: false), false) }
                // Plain words, each ending in a character no digit is, cannot end at a digit: after one it holds.
                if inner.plainWords && bounded {
                    var holds = assertion
                    holds.0.holdsAfterDigits = true
                    return holds
                }
                return assertion
            }
        }

        private mutating func skipName(until close: Unicode.Scalar) -> Bool {
            while let char = peek(), char != close {
                guard char == "_" || char.properties.isAlphabetic || Self.digitValue(char) != nil else { return false }
                index += 1
            }
            guard peek() == close else { return false }
            index += 1
            return true
        }

        /// After `[`: whether the class may take an ASCII digit, and whether it takes every one; nil when not modelled.
        private mutating func characterClass() -> (may: Bool, every: Bool)? {
            index += 1
            var negated = false
            if peek() == "^" {
                negated = true
                index += 1
            }
            // The digits the set surely holds, and whether it may hold any digit at all.
            var sure = Set<Int>()
            var may = false
            var first = true
            while let char = peek() {
                if char == "]" && !first { break }
                first = false
                guard let low = classMember(&sure, &may) else { return nil }
                guard let scalar = low else { continue } // a class escape, counted already
                // A range `a-b` (a `-` before `]` is literal).
                if peek() == "-", let after = peek(1), after != "]" {
                    index += 1
                    guard let high = classMember(&sure, &may), let end = high, end.value >= scalar.value else { return nil }
                    for digit in 0...9 where scalar.value <= 0x30 + UInt32(digit) && 0x30 + UInt32(digit) <= end.value {
                        sure.insert(digit)
                        may = true
                    }
                } else if let digit = Self.digitValue(scalar) {
                    sure.insert(digit)
                    may = true
                }
            }
            guard peek() == "]" else { return nil }
            index += 1
            // A negated set takes a digit unless the set surely holds it.
            if negated { return (sure.count < 10, !may) }
            return (may, sure.count == 10)
        }

        /// One member of a class: its scalar, or nil (inside) for a class escape (`\d`, `\s`, `\p{…}`) whose digits
        /// are noted in `sure` and `may`; nil (outside) when not modelled.
        private mutating func classMember(_ sure: inout Set<Int>, _ may: inout Bool) -> Unicode.Scalar?? {
            guard let char = peek() else { return nil }
            if char == "[" && peek(1) == ":" { return nil } // POSIX classes
            guard char == "\\" else {
                index += 1
                return .some(char)
            }
            guard let next = peek(1) else { return nil }
            index += 2
            switch next {
            case "d", "w":
                sure.formUnion(0...9)
                may = true
                return .some(nil)
            case "D", "W", "s", "h", "v": return .some(nil)
            case "S", "H", "V", "N":
                may = true
                return .some(nil)
            case "p", "P":
                guard let name = propertyName() else { return nil }
                if !(next == "p" && name == "Han") { may = true }
                return .some(nil)
            case "n": return .some("\n")
            case "t": return .some("\t")
            case "r": return .some("\r")
            case "x":
                guard peek() == "{" else { return nil }
                var look = index + 1
                var value: UInt32 = 0
                while look < chars.count, chars[look] != "}" {
                    guard let digit = Int(String(chars[look]), radix: 16) else { return nil }
                    value = value &* 16 &+ UInt32(digit)
                    guard value <= 0x10FFFF else { return nil }
                    look += 1
                }
                guard look < chars.count, look > index + 1, let scalar = Unicode.Scalar(value) else { return nil }
                index = look + 1
                return .some(scalar)
            default:
                if next.properties.isAlphabetic || Self.digitValue(next) != nil || next.value > 0x7F { return nil }
                return .some(next)
            }
        }
    }
}
