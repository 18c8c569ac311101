import CrmlintCore
import CrmlintRules
import Foundation

/// Runs the record-local checkers (pattern and contact-detail rules: nearly
/// all of a scan's CPU) of a batch of records on worker threads. Each worker
/// has its own checkers and context, so nothing is shared but read-only rules
/// and the prefilter. The scanner then emits the findings in record and rule
/// order, with the stateful checkers run in between on its own thread, so the
/// output is the same whatever the number of jobs.
final class RecordWorkers {
    /// How many records are handed out at once: large enough that waking the
    /// workers costs little against the checks, small enough to bound memory.
    static let batchSize = 512

    /// The checkers of one worker, by the index of the scan's checker they stand for.
    private final class Worker: @unchecked Sendable {
        let context: CheckContext
        let checkers: [(index: Int, metadata: RuleMetadata, checker: RuleChecker)]
        /// Findings of the worker's slice: per record, per record-local checker.
        var output: [[[Finding]]] = []

        init(context: CheckContext, checkers: [(index: Int, metadata: RuleMetadata, checker: RuleChecker)]) {
            self.context = context
            self.checkers = checkers
            gates = checkers.map(\.metadata.gate)
            ruleCheckers = checkers.map(\.checker)
        }

        // Apart from `checkers`: reading a checker out of the tuple copied its metadata.
        private let gates: [RuleGate]
        private let ruleCheckers: [RuleChecker]

        func run(_ batch: ArraySlice<(record: Record, direction: Direction?)>) {
            output.removeAll(keepingCapacity: true)
            for (record, direction) in batch {
                var found = [[Finding]](repeating: [], count: checkers.count)
                for slot in checkers.indices where gates[slot].applies(to: record, direction: direction) {
                    ruleCheckers[slot].check(record, context: context) { found[slot].append($0) }
                }
                output.append(found)
            }
        }
    }

    /// For each of the scan's checkers, its slot among the record-local ones (nil: run by the scanner).
    let slots: [Int?]
    private let workers: [Worker]

    /// `jobs` worker threads (at least one) for the record-local ones among `rules`.
    init(rules: [Rule], checkers: [RuleChecker], context: CheckContext, jobs: Int) {
        var slots: [Int?] = []
        var local: [(Int, RuleMetadata)] = []
        for (index, checker) in checkers.enumerated() {
            if checker.isRecordLocal {
                slots.append(local.count)
                local.append((index, rules[index].metadata))
            } else {
                slots.append(nil)
            }
        }
        self.slots = slots
        workers = (0..<max(1, jobs)).map { _ in
            Worker(context: context.forWorker(), checkers: local.map { ($0.0, $0.1, rules[$0.0].makeChecker()) })
        }
    }

    var hasWork: Bool { slots.contains { $0 != nil } }

    /// The record-local findings of `batch`: per record, per slot.
    func run(_ batch: [(record: Record, direction: Direction?)]) -> [[[Finding]]] {
        guard workers.count > 1, batch.count > 1 else {
            workers[0].run(batch[...])
            return workers[0].output
        }
        let share = (batch.count + workers.count - 1) / workers.count
        let count = (batch.count + share - 1) / share
        func slice(_ index: Int) -> ArraySlice<(record: Record, direction: Direction?)> {
            batch[index * share..<min(batch.count, (index + 1) * share)]
        }
        for index in 1..<count { threads[index - 1].start { [workers] in workers[index].run(slice(index)) } }
        workers[0].run(slice(0))
        for index in 1..<count { threads[index - 1].wait() }
        return workers[0..<count].flatMap(\.output)
    }

    /// Threads of our own rather than `DispatchQueue.concurrentPerform`: on Linux,
    /// libdispatch adds pool threads only while the machine looks idle, so on a
    /// busy machine the scan stayed on one core.
    private lazy var threads: [WorkerThread] = (1..<workers.count).map { _ in WorkerThread() }

    deinit { threads.forEach { $0.stop() } }
}

/// One long-lived thread that runs a job when started and signals when done.
private final class WorkerThread: @unchecked Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var job: (() -> Void)?

    init() {
        // The thread keeps its object alive until `stop` lets it return.
        let thread = Thread { [self] in
            while true {
                started.wait()
                guard let job else { return }
                job()
                self.job = nil
                finished.signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func start(_ job: @escaping () -> Void) {
        self.job = job
        started.signal()
    }

    func wait() { finished.wait() }

    func stop() {
        job = nil
        started.signal()
    }
}
