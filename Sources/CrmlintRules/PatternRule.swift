import CrmlintCore
import Foundation
import PatternEngine

/// `kind: pattern` — PCRE2 patterns over free-text fields, with exceptions
/// (`unless`) judged in the clause around each hit, and quoted text skipped.
public struct PatternRule: Rule, RuleKind {
    public static let name = "pattern"
    public static let summary = """
        Reports text matching any entry of `patterns` in the rule's fields, after normalisation \
        (NFKC, zero-width removed, Traditional → Simplified, separators between Han characters removed). \
        An entry is a PCRE2 pattern (UTF + UCP) that may use word classes as `{{name}}`, or a combination: \
        `all` (every part in one clause, any order; `within: sentence|message` widens it, `near: N` asks for \
        parts at most N characters apart instead) and `any`. A hit is cancelled when an `unless` entry matches \
        around it: a plain pattern anywhere in its clause (at most `unless_window` characters either side), or \
        `{pattern, before|after|around: N, within: clause|sentence|message}` on one side only — a negation \
        counts where it governs the claim, relayed speech where it introduces it. Hits inside quotation marks \
        are skipped while `skip_quoted` is true (the default). With `capture` (a group name or number) and \
        `limit` (`{max: 200}`, `{min: ...}`, `unit: 元|千|万|亿` for bare numbers), a hit is reported only \
        when the amount it captures (`800元`, `0.5万`, `八百元`, `三百多块`, `六百出头`) is outside the limit; \
        the message may then use {value} and {limit}.
        """

    /// The rule language of pattern rules, for `docs/rules.md`.
    public static let languageReference = """
        ## Pattern rule language

        Word classes name the words of an idea once, so rules catch the idea and not one sentence:

        ```yaml
        # rules/terms/overpromise.yml (a file whose top level is `terms:`), or a `- terms:` item in a rule file
        terms:
          over.promise: [保证, 承诺, 打包票, 拍胸脯, '包(?=您|你)']   # PCRE2 fragments, usually plain words
          over.deliver: [到货, 交货, 上线, '{{over.install}}']         # classes may use classes
        ```

        Names are letters, digits, `_`, `-` and `.`, unique across the rules loaded together. An unknown name, a \
        cycle, an empty class, a name defined twice or a class that is not a valid pattern is a load error with \
        its file and line. `{{` preceded by a backslash is literal.

        | entry of `patterns` | reports |
        |---|---|
        | `'{{over.promise}}.{0,8}{{over.deliver}}'` | a match of the pattern |
        | `all: [A, B]` | A and B in one clause (between `，。！？；、` or line breaks), in any order |
        | `{all: [A, B], within: sentence}` | A and B in one sentence (between `。！？…` or line breaks); `within: message` anywhere |
        | `{all: [A, B], near: 10}` | A and B at most 10 characters apart, in any order |
        | `any: [A, {all: [B, C]}]` | any of them; entries nest |

        The finding covers the tightest span holding every part of an `all`. One phrase gives one finding per rule, \
        whichever entries match it and in whatever order they are listed: hits of one rule that overlap, touch or are at \
        most two characters apart within a clause (给您个人5个点|的|回扣) are one finding covering them all.

        | entry of `unless` | cancels a hit when |
        |---|---|
        | `'吗\\|是否'` | it matches in the hit's clause, at most `unless_window` (20) characters either side |
        | `{pattern: '{{negation}}', before: 4}` | it ends at most 4 characters before the hit, in the same clause: a negation that governs the claim (不敢保证), not one elsewhere (没问题，绝对第一) |
        | `{pattern: '{{relay}}', before: 30, within: sentence}` | relayed speech introduces the hit (您问的为什么取消…) |
        | `{pattern: '吗\\|[?]', after: 40, within: sentence}` | the sentence turns out to be a question |
        | `{pattern: P, around: N, within: message}` | P is within N characters either side, anywhere in the field |

        The punctuation that ends a scope belongs to it, so `[?]` sees the question mark closing the sentence. \
        Hits inside quotation marks (“…” 「…」 『…』 《…》 "…") are skipped unless `skip_quoted: false`: quoting the \
        policy (不得说“零故障”) is not making the claim.
        """

