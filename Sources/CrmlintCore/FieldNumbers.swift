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

    // Fields read by name on every record, numbered once.
    public static let customerId = number(of: "customer_id")
    public static let rep = number(of: "rep")
    public static let owner = number(of: "owner")
    public static let direction = number(of: "direction")
    public static let recipientType = number(of: "recipient_type")
    public static let recipient = number(of: "recipient")
    public static let channel = number(of: "channel")

    /// The number of a dataset's identity field (`Dataset.identityField`), by its scan order.
    private static let identityNumbers: [Int?] = Dataset.allCases.sorted().map { $0.identityField.map(number(of:)) }

    /// The number of `dataset`'s identity field, or nil when it has none.
    public static func identity(of dataset: Dataset) -> Int? { identityNumbers[dataset.scanOrder] }

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
