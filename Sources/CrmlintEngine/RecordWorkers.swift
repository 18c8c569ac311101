import CrmlintCore
import CrmlintRules
import Foundation

/// Runs the record-local checkers (pattern and contact-detail rules: nearly
/// all of a scan's CPU) of batches of records on worker threads. Each worker
/// has its own checkers and context, so nothing is shared but read-only rules
/// and the prefilter. The scanner then emits the findings in record and rule
/// order, with the stateful checkers run in between on its own thread, so the
/// output is the same whatever the number of jobs.
///
/// A batch is handed over (`submit`) and collected later (`finish`): while the
/// workers check it, the scanning thread reads the next records and runs the
/// stateful rules of the batch before. Batches are checked in chunks that any
/// thread takes as it comes free, the scanning thread too when it collects a
/// batch whose chunks are not all taken, so neither thread waits while the
/// other has work (with two cores, the serial reading no longer leaves one idle).
final class RecordWorkers {
    /// How many records are handed out at once: large enough that waking the
    /// workers costs little against the checks, small enough to bound memory.
    static let batchSize = 512
    /// Records a thread takes at a time from a batch.
    static let chunkSize = 16

    /// A batch being checked: its records, and per record, per record-local checker, the findings.
    final class Job: @unchecked Sendable {
        /// The records, in storage the job owns (filled by the scanner without a copy: `Gathering`). The workers
        /// borrow each by moving it out and back (`lend`); the scanning thread then moves each out as it completes it
        /// (`takeRecord`), where copying it out of an array retained and released its file name, shape and values
        /// (~3 % of a messages scan's time, `perf`). Beside them each one's direction (not pairs: a pair was copied
        /// out through the tuple's generic value witnesses, a metadata look-up and an indirect call a record).
        private let records: UnsafeMutablePointer<Record>
        let count: Int
        let directions: [Direction?]
        /// How many records, from the first, `takeRecord` has moved out; the rest go with the job.
        private var taken = 0
        /// Written by whichever thread checks a record, each record by one thread (guarded by the chunks' hand-out);
        /// empty for a record without findings (most: no array per checker is made for it).
        let results: UnsafeMutableBufferPointer<[[Finding]]>
        let chunks: Int
        /// Guarded by the workers' `lock`.
        fileprivate var claimed = 0
        fileprivate var done = 0

        /// Takes over `records` (`count` of them, initialised; allocated for the job to free).
        init(records: UnsafeMutablePointer<Record>, count: Int, directions: [Direction?]) {
            precondition(count == directions.count, "one direction per record")
            self.records = records
            self.count = count
            self.directions = directions
            results = .allocate(capacity: count)
            _ = results.initialize(from: repeatElement([], count: count))
            chunks = (count + RecordWorkers.chunkSize - 1) / RecordWorkers.chunkSize
        }

        /// Record `index` lent to a worker: moved out of its slot, to be put back (`putBack`) before the batch is
        /// done. Passed in place instead, the record was copied for the call (the compiler keeps a copy of a value
        /// read through a pointer while an opaque call runs), a reference count on its file name, shape and values.
        /// Nothing reads the empty slot meanwhile: each record is checked by one thread, and the scanning thread
        /// waits for the whole batch (`finish`).
        fileprivate func lend(_ index: Int) -> Record { (records + index).move() }
        fileprivate func putBack(_ record: consuming Record, at index: Int) { (records + index).initialize(to: consume record) }

        /// Moves record `index` out of the batch, in order, once the workers are done with the batch.
        func takeRecord(_ index: Int) -> Record {
            precondition(index == taken && index < count, "records taken in order, once")
            taken += 1
            return (records + index).move()
        }

        deinit {
            (records + taken).deinitialize(count: count - taken)
            records.deallocate()
            results.deinitialize()
            results.deallocate()
        }
    }

    /// The checkers of one thread, by the index of the scan's checker they stand for.
    private final class Worker: @unchecked Sendable {
        let context: CheckContext
        let checkers: [(index: Int, metadata: RuleMetadata, checker: RuleChecker)]
        /// Time per checker slot, when the scan is timed (read once the scan's jobs are all finished).
        let clock: RuleClock?

        init(context: CheckContext, checkers: [(index: Int, metadata: RuleMetadata, checker: RuleChecker)], timed: Bool) {
            self.context = context
            self.checkers = checkers
            let gates = checkers.map(\.metadata.gate)
            // Per kind of record (dataset and direction), the slots of the checkers that apply to it,
            // one kind's after another's: a record walks its own few, not every checker's gate.
            var byKind = [[Int]](repeating: [], count: Dataset.allCases.count * (Direction.allCases.count + 1))
            for dataset in Dataset.allCases {
                for direction in [Direction?.none] + Direction.allCases {
                    byKind[Self.kind(of: dataset, direction: direction)] = gates.indices.filter {
                        gates[$0].applies(to: dataset, direction: direction)
                    }
                }
            }
            applicableSlots = byKind.flatMap { $0 }
            kindStarts = byKind.reduce(into: [0]) { $0.append($0.last! + $1.count) }
            let ruleCheckers = checkers.map(\.checker)
            calls = UnretainedCheckers(ruleCheckers)
            nothingFound = NothingFoundGate(checkers: ruleCheckers)
            let nothingFound = nothingFound, applicableSlots = applicableSlots, kindStarts = kindStarts
            gatedKinds = (0..<kindStarts.count - 1).map { kind in
                applicableSlots[kindStarts[kind]..<kindStarts[kind + 1]].contains { nothingFound.mayGate($0) }
            }
            clock = timed ? RuleClock(count: checkers.count, context: context) : nil
        }