    public let metadata: RuleMetadata
    public let matchers: [TextMatcher]
    public let unless: [UnlessCondition]
    public let unlessWindow: Int
    public let skipQuoted: Bool
    let exampleLists: ExampleLists<String>
    public var matchExamples: [String] { exampleLists.match }
    public var noMatchExamples: [String] { exampleLists.noMatch }
    /// A numeric limit on a captured amount; nil for plain pattern rules.
    public let amountLimit: AmountLimit?
    /// What every checker of the rule reads and none changes.
    let layout: CheckerLayout

    public var examples: RuleExamples { RuleExamples(match: matchExamples, noMatch: noMatchExamples, areTexts: true) }

    /// Every pattern the rule runs (for probes and tests).
    public var patterns: [Pattern] { TextMatcher.leaves(of: matchers) }

    public init(
        metadata: RuleMetadata, patterns: [Pattern], unless: [Pattern] = [], unlessWindow: Int = 20, skipQuoted: Bool = true,
        matchExamples: [String] = [], noMatchExamples: [String] = [], amountLimit: AmountLimit? = nil
    ) {
        self.init(
            metadata: metadata, matchers: patterns.map { .pattern($0, captureGroup: amountLimit?.group(in: $0)) },
            unless: unless.map { UnlessCondition(pattern: $0, side: .either, reach: unlessWindow, scope: .clause) },
            unlessWindow: unlessWindow, skipQuoted: skipQuoted, matchExamples: matchExamples, noMatchExamples: noMatchExamples,
            amountLimit: amountLimit)
    }

    public init(
        metadata: RuleMetadata, matchers: [TextMatcher], unless: [UnlessCondition], unlessWindow: Int = 20, skipQuoted: Bool = true,
        matchExamples: [String] = [], noMatchExamples: [String] = [], amountLimit: AmountLimit? = nil
    ) {
        self.init(
            metadata: metadata, matchers: matchers, unless: unless, unlessWindow: unlessWindow, skipQuoted: skipQuoted,
            examples: ExampleLists(match: matchExamples, noMatch: noMatchExamples), amountLimit: amountLimit)
    }

    init(
        metadata: RuleMetadata, matchers: [TextMatcher], unless: [UnlessCondition], unlessWindow: Int, skipQuoted: Bool,
        examples: ExampleLists<String>, amountLimit: AmountLimit?
    ) {
        self.metadata = metadata
        self.matchers = matchers
        self.unless = unless
        self.unlessWindow = unlessWindow
        self.skipQuoted = skipQuoted
        exampleLists = examples
        self.amountLimit = amountLimit
        layout = CheckerLayout(metadata: metadata, matchers: matchers)
    }

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        let window = definition.int("unless_window") ?? 20
        if window < 0 || window > 500 { definition.fail("unless_window", "unless_window must be between 0 and 500") }
        let capture = definition.string("capture")
        var matchers: [TextMatcher] = []
        if let node = definition.node("patterns") {
            let items = node.sequence.map(Array.init) ?? [node]
            if items.isEmpty { definition.fail("patterns", "'patterns' must list at least one pattern") }
            for item in items {
                if let matcher = TextMatcher.read(item, key: "patterns", definition: definition, capture: capture) {
                    matchers.append(matcher)
                }
            }
        } else {
            definition.fail(nil, "missing required key 'patterns'")
        }
        var unless: [UnlessCondition] = []
        if let node = definition.node("unless") {
            for item in node.sequence.map(Array.init) ?? [node] {
                if let condition = UnlessCondition.read(item, definition: definition, defaultReach: window) { unless.append(condition) }
            }
        }
        let skipQuoted = definition.bool("skip_quoted") ?? true
        let examples = ExampleStrings.lists(definition, reading: ExampleStrings.read)
        let limit = AmountLimit.read(definition, metadata: metadata, capture: capture, matchers: matchers)
        guard !matchers.isEmpty, definition.errors.isEmpty else { return nil }
        return PatternRule(
            metadata: metadata, matchers: matchers, unless: unless, unlessWindow: window, skipQuoted: skipQuoted, examples: examples,
            amountLimit: limit)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    public func exampleFailures() -> [String] {
        let dataset = metadata.datasets?.sorted().first ?? .messages
        let field = metadata.fields?.first ?? dataset.freeTextFields.first ?? "text"
        return ExampleStrings.failures(rule: self, dataset: dataset, field: field, match: matchExamples, noMatch: noMatchExamples)
    }

