import CrmlintCore
import Foundation

/// Findings as a scan finds them, handed back in report order when it ends.
/// Up to `memoryLimit` are held in memory; past that each full batch is
/// redacted, sorted and written to a temporary file (`SpillFile`) as one
/// sorted run, and `finish` merges the runs. So the memory of a scan does
/// not grow with its findings: a million findings cost disk, not RAM.
/// A scan under the limit never touches the disk, and either way the
/// findings and their order are the same.
final class FindingSpool {
    /// Findings held before they go to disk: about 10–30 MB.
    static let defaultMemoryLimit = 10_000

    /// `CRMLINT_FINDINGS_IN_MEMORY=N` (tests: 1 spills every finding), else the default.
    static func memoryLimit(environment: (String) -> String? = EnvironmentVariable.value) -> Int {
        environment("CRMLINT_FINDINGS_IN_MEMORY").flatMap(Int.init).map { max($0, 1) } ?? defaultMemoryLimit
    }

    /// Findings held before a batch is spilled, whatever the jobs: a scan with fewer keeps them all in memory.
    private let memoryLimit: Int
    private let redactor: Redactor
    /// False for a partition, whose findings stay in the order found.
    private let sorts: Bool
    private var held: [Finding] = []
    private var file: SpillFile?
    private var runs: [(start: Int, end: Int)] = []
    private var scratch: [UInt8] = []
    /// The spilled findings' counts (each counted as its batch is spilled), but for the tiers of those whose tier was
    /// not known yet: how many of them per customer id, counted by `finish`.
    private var counter = FindingCounter()
    /// Per key of `pendingCustomers`, how many spilled findings wait for that customer's tier.
    private var untiered: [Int: Int] = [:]
    /// The customer ids, as read, of spilled findings whose tier was not known yet, each under a key that the
    /// finding carries in its tier's place until the end (`spilledTier`): the spill file holds findings redacted, and a
    /// customer id that is a phone number (a CRM keyed by mobile) is masked there, so the tier, known at the end by
    /// the id as read, could not be found by the id on disk. Only the key is written, never the id; the ids are as many
    /// as the customers, not the findings.
    private var pendingCustomers: [String] = []
    private var pendingKeys: [String: Int] = [:]
    /// Per rule, the first of its spilled findings in report order, and its run and place in it.
    private var firstOfRule: [String: (finding: Finding, place: (Int, Int))] = [:]
    /// Whether a full batch is redacted, sorted and written on a thread of its own while the scan goes on. Redacting
    /// is most of a spill (~12,000 instructions a finding's record or customer id, each one new), and on the scan's
    /// serial tail, where the stateful rules' `finish` emits a day's worth of frequency findings at once, it kept the
    /// other core idle. Off with one job: `--jobs 1` means one thread.
    private let inBackground: Bool
    /// The batch being spilled in the background, until its run is written. While one is, `file`, `runs` and
    /// `failure` are the spill thread's; the scan's thread waits for it (`awaitSpill`) before it reads them.
    private var spilling: SideThread?

    /// Spills in the background redact with a redactor of their own: the shared one's lock would make the rules'
    /// excerpts wait on the spill. Made at the first spill (a scan that keeps its findings in memory needs none).
    private lazy var spillRedactor = inBackground ? Redactor() : redactor

    /// `inBackground`: batches are spilled on a thread of their own. The findings and their order are the same.
    init(redactor: Redactor, sorts: Bool, memoryLimit: Int = FindingSpool.memoryLimit(), inBackground: Bool = false) {
        self.redactor = redactor
        self.sorts = sorts
        self.inBackground = inBackground
        self.memoryLimit = memoryLimit
    }

    /// The first failure to write to disk: reported by `finish` (a scan's emit cannot throw).
    private var failure: Error?

    /// No temporary file could be created (no writable temporary folder): the findings stay in memory, as
    /// they all did before spilling existed, rather than the scan failing. A write that fails later is an error.
    private var cannotSpill = false

    deinit { awaitSpill() }

    func append(_ finding: Finding) {
        held.append(finding)
        // The first spill at the limit, whatever the jobs: a scan under it keeps its findings in memory either way.
        // In the background the later ones at half of it, so the batch being spilled and the one filling are no
        // more than the limit together (but for the first batch, if half as many again come before it is written).
        guard held.count >= (file == nil || !inBackground ? memoryLimit : max(1, memoryLimit / 2)) else { return }
        awaitSpill()
        guard failure == nil, !cannotSpill else { return }
        guard let file = file ?? (try? SpillFile()) else {
            cannotSpill = true
            return
        }
        self.file = file
        // (Keys handed out on the scan's thread, one batch after another, before the batch is redacted elsewhere.)
        let batch = markingUntiered(held)
        held = []
        held.reserveCapacity(memoryLimit)
        guard inBackground else { return spill(batch, into: file) }
        spilling = SideThread { [self] in spill(batch, into: file) }
    }

