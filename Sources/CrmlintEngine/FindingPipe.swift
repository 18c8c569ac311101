import CrmlintCore
import Foundation

/// Findings handed from a thread that produces them (`StoredFindings` merging its spilled runs) to the thread that
/// writes them out, in batches, at most `capacity` batches waiting: the producer waits while the pipe is full, so
/// its memory stays bounded whatever the number of findings.
final class FindingPipe: @unchecked Sendable {
    /// Findings in a batch: one lock and signal per batch rather than per finding.
    static let batchSize = 256
    private let capacity: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var waiting: [[Finding]] = []
    private var closed = false
    private var failure: Error?
    private var cancelled = false

    init(capacity: Int = 4) { self.capacity = capacity }

    /// Hands over `batch`, waiting while the pipe is full; false once the reader has gone (`cancel`).
    func put(_ batch: [Finding]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        waiting.append(batch)
        condition.broadcast()
        return true
    }

    /// No more batches: the end, or the producer's `failure`, which `take` throws once the batches before it are read.
    func close(failure: Error? = nil) {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        self.failure = failure
        condition.broadcast()
    }

    /// The next batch, waiting for it; nil at the end.
    func take() throws -> [Finding]? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty, !closed { condition.wait() }
        if !waiting.isEmpty {
            condition.broadcast()
            return waiting.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// The producer's end of a pipe: findings gathered into batches, each handed over when full.
    struct Writer {
        let pipe: FindingPipe
        private var batch: [Finding] = []

        init(_ pipe: FindingPipe) { self.pipe = pipe }

        /// Adds `finding`, handing the batch over once it is full; false once the reader has gone.
        mutating func write(_ finding: Finding) -> Bool {
            batch.append(finding)
            guard batch.count == FindingPipe.batchSize else { return true }
            defer { batch.removeAll(keepingCapacity: true) }
            return pipe.put(batch)
        }

        /// Hands over what is gathered and closes the pipe; with the producer's `failure`, the pipe ends with it
        /// instead of the findings gathered.
        mutating func close(failure: Error? = nil) {
            if failure == nil, !batch.isEmpty { _ = pipe.put(batch) }
            batch = []
            pipe.close(failure: failure)
        }
    }

    /// The reader stops early (its writing failed): a producer waiting to put is let go.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        waiting.removeAll()
        condition.broadcast()
    }
}