    final class Checker: RuleChecker, RemembersNothingFound {
        override var remembersNothingFound: RemembersNothingFound? { self }

        let rule: PatternRule
        /// Read once: reaching them through `rule.metadata` in the loop copied the metadata.
        private let fields: [String]?
        /// The rule's patterns, entry after entry (`TextMatcher.leaves`), and per
        /// entry the index of its first one (the prefilter numbers its slots so).
        private let allLeaves: [Pattern]
        private let leafOffsets: [Int]
        // Unchecked: read per record and rule, never overlapping (the runtime check cost ~6 % of a scan).
        /// This rule's first entry slot and first pattern slot in the scan's
        /// prefilter (nil: no prefilter, run every entry), read on the first record.
        @exclusivity(unchecked) private var firstSlot: Int?
        @exclusivity(unchecked) private var firstLeafSlot: Int?
        @exclusivity(unchecked) private var slotResolved = false
        /// The context's number for the fact "this rule found nothing in the text" (`TextMemo`).
        @exclusivity(unchecked) private var foundNothing = 0

        /// An entry in a form run leaf by leaf from `allLeaves` (`flatHits`) rather than by walking
        /// the matcher, whose enum payloads cost a reference count per part even for the parts the
        /// prefilter skips (walking `all` entries so was a tenth of a messages scan).
        enum FlatEntry {
            /// A pattern (or one searched through its alternatives), or an `any` of them (a split word class).
            case items([FlatItem])
            /// An `all` whose parts are each such, part after part; `partLeaves[i]..<partLeaves[i + 1]`
            /// are part `i`'s leaves, counted from the entry's first.
            case all([[FlatItem]], partLeaves: [Int], near: Int?, scope: TextScope)

            /// One pattern of an entry: a leaf, or the whole of an `alternation` and how many leaves its parts are.
            enum FlatItem {
                case pattern(group: Int?)
                case alternation(Pattern, group: Int?, parts: Int)

                var leafCount: Int {
                    switch self {
                    case .pattern: return 1
                    case let .alternation(_, _, parts): return parts
                    }
                }
            }

            /// A pattern's or an alternation's item; nil for combinations.
            static func item(_ matcher: TextMatcher) -> FlatItem? {
                switch matcher {
                case let .pattern(_, group): return .pattern(group: group)
                case let .alternation(whole, group, parts): return .alternation(whole, group: group, parts: parts.count)
                case .any, .all: return nil
                }
            }

            /// A pattern's, an alternation's or an `any` of them's items; nil for other shapes.
            static func items(_ matcher: TextMatcher) -> [FlatItem]? {
                if case let .any(parts) = matcher {
                    let items = parts.compactMap(item)
                    return items.count == parts.count ? items : nil
                }
                return item(matcher).map { [$0] }
            }

