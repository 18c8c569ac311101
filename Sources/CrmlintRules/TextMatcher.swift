import CrmlintCore
import Foundation
import PatternEngine
import Yams

/// How far a combination or an exception reaches around a hit.
public enum TextScope: String, Sendable, CaseIterable {
    /// Between `，。！？；、` (and their ASCII forms) or line breaks.
    case clause
    /// Between `。！？…` or line breaks: a clause and its neighbours in one sentence.
    case sentence
    /// The whole field.
    case message

    /// The scope's range around `hit`, at most `limit` characters either side.
    /// The punctuation that ends the scope belongs to it (a `[?]` part sees the
    /// question mark closing its clause; a question mark closing the sentence
    /// makes it a question); line breaks do not.
    func range(around hit: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> Range<Int> {
        if self == .message, limit == .max { return 0..<buffer.count }
        let scoped = Clause.window(around: hit, in: buffer, limit: limit, sentence: self == .message ? nil : self == .sentence)
        var end = scoped.upperBound
        if end < buffer.count, buffer[end] != 0x0A, buffer[end] != 0x0D { end = UTF8Offsets.nextScalarStart(buffer, after: end) }
        return scoped.lowerBound..<min(end, buffer.count)
    }
}

/// One entry of `patterns`: a PCRE2 pattern, or a combination of entries.
///
///     patterns:
///       - '{{promise}}.{0,6}{{deliverable}}'          # a pattern
///       - all: ['{{promise}}', '{{deliverable}}']     # every part in one clause, any order
///       - {all: ['{{money}}', '{{personal}}'], near: 12}   # within 12 characters of each other
///       - {all: [...], within: sentence}             # in one sentence
///       - any: ['…', {all: [...]}]                    # any of them
public indirect enum TextMatcher: Sendable {
    case pattern(Pattern, captureGroup: Int?)
    /// A pattern searched through its alternatives: `parts` are the pattern's
    /// alternatives in groups (`partPieces`), which the prefilter may skip or
    /// try only where their leading words stand, and the pattern's own matches
    /// are found from where they match (`alternationHits`): exactly what
    /// searching the whole pattern finds, without scanning every character for
    /// the few alternatives whose start is unknown.
    case alternation(Pattern, captureGroup: Int?, parts: [Pattern])
    case any([TextMatcher])
    case all([TextMatcher], near: Int?, scope: TextScope)

    /// A hit and the range of the captured amount, if its pattern has one.
    public struct Hit: Sendable {
        public let range: Range<Int>
        public let captured: Range<Int>?
    }

    /// What a text must contain for this entry to hit, from what each pattern
    /// inside needs (`RequiredLiterals`; the prefilter passes its memo); nil
    /// when nothing can be derived and the entry must always run.
    public func requirement(
        of patternRequirement: (Pattern) -> RequiredLiterals.Requirement?
    ) -> RequiredLiterals.Requirement? {
        switch self {
        case let .pattern(pattern, _): return patternRequirement(pattern)
        // Every match of the pattern is a match of one of its parts.
        case let .alternation(_, _, parts): return RequiredLiterals.Requirement.or(parts.map(patternRequirement))
        case let .any(parts): return RequiredLiterals.Requirement.or(parts.map { $0.requirement(of: patternRequirement) })
        case let .all(parts, _, _): return RequiredLiterals.Requirement.and(parts.map { $0.requirement(of: patternRequirement) })
        }
    }

    /// Every pattern inside, for probes and captures.
    public var leaves: [Pattern] { Self.leaves(of: [self]) }

    /// The leaves of `matchers`, entry after entry (a rule's patterns), in one array reserved at their
    /// count: an array per combination, flattened, was 1 M instructions of loading the rules.
    public static func leaves(of matchers: [TextMatcher]) -> [Pattern] {
        var leaves: [Pattern] = []
        leaves.reserveCapacity(matchers.reduce(0) { $0 + $1.leafCount })
        for matcher in matchers { matcher.appendLeaves(to: &leaves) }
        return leaves
    }

    private func appendLeaves(to leaves: inout [Pattern]) {
        switch self {
        case let .pattern(pattern, _): leaves.append(pattern)
        case let .alternation(_, _, parts): leaves += parts
        case let .any(parts), let .all(parts, _, _): for part in parts { part.appendLeaves(to: &leaves) }
        }
    }

    /// The patterns as the rule wrote them: an alternation's whole pattern, not the
    /// parts it is searched through (whose capture groups are numbered apart). For
    /// checking captures and naming a pattern in a message.
    public var writtenPatterns: [Pattern] {
        switch self {
        case let .pattern(pattern, _), let .alternation(pattern, _, _): return [pattern]
        case let .any(parts), let .all(parts, _, _): return parts.flatMap(\.writtenPatterns)
        }
    }

    /// How many patterns are inside (the length of `leaves`).
    public var leafCount: Int {
        switch self {
        case .pattern: return 1
        case let .alternation(_, _, parts): return parts.count
        case let .any(parts), let .all(parts, _, _): return parts.reduce(0) { $0 + $1.leafCount }
        }
    }

    /// How a pattern inside runs on one text: not at all (its required words
    /// are absent), over the whole text, or only where one of its leading
    /// words stands, with its anchored twin (`resumingInDigitRuns`: the places
    /// lack digits inside runs of digits, `DigitRunStarts`).
    enum Run {
        case skip
        case scan
        case at([Int], anchored: Pattern, resumingInDigitRuns: Bool = false)
    }

    /// One pattern's non-empty matches, run as `run` says, with its capture `group` as the captured range.
    static func hits(
        of pattern: Pattern, group: Int?, run: Run, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch
    ) throws -> [Hit] {
        let matches: [PatternMatch]
        switch run {
        case .skip: return []
        case .scan: matches = try pattern.allMatches(in: buffer, scratch: scratch)
        case let .at(starts, anchored, resuming):
            matches = try anchored.allMatches(in: buffer, startingAt: starts, resumingInDigitRuns: resuming, scratch: scratch)
        }
        return matches.compactMap { match in
            guard !match.range.isEmpty else { return nil }
            let captured = group.flatMap { $0 < match.groups.count ? match.groups[$0] : nil }
            return Hit(range: match.range, captured: captured)
        }
    }

    func hits(in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws -> [Hit] {
        try hits(in: buffer, scratch: scratch, firstLeaf: 0) { _ in .scan }
    }

    /// The hits, running each pattern as `runs` says (by its index in
    /// `leaves`, counted from `firstLeaf`); a pattern skipped is taken to have
    /// no hit, so `runs` must skip only where the pattern cannot match (the
    /// prefilter's answer for its required words) and give start positions
    /// only where every match starts at one.
    func hits(in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch, firstLeaf: Int, runs: (Int) throws -> Run) throws -> [Hit] {
        switch self {
        case let .pattern(pattern, group):
            return try Self.hits(of: pattern, group: group, run: runs(firstLeaf), in: buffer, scratch: scratch)
        case let .alternation(whole, group, parts):
            return try Self.alternationHits(
                whole: whole, group: group, parts: parts, first: 0, count: parts.count, in: buffer, scratch: scratch
            ) {
                try runs(firstLeaf + $0)
            }
        case let .any(parts):
            var result: [Hit] = []
            var leaf = firstLeaf
            for part in parts {
                result.add(try part.hits(in: buffer, scratch: scratch, firstLeaf: leaf, runs: runs))
                leaf += part.leafCount
            }
            return result
        case let .all(parts, near, scope):
            var leaf = firstLeaf
            return try Self.allHits(parts: parts.count, near: near, scope: scope, in: buffer) { index in
                defer { leaf += parts[index].leafCount }
                return try parts[index].hits(in: buffer, scratch: scratch, firstLeaf: leaf, runs: runs)
            }
        }
    }

    /// An `all`'s hits, its parts' from `hitsOfPart` (asked for each part in
    /// order, 0 first): later parts are searched only when every earlier one hit
    /// (the common case is no hit), then combined (`combined`).
    static func allHits(
        parts: Int, near: Int?, scope: TextScope, in buffer: UnsafeBufferPointer<UInt8>, hitsOfPart: (Int) throws -> [Hit]
    ) rethrows -> [Hit] {
        guard parts > 0 else { return [] }
        let anchors = try hitsOfPart(0)
        if anchors.isEmpty { return [] }
        var others: [[Hit]] = []
        for index in 1..<parts {
            let found = try hitsOfPart(index)
            if found.isEmpty { return [] }
            others.append(found)
        }
        return combined(anchors: anchors, others: others, near: near, scope: scope, in: buffer)
    }

    /// The non-empty matches of `whole`, found through its parts
    /// (`parts[first..<first + count]`, run as `runs` says by their index from
    /// `first`): at each step the earliest place at or after the search position
    /// where a part matches is where the whole pattern's leftmost match starts,
    /// and the whole pattern anchored there gives that match (the first of its
    /// alternatives that matches there, as a search of the whole finds it). A part
    /// the prefilter skips cannot match; one it anchors is tried at its leading
    /// words only. So this finds what `whole.allMatches` finds, without scanning
    /// every character with every alternative.
    static func alternationHits(
        whole: Pattern, group: Int?, parts: [Pattern], first: Int, count: Int, in buffer: UnsafeBufferPointer<UInt8>,
        scratch: MatchScratch, runs: (Int) throws -> Run
    ) throws -> [Hit] {
        var partRuns: [Run] = []
        partRuns.reserveCapacity(count)
        var running = false, scanning = true
        for index in 0..<count {
            let run = try runs(index)
            partRuns.append(run)
            switch run {
            case .skip: scanning = false
            case .scan: running = true
            case .at: running = true; scanning = false
            }
        }
        guard running else { return [] }
        // Every part searched whole (no prefilter): one search of the whole pattern is cheaper.
        if scanning { return try hits(of: whole, group: group, run: .scan, in: buffer, scratch: scratch) }
        // Per part, the earliest start at or after the search position: -1 not yet looked for, Int.max none.
        // (On the stack: `[Int](repeating:count:)` was not specialised, its storage class looked up at run time.)
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { next in
            next.initialize(repeating: -1)
            for index in 0..<count { if case .skip = partRuns[index] { next[index] = Int.max } }
            let anchoredWhole = whole.anchored()
            var result: [Hit] = []
            var position = 0
            while position <= buffer.count {
                var start = Int.max
                for index in 0..<count {
                    if next[index] < position {
                        next[index] =
                            try earliestStart(of: parts[first + index], run: partRuns[index], from: position, in: buffer, scratch: scratch)
                            ?? Int.max
                    }
                    start = min(start, next[index])
                }
                guard start != Int.max else { break }
                guard let match = try anchoredWhole.firstMatch(in: buffer, from: start, scratch: scratch) else {
                    // A part matches here, so the whole does; should PCRE2 disagree, search the whole.
                    return try hits(of: whole, group: group, run: .scan, in: buffer, scratch: scratch)
                }
                if !match.range.isEmpty {
                    result.append(Hit(range: match.range, captured: group.flatMap { $0 < match.groups.count ? match.groups[$0] : nil }))
                }
                position = match.range.upperBound > start ? match.range.upperBound : UTF8Offsets.nextScalarStart(buffer, after: start)
            }
            return result
        }
    }

    /// Where `part`'s leftmost match at or after `position` starts, run as `run` says (nil: none).
    private static func earliestStart(
        of part: Pattern, run: Run, from position: Int, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch
    ) throws -> Int? {
        switch run {
        case .skip: return nil
        case .scan: return try part.firstMatch(in: buffer, from: position, scratch: scratch)?.range.lowerBound
        case let .at(starts, anchored, resuming):
            // (A search that begins inside a run of digits, where another part's match ended, tries its own place
            // first when the starts lack such digits: `Pattern.firstMatch(in:startingAt:from:…)`.)
            var next = 0
            return try anchored.firstMatch(
                in: buffer, startingAt: starts, from: position, next: &next, resumingInDigitRuns: resuming, scratch: scratch)?.start
        }
    }

    /// An `all`'s hits from its parts' hits: each hit of the first part (`anchors`)
    /// with the nearest hit of every other part in its scope (or within `near`
    /// characters), as one span; the tightest of nested spans kept.
    private static func combined(
        anchors: [Hit], others: [[Hit]], near: Int?, scope: TextScope, in buffer: UnsafeBufferPointer<UInt8>
    ) -> [Hit] {
        var result: [Hit] = []
        for anchor in anchors {
            let area = near == nil ? scope.range(around: anchor.range, in: buffer) : 0..<buffer.count
            var lower = anchor.range.lowerBound, upper = anchor.range.upperBound
            var captured = anchor.captured
            var complete = true
            for candidates in others {
                let fitting = candidates.filter { hit in
                    guard area.lowerBound <= hit.range.lowerBound, hit.range.upperBound <= area.upperBound else { return false }
                    guard let near else { return true }
                    return Self.gap(anchor.range, hit.range, in: buffer) <= near
                }
                guard
                    let best = fitting.min(by: {
                        Self.gap(anchor.range, $0.range, in: buffer) < Self.gap(anchor.range, $1.range, in: buffer)
                    })
                else { complete = false; break }
                lower = min(lower, best.range.lowerBound)
                upper = max(upper, best.range.upperBound)
                captured = captured ?? best.captured
            }
            if complete, !result.contains(where: { $0.range == lower..<upper }) {
                result.append(Hit(range: lower..<upper, captured: captured))
            }
        }
        // Keep the tightest combinations: 您问的…跟您打包票 is judged at 跟您打包票,
        // so an exception before it (您问的) is seen as before it.
        return result.filter { hit in
            !result.contains { other in
                other.range != hit.range && hit.range.lowerBound <= other.range.lowerBound
                    && other.range.upperBound <= hit.range.upperBound
            }
        }
    }

    /// A word-class alternation split so the prefilter can skip its parts: the
    /// alternatives that need a rare word (two characters or more) go in one
    /// pattern, those that need only a common character or nothing in small
    /// groups, so a common character no longer runs every alternative. Nil
    /// when the pattern is better left whole.
    static func split(_ pattern: Pattern, definition: RuleDefinition, key: String) -> [Pattern]? {
        let pieces: [PatternText]?
        if let known = definition.cache?.split(pattern) {
            pieces = known
        } else {
            let made = splitPieces(pattern.source)
            definition.cache?.setSplit(pattern, made)
            pieces = made?.map(PatternText.text)
        }
        return compiled(pieces, of: pattern, parts: false, definition: definition, key: key)
    }

    /// Pieces of a pattern compiled; nil when there are none or one does not compile.
    private static func compiled(
        _ pieces: [PatternText]?, of parent: Pattern, parts: Bool, definition: RuleDefinition, key: String
    )
        -> [Pattern]?
    {
        guard let pieces else { return nil }
        let parentKey = CacheKey.name(of: parent)
        var patterns: [Pattern] = []
        for (index, piece) in pieces.enumerated() {
            // The whole pattern passed the backtracking probe; its pieces need not. Its terms are expanded already.
            guard
                let pattern = definition.compile(
                    piece, key: key, probe: false, expandingTerms: false,
                    identity: CacheKey.piece(of: parentKey, options: parent.options, parts: parts, index: index))
            else { return nil }
            patterns.append(pattern)
        }
        return patterns
    }

    /// Alternatives in groups, each group one pattern text (a group of one as it is).
    private static func joined(_ groups: [[String]]) -> [String] {
        groups.map { $0.count == 1 ? $0[0] : "(?:" + $0.joined(separator: "|") + ")" }
    }

    /// `alternatives` in groups of four, in order.
    private static func fours(_ alternatives: [String]) -> [[String]] {
        stride(from: 0, to: alternatives.count, by: 4).map { Array(alternatives[$0..<min($0 + 4, alternatives.count)]) }
    }

    /// `CRMLINT_PART_SEARCH=off` searches every pattern whole instead of through
    /// its alternatives (`alternation`): the reports are the same, tests compare them.
    static let partSearchOff = EnvironmentVariable.value("CRMLINT_PART_SEARCH") == "off"

    /// The parts an `alternation` searches `pattern` through, compiled; nil when it is better searched whole.
    static func partPatterns(_ pattern: Pattern, definition: RuleDefinition, key: String) -> [Pattern]? {
        if partSearchOff { return nil }
        let pieces: [PatternText]?
        if let known = definition.cache?.parts(pattern) {
            pieces = known
        } else {
            let made = partPieces(pattern.source, caseless: pattern.options.contains(.caseless))
            definition.cache?.setParts(pattern, made)
            pieces = made?.map(PatternText.text)
        }
        return compiled(pieces, of: pattern, parts: true, definition: definition, key: key)
    }

    /// A pattern's alternatives (whole groups among them taken apart) in groups
    /// for `alternation`: those that start with known words and need nothing else
    /// in one; each that starts with known words but needs more words further on
    /// (`(?:多|请|麻烦)\s*(?:您)?\s*(?:费心|担待)`) alone, so the prefilter skips it
    /// unless those are there too (in the one group, the bribery rule's `请` and `多`
    /// were tried wherever they stood: a third of its messages, 1.5 % matching);
    /// those whose start is unknown (`\p{Han}{1,2}总`, a lookbehind then `\s*`) in
    /// groups of four, which the prefilter skips unless their own words are there.
    /// Nil unless there are both known and unknown starts: a pattern whose every
    /// alternative starts with known words is tried at them whole (parts of it cost
    /// more in bookkeeping than they saved in searching, measured), and one with
    /// none gains nothing. Patterns with backtracking verbs or `\K` (where a match
    /// starts is theirs to say) stay whole.
    static func partPieces(_ source: String, caseless: Bool = false) -> [String]? {
        guard !RequiredLiterals.contains(source, "(*"), !RequiredLiterals.contains(source, "\\K"),
            let branches = RequiredLiterals.flattenedBranches(of: source)
        else { return nil }
        var common: [String] = [], gated: [String] = [], unknown: [String] = []
        for branch in branches {
            let (requirement, leading) = RequiredLiterals.analysis(of: branch, caseless: caseless)
            guard let leading else {
                unknown.append(branch)
                continue
            }
            // Bounded: past `gatedPartLimit` such alternatives join the common part (each part is compiled and judged).
            if let requirement, requirement.strength > RequiredLiterals.Requirement.words(leading).strength,
                gated.count < gatedPartLimit
            {
                gated.append(branch)
            } else {
                common.append(branch)
            }
        }
        guard !common.isEmpty || !gated.isEmpty, !unknown.isEmpty else { return nil }
        return joined((common.isEmpty ? [] : [common]) + gated.map { [$0] } + fours(unknown))
    }

    /// At most this many alternatives of one pattern stand alone in `partPieces` (more than the bundled rules
    /// have): a rule's pattern of hundreds of such alternatives would otherwise compile and judge as many parts.
    static let gatedPartLimit = 96

    /// The pattern texts `split` compiles (a function of the source alone, so `RuleCache` keeps it).
    static func splitPieces(_ source: String) -> [String]? {
        guard let branches = RequiredLiterals.branches(of: source) else { return nil }
        var strong: [String] = [], weak: [String] = []
        for branch in branches {
            if let requirement = RequiredLiterals.requirement(of: branch), requirement.strength >= 10 {
                strong.append(branch)
            } else {
                weak.append(branch)
            }
        }
        guard !weak.isEmpty, branches.count > 4 || !strong.isEmpty else { return nil }
        let groups = (strong.isEmpty ? [] : [strong]) + fours(weak)
        guard groups.count > 1 else { return nil }
        return joined(groups)
    }

    /// Characters between two ranges (0 when they touch or overlap).
    static func gap(_ a: Range<Int>, _ b: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        let (start, end) = a.upperBound <= b.lowerBound ? (a.upperBound, b.lowerBound) : (b.upperBound, a.lowerBound)
        guard start < end else { return 0 }
        var count = 0
        for index in start..<end where buffer[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Reads `patterns` entries: text, or mappings with `all` / `any`.
    static func read(_ node: Node, key: String, definition: RuleDefinition, capture: String?, depth: Int = 0) -> TextMatcher? {
        if depth > 8 {
            definition.fail(key, "'\(key)' nests 'all'/'any' more than 8 levels deep")
            return nil
        }
        switch node {
        case let .scalar(scalar):
            guard let pattern = definition.compile(scalar.string, key: key) else { return nil }
            func leaf(_ pattern: Pattern) -> TextMatcher {
                var group: Int?
                if let capture {
                    if let number = Int(capture), number >= 1, number <= pattern.captureCount {
                        group = number
                    } else {
                        group = pattern.groupNumber(named: capture)
                    }
                }
                return .pattern(pattern, captureGroup: group)
            }
            /// The pattern searched through its alternatives when that lets the prefilter anchor some of them.
            func searched(_ pattern: Pattern) -> TextMatcher {
                guard case let .pattern(_, group) = leaf(pattern), let parts = partPatterns(pattern, definition: definition, key: key)
                else {
                    return leaf(pattern)
                }
                return .alternation(pattern, captureGroup: group, parts: parts)
            }
            if capture.flatMap(Int.init) == nil, let parts = split(pattern, definition: definition, key: key) {
                return .any(parts.map(searched))
            }
            return searched(pattern)
        case let .mapping(mapping):
            var parts: [TextMatcher]?
            var isAll = false
            var near: Int?
            var scope = TextScope.clause
            for (entryKey, value) in mapping {
                switch entryKey.string {
                case "all", "any":
                    if parts != nil {
                        definition.fail(key, "an entry of '\(key)' has both 'all' and 'any'; nest one inside the other")
                        return nil
                    }
                    isAll = entryKey.string == "all"
                    guard case let .sequence(sequence) = value, !sequence.isEmpty else {
                        definition.fail(key, "'\(entryKey.string!)' in '\(key)' must be a non-empty list of patterns")
                        return nil
                    }
                    var read: [TextMatcher] = []
                    for item in sequence {
                        guard let matcher = TextMatcher.read(item, key: key, definition: definition, capture: capture, depth: depth + 1)
                        else { return nil }
                        read.append(matcher)
                    }
                    parts = read
                case "near":
                    guard let number = value.integer, number >= 0, number <= 500 else {
                        definition.fail(key, "'near' in '\(key)' must be a whole number of characters from 0 to 500")
                        return nil
                    }
                    near = number
                case "within":
                    guard let text = value.string, let parsed = TextScope(rawValue: text) else {
                        definition.fail(key, "'within' in '\(key)' must be clause, sentence or message")
                        return nil
                    }
                    scope = parsed
                default:
                    let name = entryKey.string ?? "?"
                    definition.fail(
                        key,
                        "unknown key '\(name)' in an entry of '\(key)'\(Suggestion.hint(for: name, among: ["all", "any", "near", "within"])) (all, any, near, within)"
                    )
                    return nil
                }
            }
            guard let parts else {
                definition.fail(key, "an entry of '\(key)' that is a mapping needs 'all' or 'any'")
                return nil
            }
            if !isAll, near != nil || scope != .clause {
                definition.fail(key, "'near' and 'within' go with 'all', not 'any'")
                return nil
            }
            if near != nil, mapping.contains(where: { $0.key.string == "within" }) {
                definition.fail(key, "use either 'near' or 'within' in one 'all', not both")
                return nil
            }
            return isAll ? .all(parts, near: near, scope: scope) : .any(parts)
        default:
            definition.fail(key, "'\(key)' entries must be patterns or mappings with 'all' or 'any'")
            return nil
        }
    }
}

/// One `unless` entry: a pattern that cancels a hit when it matches in the
/// hit's scope, on one side of it or either.
///
///     unless:
///       - '是否|吗'                                          # anywhere in the hit's clause (±unless_window characters)
///       - {pattern: '{{negation}}', before: 4}              # ending at most 4 characters before the hit, same clause
///       - {pattern: '{{relay}}', before: 30, within: sentence}
///       - {pattern: '吗|[?]', after: 40, within: sentence}
public struct UnlessCondition: Sendable {
    public enum Side: Sendable { case either, before, after }
    public let pattern: Pattern
    public let side: Side
    /// Characters from the hit (either side: in each direction).
    public let reach: Int
    public let scope: TextScope

    /// Does the exception hold around `hit`?
    func holds(around hit: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws -> Bool {
        let area = scope.range(around: hit, in: buffer, limit: reach)
        let window: Range<Int>
        switch side {
        case .either: window = area
        case .before: window = area.lowerBound..<hit.lowerBound
        case .after: window = hit.upperBound..<area.upperBound
        }
        guard !window.isEmpty else { return false }
        // Text outside the window is not searched, but lookarounds may see it
        // (so `(?<!不)` works at the window's edge). The search stops at the window's
        // end: a match starting later could not end inside it, and searching on to the
        // end of the text per hit made a long field with many hits quadratic (a 120 KB
        // message of repeated promises took 7 s).
        return try pattern.firstMatch(in: buffer, from: window.lowerBound, startingAtMost: window.upperBound, scratch: scratch).map {
            $0.range.upperBound <= window.upperBound
        } ?? false
    }

    static func read(_ node: Node, definition: RuleDefinition, defaultReach: Int) -> UnlessCondition? {
        switch node {
        case let .scalar(scalar):
            guard let pattern = definition.compile(scalar.string, key: "unless", options: .offsetLimit) else { return nil }
            return UnlessCondition(pattern: pattern, side: .either, reach: defaultReach, scope: .clause)
        case let .mapping(mapping):
            var source: String?
            var side = Side.either
            var reach = defaultReach
            var scope = TextScope.clause
            var sides = 0
            for (key, value) in mapping {
                switch key.string {
                case "pattern": source = value.string
                case "before", "after", "around":
                    guard let number = value.integer, number >= 0, number <= 500 else {
                        definition.fail("unless", "'\(key.string!)' in 'unless' must be a whole number of characters from 0 to 500")
                        return nil
                    }
                    side = key.string == "before" ? .before : key.string == "after" ? .after : .either
                    reach = number
                    sides += 1
                case "within":
                    guard let text = value.string, let parsed = TextScope(rawValue: text) else {
                        definition.fail("unless", "'within' in 'unless' must be clause, sentence or message")
                        return nil
                    }
                    scope = parsed
                default:
                    let name = key.string ?? "?"
                    let known = ["pattern", "before", "after", "around", "within"]
                    definition.fail(
                        "unless",
                        "unknown key '\(name)' in an 'unless' entry\(Suggestion.hint(for: name, among: known)) (pattern, before, after, around, within)"
                    )
                    return nil
                }
            }
            if sides > 1 {
                definition.fail("unless", "an 'unless' entry takes one of 'before', 'after' or 'around'")
                return nil
            }
            guard let source else {
                definition.fail("unless", "an 'unless' entry that is a mapping needs 'pattern'")
                return nil
            }
            guard let pattern = definition.compile(source, key: "unless", options: .offsetLimit) else { return nil }
            return UnlessCondition(pattern: pattern, side: side, reach: reach, scope: scope)
        default:
            definition.fail("unless", "'unless' entries must be patterns or mappings with 'pattern'")
            return nil
        }
    }
}

extension Array where Element == TextMatcher.Hit {
    /// Appends `hits`. Most pattern runs find nothing, and `+=` of an empty array still took the generic
    /// append's path (~150 instructions, 2.9 million times on the benchmark's messages); the first
    /// non-empty one is taken whole, without a copy.
    @inline(__always) mutating func add(_ hits: [TextMatcher.Hit]) {
        if hits.isEmpty { return }
        if isEmpty { self = hits } else { self += hits }
    }
}