        /// The checker slots for each kind of record (`kind`), from `kindStarts[kind]` to `kindStarts[kind + 1]`.
        private let applicableSlots: [Int]
        private let kindStarts: [Int]
        /// The checkers, called without a reference count per call (apart from `checkers`: reading a
        /// checker out of the tuple copied its metadata).
        private let calls: UnretainedCheckers
        /// Skips the text rules (pattern, model) a record's text is known to give nothing.
        private let nothingFound: NothingFoundGate

        func run(_ job: Job, chunk: Int) {
            let start = chunk * RecordWorkers.chunkSize
            for index in start..<min(job.count, start + RecordWorkers.chunkSize) {
                let record = job.lend(index)
                job.results[index] = check(record, direction: job.directions[index])
                job.putBack(record, at: index)
            }
        }

        /// The findings of the record being checked, per checker slot (empty: none). A property, not a local
        /// the findings closure captures: a captured `var` was checked for exclusive access at run time on
        /// every finding. Used by this worker's thread alone.
        @exclusivity(unchecked) private var found: [[Finding]] = []

        /// The findings of the record-local checkers on `record`, per checker slot (empty: none).
        private func check(_ record: Record, direction: Direction?) -> [[Finding]] {
            @inline(__always) func run(_ slot: Int) {
                RuleClock.time(clock, slot, context: context) {
                    calls.check(slot, record, context: context) { finding in
                        if found.isEmpty { found = [[Finding]](repeating: [], count: checkers.count) }
                        found[slot].append(finding)
                    }
                }
            }
            defer { found = [] }
            let kind = Self.kind(of: record.dataset, direction: direction)
            // Judged when a text rule applies (a record none applies to, such as an inbound message,
            // is not looked up in the text memory, where it would push out texts that repeat).
            if gatedKinds[kind] {
                nothingFound.judge(record, context: context)
                // Most records: the text memory knows every text rule finds nothing in the text, and only
                // the others run. (Walking every slot to learn so, ~40 instructions a text rule, was about
                // as much as the check of a repeated message's stateful rules.)
                if clock == nil {
                    if planGrouping != nothingFound.grouping { replan() }
                    if nothingFound.holdsAll(planFacts[kind]) {
                        for slot in planRuns[kind] { run(slot) }
                        return found
                    }
                    // The kind's slots with what the gate knows of each, read from one list (through the
                    // slots, the gate's flags and facts, ~25 instructions a slot on a text some rule reports).
                    for step in planSteps[kindStarts[kind]..<kindStarts[kind + 1]] {
                        let fact = Int(step.fact)
                        if fact >= 0 {
                            if nothingFound.holds(fact) { continue }
                        } else if fact == Self.skippedStep {
                            continue
                        } else if fact == Self.ungatedStep {
                            run(Int(step.slot))
                            continue
                        }
                        run(Int(step.slot))
                        // It may have marked the text's words: the rules with none of theirs are known now.
                        nothingFound.refresh(context)
                    }
                    return found
                }
            }
            for position in kindStarts[kind]..<kindStarts[kind + 1] {
                let slot = applicableSlots[position]
                if nothingFound.mayGate(slot) {
                    if nothingFound.skips(slot) {
                        clock?.countSkipped(slot)
                        continue
                    }
                    run(slot)
                    // It may have marked the text's words: the rules with none of theirs are known now.
                    nothingFound.refresh(context)
                } else {
                    run(slot)
                }
            }
            return found
        }

        /// Per kind: has it a slot the gate may skip?
        private let gatedKinds: [Bool]
        /// Per kind, for the gate's grouping `planGrouping` (`NothingFoundGate.plan`): the facts that skip
        /// every slot of the kind the gate may skip, and the slots that run when the record holds them all.
        @exclusivity(unchecked) private var planGrouping = -1
        @exclusivity(unchecked) private var planFacts: [SIMD4<UInt64>] = []
        @exclusivity(unchecked) private var planRuns: [[Int]] = []

        /// Per applicable slot (`applicableSlots`' order), for the gate's grouping `planGrouping`: the slot and its
        /// "found nothing" fact (`NothingFoundGate.fact(ofSlot:)`: the slot is skipped when the record's text holds
        /// it), or `skippedStep` (it reads none of the record's columns), `NothingFoundGate.runsMark` (it runs, and
        /// the gate reads the text's facts again after), `ungatedStep` (it runs; the gate never skips it).
        @exclusivity(unchecked) private var planSteps: [(slot: Int32, fact: Int16)] = []
        private static let skippedStep = Int(NothingFoundGate.readsNothingMark), ungatedStep = -3

