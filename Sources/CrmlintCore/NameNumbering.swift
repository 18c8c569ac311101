import Foundation

/// Small numbers for names, from 0 up, one per name for as long as the numbering lives; safe to ask from any thread
/// (rules are made and worker contexts number what they meet on several threads).
public final class NameNumbering: @unchecked Sendable {
    private var numbers: [String: Int]
    private let lock = NSLock()

    /// `fixed` take the first numbers, in their order.
    public init(fixed: [String] = []) {
        numbers = Dictionary(uniqueKeysWithValues: fixed.enumerated().map { ($1, $0) })
    }

    /// The number of `name`: the same each time it is asked.
    public func number(of name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let known = numbers[name] { return known }
        let next = numbers.count
        numbers[name] = next
        return next
    }
}
