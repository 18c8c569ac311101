import CrmlintCore
import CrmlintRules
import Foundation

/// The checkers' `finish` after the last record (the stateful rules' reports: frequency windows, quiet periods,
/// deadlines, cadences), on the scanning thread and one more. With every record checked the worker threads are
/// idle, and these ran one after another on a single thread: a third of the scan's serial tail.
///
/// The scanning thread takes the checkers in order; the other thread takes the next ones not yet taken, each into a
/// pipe of its own (`FindingPipe`), which the scanning thread empties when it reaches that checker. So the findings
/// are emitted in checker order, as one thread emits them. Findings waiting for the scanning thread are bounded by
/// the pipes: at most 2,048 a checker the helper finished ahead of it (the bundled rules have eight that finish).
enum CheckerFinish {
    /// Finishes `checkers` in order, emitting each one's findings on this thread; `parallel`: on two threads.
    static func run(_ checkers: [RuleChecker], context: CheckContext, parallel: Bool, emit: (Finding) -> Void) {
        guard parallel, checkers.count > 1 else {
            for checker in checkers { checker.finish(context: context, emit: emit) }
            return
        }
        let claims = Claims(count: checkers.count)
        let helper = SideThread {
            while let (index, pipe) = claims.claimForHelper() {
                // The scanning thread reads every pipe to its end: a write is never refused.
                var writer = FindingPipe.Writer(pipe)
                checkers[index].finish(context: context) { _ = writer.write($0) }
                writer.close()
            }
        }
        for index in checkers.indices {
            if let pipe = claims.claimForScanner(index) {
                // Finished (or being finished) by the helper: its findings, as they come. `take` throws only a
                // failure the producer passes on, and the helper passes none.
                while let batch = try? pipe.take() { batch.forEach(emit) }
            } else {
                checkers[index].finish(context: context, emit: emit)
            }
        }
        helper.wait()
    }

    /// Which thread finishes which checker: the helper takes the next one not taken; the scanning thread, going
    /// through them in order, takes its own unless the helper already has.
    private final class Claims: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        /// The helper's checkers' pipes, by checker.
        private var pipes: [FindingPipe?]

        init(count: Int) { pipes = Array(repeating: nil, count: count) }

        func claimForHelper() -> (Int, FindingPipe)? {
            lock.lock()
            defer { lock.unlock() }
            guard next < pipes.count else { return nil }
            let pipe = FindingPipe(capacity: 8)
            pipes[next] = pipe
            next += 1
            return (next - 1, pipe)
        }

        /// nil: checker `index` is the scanning thread's to finish; else the helper's pipe for it.
        func claimForScanner(_ index: Int) -> FindingPipe? {
            lock.lock()
            defer { lock.unlock() }
            if index < next { return pipes[index] }
            next = index + 1
            return nil
        }
    }
}
