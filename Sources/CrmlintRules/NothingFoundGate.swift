import CrmlintCore

/// A checker whose verdict on a record is a function of the texts of the columns it reads, and
/// which notes in the text memory (`TextMemo`) each text it reported nothing in: pattern and model rules.
protocol RemembersNothingFound: RuleChecker {
    /// The columns the rule reads in records of `record`'s shape and dataset: names and numbers.
    func columns(of record: Record, context: CheckContext) -> (names: [String], numbers: [Int])
    /// The context's number for the fact "this rule found nothing in the text".
    func foundNothingFact(_ context: CheckContext) -> Int
}

/// The text rules a record need not run, judged with one look at the text memory (`TextMemo`):
/// each rule that reads one column of it (the column most of them read alone) and found nothing in
/// that column's text before, and each rule that reads no column of it at all. Each rule would learn
/// the same by itself, a call apiece: on a messages export, where four texts in five repeat an
/// earlier one, thirty calls a message that each learnt only what the memory already said.
///
/// Skipping a rule this way changes no finding: a rule is remembered as having found nothing in a
/// text only when it reported nothing there (no hit, no match limit, no error, no probability at its
/// threshold), and it finds nothing in a field with no text. Each rule is judged on its own fact: a
/// rule that reported something in a text runs on it again; the others are skipped. Not thread-safe:
/// one per worker, with that worker's checkers and context.
public final class NothingFoundGate {
    /// Per checker slot, the checker when it is of a kind the gate may skip (nil: never skipped).
    private let textCheckers: [RemembersNothingFound?]
    /// Per checker slot, whether the gate may skip it. (This, `facts` and `held` are read inline by the
    /// worker's loop: as calls into this module they cost about as much as a third of what the gate saves.)
    @usableFromInline let gated: [Bool]
    /// The shape and dataset the grouping below is for.
    @exclusivity(unchecked) private var groupKey = ShapeKey()
    /// The one column the members read (nil: they read none of this shape's columns).
    @exclusivity(unchecked) private var column: (name: String, number: Int)?
    /// Per checker slot, for this shape and dataset: its "found nothing" fact when it reads only
    /// `column` (skipped when the column's text holds it), `readsNothing`, or `runs`.
    @usableFromInline @exclusivity(unchecked) var facts: [Int16]
    @usableFromInline static var readsNothing: Int16 { -2 }
    @usableFromInline static var runs: Int16 { -1 }
    @exclusivity(unchecked) private var hasMembers = false
    /// The facts the text memory holds of the column's text in the record last judged (every bit
    /// set when it has no text: no member finds anything there).
    @usableFromInline @exclusivity(unchecked) var held = SIMD4<UInt64>()
    /// Changes whenever the grouping (`facts`) does, so a caller's plans built from `facts` know to be rebuilt.
    /// (Read through this module: a stored property read from another module is checked for exclusive
    /// access at run time whatever its declaration says, once a record in the worker's loop.)
    public var grouping: Int { groupingNumber }
    @exclusivity(unchecked) private var groupingNumber = 0

    public init(checkers: [RuleChecker]) {
        textCheckers = checkers.map(\.remembersNothingFound)
        gated = textCheckers.map { $0 != nil }
        facts = Array(repeating: Self.runs, count: checkers.count)
    }

    /// Whether the checker at `slot` is one the gate may skip: a pattern or model rule's.
    @inlinable public func mayGate(_ slot: Int) -> Bool { gated[slot] }

    /// Judges `record` (call before asking `skips` of its slots).
    public func judge(_ record: Record, context: CheckContext) {
        if groupKey.differs(from: record) { regroup(record, context: context) }
        guard hasMembers, let column else {
            held = SIMD4()
            judgedIndex = -1
            return
        }
        let index = context.fieldIndex(record, field: column.name, number: column.number)
        judgedIndex = context.hasText(at: index) ? index : -1
        held = judgedIndex >= 0 ? context.heldFacts(at: index) : SIMD4(repeating: ~0)
    }

    /// Reads again what the text memory holds of the record last judged, after a checker ran on it: the first
    /// pattern rule to run on a fresh text marks its words, and the memory then knows every rule that has none
    /// of its words (`CheckContext.noteEntries`), which the rest of the record's slots can skip.
    public func refresh(_ context: CheckContext) {
        if judgedIndex >= 0 { held = context.heldFacts(at: judgedIndex) }
    }
    /// The cache index of the judged record's column (-1: no text, or no column).
    @exclusivity(unchecked) private var judgedIndex = -1

    /// For checkers `slots`, the facts that skip all of them that the gate may skip at once (`holdsAll`),
    /// and those of them it never skips in this grouping, in order.
    public func plan(_ slots: [Int]) -> (facts: SIMD4<UInt64>, runs: [Int]) {
        var facts = SIMD4<UInt64>()
        var runs: [Int] = []
        for slot in slots {
            let fact = Int(self.facts[slot])
            if fact >= 0 {
                facts[fact >> 6] |= 1 << UInt64(fact & 63)
            } else if fact == Int(Self.runs) {
                runs.append(slot)
            }
        }
        return (facts, runs)
    }

    /// Whether the record last judged holds every fact of `facts` (`plan`): every checker that plan
    /// skips would be skipped by `skips`.
    @inlinable public func holdsAll(_ facts: SIMD4<UInt64>) -> Bool { held & facts == facts }

    /// For a plan of the caller's (valid until `grouping` changes): the fact of `slot` in this grouping, or
    /// `readsNothingMark` (always skipped) or `runsMark` (never skipped).
    public func fact(ofSlot slot: Int) -> Int16 { facts[slot] }
    public static var readsNothingMark: Int16 { readsNothing }
    public static var runsMark: Int16 { runs }

    /// Whether the record last judged holds the fact numbered `fact` (a slot's, from `facts`, when not negative).
    @inlinable public func holds(_ fact: Int) -> Bool { held[fact &>> 6] & (1 &<< UInt64(fact & 63)) != 0 }

    /// Whether the checker at `slot` need not run on the record last judged.
    @inlinable public func skips(_ slot: Int) -> Bool {
        let fact = Int(facts[slot])
        if fact < 0 { return fact == Int(Self.readsNothing) }
        return held[fact &>> 6] & (1 &<< UInt64(fact & 63)) != 0
    }

    /// Members for records of `record`'s shape and dataset: the text rules reading no column of
    /// it, and those reading only the column most of them read alone.
    private func regroup(_ record: Record, context: CheckContext) {
        groupKey.note(record)
        groupingNumber &+= 1
        var readers: [Int: (name: String, count: Int)] = [:]
        var columns: [(names: [String], numbers: [Int])?] = []
        for checker in textCheckers {
            let read = checker?.columns(of: record, context: context)
            columns.append(read)
            if let read, read.numbers.count == 1 {
                readers[read.numbers[0], default: (read.names[0], 0)].count += 1
            }
        }
        // The column most rules read alone (the smaller number of a tie, so every worker picks the same).
        let chosen = readers.max { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }
        column = chosen.map { ($0.value.name, $0.key) }
        hasMembers = false
        for (slot, read) in columns.enumerated() {
            facts[slot] = Self.runs
            guard let read, let checker = textCheckers[slot] else { continue }
            if read.numbers.isEmpty {
                facts[slot] = Self.readsNothing
            } else if read.numbers.count == 1, read.numbers[0] == column?.number {
                // A fact the memory cannot hold is never known: such a rule always runs.
                let fact = checker.foundNothingFact(context)
                guard fact < TextMemo.factLimit else { continue }
                facts[slot] = Int16(fact)
                hasMembers = true
            }
        }
    }
}
