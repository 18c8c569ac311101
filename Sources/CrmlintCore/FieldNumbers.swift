/// Field names as small numbers, handed out once per name for the whole
/// process: a rule checker numbers its fields when it is made, and the
/// per-record cache (`CheckContext.fieldIndex(_:field:number:)`) finds a field
/// by its number instead of comparing names (the pattern rules ask for about
/// four fields per record each, most of them absent: comparing names was
/// several per cent of a messages scan).
public enum FieldNumbers {
    // Fields read by name on every record: fixed numbers, constants where they are read (as `static let`s each
    // read was an accessor call and a `swift_once` check from the other modules, nine a message).
    @inlinable public static var customerId: Int { 0 }
    @inlinable public static var rep: Int { 1 }
    @inlinable public static var owner: Int { 2 }
    @inlinable public static var direction: Int { 3 }
    @inlinable public static var recipientType: Int { 4 }
    @inlinable public static var recipient: Int { 5 }
    @inlinable public static var channel: Int { 6 }
    @inlinable public static var id: Int { 7 }

    /// The names of the fixed numbers above, in their order: the table of other names starts after them.
    static let fixedNames = ["customer_id", "rep", "owner", "direction", "recipient_type", "recipient", "channel", "id"]

    private static let numbering = NameNumbering(fixed: fixedNames)

    /// The number of `dataset`'s identity field (`Dataset.identityField`), or nil when it has none.
    /// (Every dataset has one; the optional keeps callers ready for one without.)
    @inlinable public static func identity(of dataset: Dataset) -> Int? {
        switch dataset {
        case .customers: customerId
        case .followups, .messages, .complaints: id
        }
    }

    /// The number of `name`: the same for the same name, from 0 up.
    public static func number(of name: String) -> Int { numbering.number(of: name) }
}