            init?(_ matcher: TextMatcher) {
                if let items = Self.items(matcher) {
                    self = .items(items)
                } else if case let .all(parts, near, scope) = matcher, !parts.isEmpty {
                    var partItems: [[FlatItem]] = []
                    for part in parts {
                        guard let items = Self.items(part) else { return nil }
                        partItems.append(items)
                    }
                    var partLeaves = [0]
                    for items in partItems { partLeaves.append(partLeaves.last! + items.reduce(0) { $0 + $1.leafCount }) }
                    self = .all(partItems, partLeaves: partLeaves, near: near, scope: scope)
                } else {
                    return nil
                }
            }
        }
        /// Per entry, its flat form; nil for deeper combinations (walked as a `TextMatcher`).
        private let flatEntries: [FlatEntry?]
        /// The numbers of `fields` (`FieldNumbers`), in order.
        private let fieldNumbers: [Int]
        /// The rule's fields that are columns of the last record's shape (a file's records share one), with
        /// their numbers: a field that is not a column holds no text, and asking the context about each of a
        /// rule's fields per record (most are not columns of most files) cost more than most rules' verdict.
        /// `columnsKey`: the shape and dataset they are for.
        @exclusivity(unchecked) private var columnsKey = ShapeKey()
        @exclusivity(unchecked) private var columnNames: [String] = []
        /// The first four columns' numbers in a vector, read on every record without reference counting
        /// (reading them from an array held by the checker retained and released it per rule and record).
        @exclusivity(unchecked) private var firstColumnNumbers = SIMD4<Int>()
        @exclusivity(unchecked) private var columnNumbers: [Int] = []
        @exclusivity(unchecked) private var columnCount = 0

        /// Per leaf, the first leaf holding the same pattern when the rule uses that pattern more than once
        /// (a YAML anchor: the gift rule's amounts in its sentence and its `near` entry), else -1.
        private let repeatedLeaf: [Int32]
        /// What the repeated leaves found in the field being scanned (cleared per field): an entry that
        /// reuses another's pattern reads its hits instead of running it again (the gift rule ran its amounts twice).
        /// Each entry is of the field scanned when `leafGeneration` had its value; the others are stale and are
        /// replaced (emptying the list per field took the standard library's unspecialised `replaceSubrange`).
        @exclusivity(unchecked) private var leafMemo: [(generation: Int, leaf: Int32, group: Int?, hits: [TextMatcher.Hit])] = []
        @exclusivity(unchecked) private var leafGeneration = 0

        init(rule: PatternRule) {
            self.rule = rule
            fields = rule.metadata.fields
            // Shared with the rule's other checkers (arrays: copied on write, and nothing writes them).
            let layout = rule.layout
            flatEntries = layout.flatEntries
            fieldNumbers = layout.fieldNumbers
            allLeaves = layout.allLeaves
            repeatedLeaf = layout.repeatedLeaf
            leafOffsets = layout.leafOffsets
        }

        // Per-record work only: may run on worker threads.
        override var isRecordLocal: Bool { true }

        /// How the rule's pattern number `leaf` runs on the current field.
        private func run(
            leaf: Int, slot: Int, allowed: Bool, prefilter: LiteralPrefilter, context: CheckContext, fieldIndex: Int,
            in buffer: UnsafeBufferPointer<UInt8>
        ) -> TextMatcher.Run {
            guard allowed else { return .skip }
            guard let positions = context.wordStarts(slot: slot, at: fieldIndex, prefilter: prefilter, text: buffer) else { return .scan }
            // The pattern keeps its anchored twin (one atomic load once made): a table of twins per checker hashed the
            // leaf's number on every run.
            return .at(positions, anchored: allLeaves[leaf].anchored(), resumingInDigitRuns: prefilter.startsOutsideDigitRuns(slot: slot))
        }

        /// The context's number for the fact "this rule found nothing in the text" (`NothingFoundGate` reads it too).
        func foundNothingFact(_ context: CheckContext) -> Int { context.textFact("found nothing: " + rule.metadata.id) }

        /// The columns the rule reads in records of `record`'s shape and dataset: names and numbers.
        func columns(of record: Record, context: CheckContext) -> (names: [String], numbers: [Int]) {
            resolveColumns(record, context: context)
            return (columnNames, columnNumbers)
        }

