#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Short field values recently read, by column, handed out again as the `String` already made
/// when the same bytes come back: an export repeats its short values down a column (a channel,
/// a direction, a rep's name, a time to the minute). Building a short `String` copies its
/// bytes one at a time (~110 instructions), a longer one allocates (and the record's end frees
/// it); a look-up here is a few loads and comparisons. Measured on the benchmark's messages
/// file (256 slots a column): channel, direction and audience type found every time, the rep's
/// and the audience's names ~70 %, the time 89 %, record ids never.
///
/// A value is compared in full: its length and four 8-byte words that together cover every one
/// of its bytes (`key`), so a value found is the same bytes, never a look-alike.
final class FieldValueCache {
    /// Values of more bytes are made as they are (a message text: rarely repeated next to itself,
    /// and comparing it would cost as much as copying it).
    static let longest = 32
    /// Columns past this many are not cached (a file of 10,000 columns would hold 10,000 tables).
    static let cachedColumns = 64
    static let slotBits = 8
    static var slotsPerColumn: Int { 1 << slotBits }
    /// Words a slot's key takes: the length, then the four words of the bytes.
    private static let keyWords = 5

    private var columns = 0
    /// Per slot, `keyWords` words (a length of 0 marks an empty slot: empty values are not cached).
    private var keys: UnsafeMutablePointer<UInt64>?
    private var values: UnsafeMutablePointer<String>?
    /// Per column, how well looking up pays (`Column`).
    private var states: UnsafeMutablePointer<Column>?

    /// A column whose values seldom repeat (record ids) is not looked up: a miss costs ~45 instructions
    /// on top of making the value, a find saves ~75 (more for a value that would be allocated), so finding
    /// a third of them is about even. A find adds 2 to `score` (up to 64), a miss takes 1; once misses
    /// outweigh finds by `giveUp` (fewer than a third found for a while: from a new column's 0, 97
    /// misses in a row) the column's next `rest` values are made as they are, then it is tried again.
    private struct Column {
        var score = 0
        var resting = 0
    }
    private static let giveUp = -96, rest = 4_096

    init() {}

    deinit {
        guard let keys, let values, let states else { return }
        keys.deallocate()
        values.deinitialize(count: columns * Self.slotsPerColumn)
        values.deallocate()
        states.deallocate()
    }

    /// The bytes of `row` in `range` (valid UTF-8 from its first byte to its last, as the caller has checked)
    /// as a `String`, the one made before for the same bytes in `column` when there is one.
    @inline(__always) func value(in row: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, column: Int) -> String {
        let count = range.count
        guard count > 0, count <= Self.longest, column < Self.cachedColumns, let rowBase = row.baseAddress else {
            return String(checkedUTF8: UnsafeBufferPointer(rebasing: row[range]))
        }
        // Doubling: a wide file's first row grows the tables a few times, not once a column.
        if column >= columns { grow(to: min(Self.cachedColumns, max(column + 1, 2 * columns, 8))) }
        let state = states! + column
        if state.pointee.resting > 0 {
            state.pointee.resting &-= 1
            return String(checkedUTF8: UnsafeBufferPointer(rebasing: row[range]))
        }
        let (w0, w1, w2, w3) = Self.key(row: rowBase, rowCount: row.count, start: range.lowerBound, count: count)
        var hash = (w0 ^ (w1 &<< 17 | w1 &>> 47) ^ (w2 &<< 31 | w2 &>> 33)) &* 0x9E37_79B9_7F4A_7C15
        hash ^= (w3 &+ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F
        let slot = column &<< Self.slotBits | Int(truncatingIfNeeded: hash &>> (64 - UInt64(Self.slotBits)))
        let key = keys! + slot &* Self.keyWords
        if key[0] == UInt64(count), key[1] == w0, key[2] == w1, key[3] == w2, key[4] == w3 {
            if state.pointee.score < 64 { state.pointee.score &+= 2 }
            return values![slot]
        }
        state.pointee.score &-= 1
        if state.pointee.score < Self.giveUp { (state.pointee.score, state.pointee.resting) = (0, Self.rest) }
        let made = String(checkedUTF8: UnsafeBufferPointer(rebasing: row[range]))
        key[0] = UInt64(count)
        (key[1], key[2], key[3], key[4]) = (w0, w1, w2, w3)
        values![slot] = made
        return made
    }

    /// Four words holding every byte of the `count` (1...32) bytes at `start` in a row of `rowCount` bytes at
    /// `row`: under 8 bytes, the bytes in the low end of the first word (read as the 8 bytes that end where
    /// they end, or that start where they start, shifted, when the row has them; else one at a time) and zeros;
    /// else words read at 0, 8, 16 and `count - 8`, none past `count - 8` (so they overlap in a value
    /// under 32 bytes). Equal lengths and equal words are equal bytes.
    @inline(__always) static func key(
        row: UnsafePointer<UInt8>, rowCount: Int, start: Int, count: Int
    ) -> (
        UInt64, UInt64, UInt64, UInt64
    ) {
        let raw = UnsafeRawPointer(row)
        if count < 8 {
            let end = start &+ count
            let word: UInt64
            if end >= 8 {
                word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self)) &>> UInt64(8 &* (8 &- count))
            } else if start &+ 8 <= rowCount {
                word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)) & (1 &<< UInt64(8 &* count) &- 1)
            } else {
                var bytes: UInt64 = 0
                for index in 0..<count { bytes |= UInt64(row[start &+ index]) &<< UInt64(8 &* index) }
                word = bytes
            }
            return (word, 0, 0, 0)
        }
        let last = start &+ count &- 8
        return (
            raw.loadUnaligned(fromByteOffset: start, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: min(start &+ 8, last), as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: min(start &+ 16, last), as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: last, as: UInt64.self)
        )
    }

    /// Room for `count` columns, keeping what the ones before hold.
    private func grow(to count: Int) {
        let slots = count * Self.slotsPerColumn, oldSlots = columns * Self.slotsPerColumn
        let newKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: slots * Self.keyWords)
        newKeys.initialize(repeating: 0, count: slots * Self.keyWords)
        let newValues = UnsafeMutablePointer<String>.allocate(capacity: slots)
        newValues.initialize(repeating: "", count: slots)
        let newStates = UnsafeMutablePointer<Column>.allocate(capacity: count)
        newStates.initialize(repeating: Column(), count: count)
        if let keys, let values, let states {
            newKeys.update(from: keys, count: oldSlots * Self.keyWords)
            newValues.update(from: values, count: oldSlots)
            newStates.update(from: states, count: columns)
            keys.deallocate()
            values.deinitialize(count: oldSlots)
            values.deallocate()
            states.deallocate()
        }
        (keys, values, states, columns) = (newKeys, newValues, newStates, count)
    }
}
