import CrmlintCore
import Foundation
import PatternEngine

/// What every rule has, whatever its kind: read from the common YAML keys.
public struct RuleMetadata: Sendable {
    public let id: String
    public let kind: String
    public let category: Category
    public let severity: Severity
    public let message: String
    public let description: String?
    /// The policy clause it encodes (e.g. `R1`, `T1`).
    public let policy: String?
    /// Datasets it applies to; nil means every dataset.
    public let datasets: Set<Dataset>?
    /// Fields it reads; nil means the kind's default (free-text fields).
    public let fields: [String]?
    /// Only records going this way (e.g. what a rep sent); records with no
    /// direction (follow-ups, complaints) are always checked.
    public let direction: Direction?
    /// Reported one finding per group instead of one per record (see `Aggregation`).
    public let aggregate: Aggregation?
    public let file: String
    public let line: Int
    public let column: Int

    public init(
        id: String, kind: String, category: Category, severity: Severity, message: String, description: String? = nil,
        policy: String? = nil, datasets: Set<Dataset>? = nil, fields: [String]? = nil, direction: Direction? = nil,
        aggregate: Aggregation? = nil, file: String = "", line: Int = 0, column: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.category = category
        self.severity = severity
        self.message = message
        self.description = description
        self.policy = policy
        self.datasets = datasets
        self.fields = fields
        self.direction = direction
        self.aggregate = aggregate
        self.file = file
        self.line = line
        self.column = column
    }

    public func applies(to dataset: Dataset) -> Bool { datasets?.contains(dataset) ?? true }

    /// Dataset and direction both fit (a record whose direction cannot be read is checked).
    public func applies(to record: Record) -> Bool {
        applies(to: record, direction: record["direction"].flatMap(Direction.parse))
    }

    /// The same, with the record's direction read once for all rules (nil: none or unreadable).
    public func applies(to record: Record, direction recorded: Direction?) -> Bool {
        gate.applies(to: record, direction: recorded)
    }

    /// Which records the rule reads, in a form that costs no reference counting,
    /// for the per-record loops (copying the metadata there retained every string).
    public var gate: RuleGate { RuleGate(datasets: datasets, direction: direction) }

    /// The fields of a record this rule reads as text: the listed ones, else
    /// the dataset's free-text fields plus any column crmlint does not know.
    public func textFields(of record: Record, context: CheckContext) -> [String] {
        fields ?? context.defaultTextFields(of: record)
    }
}

/// The shape and dataset of the record a per-file plan was last made for (a file's records share
/// both): a checker compares them on every record by the shape's identity, and holds the shape so
/// that identity is not reused by another.
struct ShapeKey {
    private var shape: FieldShape?
    private var identity: ObjectIdentifier?
    private var dataset: Dataset?

    /// Whether `record` is of another shape or dataset than the last one `note`d.
    @inline(__always) func differs(from record: Record) -> Bool {
        identity != ObjectIdentifier(record.shape) || dataset != record.dataset
    }

    mutating func note(_ record: Record) { (shape, identity, dataset) = (record.shape, ObjectIdentifier(record.shape), record.dataset) }
}

/// Which records a rule reads: its datasets as a bit set and its direction.
public struct RuleGate: Sendable {
    private let datasetBits: UInt8
    private let direction: Direction?

    init(datasets: Set<Dataset>?, direction: Direction?) {
        datasetBits = (datasets ?? Set(Dataset.allCases)).reduce(0) { $0 | Self.bit($1) }
        self.direction = direction
    }

    @inline(__always)
    private static func bit(_ dataset: Dataset) -> UInt8 { 1 << UInt8(dataset.scanOrder) }

    /// Dataset and direction both fit (a record whose direction cannot be read is checked).
    @inline(__always)
    public func applies(to record: Record, direction recorded: Direction?) -> Bool {
        applies(to: record.dataset, direction: recorded)
    }

    /// The same for a record of `dataset` with that direction.
    @inline(__always)
    public func applies(to dataset: Dataset, direction recorded: Direction?) -> Bool {
        guard datasetBits & Self.bit(dataset) != 0 else { return false }
        guard let direction, let recorded else { return true }
        return recorded == direction
    }
}

/// A rule instance: metadata plus kind-specific parameters. Immutable and
/// shared; per-scan state lives in the `RuleChecker` it makes.
public protocol Rule: Sendable {
    var metadata: RuleMetadata { get }
    /// A fresh checker for one scan.
    func makeChecker() -> RuleChecker
    /// Runs the rule's own examples; each returned line describes a failure.
    func exampleFailures() -> [String]
    /// The rule's examples as `crmlint explain` and docs/rules.md show them.
    var examples: RuleExamples { get }
    /// True when the rule's findings on a record are dropped if another rule of
    /// the same category reported that record (a model backing up patterns).
    var reportsOnlyIfUnreported: Bool { get }
}

extension Rule {
    public var reportsOnlyIfUnreported: Bool { false }
    /// How many examples the rule carries (must-match, must-not-match).
    public var exampleCounts: (match: Int, noMatch: Int) { (examples.match.count, examples.noMatch.count) }
}

/// Per-scan state of one rule. Record rules act in `check`; stateful rules
/// collect compact state in `check` and report in `finish`. Subclass it and
/// override `check` (and `finish`, `isRecordLocal` as needed).
///
/// A class rather than a protocol: the scanner calls a checker per record and
/// rule (some twenty calls a message), and through a protocol existential each
/// call retained and released the checker (atomic, a few per cent of a scan);
/// a class reference can be called through `Unmanaged` without (`UnretainedCheckers`).
open class RuleChecker {
    public init() {}

    open func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
        preconditionFailure("\(type(of: self)) does not override check(_:context:emit:)")
    }

    /// Reports what needs every record, after the last. Checkers may finish on two threads at once
    /// (`CheckerFinish`): a `finish` only reads what other checkers share (the contact log, the context), and
    /// its findings are emitted in checker order whatever thread found them.
    open func finish(context: CheckContext, emit: (Finding) -> Void) {}

    /// True when `check` reads only the record and per-worker caches, keeps no
    /// state across records, claims no shared problems and reports nothing in
    /// `finish`: the scanner may then
    /// run it on worker threads, one checker and one context per worker.
    open var isRecordLocal: Bool { false }

    /// This checker as one whose nothing-found verdicts the text memory keeps (`NothingFoundGate`), or nil.
    /// A property, not a cast: `as?` to a protocol has the runtime search every conformance record of
    /// the binary once per checker class (~380,000 instructions each, statically linked).
    var remembersNothingFound: RemembersNothingFound? { nil }
}

/// Checkers to be called without a reference count per call: it holds them, so each call
/// may borrow its checker (`Unmanaged`) instead of retaining and releasing it.
public struct UnretainedCheckers {
    private let checkers: [RuleChecker]
    private let references: [Unmanaged<RuleChecker>]

    public init(_ checkers: [RuleChecker]) {
        self.checkers = checkers
        references = checkers.map { Unmanaged.passUnretained($0) }
    }

    @inline(__always) public func check(_ slot: Int, _ record: Record, context: CheckContext, emit: (Finding) -> Void) {
        references[slot]._withUnsafeGuaranteedRef { $0.check(record, context: context, emit: emit) }
    }
}