        @inline(__always) private func resolveColumns(_ record: Record, context: CheckContext) {
            guard columnsKey.differs(from: record) else { return }
            // The free-text fields and unknown columns when the rule names none; those of the record's columns.
            let (all, allNumbers) = fields.map { ($0, fieldNumbers) } ?? context.numberedDefaultTextFields(of: record)
            let kept = all.indices.filter { record.shape.place(ofNumber: allNumbers[$0]) != nil }
            columnNames = kept.map { all[$0] }
            columnNumbers = kept.map { allNumbers[$0] }
            for position in 0..<min(4, kept.count) { firstColumnNumbers[position] = columnNumbers[position] }
            columnCount = kept.count
            columnsKey.note(record)
        }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            if !slotResolved {
                firstSlot = context.prefilter?.firstSlot[rule.metadata.id]
                firstLeafSlot = context.prefilter?.firstLeafSlot[rule.metadata.id]
                foundNothing = foundNothingFact(context)
                if let first = firstSlot { context.noteEntries(first..<first + leafOffsets.count, foundNothing: foundNothing) }
                slotResolved = true
            }
            resolveColumns(record, context: context)
            for position in 0..<columnCount {
                let number = position < 4 ? firstColumnNumbers[position] : columnNumbers[position]
                // Most rules find none of their words in most fields (most of a rule's fields are
                // not in most records): that verdict is read in the context's cache before anything
                // is copied out of it, the field's name included once the record has been asked for it.
                let index: Int
                if let known = context.knownFieldIndex(record, number: number) {
                    index = known
                } else {
                    index = context.fieldIndex(record, field: columnNames[position], number: number)
                }
                guard context.hasText(at: index), !context.textHolds(foundNothing, at: index) else { continue }
                var from = 0
                if let first = firstSlot {
                    from = context.firstAllowedEntry(first..<first + leafOffsets.count, at: index) - first
                    if from == leafOffsets.count {
                        context.noteTextHolds(foundNothing, at: index)
                        continue
                    }
                }
                guard let text = context.text(at: index) else { continue }
                // The field's words marked, for the scan to read in place (`CheckContext.judgeWords`).
                let marked = firstSlot != nil && context.markWords(at: index)
                let reportedNothing = text.bytes.withUnsafeBufferPointer { buffer in
                    scan(
                        buffer, from: from, fieldIndex: index, text: text, record: record, column: position, context: context,
                        marked: marked, emit: emit)
                }
                if reportedNothing { context.noteTextHolds(foundNothing, at: index) }
            }
        }

