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

    private let memoryLimit: Int
    private let redactor: Redactor
    /// False for a partition, whose findings stay in the order found.
    private let sorts: Bool
    private var held: [Finding] = []
    private var file: SpillFile?
    private var runs: [(start: Int, end: Int)] = []
    private var scratch: [UInt8] = []

    init(redactor: Redactor, sorts: Bool, memoryLimit: Int = FindingSpool.memoryLimit()) {
        self.redactor = redactor
        self.sorts = sorts
        self.memoryLimit = memoryLimit
    }

    /// The first failure to write to disk: reported by `finish` (a scan's emit cannot throw).
    private var failure: Error?

    /// No temporary file could be created (no writable temporary folder): the findings stay in memory, as
    /// they all did before spilling existed, rather than the scan failing. A write that fails later is an error.
    private var cannotSpill = false

    func append(_ finding: Finding) {
        held.append(finding)
        guard held.count >= memoryLimit, failure == nil, !cannotSpill else { return }
        guard let file = file ?? (try? SpillFile()) else {
            cannotSpill = true
            return
        }
        self.file = file
        do { try spill(into: file) } catch { failure = error }
    }

    /// The findings with each one's tier filled from `tiers` where the rule
    /// could not know it yet, redacted (the last line of defence: no contact
    /// detail leaves in any field), in report order.
    func finish(tiers: [String: String]) throws -> StoredFindings {
        func filled(_ finding: Finding) -> Finding {
            guard finding.tier == nil, let customer = finding.customerId, let tier = tiers[customer] else { return finding }
            var finding = finding
            finding.tier = tier
            return finding
        }
        if let failure { throw failure }
        guard let file else {
            // Redaction does not read or change the tier, so filling it after (as the spilled path does) is the same.
            var findings = held.map { redactor.redact(filled($0)) }
            if sorts { findings = Self.inReportOrder(findings) }
            held = []
            return StoredFindings(findings)
        }
        try spill(into: file)
        try file.flush()
        let output = try SpillFile()
        var counter = FindingCounter()
        var rules = Set<String>()
        var firsts: [Finding] = []
        try merge(file) { finding in
            let finding = filled(finding)
            counter.add(finding)
            if rules.insert(finding.rule).inserted { firsts.append(finding) }
            scratch.removeAll(keepingCapacity: true)
            FindingCodec.encode(finding, into: &scratch)
            try output.append(scratch)
        }
        try output.flush()
        self.file = nil
        return StoredFindings(file: output, counts: counter.finish(), firstOfEachRule: firsts)
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

    private func spill(into file: SpillFile) throws {
        guard !held.isEmpty else { return }
        var run = held.map(redactor.redact)
        if sorts { run = Self.inReportOrder(run) }
        let start = file.size
        for finding in run {
            scratch.removeAll(keepingCapacity: true)
            FindingCodec.encode(finding, into: &scratch)
            try file.append(scratch)
        }
        runs.append((start, file.size))
        held.removeAll(keepingCapacity: true)
    }

    /// The runs' findings in report order (each run's next finding held, and a heap of the runs ordered by
    /// them, earlier runs first on ties), or one run after another for a partition.
    private func merge(_ file: SpillFile, _ body: (Finding) throws -> Void) throws {
        let cursors = runs.map { SpillFile.Cursor(file: file, from: $0.start, to: $0.end) }
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

/// A scan's findings in report order, with their counts: in memory, or in
/// the temporary file a `FindingSpool` merged them into (read back on each pass).
public final class StoredFindings: FindingSource {
    private let memory: [Finding]?
    private let file: SpillFile?
    public let counts: FindingCounts
    public var count: Int { counts.total }
    /// Noted as the findings were merged into the file (nil in memory, where reading them is cheap).
    public let firstOfEachRule: [Finding]?

    init(_ findings: [Finding]) {
        memory = findings
        file = nil
        counts = FindingCounts(findings)
        firstOfEachRule = nil
    }

    init(file: SpillFile, counts: FindingCounts, firstOfEachRule: [Finding]) {
        memory = nil
        self.file = file
        self.counts = counts
        self.firstOfEachRule = firstOfEachRule
    }

    /// All of them, when the scan kept them in memory; nil when they are on disk.
    public var inMemory: [Finding]? { memory }

    public func forEachFinding(_ body: (Finding) throws -> Void) throws {
        if let memory { return try memory.forEach(body) }
        guard let file else { return }
        let cursor = SpillFile.Cursor(file: file, from: 0, to: file.size)
        let recent = FindingCodec.RecentStrings()
        while let finding = try cursor.next({ try FindingCodec.decode($0, recent: recent) }) { try body(finding) }
    }
}