/// Everything a checker may use besides the record: the scan's "now" and
/// time zone, and per-worker caches (normalised text, PCRE2 match data).
/// Not thread-safe: one per worker.
public final class CheckContext {
    public let asOf: Date
    public let timeZone: TimeZone
    public let normalizer = TextNormalizer()
    public let scratch: MatchScratch
    public let redactor: Redactor
    public let limits: MatchLimits
    /// `company_domains` from crmlint.yml: addresses there are inside the company.
    @exclusivity(unchecked) public var companyDomains: [String] = []
    /// Channel and direction words: the defaults plus crmlint.yml's.
    public var vocabulary = ValueVocabulary.standard {
        didSet { (channels, directions) = (ValueMemo(), ValueMemo()) }
    }
    // Unchecked: used by one thread, never overlapping.
    @exclusivity(unchecked) private var channels = ValueMemo<Channel, WordMemo>()
    @exclusivity(unchecked) private var directions = ValueMemo<Direction, WordMemo>()

    /// `vocabulary.channel(text)`, remembered per value (`ValueMemo`).
    public func channel(_ text: String) -> Channel? { channels.value(text) { vocabulary.channel($0) } }

    /// `channel(value)` for a value of `record` (its channel field), kept for the record's other
    /// askers: the required-fields rule and the contact log both read it, ~200 instructions a look-up.
    public func channel(of record: Record, value: String) -> Channel? {
        if knownChannel.serial == record.serial, knownChannel.value == value { return knownChannel.channel }
        let channel = channel(value)
        knownChannel = (record.serial, value, channel)
        return channel
    }
    @exclusivity(unchecked) private var knownChannel: (serial: Int, value: String, channel: Channel?) = (-1, "", nil)

    /// `vocabulary.direction(text)`, remembered per value.
    public func direction(_ text: String) -> Direction? { directions.value(text) { vocabulary.direction($0) } }

    /// The direction of `record`'s `direction` field (`direction(_:)` of its value), as the scanner noted it
    /// when it read the record (`noteDirection`): the rules that ask looked the value up again, ~200
    /// instructions apiece.
    public func direction(of record: Record, value: String) -> Direction? {
        knownDirection.serial == record.serial ? knownDirection.direction : direction(value)
    }

    /// `direction` is `record`'s, as `direction(_:)` gives it for the value of its `direction` field.
    public func noteDirection(_ direction: Direction?, of record: Record) { knownDirection = (record.serial, direction) }
    @exclusivity(unchecked) private var knownDirection: (serial: Int, direction: Direction?) = (-1, nil)

    /// Facts about the current file rather than its records, collected for the scanner: values no
    /// vocabulary knows (the columns rules need that records lack are counted in `absentNotes`, and both
    /// handed over together by `takeFileNotes`).
    @exclusivity(unchecked) private var fileNotes = FileNotes()
    // The current record's normalised fields, and the prefilter's verdict on
    // each: a short list, since a record has few text fields.
    // Unchecked: read per record and rule, never overlapping (the runtime check cost ~6 % of a scan).
    // One array per column rather than an array of tuples: reading one column of a
    // tuple element copied the whole element (seven reference counts up and down) per
    // rule and field. `cachedHasText` answers `hasText` without touching a reference.
    @exclusivity(unchecked) private var cachedFields: [String] = []
    /// Each field's value as written, and its normalised text once a rule has asked for it (nil
    /// before; a text every rule knows it found nothing in before is not normalised: `TextMemo`).
    @exclusivity(unchecked) private var cachedValues: [String?] = []
    @exclusivity(unchecked) private var cachedTexts: [NormalizedText?] = []
    @exclusivity(unchecked) private var cachedHasText: [Bool] = []
    @exclusivity(unchecked) private var cachedPresent: [LiteralPrefilter.PresentSets?] = []
    /// Whether the prefilter has marked the field (`cachedPresent` holds its sets).
    @exclusivity(unchecked) private var cachedMarked: [Bool] = []
    @exclusivity(unchecked) private var cachedPlaces: [LiteralPrefilter.Places] = []
    /// Per field of the cache, `verdictWords` words of the prefilter's verdicts on entries (`judgeEntries`), one field after another.
    @exclusivity(unchecked) private var cachedVerdicts: [UInt64] = []
    /// Per field of the cache, what the text memory knew of its text and what the rules have learnt of it
    /// since (`MemoEntry`): its facts (`cachedFacts`) and its scores (`cachedScores`, `TextMemo.scoreLimit` a
    /// field, the entry's `scoreCount` of them written).
    @exclusivity(unchecked) private var cachedMemo: [MemoEntry] = []
    /// (Memory of their own, not arrays: reading and writing through an array's buffer checked its uniqueness
    /// each time, and a fact read from an array element's SIMD4 was stored and loaded again. Grown with
    /// `cachedMemo`: `TextMemo.scoreLimit` floats and one SIMD4 of facts an entry.)
    @exclusivity(unchecked) private var cachedScores = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    @exclusivity(unchecked) private var cachedFacts = UnsafeMutablePointer<SIMD4<UInt64>>.allocate(capacity: 0)
    @exclusivity(unchecked) private var cachedSerial = -1
    /// How many entries of the arrays above are the current record's (those after are an earlier record's, to be written over).
    @exclusivity(unchecked) private var cachedCount = 0

    /// Whether pattern rules skip texts they found nothing in before, phrase conditions and models
    /// reuse their answers on a text (`TextMemo`); tests turn it off to check that it changes no finding.
    @exclusivity(unchecked) public var remembersTexts = true
    /// The scanning thread's memory, which only the stateful rules' phrases use; the workers' contexts
    /// (`forWorker`) share one that remembers more texts (`workerMemo`).
    @exclusivity(unchecked) private var textMemo = TextMemo(setBits: TextMemo.scanningThreadSetBits)
    /// The memory the contexts `forWorker` makes share, made with the first.
    @exclusivity(unchecked) private var workerMemo: TextMemo?
    /// What the text memory knew of a field's text, copied out (its facts in `cachedFacts`, its scores in
    /// `cachedScores`), with what the rules have learnt of it since.
    struct MemoEntry {
        /// -2: not looked up yet; -1: a text the memory does not keep; 0: looked up, nothing learnt
        /// since; 1: facts or scores learnt that the memory has not been told (`handBack`).
        var state: Int8 = -2
        /// The text's set in the memory (`TextMemo.set(of:)`), when it keeps the text; -1 for a text too long for it, kept
        /// in the verdicts alone (`verdicts`).
        var set: Int32 = 0
        /// The model whose `scoreCount` scores `cachedScores` holds (-1: none).
        var scoreModel: Int32 = -1
        var scoreCount: Int32 = 0
    }
    /// Per field of the cache, its text's key (`TextVerdicts.Key`: the memory and the verdicts kept between runs know
    /// texts by it), computed when the text is looked up (for every entry whose state is 0 or 1).
    @exclusivity(unchecked) private var cachedKeys: [TextVerdicts.Key] = []
    /// What the rules found nothing in, kept between runs (nil: none kept): a text the memory does not hold is
    /// looked up there, and what the rules learn of texts is handed to it (`flushVerdicts`).
    @exclusivity(unchecked) public var verdicts: TextVerdicts? {
        // Another file numbers its facts its own way.
        didSet {
            verdictFactNumbers = []
            lastRunFacts = nil
            verdictBitOfNumber = []
        }
    }
    /// What this context learnt of texts for `verdicts`, facts numbered as this run numbers them; handed over in batches.
    @exclusivity(unchecked) private var verdictLog: [(key: TextVerdicts.Key, facts: SIMD4<UInt64>)] = []
    @exclusivity(unchecked) private var verdictHits = 0
    /// Per bit of `verdicts`' facts, this run's fact number (built on first use: `verdicts` names its facts).
    @exclusivity(unchecked) private var verdictFactNumbers: [Int] = []
    /// Whether some entry of the current record's is in state 1 (`handBack` then has work).
    @exclusivity(unchecked) private var learntSinceLookUp = false
    /// Fact numbers given so far, by what they were asked for: this context's copy of `factRegistry`'s.
    @exclusivity(unchecked) private var factNumbers: [TextFactRegistry.Key: Int] = [:]
    /// Shared with the contexts `forWorker` makes: a fact, and a model (`modelOrdinal`), has one number in every memory they share.
    @exclusivity(unchecked) private var factRegistry = TextFactRegistry()