        /// Runs the entries from `from` on (those before it the prefilter ruled out) on the field at
        /// `fieldIndex` of the context's cache; true when it reported nothing (every hit within its limit
        /// or excepted, no match limit): a function of the text alone, which the text memo keeps.
        /// (The field's name is read from `columnNames[column]` only to report: copied per scan, it was a reference count
        /// and its release, as was each entry's matcher, which only entries run without their flat form, and limit
        /// findings, read.)
        private func scan(
            _ buffer: UnsafeBufferPointer<UInt8>, from: Int, fieldIndex: Int, text: NormalizedText, record: Record, column: Int,
            context: CheckContext, marked: Bool, emit: (Finding) -> Void
        ) -> Bool {
            var limitReported = false
            // Every hit that survives its limit and exceptions, from every entry; merged below,
            // so the findings do not depend on the order of the entries.
            var kept: [(range: Range<Int>, message: String?)] = []
            var keptSpans = KeptSpans()
            leafGeneration &+= 1
            let entryCount = rule.matchers.count
            // The entries the prefilter allows, from `from` (allowed) on, found a word of verdicts at a time: asking
            // each entry in turn (a rule has up to 60) was a tenth of this function, with its matcher copied to ask.
            let jumpsFrom = marked ? firstSlot : nil
            // (Once per scan: read per entry, it was a count and its release each.)
            let prefilter = marked ? context.prefilter : nil
            var next = from
            while next < entryCount {
                let index = next
                next += 1
                if let first = jumpsFrom, next < entryCount {
                    next = context.firstAllowedEntry(first + next..<first + entryCount, at: fieldIndex) - first
                }
                let hits: [TextMatcher.Hit]
                do {
                    if let leafSlot = firstLeafSlot, let prefilter {
                        // The entry's patterns judged at once (`LiteralPrefilter.judge`), then read by their bit.
                        let firstLeaf = leafOffsets[index]
                        let leafEnd = index + 1 < leafOffsets.count ? leafOffsets[index + 1] : allLeaves.count
                        hits = try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (leafEnd - firstLeaf + 63) >> 6) { verdicts in
                            context.judgeWords(
                                leafSlot + firstLeaf..<leafSlot + leafEnd, at: fieldIndex, prefilter: prefilter, into: verdicts)
                            let verdicts = UnsafeBufferPointer(verdicts)
                            @inline(__always) func allowed(_ leaf: Int) -> Bool {
                                LiteralPrefilter.allows(entry: leaf &- firstLeaf, verdicts: verdicts)
                            }
                            func runs(_ leaf: Int) -> TextMatcher.Run {
                                run(
                                    leaf: leaf, slot: leafSlot + leaf, allowed: allowed(leaf), prefilter: prefilter, context: context,
                                    fieldIndex: fieldIndex, in: buffer)
                            }
                            if let entry = flatEntries[index] {
                                return try flatHits(
                                    entry, firstLeaf: firstLeaf, in: buffer, scratch: context.scratch, allowed: allowed, runs: runs)
                            }
                            return try rule.matchers[index].hits(in: buffer, scratch: context.scratch, firstLeaf: firstLeaf, runs: runs)
                        }
                    } else {
                        hits = try rule.matchers[index].hits(in: buffer, scratch: context.scratch)
                    }
                } catch {
                    limitReported = true
                    emit(
                        limitFinding(
                            error, pattern: rule.matchers[index].writtenPatterns.first?.source ?? "", record: record,
                            field: columnNames[column]))
                    continue
                }
                for hit in hits {
                    // Inside a kept hit it cannot change the merged span; exceptions cost more to judge than this.
                    // (An equal span of an amount rule may carry another amount, so it is judged.)
                    if keptSpans.covers(hit.range, unlessEqual: rule.amountLimit != nil) { continue }
                    // The limit first: most amounts are within it, and exceptions cost more to judge.
                    var message: String?
                    if let limit = rule.amountLimit {
                        guard let over = limit.violation(hit.captured, text: text) else { continue }
                        message = limit.message.render(over, detail: "\(over["value"]!), limit \(over["limit"]!)")
                    }
                    if cancelled(
                        hit.range, buffer, context: context, record: record, column: column, limitReported: &limitReported, emit: emit)
                    {
                        continue
                    }
                    kept.append((hit.range, message))
                    keptSpans.append(hit.range)
                }
            }
            // (Most scans keep nothing: merging no hits and the occurrences' table cost ~300 instructions a scan.)
            guard !kept.isEmpty else { return !limitReported }
            let field = columnNames[column]
            var occurrences: [String: Int] = [:]
            for phrase in PhraseSpans.merge(kept, in: buffer) {
                // One finding per phrase and rule: a second rule of the pack may still report the same words.
                let matched = text.normalizedString(phrase.range)
                let occurrence = occurrences[matched, default: 0]
                occurrences[matched] = occurrence + 1
                let original = text.originalScalarRange(of: phrase.range)
                emit(
                    Finding(
                        rule: rule.metadata, record: record, message: phrase.message, field: field, column: original.lowerBound + 1,
                        excerpt: context.redactor.excerpt(of: text.original, hit: original),
                        fingerprintParts: [field, matched, String(occurrence)]))
            }
            return !limitReported && kept.isEmpty
        }

        /// What `TextMatcher.hits` finds for an entry in its flat form, run as `runs` says.
        private func flatHits(
            _ entry: FlatEntry, firstLeaf: Int, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch,
            allowed: (Int) -> Bool, runs: (Int) -> TextMatcher.Run
        ) throws -> [TextMatcher.Hit] {
            switch entry {
            case let .items(items):
                return try flatHits(items: items, firstLeaf: firstLeaf, in: buffer, scratch: scratch, runs: runs)
            case let .all(parts, partLeaves, near, scope):
                // A part none of whose patterns has its words in the text finds nothing, and then
                // neither does the `all`: checked first, so the parts before it are not searched.
                // (The entry's own requirement is weaker: an `any` of many conjunctions is kept
                // as one wide "or", while each pattern keeps its whole conjunction.) As for any
                // entry the prefilter rules out, a part not searched cannot stop at a match limit:
                // a limit finding is reported only where the `all` could match.
                for index in parts.indices
                where !(firstLeaf + partLeaves[index]..<firstLeaf + partLeaves[index + 1]).contains(where: allowed) {
                    return []
                }
                return try TextMatcher.allHits(parts: parts.count, near: near, scope: scope, in: buffer) { index in
                    try flatHits(items: parts[index], firstLeaf: firstLeaf + partLeaves[index], in: buffer, scratch: scratch, runs: runs)
                }
            }
        }

        /// Each item's non-empty matches, item after item, run as `runs` says.
        private func flatHits(
            items: [FlatEntry.FlatItem], firstLeaf: Int, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch,
            runs: (Int) -> TextMatcher.Run
        ) throws -> [TextMatcher.Hit] {
            var result: [TextMatcher.Hit] = []
            var leaf = firstLeaf
            for item in items {
                switch item {
                case let .pattern(group):
                    let current = leaf
                    result.add(try memoHits(leaf: leaf, group: group, run: { runs(current) }, in: buffer, scratch: scratch))
                case let .alternation(whole, group, parts):
                    let first = leaf
                    result.add(
                        try TextMatcher.alternationHits(
                            whole: whole, group: group, parts: allLeaves, first: first, count: parts, in: buffer, scratch: scratch
                        ) { runs(first + $0) })
                }
                leaf += item.leafCount
            }
            return result
        }

        /// `TextMatcher.hits` of a leaf, read from `leafMemo` when its pattern already ran on this field (a match
        /// limit is not kept: the leaf runs again and reports it again, as before). The memo is read before the leaf's
        /// run is worked out: every leaf of one pattern has the same prefilter slot parts (its requirement, leading
        /// words and digit depth are the pattern's), so a repeated leaf would run exactly as the first did, and
        /// working that out again (the prefilter's verdict, its places, the digits dropped) was most of what the
        /// gift rule's `near` entry cost (its seven amounts are its sentence entry's).
        private func memoHits(
            leaf: Int, group: Int?, run: () -> TextMatcher.Run, in buffer: UnsafeBufferPointer<UInt8>, scratch: MatchScratch
        ) throws -> [TextMatcher.Hit] {
            let first = repeatedLeaf[leaf]
            guard first >= 0 else {
                // The run first: a leaf the prefilter skips needs no pattern (taken from `allLeaves`, a count and its release).
                let run = run()
                if case .skip = run { return [] }
                return try TextMatcher.hits(of: allLeaves[leaf], group: group, run: run, in: buffer, scratch: scratch)
            }
            for memo in leafMemo where memo.generation == leafGeneration && memo.leaf == first && memo.group == group {
                return memo.hits
            }
            let run = run()
            if case .skip = run { return [] }
            let hits = try TextMatcher.hits(of: allLeaves[leaf], group: group, run: run, in: buffer, scratch: scratch)
            let entry = (leafGeneration, first, group, hits)
            if let stale = leafMemo.firstIndex(where: { $0.generation != leafGeneration }) {
                leafMemo[stale] = entry
            } else {
                leafMemo.append(entry)
            }
            return hits
        }

        private func limitFinding(_ error: Error, pattern: String, record: Record, field: String) -> Finding {
            var finding = Finding(
                rule: rule.metadata, record: record,
                message: "rule could not finish on this field: \(error) — simplify the pattern",
                field: field, fingerprintParts: [field, "match-limit", pattern])
            finding.category = .inputError
            finding.severity = .error
            return finding
        }

        private func cancelled(
            _ hit: Range<Int>, _ buffer: UnsafeBufferPointer<UInt8>, context: CheckContext, record: Record,
            column: Int, limitReported: inout Bool, emit: (Finding) -> Void
        ) -> Bool {
            if rule.skipQuoted, Quotes.encloses(hit, in: buffer) { return true }
            for condition in rule.unless {
                do {
                    if try condition.holds(around: hit, in: buffer, scratch: context.scratch) { return true }
                } catch {
                    limitReported = true
                    emit(limitFinding(error, pattern: condition.pattern.source, record: record, field: columnNames[column]))
                }
            }
            return false
        }
    }
}

