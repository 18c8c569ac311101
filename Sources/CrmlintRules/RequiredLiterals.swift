import Foundation

/// The words one of which must appear in a text for a PCRE2 pattern to match
/// it, read from the pattern's source: `(?:保证|承诺)\s*(?:到货|交货)` needs one
/// of 到货, 交货 (or of 保证, 承诺). Used by `LiteralPrefilter` to skip patterns
/// that cannot match. The analysis is conservative: any construct it does not
/// understand (inline options, subroutine calls, `\Q…\E` with options …) gives
/// nil, and the pattern always runs.
public enum RequiredLiterals {
    /// At most this many alternatives in a set; a bigger one is not worth checking.
    static let maxSetSize = 4096
    /// At most this many conditions joined by "and" (the most selective are kept).
    static let maxConjuncts = 6

    /// What a text must contain for a match to be possible.
    public indirect enum Requirement: Hashable, Sendable {
        /// One of these words.
        case words(Set<String>)
        /// Every one of these.
        case all([Requirement])
        /// At least one of these.
        case any([Requirement])

        /// A rough selectivity: how rare its weakest word is (`wordStrength`).
        var strength: Int {
            switch self {
            case let .words(set): return set.map(RequiredLiterals.wordStrength).min() ?? 0
            case let .all(parts): return parts.map(\.strength).reduce(0, +)
            case let .any(parts): return parts.map(\.strength).min() ?? 0
            }
        }

        /// Every word set inside, for indexing.
        var wordSets: [Set<String>] {
            switch self {
            case let .words(set): return [set]
            case let .all(parts), let .any(parts): return parts.flatMap(\.wordSets)
            }
        }

        func lowercased() -> Requirement {
            switch self {
            case let .words(set): return .words(Set(set.map { RequiredLiterals.asciiLowercased($0) }))
            case let .all(parts): return .all(parts.map { $0.lowercased() })
            case let .any(parts): return .any(parts.map { $0.lowercased() })
            }
        }

        /// Both must hold; nil stands for "nothing required".
        static func and(_ parts: [Requirement?]) -> Requirement? {
            var flat: [Requirement] = []
            for part in parts.compactMap({ $0 }) {
                if case let .all(inner) = part { flat += inner } else { flat.append(part) }
            }
            var unique: [Requirement] = []
            for part in flat where !unique.contains(part) { unique.append(part) }
            if unique.count > maxConjuncts { unique = Array(unique.sorted { $0.strength > $1.strength }.prefix(maxConjuncts)) }
            if unique.isEmpty { return nil }
            return unique.count == 1 ? unique[0] : .all(unique)
        }

        /// Either holds; nil (nothing required) if any branch requires nothing.
        static func or(_ parts: [Requirement?]) -> Requirement? {
            var branches: [Requirement] = []
            for part in parts {
                guard let part else { return nil }
                if case let .any(inner) = part { branches += inner } else { branches.append(part) }
            }
            // Plain word sets merge into one set.
            var words = Set<String>()
            var rest: [Requirement] = []
            for branch in branches {
                if case let .words(set) = branch { words.formUnion(set) } else if !rest.contains(branch) { rest.append(branch) }
            }
            if words.count > maxSetSize { return nil }
            let all = (words.isEmpty ? [] : [Requirement.words(words)]) + rest
            if all.isEmpty { return nil }
            return all.count == 1 ? all[0] : .any(all)
        }
    }

    /// What a piece of a pattern can match: `exact` is the full set of strings
    /// when small and known; `required` is a set one of which every match holds.
    struct Info {
        var exact: Set<String>?
        var required: Requirement?
        /// Strings one of which every match starts with (nil: not known, or a match may be empty).
        var prefix: Set<String>? = nil
        /// For an atom that may match nothing (`\s*`, `[一二三]*`): the strings one of which it starts
        /// with when it matches something, else nil. Read only where a sequence looks for where a
        /// match starts (the atoms before the first one that must consume text); to everything else
        /// such an atom is unknown, as before.
        var optionalPrefix: Set<String>? = nil
        /// What every non-empty match starts with, as far as the pattern says (nil: not known), each
        /// with whether it is a whole match (then a sequence lengthens it with what follows):
        /// `prefix` carried through optional and one-of atoms, so a single common character is
        /// followed by the few that can come next (给 → 给您, 给你, 给 + a space: `heads`).
        var heads: [String: Bool]? = nil
        /// Whether the piece may match the empty string (with `heads`).
        var mayBeEmpty = false