    /// The first of `count` consecutive fact numbers for `key`, the same each time it is asked.
    private func facts(_ key: TextFactRegistry.Key, count: Int) -> Int {
        if let known = factNumbers[key] { return known }
        let number = factRegistry.facts(key, count: count)
        factNumbers[key] = number
        return number
    }

    /// A small number for a fact about texts (what a rule learnt of one: "rule X found nothing"),
    /// the same each time it is asked with that name; facts are kept in `TextMemo`.
    public func textFact(_ name: String) -> Int { facts(.named(name), count: 1) }

    /// Two such numbers (a yes and a no) for a fact that `owner`, an object alive while the
    /// rules are, learns of texts (a phrase condition of a rule: does the text hold the phrase?).
    func textFacts(of owner: AnyObject) -> Int {
        // The last owner's numbers kept apart: a phrase condition asks on every inbound message, and the lookup by
        // key (hashing it) was ~300 instructions a message (0.3 % of a messages scan).
        let id = ObjectIdentifier(owner)
        if let last = lastFactOwner, last.id == id { return last.number }
        let number = facts(.owned(id), count: 2)
        lastFactOwner = (id, number)
        return number
    }
    @exclusivity(unchecked) private var lastFactOwner: (id: ObjectIdentifier, number: Int)?

    /// Whether `fact` (`textFact`) holds of a text with the bytes of the field at `index` (from
    /// `fieldIndex`): whether it was learnt of such a text before.
    @inline(__always) public func textHolds(_ fact: Int, at index: Int) -> Bool {
        guard fact < TextMemo.factLimit, remembered(at: index) else { return false }
        return UnsafeRawPointer(cachedFacts + index).load(fromByteOffset: fact &>> 6 &* 8, as: UInt64.self) & (1 &<< UInt64(fact & 63)) != 0
    }

    /// The facts (`textFact`) known of the text of the field at `index`, a bit per fact number below
    /// `TextMemo.factLimit` (none for a text the memory does not keep): one look for a group of rules
    /// (`NothingFoundGate`).
    @inline(__always) func heldFacts(at index: Int) -> SIMD4<UInt64> {
        remembered(at: index) ? cachedFacts[index] : SIMD4()
    }

    /// `fact` holds of the text of the field at `index` (for a rule: it found nothing there, no
    /// hit, no limit, no error).
    @inline(__always) public func noteTextHolds(_ fact: Int, at index: Int) {
        guard fact < TextMemo.factLimit, remembered(at: index) else { return }
        var bit = SIMD4<UInt64>()
        bit[fact &>> 6] = 1 &<< UInt64(fact & 63)
        learn(facts: bit, at: index)
    }

    /// `facts` hold of the text of the field at `index`, which the memory keeps: told to the memory with
    /// the record's other lessons, when the cache moves on to the next record (`handBack`).
    @inline(__always) private func learn(facts: SIMD4<UInt64>, at index: Int) {
        let known = cachedFacts[index]
        guard known | facts != known else { return }
        cachedFacts[index] = known | facts
        cachedMemo[index].state = 1
        learntSinceLookUp = true
    }

    /// Whether the memory keeps the text of the field at `index`, whose entry (`cachedMemo`) then holds
    /// what it knew of the text (looked up on first use).
    @inline(__always) private func remembered(at index: Int) -> Bool {
        let state = cachedMemo[index].state
        return state != -2 ? state >= 0 : lookUp(at: index)
    }

    private func lookUp(at index: Int) -> Bool {
        // The text as written: what the rules see is a function of it.
        guard remembersTexts, var original = cachedValues[index] else {
            cachedMemo[index].state = -1
            return false
        }
        let memo = textMemo
        let entry: MemoEntry = original.withUTF8 { bytes in
            let kept = TextMemo.keeps(bytes)
            // Too long for this run's memory (long texts seldom repeat within an export), a text is looked up still
            // where an export scanned again holds it again: in the verdicts alone (`set` -1: no slot of the memory).
            guard kept || (verdicts != nil && !bytes.isEmpty) else { return MemoEntry(state: -1) }
            // The memory knows texts by the key the verdicts know them by.
            let key = TextVerdicts.Key(of: bytes)
            cachedKeys[index] = key
            var entry = MemoEntry(state: 0, set: -1)
            var known: TextMemo.Known?
            if kept {
                let set = memo.set(of: key)
                // (`cachedScores` has room for every entry of the cache: `cachedIndex`.)
                known = memo.lookUp(key, set: set, scores: cachedScores + index * TextMemo.scoreLimit)
                entry = MemoEntry(
                    state: 0, set: Int32(truncatingIfNeeded: set), scoreModel: known?.scoreModel ?? -1, scoreCount: known?.scoreCount ?? 0)
            }
            cachedFacts[index] = known?.facts ?? SIMD4()
            if known == nil, let verdicts {
                // Not in this run's memory: perhaps in an earlier run's verdicts, which the memory is then told.
                if let found = verdicts.facts(of: key) {
                    cachedFacts[index] = runFacts(found, of: verdicts)
                    entry.state = 1
                    learntSinceLookUp = true
                    verdictHits += 1
                }
            }
            return entry
        }
        cachedMemo[index] = entry
        return entry.state >= 0
    }

    /// `facts` as `verdicts` numbers them (bit i: its name i), as this run numbers them.
    private func runFacts(_ facts: UInt64, of verdicts: TextVerdicts) -> SIMD4<UInt64> {
        // Most texts found in the verdicts hold the same facts (every rule found nothing): the last answer is kept
        // (translating each text's few dozen bits anew was 2 % of a scan of messages scanned before).
        if let last = lastRunFacts, last.facts == facts { return last.run }
        if verdictFactNumbers.isEmpty { verdictFactNumbers = verdicts.fileNames.map(textFact) }
        var result = SIMD4<UInt64>()
        var bits = facts
        while bits != 0 {
            let bit = bits.trailingZeroBitCount
            bits &= bits &- 1
            guard bit < verdictFactNumbers.count else { continue }
            let number = verdictFactNumbers[bit]
            if number < TextMemo.factLimit { result[number &>> 6] |= 1 &<< UInt64(number & 63) }
        }
        lastRunFacts = (facts, result)
        return result
    }
    /// Per fact number of this run (`textFact`), its bit in `verdicts` (-1: none, not a named fact or past the
    /// file's names; -2: not looked up yet); empty until the first hand-over.
    @exclusivity(unchecked) private var verdictBitOfNumber: [Int16] = []
    /// The last `runFacts` answer: the verdicts' facts and this run's numbers for them (which never change in a run).
    @exclusivity(unchecked) private var lastRunFacts: (facts: UInt64, run: SIMD4<UInt64>)?