    /// Waits for the batch being spilled in the background, if any.
    private func awaitSpill() {
        spilling?.wait()
        spilling = nil
    }

    /// The findings with each one's tier filled from `tiers` where the rule
    /// could not know it yet, redacted (the last line of defence: no contact
    /// detail leaves in any field), in report order.
    func finish(tiers: [String: String]) throws -> StoredFindings {
        awaitSpill()
        if let failure { throw failure }
        guard let file else {
            // Redaction does not read or change the tier, so filling it after (as the spilled path does) is the same.
            var findings = held.map { redactor.redact(Self.filled($0, tiers)) }
            if sorts { findings = Self.inReportOrder(findings) }
            held = []
            return StoredFindings(findings)
        }
        held = markingUntiered(held)
        spillLast(into: file)
        held = []
        if let failure { throw failure }
        try file.flush()
        self.file = nil
        // The tiers the findings were counted without, now known, and the first finding of each rule in report
        // order (the earliest of the runs' firsts; ties to the earlier run, as the merge has them).
        let pending = pendingCustomers.map { tiers[$0] }
        for (key, count) in untiered { counter.addTier((key < pending.count ? pending[key] : nil) ?? "unknown", count: count) }
        let firsts = firstOfRule.values.sorted { sorts ? Finding.reportOrder($0.finding, $1.finding) : $0.place < $1.place }
        return StoredFindings(
            file: file, runs: runs, sorts: sorts, pendingTiers: pending, mergesInBackground: inBackground, counts: counter.finish(),
            firstOfEachRule: firsts.map { Self.filled($0.finding, pendingTiers: pending) })
    }

    /// `finding` with its tier filled from `tiers` where the rule could not know it yet.
    static func filled(_ finding: Finding, _ tiers: [String: String]) -> Finding {
        guard finding.tier == nil, let customer = finding.customerId, let tier = tiers[customer] else { return finding }
        var finding = finding
        finding.tier = tier
        return finding
    }

    /// A spilled finding with its tier as found, or the tier its key stands for (`pendingTiers`, by key; nil: the
    /// customer has none).
    static func filled(_ finding: Finding, pendingTiers: [String?]) -> Finding {
        guard let tier = finding.tier, tier.utf8.first == 0 else { return finding }
        var finding = finding
        switch spilledTier(tier) {
        case let .found(tier): finding.tier = tier
        case let .pending(key): finding.tier = key < pendingTiers.count ? pendingTiers[key] : nil
        }
        return finding
    }

    /// What a spilled finding's tier stands for: a key is a NUL and its decimal digits; a tier as found that starts
    /// with a NUL (the JSON and XLSX readers keep one) has a second NUL put before it, so none is read as a key.
    enum SpilledTier: Equatable {
        case found(String?)
        case pending(Int)
    }

    static func spilledTier(_ tier: String?) -> SpilledTier {
        guard let tier, tier.utf8.first == 0 else { return .found(tier) }
        let rest = tier.utf8.dropFirst()
        if rest.first == 0 { return .found(String(tier.dropFirst())) }
        guard !rest.isEmpty, rest.count <= 18, rest.allSatisfy({ $0 &- 0x30 < 10 }) else { return .found(tier) }
        return .pending(rest.reduce(0) { $0 * 10 + Int($1 - 0x30) })
    }

    /// `batch` with each finding whose tier is not known yet carrying its customer's key instead (`pendingCustomers`),
    /// and each whose tier as found starts with a NUL with a second one before it (`spilledTier`).
    private func markingUntiered(_ batch: [Finding]) -> [Finding] {
        batch.map { finding in
            if let tier = finding.tier, tier.utf8.first == 0 {
                var finding = finding
                finding.tier = "\u{0}" + tier
                return finding
            }
            guard finding.tier == nil, let customer = finding.customerId else { return finding }
            let key: Int
            if let known = pendingKeys[customer] {
                key = known
            } else {
                key = pendingCustomers.count
                pendingCustomers.append(customer)
                pendingKeys[customer] = key
            }
            var finding = finding
            finding.tier = "\u{0}" + String(key)
            return finding
        }
    }

