import Foundation

/// A value made once, when first asked for, from any thread (the making runs under a lock):
/// what loading leaves for later after a clean load (word classes, rule examples).
final class OnFirstUse<Value>: @unchecked Sendable {
    // @unchecked: every access to the two fields below holds the lock.
    private let lock = NSLock()
    private var made: Value?
    private var making: (() -> Value)?

    /// A value at hand.
    init(_ value: Value) { made = value }

    init(making: @escaping () -> Value) { self.making = making }

    var value: Value {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let value = making!()
        made = value
        making = nil
        return value
    }

    /// Whether the value has been made (tests).
    var isMade: Bool {
        lock.lock(); defer { lock.unlock() }
        return made != nil
    }
}