    /// Hands what this context learnt of texts to `verdicts` (the current record's lessons too): call when every
    /// record is checked, before `TextVerdicts.save`.
    public func flushVerdicts() {
        handBack()
        handOverVerdictLog()
    }

    private func handOverVerdictLog() {
        guard let verdicts, !verdictLog.isEmpty || verdictHits > 0 else { return }
        // Facts by name: the run's numbers for them differ from run to run (they follow the order rules first ask).
        // Each number's bit is looked up once a run (`verdictBitOfNumber`), and most texts hold the same facts (every
        // rule found nothing): the last translation is kept. (A dictionary of numbers made per batch was looked up per
        // fact and text: 4 % of a scan of messages scanned before.)
        if verdictBitOfNumber.isEmpty { verdictBitOfNumber = [Int16](repeating: -2, count: TextMemo.factLimit) }
        var last: (facts: SIMD4<UInt64>, bits: UInt64)?
        let batch: [(key: TextVerdicts.Key, facts: UInt64)] = verdictLog.compactMap { entry in
            if let last, last.facts == entry.facts { return last.bits == 0 ? nil : (entry.key, last.bits) }
            var bits: UInt64 = 0
            for word in 0..<4 {
                var facts = entry.facts[word]
                while facts != 0 {
                    let number = word * 64 + facts.trailingZeroBitCount
                    facts &= facts &- 1
                    if verdictBitOfNumber[number] == -2 {
                        verdictBitOfNumber[number] = Int16(factRegistry.name(ofNumber: number).flatMap(verdicts.index(ofName:)) ?? -1)
                    }
                    let bit = verdictBitOfNumber[number]
                    if bit >= 0 { bits |= 1 << UInt64(bit) }
                }
            }
            last = (entry.facts, bits)
            return bits == 0 ? nil : (entry.key, bits)
        }
        verdicts.add(batch)
        verdicts.noteHits(verdictHits)
        verdictHits = 0
        verdictLog.removeAll(keepingCapacity: true)
    }

    /// Tells the memory what the rules learnt of the current record's texts (before the cache moves on).
    private func handBack() {
        guard learntSinceLookUp else { return }
        learntSinceLookUp = false
        let memo = textMemo, limit = TextMemo.scoreLimit
        for index in 0..<cachedCount where cachedMemo[index].state == 1 {
            let entry = cachedMemo[index], scores = cachedScores + index * limit
            // (Every entry in state 1 was looked up, so `cachedKeys` holds its key.)
            if entry.set >= 0 {
                memo.learn(
                    cachedKeys[index], set: Int(entry.set), facts: cachedFacts[index], scoreModel: entry.scoreModel, scores: scores,
                    scoreCount: Int(entry.scoreCount))
            }
            if verdicts != nil { verdictLog.append((cachedKeys[index], cachedFacts[index])) }
            cachedMemo[index].state = 0
        }
        if verdictLog.count >= 4096 { handOverVerdictLog() }
    }

    /// `interpreterFirst`: patterns are matched with PCRE2's interpreter first (`MatchScratch`), for small inputs;
    /// `interpretedUses`: a pattern's first searches only, before it is JIT-compiled (`MatchScratch`).
    public init(
        asOf: Date, timeZone: TimeZone, limits: MatchLimits = .default, redactor: Redactor = .shared, interpreterFirst: Bool = false,
        interpretedUses: Int = 0
    ) {
        self.asOf = asOf
        self.timeZone = timeZone
        self.scratch = MatchScratch(limits: limits, interpreterFirst: interpreterFirst, interpretedUses: interpretedUses)
        self.redactor = redactor
        self.limits = limits
    }

    deinit {
        cachedScores.deallocate()
        cachedFacts.deallocate()
    }

    /// A context for another worker thread: the same settings and prefilter
    /// (read-only once built), caches and match state of its own.
    /// `shared`: other workers run beside it (their contexts, made by this context, share one text memory,
    /// which then takes a lock per look; a lone worker's is its own).
    public func forWorker(shared: Bool = true) -> CheckContext {
        let copy = CheckContext(
            asOf: asOf, timeZone: timeZone, limits: limits, redactor: redactor, interpreterFirst: scratch.interpreterFirst,
            interpretedUses: scratch.interpretedUses)
        copy.companyDomains = companyDomains
        copy.prefilter = prefilter
        copy.vocabulary = vocabulary
        copy.timesSharedWork = timesSharedWork
        copy.remembersTexts = remembersTexts
        copy.verdicts = verdicts
        if shared {
            if workerMemo == nil { workerMemo = TextMemo(shared: true) }
            copy.textMemo = workerMemo!
        } else {
            copy.textMemo = TextMemo()
        }
        copy.factRegistry = factRegistry
        return copy
    }

    /// Whether to count the time of work rules share (normalising a field, the
    /// prefilter's pass over it, a model's scores, reading a time) in `sharedWorkNanoseconds`:
    /// a timed scan (`--rule-timing`) reports it apart from the rule that happened to ask first.
    @exclusivity(unchecked) public var timesSharedWork = false
    @exclusivity(unchecked) public private(set) var sharedWorkNanoseconds: UInt64 = 0

    @inline(__always) private func sharedWork<T>(_ body: () -> T) -> T {
        guard timesSharedWork else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { sharedWorkNanoseconds &+= DispatchTime.now().uptimeNanoseconds &- start }
        return body()
    }

    /// A field a rule needs is not a column of this record: noted once per
    /// record and field, for one note per file instead of a finding per record.
    public func noteAbsent(_ record: Record, field: String, rule: String) {
        guard claimProblem(record, key: field) else { return }
        // A file lacking a column is noted on every record, by the same few rules: counted in a short list
        // (names compared, not hashed into the notes' dictionaries and sets: ~1,900 instructions a note,
        // 1.3 % of scanning an export), put in the notes when they are taken.
        if let index = absentNotes.firstIndex(where: { $0.field == field }) {
            absentNotes[index].records += 1
            if !absentNotes[index].rules.contains(rule) { absentNotes[index].rules.append(rule) }
        } else {
            absentNotes.append((field, 1, [rule]))
        }
    }
    /// Fields absent from the file being read: records without each, and the rules that needed it.
    @exclusivity(unchecked) private var absentNotes: [(field: String, records: Int, rules: [String])] = []

    /// A channel or direction value the vocabulary does not know, once per record and field.
    public func noteUnknownValue(_ record: Record, field: String, value: String) {
        guard claimProblem(record, key: field) else { return }
        fileNotes.unknown[field, default: [:]][value.trimmed, default: 0] += 1
    }

    /// The notes since the last call (the scanner takes them at the end of each file).
    public func takeFileNotes() -> FileNotes {
        defer {
            fileNotes = FileNotes()
            absentNotes.removeAll()
        }
        for note in absentNotes {
            fileNotes.absent[note.field, default: FileNotes.Absent()].records += note.records
            fileNotes.absent[note.field]!.rules.formUnion(note.rules)
        }
        return fileNotes
    }

