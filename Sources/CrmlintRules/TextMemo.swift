import Foundation

/// What rules learnt of a text, remembered by the text's exact bytes in a table of sets of a few
/// slots each: which rules found nothing in it, and a model's scores of it. A messages export repeats its
/// texts (好的, a template, a call note: the benchmark's 1.4 million messages hold 271,000
/// distinct texts), and both depend on the text alone: a pattern rule that found nothing in a
/// text finds nothing in it again, so it is not run a second time (nor the prefilter's pass,
/// once every rule has found nothing), and a model is not run twice on one text. Only "nothing"
/// is remembered of a rule: a text with a finding, a limit or an error runs again, and its findings
/// are made anew for the record that holds it. A text takes the least recently used slot of its set,
/// so memory stays bounded (15 MB, in flat tables allocated once: keeping each key and score
/// list in an array of its own cost an allocation and a release per text, which texts that never
/// repeat paid for nothing) however many distinct texts a file has. Keyed by bytes, not by
/// `String` equality: canonically equivalent texts can normalise apart. Not thread-safe: one per
/// `CheckContext`.
final class TextMemo {
    /// 16,384 sets of four slots: the set is the top `setBits` bits of the text's hash. Of the benchmark's
    /// 1.34 million messages of at most `longest` bytes, in file order (84 % repeat an earlier one), a
    /// table with one slot a set found 70.7 % with 16,384 slots, 75.3 % with 32,768 and 78.7 % with 65,536;
    /// four slots a set found 74.6 %, 79.2 % and 82.0 %: two frequent texts of one set no longer push
    /// each other out, nor does a text seen once push out a frequent one. Each worker has its own and
    /// sees every other chunk of 16 records: simulated so on the benchmark's 920,154 outbound messages
    /// (270,320 distinct texts), 8,192 sets found 61.1 %, 16,384 64.6 %, 32,768 66.1 %; a slot is ~240
    /// bytes, so 16,384 sets are 15 MB a worker, what the whole export's memory bound (256 MB) allows.
    static var setBits: Int { 14 }
    /// The scanning thread's memory (the stateful rules' phrases, as the deadline rules read them): 8,192
    /// sets, its size before the workers' grew (what the whole export's memory bound leaves).
    static var scanningThreadSetBits: Int { 13 }
    static var ways: Int { 4 }
    /// This memory's sets: `1 << setBits`, four slots each.
    let setBits: Int
    var slots: Int { Self.ways << setBits }
    /// Longer texts are not remembered: they rarely repeat (of the benchmark's repeated outbound
    /// texts, 98.6 % are at most 128 bytes long, all at most 192).
    static var longest: Int { 128 }
    /// Scores a slot keeps, of one model (the bundled model has eight labels): as many as the first scores
    /// kept, up to this (sized then, so a memory of the bundled model's scores is half what sixteen take).
    static var scoreLimit: Int { 16 }
    private var scoreStride = 0

    /// Facts a slot can hold: numbers from `factLimit` on are never remembered (the bundled rules
    /// use under 50). Fixed, so a fact is one load from a slot's words, with no check of the
    /// table's width: that check, per rule and text, made the memory cost 3 % on texts that never repeat.
    static var factLimit: Int { 256 }
    static var factWords: Int { factLimit / 64 } // four: `facts(slot:)` reads them as one SIMD4

    // Allocated on first use (a scan of a few records need not pay for the tables).
    /// `longest` bytes a slot: its text (`keyLengths` long; 0: no text).
    private var keyBytes: UnsafeMutablePointer<UInt8>?
    private var keyLengths: UnsafeMutablePointer<UInt16>?
    /// Per slot, when its text was last looked up (`lookups` then): the set's oldest is given to a new text.
    private var lastUse: UnsafeMutablePointer<UInt64>?
    private var lookups: UInt64 = 0
    /// `factWords` words a slot: bit `fact` set when that fact holds of the slot's text.
    private var facts: UnsafeMutablePointer<UInt64>?
    /// Per slot, the model (by number, -1: none) whose `scoreCounts` scores of its text `scores` holds.
    private var scoreModels: UnsafeMutablePointer<Int32>?
    private var scoreCounts: UnsafeMutablePointer<Int32>?
    private var scores: UnsafeMutablePointer<Float>?

    init(setBits: Int = TextMemo.setBits) {
        self.setBits = setBits
    }
    deinit {
        keyBytes?.deallocate()
        keyLengths?.deallocate()
        lastUse?.deallocate()
        facts?.deallocate()
        scoreModels?.deallocate()
        scoreCounts?.deallocate()
        scores?.deallocate()
    }