        private func replan() {
            planGrouping = nothingFound.grouping
            planFacts = []
            planRuns = []
            for kind in gatedKinds.indices {
                let plan = nothingFound.plan(Array(applicableSlots[kindStarts[kind]..<kindStarts[kind + 1]]))
                planFacts.append(plan.facts)
                planRuns.append(plan.runs)
            }
            planSteps = applicableSlots.map { slot in
                (Int32(slot), nothingFound.mayGate(slot) ? nothingFound.fact(ofSlot: slot) : Int16(Self.ungatedStep))
            }
        }

        /// The index of a kind of record in `kindStarts`: by dataset (`scanOrder`), then no direction,
        /// then each direction. (A switch, not `allCases`: that makes an array per call.)
        @inline(__always) private static func kind(of dataset: Dataset, direction: Direction?) -> Int {
            let directionIndex: Int
            switch direction {
            case nil: directionIndex = 0
            case .outbound: directionIndex = 1
            case .inbound: directionIndex = 2
            }
            return dataset.scanOrder * 3 + directionIndex
        }
    }

    /// For each of the scan's checkers, its slot among the record-local ones (nil: run by the scanner).
    let slots: [Int?]
    /// `workers[0]` is the scanning thread's; one more per worker thread.
    private let workers: [Worker]
    /// Guards the queue and every job's counts; signalled when work arrives and when a job is done.
    private let lock = NSCondition()
    /// Jobs with chunks not yet taken, oldest first.
    private var queue: [Job] = []
    private var stopping = false

    /// `jobs` threads in all (at least one: the scanning thread) for the record-local ones among `rules`.
    init(rules: [Rule], checkers: [RuleChecker], context: CheckContext, jobs: Int, timed: Bool = false) {
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
        // The scanning thread's worker checks with the scanner's own checkers of these rules: the
        // scanner never calls them (their records come here), so one more set was made for nothing.
        workers = (0..<max(1, jobs)).map { number in
            Worker(
                context: context.forWorker(shared: jobs > 1),
                checkers: local.map { ($0.0, $0.1, number == 0 ? checkers[$0.0] : rules[$0.0].makeChecker()) }, timed: timed)
        }
    }

    /// Hands what each worker's context learnt of texts to the verdicts kept between runs (after the last `finish`:
    /// no chunk is being checked).
    func flushVerdicts() {
        locked {
            for worker in workers { worker.context.flushVerdicts() }
        }
    }

    /// Adds every worker's time to `times` (after the last `finish`: no chunk is being checked).
    func addTimes(to times: RuleTimes) {
        locked {
            for worker in workers {
                guard let clock = worker.clock else { continue }
                times.add(clock, rules: worker.checkers.map(\.metadata))
            }
        }
    }

    var hasWork: Bool { slots.contains { $0 != nil } }

    /// Hands a batch to the worker threads, which start on it at once.
    func submit(records: UnsafeMutablePointer<Record>, count: Int, directions: [Direction?]) -> Job {
        let job = Job(records: records, count: count, directions: directions)
        guard workers.count > 1, job.chunks > 0 else { return job }
        startThreads()
        lock.lock()
        queue.append(job)
        lock.broadcast()
        lock.unlock()
        return job
    }

    /// Waits until every record of `job` is checked, checking on this thread the chunks no worker has taken yet.
    func finish(_ job: Job) {
        while let chunk = locked({ claim(job) }) {
            workers[0].run(job, chunk: chunk)
            locked { markDone(job) }
        }
        lock.lock()
        while job.done < job.chunks { lock.wait() }
        lock.unlock()
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// The next chunk of `job` (nil: all taken); the lock held.
    private func claim(_ job: Job) -> Int? {
        guard job.claimed < job.chunks else { return nil }
        job.claimed += 1
        if job.claimed == job.chunks { queue.removeAll { $0 === job } }
        return job.claimed - 1
    }

    /// One more chunk of `job` checked, and those waiting for it told when it is the last; the lock held.
    private func markDone(_ job: Job) {
        job.done += 1
        if job.done == job.chunks { lock.broadcast() }
    }

    /// Threads of our own rather than `DispatchQueue.concurrentPerform`: on Linux,
    /// libdispatch adds pool threads only while the machine looks idle, so on a
    /// busy machine the scan stayed on one core.
    private var threadsStarted = false

    private func startThreads() {
        guard !threadsStarted else { return }
        threadsStarted = true
        for worker in workers.dropFirst() {
            let thread = Thread { [self] in work(worker) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// A worker thread: takes the oldest job's next chunk, checks it, until `stop`.
    private func work(_ worker: Worker) {
        lock.lock()
        while true {
            while queue.isEmpty, !stopping { lock.wait() }
            if stopping { break }
            // A queued job always has a chunk left: `claim` dequeues it with its last.
            let job = queue[0]
            guard let chunk = claim(job) else { break }
            lock.unlock()
            worker.run(job, chunk: chunk)
            lock.lock()
            markDone(job)
        }
        lock.unlock()
    }

    /// Lets the worker threads end (a scan's workers live as long as the scan).
    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        lock.unlock()
    }

    deinit { stop() }
}