/// Hits of one rule in one field that belong to one phrase, merged: hits
/// that overlap, touch, or are at most `maxGap` characters apart with no
/// clause boundary between them (给您个人5个点|的|回扣: a particle does not
/// make two offers). The result depends only on the set of hits, never on the
/// order of the rule's entries, so fingerprints stay stable.
enum PhraseSpans {
    static let maxGap = 2

    static func merge(
        _ hits: [(range: Range<Int>, message: String?)], in buffer: UnsafeBufferPointer<UInt8>
    )
        -> [(range: Range<Int>, message: String?)]
    {
        // Earliest start first, the longest of equal starts first: that hit's message speaks for the phrase.
        let sorted = hits.sorted {
            if $0.range.lowerBound != $1.range.lowerBound { return $0.range.lowerBound < $1.range.lowerBound }
            if $0.range.upperBound != $1.range.upperBound { return $0.range.upperBound > $1.range.upperBound }
            return ($0.message ?? "") < ($1.message ?? "")
        }
        var phrases: [(range: Range<Int>, message: String?)] = []
        for hit in sorted {
            if let last = phrases.last, joins(last.range, hit.range, in: buffer) {
                phrases[phrases.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, hit.range.upperBound)
            } else {
                phrases.append(hit)
            }
        }
        return phrases
    }