    /// `findings` sorted by `Finding.reportOrder`, equal ones in the order given (the sort is stable): their
    /// places sorted, then each finding copied once. Sorting the findings themselves copied a finding (a dozen
    /// strings to retain, then release) at every step of the sort's merges, ~250 M instructions for the
    /// benchmark's 32,857 findings; the places are compared through pointers, which read the findings in
    /// place (the array's subscript in the closure, and the buffer's, copied each one it compared).
    static func inReportOrder(_ findings: [Finding]) -> [Finding] {
        findings.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            return buffer.indices.sorted { Finding.reportOrder(base + $0, base + $1) }.map { buffer[$0] }
        }
    }

    /// `batch` redacted, in report order, written to `file` as one more run; a failure to write is kept for `finish`.
    private func spill(_ batch: [Finding], into file: SpillFile) {
        write(prepared(batch, redactor: spillRedactor), into: file)
    }

    /// `batch` redacted, in report order (or the order found): a run to write.
    private func prepared(_ batch: [Finding], redactor: Redactor) -> [Finding] {
        let run = batch.map(redactor.redact)
        return sorts ? Self.inReportOrder(run) : run
    }

    /// The last batch, when the scan ends: in two halves, redacted side by side (the other threads are done), the
    /// first with the spills' redactor on a thread of its own, the second with the scan's here; two runs, in order.
    private func spillLast(into file: SpillFile) {
        guard inBackground, held.count >= 2 * FindingPipe.batchSize else { return spill(held, into: file) }
        final class Half: @unchecked Sendable { var run: [Finding] = [] }
        let half = held.count / 2, first = Half()
        let firstBatch = Array(held[..<half]), redactor = spillRedactor
        let other = SideThread { first.run = self.prepared(firstBatch, redactor: redactor) }
        let second = prepared(Array(held[half...]), redactor: self.redactor)
        other.wait()
        write(first.run, into: file)
        write(second, into: file)
    }

    /// `run` written to `file` as one more run, counted, each rule's first noted; a failure to write is kept for `finish`.
    private func write(_ run: [Finding], into file: SpillFile) {
        guard !run.isEmpty else { return }
        let start = file.size
        var rules = Set<String>()
        for (index, finding) in run.enumerated() {
            // Counted now, on the spill's thread, rather than in a pass over every finding at the end; a tier
            // still unknown is counted in `finish`, when every customer's is.
            switch Self.spilledTier(finding.tier) {
            case let .pending(key):
                counter.addUntiered(finding)
                untiered[key, default: 0] += 1
            case .found:
                // (`filled` gives a tier that had a NUL put before it back as found; no key is left to fill.)
                counter.add(Self.filled(finding, pendingTiers: []))
            }
            guard rules.insert(finding.rule).inserted else { continue }
            let place = (runs.count, index)
            if let known = firstOfRule[finding.rule], !sorts || !Finding.reportOrder(finding, known.finding) { continue }
            firstOfRule[finding.rule] = (finding, place)
        }
        do {
            for finding in run {
                scratch.removeAll(keepingCapacity: true)
                FindingCodec.encode(finding, into: &scratch)
                try file.append(scratch)
            }
        } catch {
            failure = error
            return
        }
        runs.append((start, file.size))
    }
}

/// A scan's findings in report order, with their counts: in memory, or in the sorted runs a `FindingSpool`
/// spilled to a temporary file, merged again on each pass (merging them once into a file of their own cost an
/// encoding and a write of every finding, then a second reading, on the thread that writes the reports while
/// the others wait; a report is most often the one pass).
public final class StoredFindings: FindingSource {
    private let memory: [Finding]?
    private let file: SpillFile?
    private let runs: [(start: Int, end: Int)]
    private let sorts: Bool
    /// Per key a spilled finding may carry in its tier's place, the customer's tier (`FindingSpool.filled(_:pendingTiers:)`).
    private let pendingTiers: [String?]
    /// Whether a pass merges the runs on a thread of its own while the caller writes what it is handed
    /// (`FindingPipe`): decoding and merging was half of writing a report of the benchmark's 32,857 findings,
    /// on the scan's serial tail.
    private let mergesInBackground: Bool
    public let counts: FindingCounts
    public var count: Int { counts.total }
    /// Noted as the findings were spilled (nil in memory, where reading them is cheap).
    public let firstOfEachRule: [Finding]?

    init(_ findings: [Finding]) {
        memory = findings
        file = nil
        runs = []
        sorts = true
        pendingTiers = []
        mergesInBackground = false
        counts = FindingCounts(findings)
        firstOfEachRule = nil
    }