        static let unknown = Info(exact: nil, required: nil)
        static let empty = Info(exact: [""], required: nil, heads: [:], mayBeEmpty: true)
        static func literal(_ text: String) -> Info {
            Info(exact: [text], required: .words([text]), prefix: [text], heads: [text: true])
        }
        /// Matches only the empty string (a lookaround, an anchor): does not move where a match starts.
        var isZeroWidth: Bool { exact == [""] }

        /// What a match needs: the requirement, else the exact strings when none is empty.
        var usable: Requirement? {
            if let required { return required }
            if let exact, !exact.isEmpty, !exact.contains(""), exact.count <= maxSetSize { return .words(exact) }
            return nil
        }
    }

    /// What a text needs for the pattern to match, or nil when nothing can be
    /// derived. ASCII letters are lower-cased: the prefilter compares them without case.
    public static func requirement(of source: String) -> Requirement? {
        var parser = Parser(Array(source.unicodeScalars))
        guard let info = parser.parseAlternation(), parser.atEnd else { return nil }
        return requirement(from: info)
    }

    /// `requirement(of:)` and `leadingWords(of:caseless:)` from one parse (the prefilter wants both).
    public static func analysis(of source: String, caseless: Bool = false) -> (requirement: Requirement?, leadingWords: Set<String>?) {
        var parser = Parser(Array(source.unicodeScalars))
        guard let info = parser.parseAlternation(), parser.atEnd else { return (nil, nil) }
        return (requirement(from: info), leadingWords(from: info, source: source, caseless: caseless))
    }

    private static func requirement(from info: Info) -> Requirement? {
        guard let requirement = info.usable else { return nil }
        guard !requirement.wordSets.contains(where: { $0.isEmpty || $0.contains("") }) else { return nil }
        return requirement.lowercased()
    }

    /// The words one of which every match of the pattern starts with (after
    /// any lookbehind), ASCII lower-cased as the prefilter compares them; nil
    /// when not known. A scan may then try the pattern only where one of them
    /// stands (`Pattern.allMatches(in:startingAt:)`).
    public static func leadingWords(of source: String, caseless: Bool = false) -> Set<String>? {
        analysis(of: source, caseless: caseless).leadingWords
    }

    private static func leadingWords(from info: Info, source: String, caseless: Bool) -> Set<String>? {
        // The lengthened heads where known, else the plain prefix (a word class too large to lengthen).
        let heads = info.mayBeEmpty ? nil : info.heads.map { Set($0.keys) }
        guard let prefix = heads ?? info.prefix, !prefix.isEmpty, !prefix.contains("") else { return nil }
        // The prefilter folds ASCII case only: a caseless pattern starting with another cased letter is left whole.
        if caseless || contains(source, "(?i") {
            for word in prefix where word.unicodeScalars.contains(where: { !$0.isASCII && $0.properties.changesWhenCaseMapped }) {
                return nil
            }
        }
        return Set(prefix.map(asciiLowercased))
    }

