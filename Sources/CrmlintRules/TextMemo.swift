import CrmlintCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What rules learnt of a text, remembered by the text's bytes (their key) in a table of sets of a few
/// slots each: which rules found nothing in it, and a model's scores of it. A messages export repeats its
/// texts (好的, a template, a call note: the benchmark's 1.4 million messages hold 271,000
/// distinct texts), and both depend on the text alone: a pattern rule that found nothing in a
/// text finds nothing in it again, so it is not run a second time (nor the prefilter's pass,
/// once every rule has found nothing), and a model is not run twice on one text. Only "nothing"
/// is remembered of a rule: a text with a finding, a limit or an error runs again, and its findings
/// are made anew for the record that holds it. A text takes the least recently used slot of its set,
/// so memory stays bounded (13 MB, in flat tables allocated once: keeping each key and score
/// list in an array of its own cost an allocation and a release per text, which texts that never
/// repeat paid for nothing) however many distinct texts a file has. Keyed by the bytes, not by
/// `String` equality (canonically equivalent texts can normalise apart): by their 128-bit key
/// (`TextVerdicts.Key`, SipHash), which the verdicts kept between runs look texts up by too. The
/// text itself in each slot (up to `longest` bytes and its length) was 130 of a slot's 210 bytes,
/// 17 MB of the whole export's peak; two texts sharing a key is as unlikely as two sharing a verdict.
///
/// One memory serves every worker thread of a scan (`shared`): what one thread learnt of a text
/// spares the others, and one table of twice the sets holds more than two of half the size (simulated
/// on the benchmark's outbound messages, two workers each with 16,384 sets found 64.7 % of texts, one
/// shared table of 32,768 sets 68.8 %, in the same memory). So a caller never holds a slot: it copies
/// out what is known of a text (`lookUp`), learns more on its own copy, and hands back what it learnt
/// (`learn`), each under the lock of the text's set (one of `lockCount`, a set's number picks it). Facts
/// only ever become known, and a text's scores are the same whoever computes them, so two threads learning
/// of one text at once lose nothing that matters: the later merges its facts into the earlier's.
final class TextMemo: @unchecked Sendable {
    /// 32,768 sets of four slots: the set is the top `setBits` bits of the text's hash. Of the benchmark's
    /// 1.34 million messages of at most `longest` bytes, in file order (84 % repeat an earlier one), a
    /// table with one slot a set found 70.7 % with 16,384 slots, 75.3 % with 32,768 and 78.7 % with 65,536;
    /// four slots a set found 74.6 %, 79.2 % and 82.0 %: two frequent texts of one set no longer push
    /// each other out, nor does a text seen once push out a frequent one. Of the 920,154 outbound messages
    /// (270,320 distinct texts), one table of 16,384 sets found 66.6 %, of 32,768 68.8 %, of 65,536 69.6 %
    /// (69.8 % is all a memory can: each distinct text is new once); a slot is ~96 bytes (key, use, facts,
    /// eight scores and their model), so 32,768 sets are 13 MB of the whole export's memory bound (256 MB).
    static var setBits: Int { 15 }
    /// The scanning thread's memory (the stateful rules' phrases, as the deadline rules read them): 8,192
    /// sets, unshared (the stateful rules run on that thread alone).
    static var scanningThreadSetBits: Int { 13 }
    static var ways: Int { 4 }
    /// Locks of a shared memory: set `s` is guarded by lock `s % lockCount` (a lock per set would be
    /// a megabyte of them; two threads rarely want one of 1,024 at once).
    static var lockCount: Int { 1024 }
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
    /// use under 50). Fixed, so a text's facts are one SIMD4 (`Known.facts`), with no check of the
    /// table's width: that check, per rule and text, made the memory cost 3 % on texts that never repeat.
    static var factLimit: Int { 256 }
    static var factWords: Int { factLimit / 64 } // four: read and written as one SIMD4

    /// What is known of a text: its facts, a bit each (bit `fact & 63` of word `fact >> 6`), and
    /// the number of the model whose `scoreCount` scores were copied out with it (-1: none).
    struct Known {
        var facts = SIMD4<UInt64>()
        var scoreModel: Int32 = -1
        var scoreCount: Int32 = 0
    }