    /// The findings of `runs` of `file`, each run in report order (`sorts`) or in the order found, their tiers
    /// filled from `pendingTiers` as they are read.
    init(
        file: SpillFile, runs: [(start: Int, end: Int)], sorts: Bool, pendingTiers: [String?], mergesInBackground: Bool,
        counts: FindingCounts, firstOfEachRule: [Finding]
    ) {
        memory = nil
        self.file = file
        self.runs = runs
        self.sorts = sorts
        self.pendingTiers = pendingTiers
        self.mergesInBackground = mergesInBackground
        self.counts = counts
        self.firstOfEachRule = firstOfEachRule
    }

    /// All of them, when the scan kept them in memory; nil when they are on disk.
    public var inMemory: [Finding]? { memory }

    public func forEachFinding(_ body: (Finding) throws -> Void) throws {
        if let memory { return try memory.forEach(body) }
        guard let file else { return }
        let pendingTiers = pendingTiers, runs = runs, sorts = sorts
        guard mergesInBackground else {
            return try Self.merge(file, runs: runs, sorts: sorts) { try body(FindingSpool.filled($0, pendingTiers: pendingTiers)) }
        }
        let pipe = FindingPipe()
        let merging = SideThread {
            var writer = FindingPipe.Writer(pipe)
            do {
                try Self.merge(file, runs: runs, sorts: sorts) { finding in
                    guard writer.write(FindingSpool.filled(finding, pendingTiers: pendingTiers)) else { throw CancellationError() }
                }
                writer.close()
            } catch {
                // Cancelled: the reader has gone, and hears nothing more.
                writer.close(failure: error is CancellationError ? nil : error)
            }
        }
        // The merging thread is done with the file before this returns, whether the writing failed or not.
        defer {
            pipe.cancel()
            merging.wait()
        }
        while let batch = try pipe.take() {
            for finding in batch { try body(finding) }
        }
    }

    /// The runs' findings in report order (each run's next finding held, and a heap of the runs ordered by
    /// them, earlier runs first on ties), or one run after another for a partition.
    static func merge(
        _ file: SpillFile, runs: [(start: Int, end: Int)], sorts: Bool, _ body: (Finding) throws -> Void
    ) throws {
        // A read buffer per run, smaller as runs grow (a million findings are 200 runs): the pass's memory stays
        // about 8 MB however many findings there are.
        let readSize = max(4_096, min(SpillFile.bufferSize, (8 << 20) / max(1, runs.count)))
        let cursors = runs.map { SpillFile.Cursor(file: file, from: $0.start, to: $0.end, readSize: readSize) }
        // Per run: its findings follow one another in report order, so neighbours share strings.
        let recent = runs.map { _ in FindingCodec.RecentStrings() }
        func next(_ run: Int) throws -> Finding? { try cursors[run].next { try FindingCodec.decode($0, recent: recent[run]) } }
        guard sorts else {
            for run in cursors.indices { while let finding = try next(run) { try body(finding) } }
            return
        }
        // Each run's next finding, by run, and a heap of run numbers: a heap of the findings themselves copied
        // one (a dozen strings to retain, then release) at every step of a sift, 150 M instructions for the
        // benchmark's 32,857 findings, on the thread that then writes the report while the others wait.
        let heads = UnsafeMutableBufferPointer<Finding>.allocate(capacity: cursors.count)
        var holds = [Bool](repeating: false, count: cursors.count)
        defer {
            for run in heads.indices where holds[run] { (heads.baseAddress! + run).deinitialize(count: 1) }
            heads.deallocate()
        }
        var heap: [Int] = []
        func before(_ a: Int, _ b: Int) -> Bool {
            let base = UnsafePointer(heads.baseAddress!)
            if Finding.reportOrder(base + a, base + b) { return true }
            if Finding.reportOrder(base + b, base + a) { return false }
            return a < b
        }
        func siftDown(_ index: Int) {
            var parent = index
            while true {
                let left = 2 * parent + 1, right = left + 1
                var least = parent
                if left < heap.count, before(heap[left], heap[least]) { least = left }
                if right < heap.count, before(heap[right], heap[least]) { least = right }
                if least == parent { return }
                heap.swapAt(parent, least)
                parent = least
            }
        }
        for run in cursors.indices {
            guard let finding = try next(run) else { continue }
            (heads.baseAddress! + run).initialize(to: finding)
            holds[run] = true
            heap.append(run)
        }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        while let top = heap.first {
            try body(heads[top])
            if let following = try next(top) {
                heads[top] = following
            } else {
                (heads.baseAddress! + top).deinitialize(count: 1)
                holds[top] = false
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
    }
}