    /// The normalised text of a field, computed once per record for all rules.
    public func normalized(_ record: Record, field: String) -> NormalizedText? {
        text(at: cachedIndex(record, field: field))
    }

    /// The current record's field `field` as a place in the per-record cache, for
    /// `hasText`, `text(at:)` and `firstAllowedEntry`: the pattern rules ask each
    /// field of each record once per rule, and copying its text and word hits
    /// out for each (reference counts, a second lookup) cost more than most
    /// rules' verdict, which is "none of my words are here".
    public func fieldIndex(_ record: Record, field: String) -> Int { cachedIndex(record, field: field) }

    /// The same for a field whose number (`FieldNumbers`) the caller holds: found by
    /// that number once the record has been asked for it.
    public func fieldIndex(_ record: Record, field: String, number: Int) -> Int {
        if let known = knownFieldIndex(record, number: number) { return known }
        let index = cachedIndex(record, field: field, number: number)
        if number >= fieldPlaces.count {
            fieldPlaces += repeatElement((serial: Int.min, index: 0), count: number + 1 - fieldPlaces.count)
        }
        fieldPlaces[number] = (record.serial, index)
        return index
    }
    /// The same when this record has been asked for the field before (nil: ask `fieldIndex`):
    /// the caller need not read the field's name (a reference count) for the answer.
    @inline(__always) public func knownFieldIndex(_ record: Record, number: Int) -> Int? {
        number < fieldPlaces.count && fieldPlaces[number].serial == record.serial ? fieldPlaces[number].index : nil
    }
    /// Per field number, the record it was last looked up for and its place in the text cache.
    @exclusivity(unchecked) private var fieldPlaces: [(serial: Int, index: Int)] = []

    /// The index of `record`'s value of the field numbered `number` (`FieldNumbers`) among the values met in that
    /// column (`Interner`: by the value's bytes as written; canonically equal spellings share one), nil when the
    /// record has none or the column holds `rememberedColumnValues` others already. Looked up once per record
    /// whichever rule asks first: the contact log numbers customers and the id-format check remembers a verdict per
    /// customer id, and each looking the id up in a table of its own (36,000 ids: larger than the caches) was two
    /// cache misses a message, ~5 % of a messages scan's time (`perf`) for 0.4 % of its instructions.
    public func columnValueIndex(_ record: Record, number: Int) -> Int32? {
        if number < lastColumnValues.count, lastColumnValues[number].serial == record.serial { return lastColumnValues[number].index }
        if number >= lastColumnValues.count {
            lastColumnValues += repeatElement((serial: Int.min, index: nil), count: number + 1 - lastColumnValues.count)
            columnValues += repeatElement(Interner(), count: number + 1 - columnValues.count)
        }
        var index: Int32?
        if let value = record.value(number: number) {
            index = columnValues[number].index(of: value)
            if index == nil, columnValues[number].count < Self.rememberedColumnValues { index = columnValues[number].intern(value) }
        }
        lastColumnValues[number] = (record.serial, index)
        return index
    }

    /// How many values of a column `columnValueIndex` numbers (a few MB at most per column); values past them get no index.
    /// The benchmark's export has 36,000 customers: with 16,384 remembered, the id format still ran on 601,840 of its
    /// 1.6 million messages.
    public static let rememberedColumnValues = 131_072
    @exclusivity(unchecked) private var columnValues: [Interner] = []
    @exclusivity(unchecked) private var lastColumnValues: [(serial: Int, index: Int32?)] = []

    /// Whether the field at `index` (from `fieldIndex`) holds text.
    public func hasText(at index: Int) -> Bool { cachedHasText[index] }

    /// The value as written of the field at `index` (from `fieldIndex`).
    public func value(at index: Int) -> String? { cachedValues[index] }

    /// The normalised text of the field at `index` (from `fieldIndex`), normalised on first use.
    public func text(at index: Int) -> NormalizedText? {
        if let text = cachedTexts[index] { return text }
        guard let value = cachedValues[index] else { return nil }
        let text = sharedWork { normalizer.normalize(value) }
        cachedTexts[index] = text
        return text
    }

    /// The first entry slot of `slots` the prefilter lets run on the field at `index`
    /// (from `fieldIndex`), `slots.upperBound` when none: `wordHits`' verdict read in
    /// place (the rule then starts there). `slots.lowerBound` without a prefilter.
    @inline(__always) public func firstAllowedEntry(_ slots: Range<Int>, at index: Int) -> Int {
        // Flags and counts, not the prefilter or the field's arrays: reading those retained and released them per rule.
        if !cachedMarked[index] {
            guard let prefilter else { return slots.lowerBound }
            markWords(at: index, prefilter: prefilter)
        }
        return withVerdicts(at: index) { LiteralPrefilter.firstAllowedEntry(slots, verdicts: $0) }
    }

    /// Whether the prefilter lets entry `slot` run on the field at `index` (from `fieldIndex`), which
    /// `firstAllowedEntry` or `wordHits` has marked: its verdict read in place.
    @inline(__always) public func allowsEntry(_ slot: Int, at index: Int) -> Bool {
        guard prefilter != nil else { return true }
        return withVerdicts(at: index) { LiteralPrefilter.allows(entry: slot, verdicts: $0) }
    }

