import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine

/// The checkers' `finish` on two threads emits what one thread emits, in the same order: each checker's findings
/// together, checkers in order, however the two threads share them out and however many a checker holds.
@Suite struct CheckerFinishTests {
    /// A checker that reports `findings` in `finish`, slowly enough that both threads take some, and notes the thread.
    final class Reporting: RuleChecker, @unchecked Sendable {
        let findings: [Finding]
        let pause: UInt32
        private(set) var thread: Thread?

        init(_ findings: [Finding], pause: UInt32) {
            self.findings = findings
            self.pause = pause
        }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {}

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            thread = Thread.current
            usleep(pause)
            findings.forEach(emit)
        }
    }

    @Test func twoThreadsEmitWhatOneDoesInCheckerOrder() {
        let pool = RandomFindings.make(400, seed: 31)
        var generator = SeededGenerator(seed: 7)
        // Some with nothing, some with more findings than a pipe holds (16 batches of 256).
        let sizes = (0..<60).map { index in index % 9 == 4 ? 5_000 : Int.random(in: 0..<40, using: &generator) }
        func checkers() -> [Reporting] {
            sizes.enumerated().map { index, size in
                var findings = (0..<size).map { pool[($0 * 7 + index) % pool.count] }
                for slot in findings.indices { findings[slot].line = index * 10_000 + slot }
                return Reporting(findings, pause: 1_000)
            }
        }
        let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_500_000), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        var serial: [Finding] = []
        CheckerFinish.run(checkers(), context: context, parallel: false) { serial.append($0) }
        let both = checkers()
        var parallel: [Finding] = []
        let caller = Thread.current
        CheckerFinish.run(both, context: context, parallel: true) { finding in
            // Emitted on the calling thread only.
            #expect(Thread.current == caller)
            parallel.append(finding)
        }
        #expect(serial.count == sizes.reduce(0, +))
        #expect(parallel == serial)
        // Both threads finished some checkers (each takes a millisecond; the helper starts within a few).
        #expect(both.contains { $0.thread == caller })
        #expect(both.contains { $0.thread != caller })
    }
}
