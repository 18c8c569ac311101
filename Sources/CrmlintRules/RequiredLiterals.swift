/// The words one of which must appear in a text for a PCRE2 pattern to match
/// it, read from the pattern's source: `(?:保证|承诺)\s*(?:到货|交货)` needs one
/// of 到货, 交货 (or of 保证, 承诺). Used by `LiteralPrefilter` to skip patterns
/// that cannot match. The analysis is conservative: any construct it does not
/// understand (inline options, subroutine calls, `\Q…\E` with options …) gives
/// nil, and the pattern always runs.
public enum RequiredLiterals {
    /// At most this many alternatives in a set; a bigger one is not worth checking.
    static let maxSetSize = 4096

    /// What a piece of a pattern can match: `exact` is the full set of strings
    /// when small and known; `required` is a set one of which every match holds.
    struct Info {
        var exact: Set<String>?
        var required: Set<String>?

        static let unknown = Info(exact: nil, required: nil)
        static let empty = Info(exact: [""], required: nil)
        static func literal(_ text: String) -> Info { Info(exact: [text], required: [text]) }

        /// A set usable as a requirement: known, non-empty strings only.
        var usable: Set<String>? {
            if let required { return required }
            if let exact, !exact.contains("") { return exact }
            return nil
        }
    }

    /// The required words of a pattern, or nil when none can be derived.
    /// ASCII letters are lower-cased: the prefilter compares them without case.
    public static func of(_ source: String) -> Set<String>? {
        var parser = Parser(Array(source.unicodeScalars))
        guard let info = parser.parseAlternation(), parser.atEnd else { return nil }
        guard let set = info.usable, !set.isEmpty, set.count <= maxSetSize, !set.contains("") else { return nil }
        return Set(set.map { asciiLowercased($0) })
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The better of two requirement sets: longer shortest word, then fewer words.
    static func better(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
        guard let a else { return b }
        guard let b else { return a }
        let ma = a.map(\.utf8.count).min() ?? 0, mb = b.map(\.utf8.count).min() ?? 0
        if ma != mb { return ma > mb ? a : b }
        return a.count <= b.count ? a : b
    }

    static func product(_ a: Set<String>, _ b: Set<String>) -> Set<String>? {
        guard a.count * b.count <= 256 else { return nil }
        var out = Set<String>()
        for x in a { for y in b { out.insert(x + y) } }
        return out
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        var failed = false

        init(_ chars: [Unicode.Scalar]) { self.chars = chars }

        var atEnd: Bool { index >= chars.count }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        mutating func parseAlternation() -> Info? {
            var branches: [Info] = []
            while true {
                guard let branch = parseSequence() else { return nil }
                branches.append(branch)
                if peek() == "|" { index += 1; continue }
                break
            }
            if branches.count == 1 { return branches[0] }
            var exact: Set<String>? = []
            var required: Set<String>? = []
            for branch in branches {
                if let e = branch.exact, let so = exact, so.count + e.count <= 256 { exact = so.union(e) } else { exact = nil }
                if let r = branch.usable, let so = required { required = so.union(r) } else { required = nil }
            }
            if let r = required, r.count > maxSetSize { required = nil }
            return Info(exact: exact, required: required)
        }

        mutating func parseSequence() -> Info? {
            var allExact: Set<String>? = [""]
            var run: Set<String>? = [""]     // exact strings of the current run of exact atoms
            var best: Set<String>?
            func flush() {
                if let run, !run.contains("") { best = RequiredLiterals.better(best, run) }
            }
            while let c = peek(), c != "|", c != ")" {
                guard let atom = parseQuantifiedAtom() else { return nil }
                best = RequiredLiterals.better(best, atom.required)
                if let e = atom.exact {
                    if let r = run, let joined = RequiredLiterals.product(r, e) { run = joined } else {
                        flush()
                        run = e
                    }
                    if let a = allExact { allExact = RequiredLiterals.product(a, e) }
                } else {
                    flush()
                    run = [""]
                    allExact = nil
                }
            }
            flush()
            return Info(exact: allExact, required: best)
        }

        mutating func parseQuantifiedAtom() -> Info? {
            guard var atom = parseAtom() else { return nil }
            guard let c = peek() else { return atom }
            var minimum = 1, maximum: Int? = 1
            switch c {
            case "?": minimum = 0; maximum = 1; index += 1
            case "*": minimum = 0; maximum = nil; index += 1
            case "+": minimum = 1; maximum = nil; index += 1
            case "{":
                guard let (lo, hi, length) = braces() else { return atom }   // a literal brace
                minimum = lo; maximum = hi; index += length
            default: return atom
            }
            if peek() == "?" || peek() == "+" { index += 1 }   // lazy or possessive
            if minimum == 0 {
                if maximum == 1, let e = atom.exact, e.count < 256 { return Info(exact: e.union([""]), required: nil) }
                return .unknown
            }
            if minimum == 1 && maximum == 1 { return atom }
            atom.required = atom.usable
            atom.exact = nil
            return atom
        }

        /// `{n}`, `{n,}`, `{n,m}`, `{,m}` at the current index: (min, max, length).
        func braces() -> (Int, Int?, Int)? {
            var i = index + 1
            var lo = "", hi = "", comma = false
            while i < chars.count, chars[i] != "}" {
                let ch = chars[i]
                if ch == "," { if comma { return nil }; comma = true }
                else if ch.properties.numericType != nil, ch.isASCII { if comma { hi.unicodeScalars.append(ch) } else { lo.unicodeScalars.append(ch) } }
                else if ch != " " { return nil }
                i += 1
            }
            guard i < chars.count, !(lo.isEmpty && hi.isEmpty) else { return nil }
            let minimum = Int(lo) ?? 0
            let maximum: Int? = comma ? (hi.isEmpty ? nil : Int(hi)) : minimum
            return (minimum, maximum, i - index + 1)
        }

        mutating func parseAtom() -> Info? {
            guard let c = peek() else { return nil }
            index += 1
            switch c {
            case "(":
                return parseGroup()
            case "[":
                return parseClass()
            case "\\":
                return parseEscape()
            case ".":
                return .unknown
            case "^", "$":
                return .empty
            default:
                return .literal(String(Character(c)))
            }
        }

        mutating func parseGroup() -> Info? {
            if peek() == "?" {
                index += 1
                guard let kind = peek() else { return nil }
                switch kind {
                case ":", ">", "|":
                    index += 1
                    if kind == "|" { return nil }   // branch reset: numbering games, not worth it
                case "=", "!":
                    index += 1
                    return lookaround()
                case "<":
                    if peek(1) == "=" || peek(1) == "!" {
                        index += 2
                        return lookaround()
                    }
                    guard skipName(until: ">", from: 1) else { return nil }
                case "P":
                    guard peek(1) == "<", skipName(until: ">", from: 2) else { return nil }
                case "'":
                    guard skipName(until: "'", from: 1) else { return nil }
                case "#":
                    while let ch = peek(), ch != ")" { index += 1 }
                    guard peek() == ")" else { return nil }
                    index += 1
                    return .empty
                default:
                    // Inline options: case does not matter (the prefilter compares ASCII
                    // without case), but extended mode changes how the rest reads.
                    var i = index
                    var flags = ""
                    while i < chars.count, "imnsxJU^-".unicodeScalars.contains(chars[i]) { flags.unicodeScalars.append(chars[i]); i += 1 }
                    guard !flags.isEmpty, !flags.contains("x"), i < chars.count else { return nil }   // subroutine calls, conditionals: give up
                    index = i + 1
                    if chars[i] == ")" { return .empty }
                    guard chars[i] == ":" else { return nil }
                }
            }
            guard let inner = parseAlternation(), peek() == ")" else { return nil }
            index += 1
            return inner
        }

        /// Skips `<name>` / `'name'` after `(?`; the index ends after the closing mark.
        mutating func skipName(until close: Unicode.Scalar, from offset: Int) -> Bool {
            var i = index + offset
            while i < chars.count, chars[i] != close {
                guard chars[i].properties.isAlphabetic || chars[i] == "_" || (chars[i].isASCII && chars[i].properties.numericType != nil) else { return false }
                i += 1
            }
            guard i < chars.count else { return false }
            index = i + 1
            return true
        }

        /// Lookarounds match no characters: what they need is not part of the match.
        mutating func lookaround() -> Info? {
            guard parseAlternation() != nil, peek() == ")" else { return nil }
            index += 1
            return .empty
        }

        mutating func parseClass() -> Info? {
            var members = Set<String>()
            var exact = true
            if peek() == "^" { exact = false; index += 1 }
            var first = true
            while let ch = peek() {
                if ch == "]" && !first { break }
                first = false
                index += 1
                if ch == "[" && peek() == ":" {   // [:alpha:]
                    exact = false
                    while let x = peek(), x != "]" { index += 1 }
                    index += 1
                    continue
                }
                if ch == "\\" {
                    guard let e = peek() else { return nil }
                    index += 1
                    if e.properties.isAlphabetic || (e.isASCII && e.properties.numericType != nil) {
                        exact = false
                        if (e == "p" || e == "P" || e == "x") && peek() == "{" {
                            while let x = peek(), x != "}" { index += 1 }
                            index += 1
                        }
                    } else {
                        members.insert(String(Character(e)))
                    }
                    continue
                }
                if peek() == "-", let after = peek(1), after != "]" {   // a range
                    exact = false
                    index += 2
                    if after == "\\" { index += 1 }
                    continue
                }
                members.insert(String(Character(ch)))
            }
            guard peek() == "]" else { return nil }
            index += 1
            guard exact, !members.isEmpty, members.count <= 32 else { return .unknown }
            return Info(exact: members, required: members)
        }

        mutating func parseEscape() -> Info? {
            guard let e = peek() else { return nil }
            index += 1
            switch e {
            case "d", "D", "s", "S", "w", "W", "h", "H", "v", "V", "R", "N", "X", "C", "n", "t", "r", "f", "e", "a", "0":
                return .unknown
            case "b", "B", "A", "z", "Z", "G", "K", "E":
                return .empty
            case "p", "P":
                if peek() == "{" {
                    while let x = peek(), x != "}" { index += 1 }
                    guard peek() == "}" else { return nil }
                    index += 1
                } else {
                    index += 1
                }
                return .unknown
            case "x":
                var hex = ""
                if peek() == "{" {
                    index += 1
                    while let x = peek(), x != "}" { hex.unicodeScalars.append(x); index += 1 }
                    guard peek() == "}" else { return nil }
                    index += 1
                } else {
                    for _ in 0..<2 { if let x = peek(), x.properties.isASCIIHexDigit { hex.unicodeScalars.append(x); index += 1 } }
                }
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
                return .literal(String(Character(scalar)))
            case "c":
                index += 1
                return .unknown
            case "Q":
                var text = ""
                while let x = peek() {
                    if x == "\\", peek(1) == "E" { index += 2; break }
                    text.unicodeScalars.append(x)
                    index += 1
                }
                return text.isEmpty ? .empty : .literal(text)
            case "k", "g":
                // Back references and subroutine calls match text not known here.
                if let open = peek(), "<{'".unicodeScalars.contains(open) {
                    let close: Unicode.Scalar = open == "<" ? ">" : open == "{" ? "}" : "'"
                    index += 1
                    while let x = peek(), x != close { index += 1 }
                    guard peek() == close else { return nil }
                    index += 1
                } else {
                    if peek() == "-" { index += 1 }
                    while let x = peek(), x.isASCII, x.properties.numericType != nil { index += 1 }
                }
                return .unknown
            default:
                if e.isASCII, e.properties.numericType != nil { return .unknown }   // a backreference
                if e.isASCII, e.properties.isAlphabetic { return nil }              // an escape not known here
                return .literal(String(Character(e)))
            }
        }
    }
}