    // One thread's own memory allocates its tables on first use (a scan of a few records need not pay
    // for them); a shared one when it is made, so that no thread reads a table another is making.
    /// Per slot, its text's key (read only where `lastUse` is not 0).
    private var keys: UnsafeMutablePointer<TextVerdicts.Key>?
    /// Per slot, when its text was last used, counted per set from 1 (0: no text): the set's oldest is given to a
    /// new text. (Per set, not one count for the memory: threads change sets under different locks.) Zeroed by
    /// `calloc`: the pages of a table no text has reached are never touched.
    private var lastUse: UnsafeMutablePointer<UInt64>?
    /// Per slot, its text's facts.
    private var facts: UnsafeMutablePointer<SIMD4<UInt64>>?
    /// Per slot, the model (by number, -1: none) whose `scoreCounts` scores of its text `scores` holds.
    private var scoreModels: UnsafeMutablePointer<Int32>?
    private var scoreCounts: UnsafeMutablePointer<Int32>?
    /// Made with the first scores kept, under `tableLock`, and never changed after: a thread reads it only
    /// for a slot whose scores another kept (`scoreModels`, written under the set's lock after it was made).
    private var scores: UnsafeMutablePointer<Float>?
    /// A shared memory's locks (nil: one thread's own memory, which takes none): a slot is read and written
    /// under the lock of its set, `scores` and `scoreStride` are made under `tableLock`.
    private let locks: UnsafeMutablePointer<pthread_mutex_t>?
    private let tableLock: UnsafeMutablePointer<pthread_mutex_t>?