    /// The verdicts of the field at `index`, marked already.
    @inline(__always) private func withVerdicts<T>(at index: Int, _ body: (UnsafeBufferPointer<UInt64>) -> T) -> T {
        let words = verdictWords
        return cachedVerdicts.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[index * words..<(index + 1) * words])) }
    }

    /// The cache entry of a field of the current record, made on first use.
    private func cachedIndex(_ record: Record, field: String, number: Int? = nil) -> Int {
        if cachedSerial != record.serial {
            // The prefilter's arrays go back to the pool for the next record's fields (theirs
            // alone once the cache lets go of them, so `mark` writes them in place).
            for index in 0..<cachedCount {
                guard let present = cachedPresent[index] else { continue }
                spareWordArrays.append((present, cachedPlaces[index]))
                cachedPresent[index] = nil
                cachedPlaces[index] = LiteralPrefilter.Places()
            }
            // The entries are written over, not removed: emptying eight arrays per record
            // (`removeAll(keepingCapacity:)`, a generic range replacement each) was 2 % of a scan.
            handBack()
            cachedCount = 0
            cachedSerial = record.serial
        }
        for index in 0..<cachedCount where cachedFields[index] == field { return index }
        let value = if let number { record.value(number: number) } else { record[field] }
        let index = cachedCount
        cachedCount += 1
        if index == cachedFields.count {
            cachedFields.append(field)
            cachedValues.append(value)
            cachedTexts.append(nil)
            cachedHasText.append(value != nil)
            cachedPresent.append(nil)
            cachedMarked.append(false)
            cachedPlaces.append(LiteralPrefilter.Places())
            cachedMemo.append(MemoEntry())
            cachedKeys.append(TextVerdicts.Key(first: 0, second: 0))
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: cachedMemo.count * TextMemo.scoreLimit)
            scores.initialize(repeating: 0, count: cachedMemo.count * TextMemo.scoreLimit)
            scores.update(from: cachedScores, count: index * TextMemo.scoreLimit)
            cachedScores.deallocate()
            cachedScores = scores
            let facts = UnsafeMutablePointer<SIMD4<UInt64>>.allocate(capacity: cachedMemo.count)
            facts.initialize(repeating: SIMD4(), count: cachedMemo.count)
            facts.update(from: cachedFacts, count: index)
            cachedFacts.deallocate()
            cachedFacts = facts
        } else {
            // (`cachedPresent` and `cachedPlaces` were emptied when the record changed.)
            cachedFields[index] = field
            cachedValues[index] = value
            cachedTexts[index] = nil
            cachedHasText[index] = value != nil
            cachedMarked[index] = false
            cachedMemo[index] = MemoEntry()
        }
        return index
    }

    /// `modelProbabilities(…)[label]`, read where the text memory keeps the text's scores without copying them
    /// out: an array made and kept per record and rule (an allocation, its reference counts and its release)
    /// was most of a classifier rule's time on a text seen before.
    public func modelProbability(
        _ record: Record, at index: Int, model: Int, label: Int, score: (NormalizedText, inout NgramModel.Scratch) -> [Float]
    ) -> Float? {
        guard cachedHasText[index] else { return nil }
        if let kept = keptScores(at: index, model: model), label < kept.count { return kept[label] }
        return modelProbabilities(record, at: index, model: model, score: score).map { $0[label] }
    }

    /// The scores the text memory keeps under `model` for the text of the field at `index`, in place; nil when it keeps none.
    @inline(__always) private func keptScores(at index: Int, model: Int) -> UnsafeBufferPointer<Float>? {
        guard remembered(at: index), Int(cachedMemo[index].scoreModel) == model else { return nil }
        return UnsafeBufferPointer(start: cachedScores + index * TextMemo.scoreLimit, count: Int(cachedMemo[index].scoreCount))
    }

    /// Label probabilities of the current record's field at `index` (`fieldIndex`) under the model numbered `model`
    /// (`modelOrdinal`): the classifier rules sharing a model, one per category, score each text once. By numbers, not
    /// names (the field's and the model's names compared per record and rule, and a copy of the rule's field list,
    /// were a third of what the classifier rules cost when the text memory answered).
    public func modelProbabilities(
        _ record: Record, at index: Int, model: Int, score: (NormalizedText, inout NgramModel.Scratch) -> [Float]
    ) -> [Float]? {
        guard cachedHasText[index] else { return nil }
        // One entry per model and place, replaced in place for the next record (emptying the list per record
        // took the standard library's unspecialised `replaceSubrange`, ~440 instructions).
        let entry = modelCache.firstIndex { $0.model == model && $0.index == index }
        if let entry, modelCache[entry].serial == record.serial { return modelCache[entry].probabilities }
        func keep(_ probabilities: [Float]) {
            if let entry {
                modelCache[entry] = (record.serial, model, index, probabilities)
            } else if modelCache.count < 16 {
                modelCache.append((record.serial, model, index, probabilities))
            }
        }
        // The same text scored before (`TextMemo`): the same scores.
        if let kept = keptScores(at: index, model: model) {
            let known = Array(kept)
            keep(known)
            return known
        }
        let remembers = remembered(at: index)
        let limit = TextMemo.scoreLimit
        guard let text = text(at: index) else { return nil }
        let probabilities = sharedWork { score(text, &modelScratch) }
        keep(probabilities)
        // Kept when the entry has no model's scores yet (a slot keeps one model's), to tell the memory.
        if remembers, cachedMemo[index].scoreModel < 0, !probabilities.isEmpty, probabilities.count <= limit, model < Int(Int32.max) {
            probabilities.withUnsafeBufferPointer { (cachedScores + index * limit).update(from: $0.baseAddress!, count: $0.count) }
            cachedMemo[index].scoreModel = Int32(model)
            cachedMemo[index].scoreCount = Int32(probabilities.count)
            cachedMemo[index].state = 1
            learntSinceLookUp = true
        }
        return probabilities
    }
    @exclusivity(unchecked) private var modelOrdinals: [String: Int] = [:]
    /// The last model asked for: the classifier rules of a pack share one.
    @exclusivity(unchecked) private var lastModel: (key: String, ordinal: Int)?
    /// The number of the model `key` (its file), for `modelProbabilities`: given by `factRegistry`, which the contexts
    /// `forWorker` makes share, as they share the text memory that keeps scores under it.
    public func modelOrdinal(_ key: String) -> Int {
        if let lastModel, lastModel.key == key { return lastModel.ordinal }
        let ordinal = modelOrdinals[key] ?? factRegistry.model(key)
        modelOrdinals[key] = ordinal
        lastModel = (key, ordinal)
        return ordinal
    }
    /// Scores by model and place in the text cache (`cachedIndex`), each of the record with that serial.
    @exclusivity(unchecked) private var modelCache: [(serial: Int, model: Int, index: Int, probabilities: [Float])] = []
    @exclusivity(unchecked) private var modelScratch = NgramModel.Scratch()

    @exclusivity(unchecked) private var spareWordArrays: [(present: LiteralPrefilter.PresentSets, places: LiteralPrefilter.Places)] = []

    /// Which pattern-rule entries could match, one pass per field for all
    /// rules (set by the scanner; nil runs every entry).
    @exclusivity(unchecked) public var prefilter: LiteralPrefilter? {
        didSet {
            verdictWords = prefilter?.entryVerdictWords ?? 0
            openVerdicts = prefilter?.openEntryBits ?? []
            // Verdicts on another prefilter's entries.
            entryVerdictMemo = nil
            // Entries told of are another prefilter's slots: forgotten (those rules are then only not ruled out early).
            (ruledOutFacts, ruleFacts, entryRules) = (SIMD4(), [], [])
        }
    }
    /// `prefilter.entryVerdictWords`, read without the prefilter.
    @exclusivity(unchecked) private var verdictWords = 0
    /// This worker's verdicts on entries by the sets present, made on the first text marked.
    @exclusivity(unchecked) private var entryVerdictMemo: EntryVerdictMemo?

    /// The prefilter's word sets present in a field of the current record, and
    /// where the leading words of patterns stand in it (`LiteralPrefilter.starts`):
    /// one pass for all rules.
    public func wordHits(_ record: Record, field: String) -> (present: LiteralPrefilter.PresentSets, places: LiteralPrefilter.Places)? {
        wordHits(at: cachedIndex(record, field: field))
    }

    /// The same for the field at `index` in the per-record cache (`fieldIndex`).
    public func wordHits(at index: Int) -> (present: LiteralPrefilter.PresentSets, places: LiteralPrefilter.Places)? {
        guard markWords(at: index) else { return nil }
        return (cachedPresent[index]!, cachedPlaces[index])
    }

    /// Marks the field at `index` (once per record), without copying what it found out (`wordHits(at:)` returns a copy);
    /// false without a prefilter.
    @inline(__always) func markWords(at index: Int) -> Bool {
        guard let prefilter else { return false }
        if !cachedMarked[index] { markWords(at: index, prefilter: prefilter) }
        return true
    }

    /// `prefilter.judge` on the word sets present in the field at `index`, marked (`markWords(at:)`), read in
    /// place: a copy of the field's word hits handed to each scan was three reference counts and their releases.
    @inline(__always) func judgeWords(
        _ slots: Range<Int>, at index: Int, prefilter: LiteralPrefilter, into verdicts: UnsafeMutableBufferPointer<UInt64>
    ) {
        prefilter.judge(slots, present: cachedPresent[index].unsafelyUnwrapped, into: verdicts)
    }

    /// `prefilter.starts(slot:in:present:text:)` for the field at `index`, marked, read in place (`judgeWords`).
    @inline(__always) func wordStarts(slot: Int, at index: Int, prefilter: LiteralPrefilter, text: UnsafeBufferPointer<UInt8>) -> [Int]? {
        prefilter.starts(slot: slot, in: cachedPlaces[index], present: cachedPresent[index].unsafelyUnwrapped, text: text)
    }

    /// Runs the prefilter over the field at `index` of the text cache.
    private func markWords(at index: Int, prefilter: LiteralPrefilter) {
        // Arrays of an earlier record's fields when there are (`mark` clears them): allocating
        // and zeroing thousands of flags per field cost more than reusing them.
        // (`mark` sizes them for its prefilter.)
        var (present, places) =
            spareWordArrays.popLast() ?? (LiteralPrefilter.PresentSets(count: prefilter.setCount), LiteralPrefilter.Places())
        // No text marks nothing (and clears what an earlier field left).
        let bytes = text(at: index)?.bytes ?? []
        sharedWork {
            bytes.withUnsafeBufferPointer { prefilter.mark($0, into: &present, places: &places) }
        }
        // The entries' verdicts, one field's after another's: the rules read them in place.
        let words = verdictWords
        if cachedVerdicts.count < (index + 1) * words {
            cachedVerdicts += repeatElement(0, count: (index + 1) * words - cachedVerdicts.count)
        }
        // Remembered by the sets present (`EntryVerdictMemo`): most fresh texts hold a set of sets judged before.
        if entryVerdictMemo == nil { entryVerdictMemo = EntryVerdictMemo(verdictWords: words) }
        let memo = entryVerdictMemo.unsafelyUnwrapped
        // Shared work too: timed apart from the rule that happened to ask first (`--rule-timing`).
        sharedWork {
            cachedVerdicts.withUnsafeMutableBufferPointer { verdicts in
                prefilter.judgeEntries(
                    present: present,
                    into: UnsafeMutableBufferPointer(rebasing: verdicts[index * words..<(index + 1) * words]), memo: memo)
            }
        }
        cachedPresent[index] = present
        cachedMarked[index] = true
        cachedPlaces[index] = places
        if !ruleFacts.isEmpty { noteRulesWithoutEntries(at: index) }
    }

    /// The "found nothing" facts of the rules the prefilter can rule out whole (`noteEntries`), a bit each.
    @exclusivity(unchecked) private var ruledOutFacts = SIMD4<UInt64>()
    /// Per rule told of, its fact as a bit among `ruledOutFacts`.
    @exclusivity(unchecked) private var ruleFacts: [SIMD4<UInt64>] = []
    /// Per prefilter entry slot, its rule's place in `ruleFacts` (-1: no rule told of it).
    @exclusivity(unchecked) private var entryRules: [Int32] = []
    /// The prefilter's entries every text allows (`LiteralPrefilter.openEntryBits`).
    @exclusivity(unchecked) private var openVerdicts: [UInt64] = []

    /// A rule whose entries are prefilter slots `slots` finds nothing in a text where the prefilter allows none
    /// of them (`firstAllowedEntry` at their end), and notes `fact` of that text. Told so, the context notes it
    /// for the rule as soon as it marks a text (`markWords`), so that the rule is skipped with the rules the text
    /// memory knows found nothing (`NothingFoundGate`): on a fresh message, about two pattern rules in three have
    /// none of their words, and calling each to learn so was ~400 instructions a rule.
    public func noteEntries(_ slots: Range<Int>, foundNothing fact: Int) {
        guard fact < TextMemo.factLimit, !slots.isEmpty else { return }
        var bit = SIMD4<UInt64>()
        bit[fact >> 6] = 1 << UInt64(fact & 63)
        guard ruledOutFacts & bit == SIMD4() else { return }
        // A rule with an entry every text allows is never ruled out (nor one whose slots are not this prefilter's).
        guard slots.upperBound <= 64 * openVerdicts.count,
            openVerdicts.withUnsafeBufferPointer({ LiteralPrefilter.firstAllowedEntry(slots, verdicts: $0) }) == slots.upperBound
        else { return }
        if entryRules.count < slots.upperBound { entryRules += repeatElement(-1, count: slots.upperBound - entryRules.count) }
        for entry in slots { entryRules[entry] = Int32(ruleFacts.count) }
        ruleFacts.append(bit)
        ruledOutFacts |= bit
    }

    /// Notes of the text at `index` the facts of the rules none of whose entries its verdicts allow.
    private func noteRulesWithoutEntries(at index: Int) {
        guard remembered(at: index) else { return }
        // The allowed entries are few: the facts of their rules are taken from those of every rule told of
        // (a look per rule at its range of verdicts was ~1,300 instructions a fresh text).
        var allowed = SIMD4<UInt64>()
        withVerdicts(at: index) { verdicts in
            for word in verdicts.indices {
                // The entries every text allows belong to rules never told of: not looked at.
                var bits = verdicts[word] & ~openVerdicts[word]
                while bits != 0 {
                    let entry = word << 6 | bits.trailingZeroBitCount
                    bits &= bits &- 1
                    guard entry < entryRules.count else { break }
                    let rule = Int(entryRules[entry])
                    if rule >= 0 { allowed |= ruleFacts[rule] }
                }
            }
        }
        learn(facts: ruledOutFacts & ~allowed, at: index)
    }

    /// Free-text fields plus unknown columns, computed once per shape and dataset
    /// (a file's records share their shape, so this is nearly always a hit).
    public func defaultTextFields(of record: Record) -> [String] { numberedDefaultTextFields(of: record).names }

    /// The same with each field's number (`FieldNumbers`), for `fieldIndex(_:field:number:)`.
    public func numberedDefaultTextFields(of record: Record) -> (names: [String], numbers: [Int]) {
        if let cached = defaultFieldsCache, cached.shape === record.shape, cached.dataset == record.dataset {
            return (cached.fields, cached.numbers)
        }
        let canonical = Set(record.dataset.canonicalFields)
        let extra = record.shape.names.filter { !canonical.contains($0) }.sorted()
        let fields = record.dataset.freeTextFields + extra
        let numbers = fields.map(FieldNumbers.number(of:))
        defaultFieldsCache = (record.shape, record.dataset, fields, numbers)
        return (fields, numbers)
    }

    /// The last answer, with the shape and dataset it was made for (every rule of a record asks).
    @exclusivity(unchecked) private var defaultFieldsCache: (shape: FieldShape, dataset: Dataset, fields: [String], numbers: [Int])?

    /// Who the current record's message goes to (`ContactScope.audience`), made by `make` once per
    /// record and setting of `outside_company_domains` for all the contact-detail rules: it depends on
    /// nothing else that changes during a scan (the record, that setting, `companyDomains`). Given as its
    /// number in `audienceNames` (-1: none), which a rule compares without a copy of the name (six rules ask
    /// per record, and handing each the name retained and released it).
    @inline(__always) public func audienceNumber(of record: Record, outsideCompanyDomains: Bool, make: () -> String?) -> Int {
        if audiences.serial == record.serial {
            let known = outsideCompanyDomains ? audiences.outside : audiences.plain
            if known != Self.notMade { return known }
        } else {
            audiences = (record.serial, Self.notMade, Self.notMade)
        }
        return audienceNumber(made: make(), outsideCompanyDomains: outsideCompanyDomains)
    }

    /// `audienceNumber` of an audience just made.
    private func audienceNumber(made: String?, outsideCompanyDomains: Bool) -> Int {
        var number = -1
        if let made {
            if let index = audienceNames[..<min(audienceNames.count, Self.audienceLimit)].firstIndex(of: made) {
                number = index
            } else if audienceNames.count < Self.audienceLimit {
                number = audienceNames.count
                audienceNames.append(made)
            } else {
                // A file of ever new labels: past the limit, each setting's audience takes one slot of its own, anew
                // per record (`isPassingAudience`), so the list stays short.
                if audienceNames.count == Self.audienceLimit { audienceNames += [made, made] }
                number = Self.audienceLimit + (outsideCompanyDomains ? 1 : 0)
                audienceNames[number] = made
            }
        }
        if outsideCompanyDomains { audiences.outside = number } else { audiences.plain = number }
        return number
    }
    /// The audiences seen (`audienceNumber`): the checkers' are the five of `ContactScope.canonicalRecipient`;
    /// `audienceLimit` bounds the list for a caller whose `make` gives others.
    @exclusivity(unchecked) public private(set) var audienceNames: [String] = []
    /// How many audiences get a number of their own (`audienceNumber`).
    public static let audienceLimit = 64
    /// Whether `number` (from `audienceNumber`) names this record's audience only, not one audience for the scan.
    public static func isPassingAudience(_ number: Int) -> Bool { number >= audienceLimit }
    private static let notMade = -2
    @exclusivity(unchecked) private var audiences: (serial: Int, plain: Int, outside: Int) = (-1, notMade, notMade)

    /// Parses a time field in the scan's time zone, once per record for all rules.
    public func time(_ record: Record, field: String) -> TimeValue? {
        // A record has a time field or two: a short list, not a dictionary hashing the name per call. One
        // entry per field, replaced in place for the next record (emptying the list per record took the
        // standard library's unspecialised `replaceSubrange`, ~200 instructions).
        let index = timeCache.firstIndex { $0.field == field }
        if let index, timeCache[index].serial == record.serial { return timeCache[index].time }
        let value = value(record, named: field)
        // The same bytes as the last record's in this field (an export sorted by time has a handful of
        // messages a minute): its time again, not parsed again (~560 instructions a record).
        if let index, let value, let last = timeCache[index].value, last.hasSameBytes(as: value) {
            timeCache[index].serial = record.serial
            return timeCache[index].time
        }
        let parsed = value.map { value in
            sharedWork { TimeValue.parse(value, timeZone: timeZone, scratch: scratch, offsets: zoneOffsets) }
        }
        if let index {
            timeCache[index].serial = record.serial
            timeCache[index].value = value
            timeCache[index].time = parsed ?? nil
        } else if timeCache.count < 16 {
            timeCache.append(TimeEntry(serial: record.serial, field: field, value: value, time: parsed ?? nil))
        }
        return parsed ?? nil
    }

    /// A time read: of the record with that serial, from the text `value` of `field`. (A struct: as a tuple
    /// holding optionals it was copied through the runtime's generic tuple witnesses, ~400 instructions a record.)
    private struct TimeEntry {
        var serial: Int
        let field: String
        var value: String?
        var time: TimeValue?
    }
    /// The times read, one entry per field.
    @exclusivity(unchecked) private var timeCache: [TimeEntry] = []
    /// The scan zone's offset on the day of the last time read (`TimeValue.parse`).
    private let zoneOffsets = ZoneOffsets()
    /// The problems claimed on the current record (`claimProblem`): a few at most (the keys are fields rules
    /// name), compared in a list (a set hashed each key).
    @exclusivity(unchecked) private var reportedProblems: [String] = []
    @exclusivity(unchecked) private var problemSerial = -1
    @exclusivity(unchecked) private var sharedState: [String: AnyObject] = [:]

    private func syncRecord(_ record: Record) {
        if problemSerial != record.serial {
            if !reportedProblems.isEmpty { reportedProblems.removeAll(keepingCapacity: true) }
            problemSerial = record.serial
        }
    }

    /// The value of the field called `name` (nil: absent or empty), found by its number (`FieldNumbers`):
    /// the rules that read times name a few fields, on every record, and a record finds a field by name
    /// through a hash of the name. The numbers of the names asked for are kept in a short list.
    public func value(_ record: Record, named name: String) -> String? {
        if let known = fieldNumbersByName.first(where: { $0.name == name }) { return record.value(number: known.number) }
        let number = FieldNumbers.number(of: name)
        if fieldNumbersByName.count < 32 { fieldNumbersByName.append((name, number)) }
        return record.value(number: number)
    }
    @exclusivity(unchecked) private var fieldNumbersByName: [(name: String, number: Int)] = []

    /// True the first time `key` (e.g. a field with a malformed value) is
    /// claimed for this record: a problem several rules notice is reported once.
    public func claimProblem(_ record: Record, key: String) -> Bool {
        syncRecord(record)
        if reportedProblems.contains(key) { return false }
        reportedProblems.append(key)
        return true
    }

    /// Per-scan state shared by several checkers (e.g. one compact contact
    /// log instead of one per rule), made on first use.
    public func shared<T: AnyObject>(_ key: String, make: () -> T) -> T {
        if let existing = sharedState[key] as? T { return existing }
        let made = make()
        sharedState[key] = made
        return made
    }
}

