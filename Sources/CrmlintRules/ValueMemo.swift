import Foundation

/// What a function of a short text gave, remembered by the text's exact bytes in a small
/// direct-mapped table: a column of channels or directions holds a handful of values, and
/// looking each record's up anew (comparing it with every key of its length, else making a key
/// through Unicode normalisation) was about 2 % of a messages scan. Keyed by bytes, not by
/// `String` equality, because the functions it remembers tell canonically equivalent texts
/// apart (`ExactKeys`); a slot holds the last text that hashed to it, so memory stays bounded
/// however many distinct values a file has. Not thread-safe: one per `CheckContext`.
struct ValueMemo<Value, Size: ValueMemoSize> {
    /// `1 << slotBits` slots (`Size`): the slot is the top `slotBits` bits of the text's hash.
    private static var slotBits: Int { Size.slotBits }
    static var slots: Int { 1 << slotBits }
    /// Texts longer than this are not remembered (vocabulary values are words).
    private static var longest: Int { 64 }
    private var keys: [[UInt8]?] = Array(repeating: nil, count: slots)
    private var values: [Value?] = Array(repeating: nil, count: slots)

    /// The slot of a text's bytes: the top bits of its `ByteHash`.
    static func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        Int(truncatingIfNeeded: ByteHash.of(bytes) >> UInt64(64 - slotBits))
    }

    /// `make(text)`, from the table when `text`'s bytes are the remembered ones of its slot.
    mutating func value(_ text: String, make: (String) -> Value?) -> Value? {
        let found: (slot: Int, hit: Bool)? = text.withUTF8InPlace { bytes in
            guard bytes.count > 0, bytes.count <= Self.longest else { return nil }
            let slot = Self.slot(bytes)
            guard let key = keys[slot], key.count == bytes.count else { return (slot, false) }
            return (slot, key.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        }
        guard let found else { return make(text) }
        if found.hit { return values[found.slot] }
        let made = make(text)
        keys[found.slot] = Array(text.utf8)
        values[found.slot] = made
        return made
    }
}

/// A value memo's size, a type so that its slot count is a constant of the memo's code (a count per
/// instance made every look-up slower).
protocol ValueMemoSize { static var slotBits: Int { get } }
/// 64 slots, for a column of a handful of words: channels, directions, recipient labels.
enum WordMemo: ValueMemoSize { static var slotBits: Int { 6 } }
/// 4,096 slots, for a column of hundreds of names (reps): with 64, a sales force of 190 reps
/// missed the memo on most records. (Every memo this large made a small file's scan 1.6 % more
/// instructions, setting up and freeing their tables.)
enum NameMemo: ValueMemoSize { static var slotBits: Int { 12 } }
