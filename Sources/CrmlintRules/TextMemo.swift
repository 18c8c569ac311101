import Foundation

/// What rules learnt of a text, remembered by the text's exact bytes in a direct-mapped table:
/// which rules found nothing in it, and a model's scores of it. A messages export repeats its
/// texts (好的, a template, a call note: the benchmark's 920,000 outbound messages hold 270,000
/// distinct texts), and both depend on the text alone: a pattern rule that found nothing in a
/// text finds nothing in it again, so it is not run a second time (nor the prefilter's pass,
/// once every rule has found nothing), and a model is not run twice on one text. Only "nothing"
/// is remembered of a rule: a text with a hit, a limit or an error runs again, and its findings
/// are made anew for the record that holds it. A slot holds the last text that hashed to it,
/// so memory stays bounded (about 2 MB) however many distinct texts a file has. Keyed by bytes,
/// not by `String` equality: canonically equivalent texts can normalise apart. Not thread-safe:
/// one per `CheckContext`.
struct TextMemo {
    /// 16,384 slots: the slot is the top `slotBits` bits of the text's hash. (Of the benchmark's
    /// outbound messages, 35 % were found with 4,096 slots, 50 % with 16,384, 61 % with 65,536.)
    static var slotBits: Int { 14 }
    static var slots: Int { 1 << slotBits }
    /// Longer texts are not remembered: they rarely repeat, and hashing them costs a pass.
    static var longest: Int { 512 }

    // Allocated on first use (a scan of a few records need not pay for the table).
    private var keys: [[UInt8]] = []
    /// `words` bits a slot: bit `ordinal` set when the rule numbered `ordinal` found nothing there.
    private var bits: [UInt64] = []
    private var words = 1
    /// Per slot, the scores of the models (by number) that have scored its text.
    private var scores: [[(model: Int, probabilities: [Float])]] = []

    /// The text's slot, taken (and what the slot held forgotten) when it holds another text, which
    /// `taken` then says; nil for an empty text or one longer than `longest`. A slot found is good
    /// until the next slot taken: the caller forgets any slot it holds that `taken` names.
    mutating func slot(of bytes: UnsafeBufferPointer<UInt8>, taken: inout Bool) -> Int? {
        taken = false
        guard bytes.count > 0, bytes.count <= Self.longest else { return nil }
        if keys.isEmpty {
            keys = Array(repeating: [], count: Self.slots)
            bits = Array(repeating: 0, count: Self.slots * words)
            scores = Array(repeating: [], count: Self.slots)
        }
        let slot = Self.slot(bytes)
        let key = keys[slot]
        if key.count == bytes.count, key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
            return slot
        }
        keys[slot] = Array(bytes)
        for word in slot * words..<(slot + 1) * words { bits[word] = 0 }
        if !scores[slot].isEmpty { scores[slot] = [] }
        taken = true
        return slot
    }

    /// The scores model number `model` gave the text in `slot`, if it has scored it.
    func scores(_ model: Int, slot: Int) -> [Float]? { scores[slot].first { $0.model == model }?.probabilities }

    /// Model number `model` gave the text in `slot` these scores.
    mutating func keep(_ probabilities: [Float], model: Int, slot: Int) { scores[slot].append((model, probabilities)) }

    /// The slot of a text's bytes: eight bytes a step, each step a multiply (hashing a byte
    /// at a time, as `ValueMemo` does for short words, was a third of this table's cost).
    static func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let raw = UnsafeRawBufferPointer(bytes)
        var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        if offset < raw.count {
            var tail: UInt64 = 0
            for index in offset..<raw.count { tail = tail << 8 | UInt64(raw[index]) }
            hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
        }
        return Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    /// Whether rule `ordinal` found nothing in the text in `slot`.
    @inline(__always) func holds(_ ordinal: Int, slot: Int) -> Bool {
        guard ordinal < 64 * words else { return false }
        return bits[slot * words + ordinal >> 6] & (1 << UInt64(ordinal & 63)) != 0
    }

    /// Rule `ordinal` found nothing in the text in `slot`.
    @inline(__always) mutating func note(_ ordinal: Int, slot: Int) {
        if ordinal >= 64 * words { widen(to: ordinal / 64 + 1) }
        bits[slot * words + ordinal >> 6] |= 1 << UInt64(ordinal & 63)
    }

    /// More bits a slot (rules are numbered as they first ask: this happens a few times a scan).
    private mutating func widen(to newWords: Int) {
        var wider = [UInt64](repeating: 0, count: Self.slots * newWords)
        for slot in 0..<Self.slots {
            for word in 0..<words { wider[slot * newWords + word] = bits[slot * words + word] }
        }
        (bits, words) = (wider, newWords)
    }
}