/// What the checkers noticed about a file as a whole (see `CheckContext.noteAbsent`).
public struct FileNotes: Sendable {
    public struct Absent: Sendable {
        public var records = 0
        public var rules: Set<String> = []
    }
    /// Field → records without that column, and the rules that needed it.
    public var absent: [String: Absent] = [:]
    /// Field → value → records.
    public var unknown: [String: [String: Int]] = [:]
    public var isEmpty: Bool { absent.isEmpty && unknown.isEmpty }
}

extension Finding {
    /// A finding about a record, filled from the rule's metadata.
    public init(
        rule: RuleMetadata, record: Record, message: String? = nil, field: String? = nil, column: Int? = nil,
        excerpt: String? = nil, fingerprintParts: [String], related: [RelatedLocation]? = nil, day: String? = nil
    ) {
        self.init(
            rule: rule.id, category: rule.category, severity: rule.severity, message: message ?? rule.message,
            file: record.file, line: record.line, dataset: record.dataset, recordId: record.identity,
            customerId: record.customerId, rep: record.rep, day: day, field: field, column: column, excerpt: excerpt,
            fingerprint: Fingerprint.make([rule.id, record.dataset.rawValue, record.stableKey] + fingerprintParts),
            related: related)
    }
}

extension Record {
    /// Identity for fingerprints: the id where there is one, else a hash of
    /// the content (positions change when rows move; content does not).
    public var stableKey: String {
        if let value = identityValue { return value }
        return Fingerprint.make(fields.keys.sorted().map { "\($0)=\(fields[$0]!)" })
    }
}