    /// The text's slot, taken (and what the slot held forgotten) when no slot of its set holds it, which
    /// `taken` then says; nil for an empty text or one longer than `longest`. A slot found is good
    /// until the next slot taken: the caller forgets any slot it holds that `taken` names.
    func slot(of bytes: UnsafeBufferPointer<UInt8>, taken: inout Bool) -> Int? {
        taken = false
        guard bytes.count > 0, bytes.count <= Self.longest else { return nil }
        if keyLengths == nil {
            // Only the lengths start written: a slot's other parts are written when a text takes it,
            // and its length (0 until then) says no text has, so none is read before. (Writing all
            // the tables up front touched every page of them: a millisecond of a one-file scan.)
            let lengths = UnsafeMutablePointer<UInt16>.allocate(capacity: slots)
            lengths.initialize(repeating: 0, count: slots)
            keyLengths = lengths
            keyBytes = .allocate(capacity: slots * Self.longest)
            lastUse = .allocate(capacity: slots)
            facts = .allocate(capacity: slots * Self.factWords)
            scoreModels = .allocate(capacity: slots)
            scoreCounts = .allocate(capacity: slots)
        }
        lookups &+= 1
        let first = Self.set(of: bytes, setBits: setBits) * Self.ways
        // The set's slot holding the text, else its first empty one, else its least recently used.
        var victim = first
        for slot in first..<first + Self.ways {
            let length = Int(keyLengths![slot])
            if length == bytes.count, memcmp(keyBytes! + slot * Self.longest, bytes.baseAddress!, bytes.count) == 0 {
                lastUse![slot] = lookups
                return slot
            }
            if keyLengths![victim] != 0, length == 0 || lastUse![slot] < lastUse![victim] { victim = slot }
        }
        (keyBytes! + victim * Self.longest).initialize(from: bytes.baseAddress!, count: bytes.count)
        keyLengths![victim] = UInt16(bytes.count)
        (lastUse! + victim).initialize(to: lookups)
        (facts! + victim * Self.factWords).initialize(repeating: 0, count: Self.factWords)
        (scoreModels! + victim).initialize(to: -1)
        taken = true
        return victim
    }

    /// The scores model number `model` gave the text in `slot`, if it has scored it.
    func scores(_ model: Int, slot: Int) -> [Float]? {
        guard let scoreModels, let scores, Int(scoreModels[slot]) == model else { return nil }
        return Array(UnsafeBufferPointer(start: scores + slot * scoreStride, count: Int(scoreCounts![slot])))
    }

    /// Model number `model` gave the text in `slot` these scores (kept when the slot has room:
    /// one model's, up to `scoreLimit` of them).
    func keep(_ probabilities: [Float], model: Int, slot: Int) {
        guard let scoreModels, scoreModels[slot] < 0, probabilities.count <= Self.scoreLimit, model < Int(Int32.max) else { return }
        if scores == nil {
            scoreStride = max(1, probabilities.count)
            scores = .allocate(capacity: slots * scoreStride)
        }
        guard let scores, probabilities.count <= scoreStride else { return }
        scoreModels[slot] = Int32(model)
        (scoreCounts! + slot).initialize(to: Int32(probabilities.count))
        probabilities.withUnsafeBufferPointer { (scores + slot * scoreStride).initialize(from: $0.baseAddress!, count: $0.count) }
    }

    /// The set of a text's bytes: eight bytes a step, each step a multiply (hashing a byte
    /// at a time, as `ValueMemo` does for short words, was a third of this table's cost).
    static func set(of bytes: UnsafeBufferPointer<UInt8>) -> Int { set(of: bytes, setBits: setBits) }

    static func set(of bytes: UnsafeBufferPointer<UInt8>, setBits: Int) -> Int {
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
        return Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - setBits))
    }

    /// Whether `fact` holds of the text in `slot` (a slot `slot(of:taken:)` gave).
    @inline(__always) func holds(_ fact: Int, slot: Int) -> Bool {
        guard fact < Self.factLimit, let facts else { return false }
        return facts[slot &* Self.factWords &+ fact &>> 6] & (1 &<< UInt64(fact & 63)) != 0
    }

    /// The facts that hold of the text in `slot`, a bit each (`factWords` words).
    @inline(__always) func facts(slot: Int) -> SIMD4<UInt64> {
        guard let facts else { return SIMD4() }
        let base = facts + slot &* Self.factWords
        return SIMD4(base[0], base[1], base[2], base[3])
    }

    /// The facts of `mask` (a bit each, as `facts(slot:)` gives them) hold of the text in `slot`.
    @inline(__always) func note(facts mask: SIMD4<UInt64>, slot: Int) {
        guard let facts else { return }
        let base = facts + slot &* Self.factWords
        for word in 0..<Self.factWords { base[word] |= mask[word] }
    }

    /// `fact` holds of the text in `slot`.
    @inline(__always) func note(_ fact: Int, slot: Int) {
        guard fact < Self.factLimit, let facts else { return }
        facts[slot &* Self.factWords &+ fact &>> 6] |= 1 &<< UInt64(fact & 63)
    }
}