    /// `text.contains(piece)` by scalars (String's own goes through Foundation, slowly for long patterns).
    static func contains(_ text: String, _ piece: String) -> Bool {
        let needle = Array(piece.unicodeScalars)
        guard let first = needle.first else { return true }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= needle.count else { return false }
        for start in 0...(scalars.count - needle.count) where scalars[start] == first {
            if Array(scalars[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// The single best word set a pattern needs (for tests and docs).
    public static func of(_ source: String) -> Set<String>? {
        guard let requirement = requirement(of: source) else { return nil }
        if case let .words(set) = requirement { return set }
        return requirement.wordSets.max { ($0.map(\.utf8.count).min() ?? 0) < ($1.map(\.utf8.count).min() ?? 0) }
    }

    /// Characters so common in Chinese text that a word of one of them alone
    /// enables an entry almost always (the most frequent few hundred, and
    /// sales words every message has).
    static let commonCharacters = Set(
        "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保证拿转收货送钱您吗呢吧啊哦咱哈嗯呀啦嘛呗号台套款"
    )

    /// The characters `\s` may match in crmlint's patterns (PCRE2 with UTF and UCP: Unicode's Z
    /// categories, tab, line feed, vertical tab, form feed, carriage return, and U+180E, a space
    /// in the Unicode tables of Debian's PCRE2), plus NEL (U+0085), which Perl counts as space. A
    /// character too many only adds places to try; one missing would skip matches, so a test checks
    /// that every scalar PCRE2 itself matches is here (it found U+180E).
    public static let whiteSpaceStarts: Set<String> = Set(
        ([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E] + Array(0x2000...0x200A)
            + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
            .map { String(Character(Unicode.Scalar(UInt32($0))!)) })

    /// `whiteSpaceStarts` as `Info.heads` (each a whole match of `\s`), made once rather than per `\s` parsed.
    static let whiteSpaceHeads: [String: Bool] = Dictionary(uniqueKeysWithValues: whiteSpaceStarts.map { ($0, true) })

    /// How rare a word is likely to be: longer is rarer; one common character is weakest.
    static func wordStrength(_ word: String) -> Int {
        let characters = word.count
        if characters >= 2 { return 10 * characters }
        guard let only = word.first else { return 0 }
        if only.isASCII { return only.isLetter ? 2 : 1 }
        return commonCharacters.contains(only) ? 1 : 5
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Words shorter than this many characters are lengthened through an atom that could start
    /// several ways (`\s*`, `(?:给|帮)`, `[三四]`): a word of two is rare enough, and each step multiplies the words.
    static let headLength = 2
    /// At most this many words from lengthening; past it the words stay as they were.
    static let headLimit = 2048

    /// Whether a word is worth lengthening through an atom that could start several ways: the empty one (where
    /// a match starts is not known yet), or one common character or ASCII character (给, 用, a digit), which
    /// stands at many places. A rarer character is few places already: its lengthened words (one per white-space
    /// character after it, among others) would double the prefilter's tables for nothing.
    static func lengthens(_ word: String) -> Bool {
        guard let only = word.first else { return true }
        return word.count == 1 && (only.isASCII || commonCharacters.contains(only))
    }

    /// `heads` (word → still open: lengthened by what follows) after one more atom of a sequence: an open
    /// word followed by each of the atom's heads (open while those are whole matches), and kept open when
    /// the atom may match nothing. A word is closed (kept as it is) before an atom whose start is unknown,
    /// before one that could start several ways once it is `headLength` long or not worth lengthening
    /// (`lengthens`), and when the words would pass `headLimit`. Nil when the empty word meets an atom
    /// whose start is unknown (where a match starts is not known).
    static func lengthened(_ current: [String: Bool], by atom: Info) -> [String: Bool]? {
        guard current.values.contains(true) else { return current }
        if atom.isZeroWidth { return current } // a lookaround or anchor: consumes nothing
        let single = atom.heads.map { $0.count == 1 && !atom.mayBeEmpty } ?? false
        var next: [String: Bool] = [:]
        func add(_ word: String, _ open: Bool) { next[word] = (next[word] ?? true) && open }
        for (word, open) in current {
            guard open else {
                add(word, false)
                continue
            }
            guard let heads = atom.heads, single || (word.unicodeScalars.count < headLength && lengthens(word)) else {
                if word.isEmpty { return nil }
                add(word, false)
                continue
            }
            for (head, whole) in heads { add(word + head, whole) }
            if atom.mayBeEmpty { add(word, true) }
        }
        if next.count > headLimit {
            if current[""] != nil { return nil }
            return current.mapValues { _ in false }
        }
        return next
    }

    static func product(_ a: Set<String>, _ b: Set<String>) -> Set<String>? {
        guard a.count * b.count <= 256 else { return nil }
        var out = Set<String>()
        for x in a { for y in b { out.insert(x + y) } }
        return out
    }

    /// The top-level alternatives of a pattern (inside any groups that wrap it
    /// whole), or nil when it has fewer than `minimum` or cannot be split
    /// safely: numbered or named back references, inline options, a
    /// capturing group around the whole.
    public static func branches(of source: String, minimum: Int = 4) -> [String]? {
        var chars = Array(source.unicodeScalars)
        if hasReferenceOrInlineOption(chars) { return nil }
        // Strip wrapping non-capturing groups: (?:a|b|c) → a|b|c.
        while chars.count >= 4, chars[0] == "(", chars[1] == "?", chars[2] == ":", structure(chars, from: 3).close == chars.count - 1 {
            chars = Array(chars[3..<(chars.count - 1)])
        }
        let (bars, close) = structure(chars, from: 0)
        guard close == nil else { return nil } // an unmatched `)`: not a pattern to split
        var parts: [String] = []
        var start = 0
        for bar in bars + [chars.count] {
            parts.append(String(String.UnicodeScalarView(chars[start..<bar])))
            start = bar + 1
        }
        guard parts.count >= minimum, !parts.contains(where: \.isEmpty) else { return nil }
        return parts
    }

    /// Every alternative of a pattern, in order, an alternative that is itself a
    /// whole non-capturing group taken apart in place: `(?:a|b)|c` tries a, b and
    /// c in that order, as `a|b|c` does (`{{deal}}|{{favor}}` gives the words of
    /// both). Nil when it cannot be split safely (as `branches`) or has one alternative.
    public static func flattenedBranches(of source: String) -> [String]? {
        let chars = Array(source.unicodeScalars)
        if hasReferenceOrInlineOption(chars) { return nil }
        guard let pieces = alternatives(chars), pieces.count >= 2, !pieces.contains(where: \.isEmpty) else { return nil }
        return pieces.map { String(String.UnicodeScalarView($0)) }
    }

    /// The alternatives of `chars` at depth 0, whole non-capturing groups taken apart in place.
    static func alternatives(_ chars: [Unicode.Scalar]) -> [[Unicode.Scalar]]? {
        let (bars, close) = structure(chars, from: 0)
        guard close == nil else { return nil }
        var parts: [[Unicode.Scalar]] = []
        var start = 0
        for bar in bars + [chars.count] {
            let part = Array(chars[start..<bar])
            start = bar + 1
            if part.count >= 4, part[0] == "(", part[1] == "?", part[2] == ":", structure(part, from: 3).close == part.count - 1,
                let inner = alternatives(Array(part[3..<(part.count - 1)]))
            {
                parts += inner
            } else {
                parts.append(part)
            }
        }
        return parts
    }

    /// A back reference (`\\k`, `\\g`, `\\1`…) or an inline option group (`(?i)`) anywhere:
    /// a plain walk, since a Foundation regular expression per pattern was a tenth of loading.
    static func hasReferenceOrInlineOption(_ chars: [Unicode.Scalar]) -> Bool {
        let options = "imnsxJU^-".unicodeScalars
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count {
                let next = chars[i + 1]
                if next == "k" || next == "g" || ("1"..."9").contains(next) { return true }
                i += 2
                continue
            }
            if chars[i] == "(", i + 2 < chars.count, chars[i + 1] == "?", options.contains(chars[i + 2]) {
                var j = i + 2
                while j < chars.count, options.contains(chars[j]) { j += 1 }
                if j < chars.count, chars[j] == ")" { return true }
            }
            i += 1
        }
        return false
    }

    /// One walk over a pattern from `start` at group depth 0: the positions of
    /// its `|` at that depth, and the `)` that closes the group `start` is in
    /// (nil when the text ends first). Escapes and character classes are
    /// stepped over, so `\|`, `[|]` and `[)]` do not count.
    static func structure(_ chars: [Unicode.Scalar], from start: Int) -> (bars: [Int], close: Int?) {
        var bars: [Int] = []
        var depth = 0
        var i = start
        while i < chars.count {
            switch chars[i] {
            case "\\": i += 1
            case "[":
                i += 1
                if i < chars.count, chars[i] == "^" { i += 1 }
                if i < chars.count, chars[i] == "]" { i += 1 }
                while i < chars.count, chars[i] != "]" { if chars[i] == "\\" { i += 1 }; i += 1 }
            case "(": depth += 1
            case ")":
                if depth == 0 { return (bars, i) }
                depth -= 1
            case "|" where depth == 0: bars.append(i)
            default: break
            }
            i += 1
        }
        return (bars, nil)
    }

    /// Parsed groups by their text, shared by every pattern of a process.
    final class GroupCache: @unchecked Sendable {
        static let shared = GroupCache()
        private let lock = NSLock()
        // Keyed by scalars, not String: hashing a String normalises it, and
        // these keys are long (a whole word class) and looked up for every use.
        private var table: [[Unicode.Scalar]: Info?] = [:]
        func get(_ key: [Unicode.Scalar]) -> (info: Info?, found: Bool)? {
            lock.lock(); defer { lock.unlock() }
            guard let value = table[key] else { return nil }
            return (value, true)
        }
        func set(_ key: [Unicode.Scalar], _ info: Info?) {
            lock.lock(); defer { lock.unlock() }
            if table.count > 100_000 { table.removeAll() }
            table[key] = .some(info)
        }
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
            var prefix: Set<String>? = []
            for branch in branches {
                if let p = branch.prefix, let count = prefix?.count, count + p.count <= maxSetSize {
                    prefix!.formUnion(p)
                } else {
                    prefix = nil; break
                }
            }
            var exact: Set<String>? = []
            for branch in branches {
                // In place: a union per branch into a new set was quadratic in a word class's size.
                if let e = branch.exact, let count = exact?.count, count + e.count <= 256 {
                    exact!.formUnion(e)
                } else {
                    exact = nil; break
                }
            }
            var heads: [String: Bool]? = [:]
            for branch in branches {
                guard let h = branch.heads, heads != nil else { heads = nil; break }
                // A word whole in one branch and the start of more in another is not whole.
                for (word, whole) in h { heads![word] = (heads![word] ?? true) && whole }
                if heads!.count > maxSetSize { heads = nil; break }
            }
            return Info(
                exact: exact, required: Requirement.or(branches.map(\.usable)), prefix: prefix, heads: heads,
                mayBeEmpty: branches.contains { $0.mayBeEmpty })
        }

        mutating func parseSequence() -> Info? {
            var allExact: Set<String>? = [""]
            var run: Set<String> = [""] // exact strings of the current run of exact atoms
            // Single-string atoms (the characters of a word) waiting to be appended
            // to every string of `run` and `allExact`: one set operation per word, not per character.
            var pending = ""
            var needs: [Requirement?] = []
            func fold() {
                guard !pending.isEmpty else { return }
                run = Set(run.map { $0 + pending })
                if let a = allExact { allExact = Set(a.map { $0 + pending }) }
                pending = ""
            }
            func flush() {
                fold()
                if !run.contains("") { needs.append(.words(run)) }
            }
            // The first atom that consumes text decides where a match starts.
            // Exact atoms right after it lengthen the prefixes (事 + 成 → 事成: fewer places to try).
            // Optional exact atoms before it (`(?:都|全)?能`) add their strings.
            var leading: Set<String>?? = .none
            var extending = false
            var optional: Set<String> = []
            var heads: [String: Bool]? = ["": true]
            while let c = peek(), c != "|", c != ")" {
                guard let atom = parseQuantifiedAtom() else { return nil }
                if let current = heads { heads = RequiredLiterals.lengthened(current, by: atom) }
                if leading == nil {
                    if let e = atom.exact, e.contains(""), e.count > 1, optional.count + e.count <= maxSetSize {
                        optional.formUnion(e.subtracting([""]))
                    } else if let p = atom.optionalPrefix, !p.isEmpty, !p.contains(""), optional.count + p.count <= maxSetSize {
                        // Optional white space or characters of a class before the first word
                        // (`(?:算下来)?\s*(?:每|一)人`, `[一二]*[三四]`): a match may start with them too.
                        optional.formUnion(p)
                    } else if !atom.isZeroWidth {
                        leading = .some(atom.prefix.map { $0.union(optional) })
                        extending = atom.prefix != nil && atom.exact != nil && optional.isEmpty
                    }
                } else if extending, case let .some(.some(current)) = leading {
                    if let e = atom.exact, let joined = RequiredLiterals.product(current, e) {
                        leading = .some(joined)
                    } else {
                        extending = false
                    }
                }
                if let e = atom.exact, e.count == 1 {
                    pending += e.first!
                    continue
                }
                fold()
                if let e = atom.exact {
                    if let joined = RequiredLiterals.product(run, e) {
                        run = joined
                    } else {
                        flush()
                        run = e
                    }
                    if let a = allExact { allExact = RequiredLiterals.product(a, e) }
                } else {
                    flush()
                    run = [""]
                    needs.append(atom.required)
                    allExact = nil
                }
            }
            flush()
            // A word still open at the end is a whole match of the sequence; the empty one, that it may match nothing.
            let mayBeEmpty = heads?[""] == true
            heads?[""] = nil
            return Info(exact: allExact, required: Requirement.and(needs), prefix: leading ?? nil, heads: heads, mayBeEmpty: mayBeEmpty)
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
                guard let (lo, hi, length) = braces() else { return atom } // a literal brace
                minimum = lo; maximum = hi; index += length
            default: return atom
            }
            if peek() == "?" || peek() == "+" { index += 1 } // lazy or possessive
            // Repeated, a whole match of the atom may be followed by another: its heads are not whole.
            let heads = maximum == 1 ? atom.heads : atom.heads?.mapValues { _ in false }
            if maximum == 0 { return .empty }
            if minimum == 0 {
                if maximum == 1, let e = atom.exact, e.count < 256 {
                    return Info(exact: e.union([""]), required: nil, heads: heads, mayBeEmpty: true)
                }
                return Info(exact: nil, required: nil, optionalPrefix: atom.prefix, heads: heads, mayBeEmpty: true)
            }
            if minimum == 1 && maximum == 1 { return atom }
            atom.required = atom.usable
            atom.exact = nil
            atom.heads = heads
            return atom
        }

        /// `{n}`, `{n,}`, `{n,m}`, `{,m}` at the current index: (min, max, length).
        func braces() -> (Int, Int?, Int)? {
            var i = index + 1
            var lo = "", hi = "", comma = false
            while i < chars.count, chars[i] != "}" {
                let ch = chars[i]
                if ch == "," {
                    if comma { return nil }; comma = true
                } else if ch.properties.numericType != nil, ch.isASCII {
                    if comma { hi.unicodeScalars.append(ch) } else { lo.unicodeScalars.append(ch) }
                } else if ch != " " {
                    return nil
                }
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
            // A backtracking verb ((*SKIP), (*COMMIT)…) changes what matches and where: nothing is derived.
            if peek() == "*" { return nil }
            if peek() == "?" {
                index += 1
                guard let kind = peek() else { return nil }
                switch kind {
                case ":", ">", "|":
                    index += 1
                    if kind == "|" { return nil } // branch reset: numbering games, not worth it
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
                    // Subroutine calls, conditionals: give up.
                    guard !flags.isEmpty, !flags.contains("x"), i < chars.count else { return nil }
                    index = i + 1
                    if chars[i] == ")" { return .empty }
                    guard chars[i] == ":" else { return nil }
                }
            }
            // Word classes expand to the same group in many patterns: parse each once.
            let start = index
            if let end = RequiredLiterals.structure(chars, from: start).close, end - start > 48 {
                let key = Array(chars[start..<end])
                if let cached = GroupCache.shared.get(key) {
                    index = end + 1
                    return cached.info
                }
                let inner = parseAlternation()
                guard let inner, peek() == ")" else {
                    GroupCache.shared.set(key, nil)
                    return nil
                }
                index += 1
                GroupCache.shared.set(key, inner)
                return inner
            }
            guard let inner = parseAlternation(), peek() == ")" else { return nil }
            index += 1
            return inner
        }

        /// Skips `<name>` / `'name'` after `(?`; the index ends after the closing mark.
        mutating func skipName(until close: Unicode.Scalar, from offset: Int) -> Bool {
            var i = index + offset
            while i < chars.count, chars[i] != close {
                guard chars[i].properties.isAlphabetic || chars[i] == "_" || (chars[i].isASCII && chars[i].properties.numericType != nil)
                else { return false }
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
                if ch == "[" && peek() == ":" { // [:alpha:]
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
                if peek() == "-", let after = peek(1), after != "]" { // a range
                    index += 2
                    if after == "\\" { index += 1; exact = false; continue }
                    // A small range of plain characters ([0-9], [a-f]) is its members.
                    if ch.value <= after.value, after.value - ch.value < 64 {
                        for value in ch.value...after.value {
                            if let scalar = Unicode.Scalar(value) { members.insert(String(Character(scalar))) }
                        }
                    } else {
                        exact = false
                    }
                    continue
                }
                members.insert(String(Character(ch)))
            }
            guard peek() == "]" else { return nil }
            index += 1
            guard exact, !members.isEmpty, members.count <= 64 else { return .unknown }
            return Info(
                exact: members, required: .words(members), prefix: members,
                heads: Dictionary(uniqueKeysWithValues: members.map { ($0, true) }))
        }

        mutating func parseEscape() -> Info? {
            guard let e = peek() else { return nil }
            index += 1
            switch e {
            case "s":
                // One white-space character: unknown as a word (never required), but known as where a match
                // may start (`\s*每人…`, `\s+元`).
                return Info(exact: nil, required: nil, prefix: RequiredLiterals.whiteSpaceStarts, heads: RequiredLiterals.whiteSpaceHeads)
            case "d", "D", "S", "w", "W", "h", "H", "v", "V", "R", "N", "X", "C", "n", "t", "r", "f", "e", "a", "0":
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
                if e.isASCII, e.properties.numericType != nil { return .unknown } // a backreference
                if e.isASCII, e.properties.isAlphabetic { return nil } // an escape not known here
                return .literal(String(Character(e)))
            }
        }
    }
}
