import Foundation

/// Field names as small numbers, handed out once per name for the whole
/// process: a rule checker numbers its fields when it is made, and the
/// per-record cache (`CheckContext.fieldIndex(_:field:number:)`) finds a field
/// by its number instead of comparing names (the pattern rules ask for about
/// four fields per record each, most of them absent: comparing names was
/// several per cent of a messages scan).
public enum FieldNumbers {
    nonisolated(unsafe) private static var numbers: [String: Int] = [:]
    private static let lock = NSLock()

    /// The number of `name`: the same for the same name, from 0 up.
    public static func number(of name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let known = numbers[name] { return known }
        let next = numbers.count
        numbers[name] = next
        return next
    }
}
