import Foundation

/// Work started on a thread of its own, and waiting for its end (once). A thread of our own rather than
/// libdispatch's pool, which on Linux adds threads only while the machine looks idle (`RecordWorkers`), with the
/// workers' stack size: the work redacts and matches as they do.
final class SideThread: @unchecked Sendable {
    private let ended = DispatchSemaphore(value: 0)

    /// Starts `body` at once.
    init(_ body: @escaping () -> Void) {
        let ended = ended
        let thread = Thread {
            body()
            ended.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Returns once `body` has; call it once.
    func wait() { ended.wait() }
}
