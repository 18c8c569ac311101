import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine

/// The checkers' `finish` on two threads emits what one thread emits, in the same order: each checker's findings
/// together, checkers in order, however the two threads share them out and however many a checker holds.
@Suite struct CheckerFinishTests {
    /// A checker that reports `findings` in `finish` and notes the thread. On the calling thread, a `waits` checker
    /// holds that thread until a checker has run on another (`helperRan`, ten seconds at most), so the helper takes
    /// some however busy the machine is.
    final class Reporting: RuleChecker, @unchecked Sendable {
        let findings: [Finding]
        let caller: Thread
        let waits: Bool
        let helperRan: DispatchSemaphore
        private(set) var thread: Thread?

        init(_ findings: [Finding], caller: Thread, waits: Bool, helperRan: DispatchSemaphore) {
            self.findings = findings
            self.caller = caller
            self.waits = waits
            self.helperRan = helperRan
        }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {}

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            thread = Thread.current
            if Thread.current != caller {
                helperRan.signal()
            } else if waits {
                _ = helperRan.wait(timeout: .now() + 10)
            }
            findings.forEach(emit)
        }
    }

    @Test func twoThreadsEmitWhatOneDoesInCheckerOrder() {
        let pool = RandomFindings.make(400, seed: 31)
        var generator = SeededGenerator(seed: 7)
        // Some with nothing, some with more findings than a pipe holds (16 batches of 256).
        let sizes = (0..<60).map { index in index % 9 == 4 ? 5_000 : Int.random(in: 0..<40, using: &generator) }
        let caller = Thread.current
        func checkers(waiting: Bool) -> [Reporting] {
            let helperRan = DispatchSemaphore(value: 0)
            return sizes.enumerated().map { index, size in
                var findings = (0..<size).map { pool[($0 * 7 + index) % pool.count] }
                for slot in findings.indices { findings[slot].line = index * 10_000 + slot }
                return Reporting(findings, caller: caller, waits: waiting && index < 2, helperRan: helperRan)
            }
        }
        let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_500_000), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        var serial: [Finding] = []
        CheckerFinish.run(checkers(waiting: false), context: context, parallel: false) { serial.append($0) }
        let both = checkers(waiting: true)
        var parallel: [Finding] = []
        CheckerFinish.run(both, context: context, parallel: true) { finding in
            // Emitted on the calling thread only.
            #expect(Thread.current == caller)
            parallel.append(finding)
        }
        #expect(serial.count == sizes.reduce(0, +))
        #expect(parallel == serial)
        // The helper finished some (the first two checkers, whichever the calling thread took, waited for it).
        #expect(both.contains { $0.thread != caller })
    }
}
