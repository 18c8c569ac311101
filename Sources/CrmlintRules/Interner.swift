import CrmlintCore
import Foundation

/// Strings to small integers, so per-event columns hold 4 bytes instead of text.
///
/// Names are found by their UTF-8 bytes in an open-addressing table: looking a
/// customer id up in a `[String: Int32]` per message (the stdlib's seeded hash,
/// through Unicode normalisation for a Chinese name, then a String comparison)
/// took ~900 instructions, 1.4 % of a messages scan. Equal bytes are equal
/// Strings; but Strings compare canonically (the Kelvin sign U+212A equals
/// `K`, é equals e + U+0301), so bytes seen for the first time are looked up
/// in a String dictionary of every name before they get an index of their own.
/// While every name is ASCII that dictionary is not needed (ASCII names that
/// differ in bytes differ as Strings) and not kept: it is built at the first
/// other name. Names get exactly the indices a String dictionary alone gives.
struct Interner {
    private(set) var names: [String] = []
    /// Every name, once a name that is not ASCII has been seen (`mixed`).
    private var indices: [String: Int32] = [:]
    private var mixed = false
    /// Every distinct spelling's bytes back to back.
    private var keyBytes: [UInt8] = []
    /// Open addressing, a power of two long, at most half full. A slot holds all a look-up needs
    /// but the bytes past the sixteenth (`Head`): a table of 30,000 customer ids is larger than the caches, and reading the
    /// slot, then where its bytes were, then its index from three arrays missed the cache three
    /// times a look-up (4 % of a messages scan's time for the two tables of customer ids).
    private var slots: [Slot] = Array(repeating: Slot(), count: 64)
    private var spellings = 0

    private struct Slot {
        /// The low half of the spelling's hash (compared before its bytes are).
        var tag: UInt32 = 0
        var index: Int32 = 0
        var start: Int32 = 0
        /// -1 for an empty slot.
        var length: Int32 = -1
        /// The spelling's first 16 bytes, zero after its end (`Head`): a spelling of up to 16 bytes (a
        /// customer id, a rep's name) is compared here, without reading `keyBytes`. Reading them there was
        /// a second cache miss per look-up in a table of 36,000 customer ids: the two tables of customer ids
        /// (the contact log's, the id format's verdicts) and their `memcmp` were 7 % of a messages scan's
        /// time on two threads (`perf`), though 2 % of its instructions.
        var head = Head()
    }

    /// Up to 16 bytes as two words, zero-padded.
    private struct Head: Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        static let size = 16

        init() {}

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            let count = min(bytes.count, Self.size)
            guard count > 0, let base = bytes.baseAddress else { return }
            if count == Self.size {
                let raw = UnsafeRawPointer(base)
                low = raw.loadUnaligned(as: UInt64.self)
                high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                return
            }
            withUnsafeMutableBytes(of: &self) { room in
                room.baseAddress!.copyMemory(from: base, byteCount: count)
            }
        }
    }

    var count: Int { names.count }

    mutating func intern(_ name: String) -> Int32 {
        return name.withUTF8InPlace { bytes in
            if let known = lookUp(bytes) { return known }
            let index: Int32
            if !mixed && UTF8Validation.isASCII(bytes) {
                index = Int32(names.count)
                names.append(name)
            } else {
                becomeMixed()
                let next = Int32(names.count)
                index = Self.value(&indices[name, default: next])
                if index == next { names.append(name) }
            }
            insert(bytes, index: index)
            return index
        }
    }

    /// The index of a name interned before, nil for a new one.
    mutating func index(of name: String) -> Int32? {
        return name.withUTF8InPlace { bytes in
            if let known = lookUp(bytes) { return known }
            if !mixed && UTF8Validation.isASCII(bytes) { return nil }
            becomeMixed()
            return indices[name]
        }
    }

    /// From the first name that is not ASCII on, every name is in `indices` too.
    private mutating func becomeMixed() {
        guard !mixed else { return }
        mixed = true
        for (index, name) in names.enumerated() { indices[name] = Int32(index) }
    }

    private static func value(_ slot: inout Int32) -> Int32 { slot }

    private func lookUp(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = ByteHash.of(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 32) & mask
        let tag = UInt32(truncatingIfNeeded: hash), length = Int32(bytes.count)
        let head = Head(bytes), rest = bytes.count - Head.size
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { stored in
                while slots[slot].length >= 0 {
                    let entry = slots[slot]
                    if entry.tag == tag && entry.length == length && entry.head == head
                        && (rest <= 0
                            || memcmp(stored.baseAddress! + Int(entry.start) + Head.size, bytes.baseAddress! + Head.size, rest) == 0)
                    {
                        return entry.index
                    }
                    slot = (slot + 1) & mask
                }
                return nil
            }
        }
    }

    private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, index: Int32) {
        let start = Int32(keyBytes.count)
        keyBytes.append(contentsOf: bytes)
        spellings += 1
        if 2 * spellings > slots.count {
            let old = slots
            slots = Array(repeating: Slot(), count: 2 * slots.count)
            for entry in old where entry.length >= 0 { place(entry) }
        }
        place(Slot(tag: 0, index: index, start: start, length: Int32(bytes.count), head: Head(bytes)))
    }

    /// Puts a spelling into the first free slot of its probe sequence (its tag set from its bytes).
    private mutating func place(_ entry: Slot) {
        let start = Int(entry.start), end = start + Int(entry.length)
        let hash = keyBytes.withUnsafeBufferPointer { ByteHash.of(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 32) & mask
        while slots[slot].length >= 0 { slot = (slot + 1) & mask }
        var placed = entry
        placed.tag = UInt32(truncatingIfNeeded: hash)
        slots[slot] = placed
    }
}