    /// `shared`: one memory for many threads (its sets locked as they are read and written).
    init(setBits: Int = TextMemo.setBits, shared: Bool = false) {
        self.setBits = setBits
        if shared {
            let locks = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: Self.lockCount + 1)
            for index in 0...Self.lockCount { pthread_mutex_init(locks + index, nil) }
            self.locks = locks
            tableLock = locks + Self.lockCount
            allocateTables()
        } else {
            (locks, tableLock) = (nil, nil)
        }
    }
    deinit {
        keys?.deallocate()
        lastUse.map { free($0) }
        facts?.deallocate()
        scoreModels?.deallocate()
        scoreCounts?.deallocate()
        scores?.deallocate()
        if let locks {
            for index in 0...Self.lockCount { pthread_mutex_destroy(locks + index) }
            locks.deallocate()
        }
    }

    /// Whether a text of these bytes can be remembered (not empty, at most `longest` bytes).
    @inline(__always) static func keeps(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.count > 0 && bytes.count <= longest }

    /// The set of this memory that the text of `key` belongs to (what `lookUp` and `learn` are told).
    @inline(__always) func set(of key: TextVerdicts.Key) -> Int { Self.set(of: key, setBits: setBits) }

    /// What is known of the text of `key` (one `keeps`; of `set`, from `set(of:)`), nil when no slot
    /// holds it; its scores, when known, are copied into `scores` (room for `scoreLimit`).
    @inline(__always) func lookUp(_ key: TextVerdicts.Key, set: Int, scores copy: UnsafeMutablePointer<Float>) -> Known? {
        locked(set) {
            guard let slot = find(key, set: set) else { return nil }
            var known = Known(facts: facts![slot], scoreModel: scoreModels![slot], scoreCount: 0)
            if known.scoreModel >= 0 {
                known.scoreCount = scoreCounts![slot]
                copy.initialize(from: scores! + slot * scoreStride, count: Int(known.scoreCount))
            }
            return known
        }
    }

    /// The text of `key` (one `keeps`) holds `facts`, and model `model` (-1: none) gave it the
    /// `scoreCount` scores at `scores`: added to what its slot knows, the text taking one (the set's
    /// first empty slot, else its least recently used, whose text is then forgotten) if none holds it.
    /// Scores are kept when the slot has none and room for them (one model's, up to `scoreLimit`).
    func learn(
        _ key: TextVerdicts.Key, set: Int, facts learnt: SIMD4<UInt64>, scoreModel model: Int32, scores: UnsafePointer<Float>,
        scoreCount: Int
    ) {
        if locks == nil, lastUse == nil { allocateTables() }
        let keepsScores = model >= 0 && scoreCount <= Self.scoreLimit
        if keepsScores {
            // Sized by the first scores kept.
            locked(-1) {
                if self.scores == nil {
                    scoreStride = max(1, scoreCount)
                    self.scores = .allocate(capacity: slots * scoreStride)
                }
            }
        }
        locked(set) {
            let slot = find(key, set: set) ?? take(key, set: set)
            facts![slot] |= learnt
            if keepsScores, scoreModels![slot] < 0, scoreCount <= scoreStride, let keptScores = self.scores {
                scoreModels![slot] = model
                scoreCounts![slot] = Int32(scoreCount)
                (keptScores + slot * scoreStride).initialize(from: scores, count: scoreCount)
            }
        }
    }

    private func allocateTables() {
        // Only the uses start zero, and untouched (`calloc`): a slot's other parts are written when a text
        // takes it, and its use (0 until then) says no text has, so none is read before. (Writing all
        // the tables up front touched every page of them: a millisecond of a one-file scan.)
        lastUse = calloc(slots, MemoryLayout<UInt64>.stride)!.bindMemory(to: UInt64.self, capacity: slots)
        keys = .allocate(capacity: slots)
        facts = .allocate(capacity: slots)
        scoreModels = .allocate(capacity: slots)
        scoreCounts = .allocate(capacity: slots)
    }

    /// `body` under the lock of `set` (-1: the table lock), when the memory is shared.
    @inline(__always) private func locked<T>(_ set: Int, _ body: () -> T) -> T {
        guard let locks else { return body() }
        let lock = set < 0 ? tableLock! : locks + (set & (Self.lockCount - 1))
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// The slot of `set` holding the text of `key`, marked the set's most recently used; the set's lock held.
    private func find(_ key: TextVerdicts.Key, set: Int) -> Int? {
        guard let lastUse, let keys else { return nil }
        let first = set * Self.ways
        for slot in first..<first + Self.ways where lastUse[slot] != 0 && keys[slot] == key {
            use(slot, set: set)
            return slot
        }
        return nil
    }

    /// A slot of `set` for the text of `key`, which no slot holds: the set's first empty one, else its
    /// least recently used, its text forgotten; the set's lock held.
    private func take(_ key: TextVerdicts.Key, set: Int) -> Int {
        let first = set * Self.ways
        var victim = first
        for slot in first..<first + Self.ways {
            if lastUse![slot] == 0 {
                victim = slot
                break
            }
            if lastUse![slot] < lastUse![victim] { victim = slot }
        }
        (keys! + victim).initialize(to: key)
        use(victim, set: set)
        (facts! + victim).initialize(to: SIMD4())
        (scoreModels! + victim).initialize(to: -1)
        return victim
    }

    /// Marks `slot` the most recently used of `set` (one past the latest use of its texts).
    @inline(__always) private func use(_ slot: Int, set: Int) {
        let first = set * Self.ways
        var latest: UInt64 = 0
        for other in first..<first + Self.ways where other != slot { latest = max(latest, lastUse![other]) }
        lastUse![slot] = latest &+ 1
    }

    /// The set of a text's key: the top bits of its second word (a SipHash value, spread evenly already; the
    /// verdicts' table places a key by its first word's low bits).
    static func set(of key: TextVerdicts.Key) -> Int { set(of: key, setBits: setBits) }

    @inline(__always) static func set(of key: TextVerdicts.Key, setBits: Int) -> Int {
        Int(truncatingIfNeeded: key.second >> UInt64(64 - setBits))
    }
}

/// Numbers for facts about texts (`CheckContext.textFact`) and for models (`CheckContext.modelOrdinal`), one registry
/// for the contexts that share a text memory: a fact is the same bit, and a model's scores are kept under the same
/// number, in every one of them whichever thread asked for it first.
final class TextFactRegistry: @unchecked Sendable {
    enum Key: Hashable {
        case named(String)
        case owned(ObjectIdentifier)
    }
    private var numbers: [Key: Int] = [:]
    private var next = 0
    private let lock = NSLock()

    /// The first of `count` consecutive fact numbers for `key`, the same each time it is asked.
    func facts(_ key: Key, count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let known = numbers[key] { return known }
        numbers[key] = next
        if case let .named(name) = key { names[next] = name }
        next += count
        return next - count
    }
    private var names: [Int: String] = [:]

    /// The name of fact `number` when it is a named one (`CheckContext.textFact`), nil for another (a phrase's).
    func name(ofNumber number: Int) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return names[number]
    }

    private let modelNumbers = NameNumbering()

    /// The number of the model `key` (its file), the same in every context sharing this registry: the memory keeps a
    /// text's scores under it (`scoreModel`), so workers meeting their models in different orders must agree on it.
    func model(_ key: String) -> Int { modelNumbers.number(of: key) }
}