    /// Does `next` (starting at or after `phrase`) continue the phrase?
    static func joins(_ phrase: Range<Int>, _ next: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        if next.lowerBound <= phrase.upperBound { return true }
        var characters = 0
        for index in phrase.upperBound..<next.lowerBound where buffer[index] & 0xC0 != 0x80 {
            characters += 1
            if characters > maxGap || Clause.isDelimiter(buffer, at: index) || Clause.isSentenceEnd(buffer, at: index) { return false }
        }
        return true
    }
}

extension PatternRule {
    /// A checker's tables that follow from the rule alone, derived once per rule: derived per
    /// checker (one for the scanning thread and one per worker, each pattern rule) they were
    /// 5 % of a one-file scan's instructions.
    final class CheckerLayout: @unchecked Sendable {
        /// Per entry, its flat form; nil for deeper combinations.
        let flatEntries: [Checker.FlatEntry?]
        /// The numbers of the rule's fields (`FieldNumbers`), in order.
        let fieldNumbers: [Int]
        /// The rule's patterns, entry after entry (`TextMatcher.leaves`).
        let allLeaves: [Pattern]
        /// Per leaf, the first leaf holding the same pattern when the rule uses it more than once, else -1.
        let repeatedLeaf: [Int32]
        /// Per entry, the index of its first leaf in `allLeaves`.
        let leafOffsets: [Int]

        init(metadata: RuleMetadata, matchers: [TextMatcher]) {
            flatEntries = matchers.map(Checker.FlatEntry.init)
            fieldNumbers = metadata.fields?.map(FieldNumbers.number) ?? []
            allLeaves = TextMatcher.leaves(of: matchers)
            // Leaves sorted by identity, then by place: a run of one pattern starts at its first leaf.
            // (Two dictionaries per checker did the same at 2 % of a small file's start-up.)
            let identities = allLeaves.map { UInt(bitPattern: ObjectIdentifier($0)) }
            let order = identities.indices.sorted { (identities[$0], $0) < (identities[$1], $1) }
            var repeated = [Int32](repeating: -1, count: identities.count)
            var runStart = 0
            while runStart < order.count {
                var runEnd = runStart + 1
                while runEnd < order.count, identities[order[runEnd]] == identities[order[runStart]] { runEnd += 1 }
                if runEnd - runStart > 1 { for position in runStart..<runEnd { repeated[order[position]] = Int32(order[runStart]) } }
                runStart = runEnd
            }
            repeatedLeaf = repeated
            var first = 0
            leafOffsets = matchers.map { matcher in
                defer { first += matcher.leafCount }
                return first
            }
        }
    }
}
