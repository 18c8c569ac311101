import CrmlintRules
import Foundation
import PatternEngine

/// Where a scan's time went, rule by rule (`crmlint scan --rule-timing`): the
/// time each rule's checks took on the threads that ran them, summed, and how
/// many records each checked. A rule author finds the rule to tighten here
/// instead of timing `--ignore` runs one rule at a time.
///
/// Work several rules share (normalising a field, the prefilter's pass over it,
/// a model's scores, reading a time) is counted apart, as `sharedNanoseconds`, rather than to
/// whichever rule asked for it first on a record.
public final class RuleTimes: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public let rule: String
        public let kind: String
        public var nanoseconds: UInt64
        /// Records the rule checked (those of its datasets and direction).
        public var records: Int
    }

    private let lock = NSLock()
    private var byRule: [String: Entry] = [:]
    private var order: [String] = []
    private var shared: UInt64 = 0

    public init() {}

    /// Time in work the rules share: normalising fields, the prefilter's pass, models' scores, reading times.
    public var sharedNanoseconds: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return shared
    }

    /// Every rule that checked a record, the slowest first (rule order among equals).
    public var entries: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return order.enumerated().map { ($0.offset, byRule[$0.element]!) }
            .sorted { ($1.1.nanoseconds, $0.0) < ($0.1.nanoseconds, $1.0) }.map(\.1)
    }

    func add(_ clock: RuleClock, rules: [RuleMetadata]) {
        lock.lock()
        defer { lock.unlock() }
        shared += clock.sharedNanoseconds
        patterns.add(clock.patterns)
        for (index, metadata) in rules.enumerated() where clock.records[index] > 0 {
            if byRule[metadata.id] == nil {
                byRule[metadata.id] = Entry(rule: metadata.id, kind: metadata.kind, nanoseconds: 0, records: 0)
                order.append(metadata.id)
            }
            byRule[metadata.id]!.nanoseconds += clock.nanoseconds[index]
            byRule[metadata.id]!.records += clock.records[index]
        }
    }

    /// Time in PCRE2 searches per pattern, every thread's: what a rule's time is mostly made of.
    public struct PatternEntry: Sendable, Equatable {
        /// The rules the pattern belongs to (its entries, `unless`), or empty for one no rule names (a built-in).
        public var rules: [String]
        /// The pattern's text as the rule file wrote it, word classes expanded.
        public let source: String
        /// Whether it is the anchored twin tried where the prefilter found its first words.
        public let anchored: Bool
        public var nanoseconds: UInt64
        public var searches: Int
        /// How many searches found a match.
        public var found: Int
    }

    /// Every thread's pattern clock added up (`add`), and each pattern's rules (`nameOwners`).
    private let patterns = PatternClock()
    private var owners: [ObjectIdentifier: [String]] = [:]

    /// Names each timed pattern's rules: the pattern rules' entries as written and the parts they are searched
    /// through (`TextMatcher.leaves`), their `unless` patterns, and the anchored twins of all these.
    func nameOwners(of rules: [Rule]) {
        var found: [ObjectIdentifier: [String]] = [:]
        for case let rule as PatternRule in rules {
            for pattern in rule.matchers.flatMap(\.writtenPatterns) + rule.patterns + rule.unless.map(\.pattern) {
                for each in [pattern, pattern.madeTwin].compactMap({ $0 }) where found[ObjectIdentifier(each)]?.last != rule.metadata.id {
                    found[ObjectIdentifier(each), default: []].append(rule.metadata.id)
                }
            }
        }
        lock.lock()
        defer { lock.unlock() }
        owners = found
    }

    /// Every pattern searched, the slowest first (then by text, for a stable order).
    public var patternEntries: [PatternEntry] {
        lock.lock()
        defer { lock.unlock() }
        return patterns.entries.map { key, entry in
            PatternEntry(
                rules: owners[key] ?? [], source: entry.pattern.source, anchored: entry.pattern.options.contains(.anchored),
                nanoseconds: entry.nanoseconds, searches: entry.searches, found: entry.found)
        }.sorted { ($1.nanoseconds, $0.source, $0.anchored ? 1 : 0) < ($0.nanoseconds, $1.source, $1.anchored ? 1 : 0) }
    }

    /// The table `--rule-timing` prints: the `limit` slowest rules, then the total, then the `patterns` slowest patterns,
    /// then what the verdicts kept between runs did.
    public func table(limit: Int = 25, patterns: Int = 10) -> String {
        rulesTable(limit: limit) + patternsTable(limit: patterns) + verdictsLine
    }

    /// What the text verdicts kept between runs (`TextVerdicts`) did in the scan: texts found there, texts learnt
    /// that they did not hold, and whether the file was rewritten with them.
    public struct VerdictUse: Sendable, Equatable {
        public var found: Int
        public var new: Int
        public var written: Bool
        public var file: String
    }
    public var verdictUse: VerdictUse? {
        get { lock.withLock { verdictUseValue } }
        set { lock.withLock { verdictUseValue = newValue } }
    }
    private var verdictUseValue: VerdictUse?

    private var verdictsLine: String {
        guard let use = verdictUse else {
            return "text verdicts of earlier runs: none kept (--no-cache, CRMLINT_VERDICT_CACHE=off or CRMLINT_TEXT_MEMO=off)\n"
        }
        let kept = use.written ? "kept in \(use.file)" : "not kept (too few to rewrite \(use.file))"
        return "text verdicts of earlier runs: \(use.found) texts found in \(use.file); \(use.new) new texts \(kept)\n"
    }

    /// The slowest patterns: time in their searches (compiles included), searches, rules, and the start of their text.
    func patternsTable(limit: Int) -> String {
        let all = patternEntries
        guard !all.isEmpty else { return "" }
        var lines = [
            "slowest patterns (time in PCRE2 searches, compiles included, summed over threads; \"at words\": tried only where the prefilter found its first words):",
            "        ms   searches      found  rule: pattern",
        ]
        for entry in all.prefix(limit) {
            let text = entry.source.count > 72 ? entry.source.prefix(72) + "…" : entry.source
            let rules = entry.rules.isEmpty ? "(built in)" : entry.rules.joined(separator: ", ")
            lines.append(
                String(format: "%10.1f  %9d  %9d  ", Double(entry.nanoseconds) / 1e6, entry.searches, entry.found)
                    + "\(rules)\(entry.anchored ? " (at words)" : ""): \(text)")
        }
        let total = all.reduce(UInt64(0)) { $0 + $1.nanoseconds }
        let shown = all.count > limit ? "; the \(limit) slowest shown" : ""
        lines.append(String(format: "%10.1f ms in ", Double(total) / 1e6) + "\(all.count) patterns' searches\(shown)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rules' part of the table.
    func rulesTable(limit: Int) -> String {
        let all = entries
        let shared = sharedNanoseconds
        let total = all.reduce(shared) { $0 + $1.nanoseconds }
        func share(_ nanoseconds: UInt64) -> Double { total == 0 ? 0 : Double(nanoseconds) * 100 / Double(total) }
        var lines = [
            "rule timing (time in each rule's checks, summed over threads):", "        ms   share    records  rule",
            String(format: "%10.1f %6.1f %%          -  ", Double(shared) / 1e6, share(shared))
                + "(shared: normalising fields, the prefilter's pass, model scores, times)",
        ]
        for entry in all.prefix(limit) {
            lines.append(
                String(format: "%10.1f %6.1f %%  %9d  ", Double(entry.nanoseconds) / 1e6, share(entry.nanoseconds), entry.records)
                    + "\(entry.rule) (\(entry.kind))")
        }
        let shown = all.count > limit ? "; the \(limit) slowest shown" : ""
        lines.append(String(format: "%10.1f ms in ", Double(total) / 1e6) + "\(all.count) rules and the shared work\(shown)")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One thread's time per checker (no lock: each thread has its own), added to
/// `RuleTimes` when the scan ends; and, through its context's match scratch, the
/// thread's time per pattern.
final class RuleClock {
    private(set) var nanoseconds: [UInt64]
    private(set) var records: [Int]
    private(set) var sharedNanoseconds: UInt64 = 0
    /// The searches of the thread whose `context` made this clock, timed per pattern.
    let patterns = PatternClock()

    /// A clock for `count` checkers that run with `context` (on one thread), whose searches it times too.
    init(count: Int, context: CheckContext) {
        nanoseconds = Array(repeating: 0, count: count)
        records = Array(repeating: 0, count: count)
        context.scratch.patternClock = patterns
    }

    /// Runs `body` (checker `index` on one record, or its end of the scan when
    /// `record` is false), timed on `clock` when there is one.
    @inline(__always) static func time(
        _ clock: RuleClock?, _ index: Int, context: CheckContext, record: Bool = true, _ body: () -> Void
    ) {
        guard let clock else { return body() }
        clock.time(index, context: context, record: record, body)
    }

    /// Checker `index` was not run on a record its gate skipped (`NothingFoundGate`): the record
    /// counts as checked, in no time.
    @inline(__always) func countSkipped(_ index: Int) { records[index] += 1 }

    /// Runs `body`, counting its time; what `context` spent on shared work meanwhile is counted apart.
    @inline(__always) func time(_ index: Int, context: CheckContext, record: Bool, _ body: () -> Void) {
        let sharedBefore = context.sharedWorkNanoseconds
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        let shared = min(context.sharedWorkNanoseconds &- sharedBefore, elapsed)
        nanoseconds[index] &+= elapsed - shared
        sharedNanoseconds &+= shared
        if record { records[index] += 1 }
    }
}
