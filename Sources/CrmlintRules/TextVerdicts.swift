import CrmlintCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the text rules found nothing in, kept between runs in the rule cache's folder: the text memory
/// (`TextMemo`) knows it for the length of one run, this for the next runs with the same rules. A nightly
/// scan of a whole export meets yesterday's messages again, and a text seen before costs a look-up instead
/// of the prefilter's pass, the model and the pattern searches (about 18 µs a new text on the benchmark's
/// messages, half of a scan's time).
///
/// Only facts named by the rules (`CheckContext.textFact`: "found nothing: RULE") are kept, a bit each,
/// under a key of the text's bytes (`Key`: 128 bits of SipHash-1-3, so two texts never share one in
/// practice). A fact is a function of the text, the rule's definition and the build, which name the file
/// (`init`): other rules, another config or another build read another file. What a scan reports is the same
/// with the file, without it, and with none (tests compare all three): a rule that found something in a text
/// has no fact there and runs again. No text is stored, only its key; the file is the owner's alone (0600).
///
/// One file per rule set, a table of `slotBytes`-byte slots read in place (mapped, not read whole: a
/// pre-commit scan reads the few slots its texts need). A scan adds what it learnt (`add`) and rewrites the
/// file at its end (`save`) when it learnt enough that is new: a small scan does not rewrite a large file.
/// Slots unused for `CacheFolder.maxAge` are dropped when it is rewritten, and it holds at most `capacity`.
public final class TextVerdicts: @unchecked Sendable {
    /// A text's key: SipHash-1-3 of its bytes under two fixed keys (`SipHash.pair`). (0, 0) is never a key: it marks an empty slot.
    struct Key: Hashable {
        var first: UInt64
        var second: UInt64

        init(first: UInt64, second: UInt64) {
            self.first = first
            self.second = second
        }

        /// The SipHash keys of `first` and `second`.
        @inline(__always) static var firstKey: (UInt64, UInt64) { (0x6372_6D6C_696E_7431, 0x7665_7264_6963_7473) }
        @inline(__always) static var secondKey: (UInt64, UInt64) { (0x7465_7874_2D6B_6579, 0x7365_636F_6E64_2D32) }

        init(of bytes: UnsafeBufferPointer<UInt8>) {
            let raw = UnsafeRawBufferPointer(bytes)
            (first, second) = SipHash.pair(raw, first: Self.firstKey, second: Self.secondKey)
            if first == 0 && second == 0 { first = 1 }
        }
    }

    /// One slot: the key (two words), the facts (bit i: `names[i]`), the day it was last used (days since 1970)
    /// and a check of the rest (a damaged slot is taken for an empty one, never for other facts).
    static let slotBytes = 32
    static let magic: UInt64 = 0x3230_5456_4C4D_5243 // "CRMLVT02": keys by SipHash-1-3 (01: SipHash-2-4)
    /// Facts a slot can hold.
    static let nameLimit = 64
    /// The most texts the file keeps, and a run adds (its table then has 2^19 slots, 16 MB): the memory a scan may
    /// spend on them is bounded (issue #16: the whole benchmark export in 256 MB), whatever the export's size.
    static let capacity = 3 << 17
    /// A run rewrites the file when it learnt at least this many texts the file did not hold (`minimumNew`), and at
    /// least a sixteenth of what it held: rewriting megabytes for a pre-commit file's few texts would cost more than it saves.
    public static let defaultMinimumNew = 1024
    private let minimumNew: Int

    /// The file.
    public let path: String
    /// The facts' names, bit by bit: the file's, then those the run adds (`index(ofName:)`).
    private var names: [String]
    private var nameIndices: [String: Int]
    /// The file, mapped read-only (nil when there was none, or it was not valid), and its slots.
    private let mapping: UnsafeRawBufferPointer?
    private let file: SlotTable?
    /// Texts the file holds.
    private let fileCount: Int
    /// What the run learnt that the file did not hold (new texts, or more facts of one), in a table of the file's
    /// layout (`SlotTable`), its days today's; and which of the file's slots the run used (a bit each), whose days
    /// a rewrite moves to today. (A table, not a list of what each context told: a text told twice takes one slot,
    /// and a rescan that finds every text in the file adds nothing but bits.)
    private var pending = SlotTable(slotCount: 0)
    private var usedSlots: [UInt64] = []
    private var hitCount = 0
    private let today: UInt32
    private let lock = NSLock()

    /// The verdicts for a rule set: `identity` names the rules, their build and settings (the rule cache's name and
    /// the config's text); read from `directory` when a valid file is there.
    public init(directory: String, identity: String, today: Date = Date(), minimumNew: Int = TextVerdicts.defaultMinimumNew) {
        self.minimumNew = minimumNew
        var hash = StableHash()
        hash.add("text verdicts 1")
        hash.add(identity)
        let path = (directory as NSString).appendingPathComponent("verdicts-\(hash.hex).bin")
        self.path = path
        let read = Self.map(path)
        mapping = read?.mapping
        names = read?.names ?? []
        fileCount = read?.count ?? 0
        file = read.map { SlotTable(mapped: $0.mapping.baseAddress! + $0.headerBytes, slotCount: $0.slotCount) }
        nameIndices = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        fileNameCount = names.count
        usedSlots = [UInt64](repeating: 0, count: ((read?.slotCount ?? 0) + 63) / 64)
        self.today = Self.day(today)
    }

    deinit {
        if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress!), mapping.count) }
        pending.deallocate()
    }

    static func day(_ date: Date) -> UInt32 { UInt32(clamping: Int(date.timeIntervalSince1970 / 86_400)) }

    /// The facts' names as the file numbers them (bit i of `facts(of:)`: name i).
    public var fileNames: [String] { lock.withLock { Array(names.prefix(fileNameCount)) } }
    private let fileNameCount: Int

    /// Texts found in the file this run (told by `noteHits`).
    public var hits: Int { lock.withLock { hitCount } }

    func noteHits(_ count: Int) { lock.withLock { hitCount += count } }

    /// The facts the file holds of the text with `key`, bit i for `fileNames[i]`; nil when it holds none.
    /// (Read without a lock: the mapping never changes.)
    func facts(of key: Key) -> UInt64? {
        guard let file, let slot = file.find(key) else { return nil }
        return file.validFacts(at: slot)
    }

    /// The bit of the fact named `name` (a new one after the file's), nil past `nameLimit`.
    func index(ofName name: String) -> Int? {
        lock.withLock {
            if let known = nameIndices[name] { return known }
            guard names.count < Self.nameLimit else { return nil }
            names.append(name)
            nameIndices[name] = names.count - 1
            return names.count - 1
        }
    }

    /// What a context learnt of texts (facts numbered as `index(ofName:)` gives them): kept for `save` where the file
    /// does not already hold it, else the file's slot noted as used.
    func add(_ batch: [(key: Key, facts: UInt64)]) {
        guard !batch.isEmpty else { return }
        lock.withLock {
            for entry in batch {
                var facts = entry.facts
                if let file, let slot = file.find(entry.key), let known = file.validFacts(at: slot) {
                    usedSlots[slot >> 6] |= 1 << UInt64(slot & 63)
                    if known | facts == known { continue }
                    // What the file knew of the text as well: facts only ever become known.
                    facts |= known
                }
                if pending.count >= Self.capacity {
                    // Full: only a text it holds learns more.
                    if pending.find(entry.key) != nil { pending.place(entry.key, facts: facts, day: today, merging: true) }
                    continue
                }
                if pending.isFull(adding: 1) { pending.grow(toHold: pending.count + 1) }
                pending.place(entry.key, facts: facts, day: today, merging: true)
            }
        }
    }

    /// Texts the run learnt that the file did not hold (what `save` would add).
    public var newTexts: Int { lock.withLock { pending.count } }

    /// Rewrites the file with what the run learnt, when that is enough to be worth it (`minimumNew`). True when written.
    @discardableResult public func save() -> Bool {
        lock.withLock {
            guard pending.count >= max(minimumNew, fileCount / 16) else { return false }
            // The run's texts (`pending`), then the file's others, unless unused for `CacheFolder.maxAge`, until the
            // table holds `capacity`; written from `pending` itself (a second table was 16 MB more at a scan's end).
            let oldest = today &- UInt32(CacheFolder.maxAge / 86_400)
            let wanted = min(Self.capacity, pending.count + fileCount)
            if pending.isFull(adding: wanted - pending.count) { pending.grow(toHold: wanted) }
            if let file {
                file.forEach { slot, key, facts, day in
                    guard pending.count < Self.capacity else { return }
                    let used = usedSlots[slot >> 6] & (1 << UInt64(slot & 63)) != 0
                    guard used || day >= oldest else { return }
                    pending.place(key, facts: facts, day: used ? today : day, merging: false)
                }
            }
            let header = Self.header(names: names, slotCount: pending.slotCount, count: pending.count)
            let written = header.withUnsafeBytes { header in
                RuleCache.write(parts: [header, pending.bytes], to: path, ownerOnly: true)
            }
            pending.deallocate()
            return written
        }
    }

    // MARK: - The file

    /// The header: magic, slot count, texts held, names' count, where the slots start (a multiple of
    /// `slotBytes`), a check of these and the names; then each name as its length (UInt32) and UTF-8 bytes.
    private static func header(names: [String], slotCount: Int, count: Int) -> [UInt8] {
        var nameBytes: [UInt8] = []
        for name in names {
            let bytes = Array(name.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { nameBytes.append(contentsOf: $0) }
            nameBytes.append(contentsOf: bytes)
        }
        let fixed = 7 * 8
        var headerBytes = fixed + nameBytes.count
        headerBytes = (headerBytes + slotBytes - 1) / slotBytes * slotBytes
        let words: [UInt64] = [magic, UInt64(slotCount), UInt64(count), UInt64(names.count), UInt64(headerBytes)]
        var out: [UInt8] = []
        out.reserveCapacity(headerBytes)
        for word in words { withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) } }
        let (first, second) = headerCheck(words: words, names: nameBytes)
        withUnsafeBytes(of: first.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: second.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: nameBytes)
        out.append(contentsOf: repeatElement(0, count: headerBytes - out.count))
        return out
    }

    private static func headerCheck(words: [UInt64], names: [UInt8]) -> (UInt64, UInt64) {
        var bytes: [UInt8] = []
        for word in words { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }
        bytes.append(contentsOf: names)
        return bytes.withUnsafeBytes { (SipHash.hash($0, key0: 1, key1: 2), SipHash.hash($0, key0: 3, key1: 4)) }
    }

    static func check(_ key: Key, facts: UInt64, day: UInt32) -> UInt32 {
        var mixed = key.first &* 0x9E37_79B9_7F4A_7C15 ^ key.second
        mixed = (mixed ^ facts &* 0xC2B2_AE3D_27D4_EB4F) &* 0xFF51_AFD7_ED55_8CCD
        mixed ^= UInt64(day) &* 0x1656_67B1_9E37_79F9
        mixed ^= mixed >> 29
        return UInt32(truncatingIfNeeded: mixed ^ mixed >> 32)
    }

    /// The file at `path` mapped, when it is one this build writes: its header checked and its size what the header says.
    private static func map(
        _ path: String
    ) -> (mapping: UnsafeRawBufferPointer, names: [String], slotCount: Int, count: Int, headerBytes: Int)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size >= 7 * 8 else { return nil }
        let size = Int(status.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        let mapping = UnsafeRawBufferPointer(start: address, count: size)
        func word(_ index: Int) -> UInt64 { UInt64(littleEndian: mapping.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
        let words = (0..<5).map(word)
        let slotCount = Int(truncatingIfNeeded: words[1]), count = Int(truncatingIfNeeded: words[2])
        let nameCount = Int(truncatingIfNeeded: words[3]), headerBytes = Int(truncatingIfNeeded: words[4])
        var names: [String] = []
        var valid =
            words[0] == magic && slotCount >= 1 && slotCount <= 1 << 24 && slotCount & (slotCount - 1) == 0 && count >= 0
            && count < slotCount && nameCount >= 0 && nameCount <= nameLimit && headerBytes >= 7 * 8 && headerBytes % slotBytes == 0
            && headerBytes <= size && size == headerBytes + slotCount * slotBytes
        if valid {
            var offset = 7 * 8
            for _ in 0..<nameCount {
                guard offset + 4 <= headerBytes else {
                    valid = false
                    break
                }
                let length = Int(UInt32(littleEndian: mapping.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                guard offset + 4 + length <= headerBytes else {
                    valid = false
                    break
                }
                names.append(
                    String(decoding: UnsafeRawBufferPointer(rebasing: mapping[(offset + 4)..<(offset + 4 + length)]), as: UTF8.self))
                offset += 4 + length
            }
            if valid {
                let (first, second) = headerCheck(words: words, names: Array(mapping[(7 * 8)..<offset]))
                valid = word(5) == first && word(6) == second && Set(names).count == names.count
            }
        }
        guard valid else {
            munmap(address, size)
            return nil
        }
        CacheFolder.markUsed(descriptor, status: status)
        CacheFolder.markInUse(path)
        return (mapping, names, slotCount, count, headerBytes)
    }
}

/// Slots of `TextVerdicts.slotBytes` bytes (key, facts, day, check: the file's layout), open addressing by the key's
/// first word, a power of two of them: a mapped file's (read only) or one in memory the run fills.
struct SlotTable {
    private let base: UnsafeMutableRawPointer?
    private let owned: Bool
    let slotCount: Int
    private(set) var count = 0

    /// An empty table of `slotCount` slots (a power of two; 0: none yet, `grow` makes them).
    init(slotCount: Int) {
        self.slotCount = slotCount
        owned = true
        guard slotCount > 0 else {
            base = nil
            return
        }
        base = calloc(slotCount, TextVerdicts.slotBytes)
    }

    /// A mapped file's slots.
    init(mapped: UnsafeRawPointer, slotCount: Int) {
        base = UnsafeMutableRawPointer(mutating: mapped)
        owned = false
        self.slotCount = slotCount
    }

    mutating func deallocate() {
        if owned, let base { free(base) }
        self = SlotTable(slotCount: 0)
    }

    /// The slots for `count` texts: at most three quarters full.
    static func slots(for count: Int) -> Int {
        var slots = 64
        while slots * 3 < count * 4 { slots *= 2 }
        return slots
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: slotCount * TextVerdicts.slotBytes) }

    func isFull(adding more: Int) -> Bool { (count + more) * 4 > slotCount * 3 }

    /// Slots enough for `count` texts (at least twice as many as now), every text placed again.
    mutating func grow(toHold count: Int) {
        var larger = SlotTable(slotCount: max(Self.slots(for: count), 2 * slotCount))
        forEach { _, key, facts, day in larger.place(key, facts: facts, day: day, merging: false) }
        deallocate()
        self = larger
    }

    @inline(__always) private func slot(_ index: Int) -> UnsafeMutableRawPointer { base! + index * TextVerdicts.slotBytes }

    @inline(__always) private func key(at index: Int) -> TextVerdicts.Key {
        let slot = slot(index)
        return TextVerdicts.Key(first: slot.loadUnaligned(as: UInt64.self), second: slot.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The slot holding `key`, nil when none does.
    func find(_ key: TextVerdicts.Key) -> Int? {
        guard slotCount > 0 else { return nil }
        let mask = slotCount - 1
        var index = Int(truncatingIfNeeded: key.first) & mask
        // (A damaged file may have no empty slot: the probe stops after every slot.)
        for _ in 0..<slotCount {
            let found = self.key(at: index)
            if found.first == 0 && found.second == 0 { return nil }
            if found == key { return index }
            index = (index + 1) & mask
        }
        return nil
    }

    /// The facts at `index` when the slot's check holds, else nil (a damaged slot).
    func validFacts(at index: Int) -> UInt64? {
        let slot = slot(index)
        let facts = slot.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        let day = slot.loadUnaligned(fromByteOffset: 24, as: UInt32.self)
        let check = slot.loadUnaligned(fromByteOffset: 28, as: UInt32.self)
        return check == TextVerdicts.check(key(at: index), facts: facts, day: day) ? facts : nil
    }

    /// Puts `key` in: a new slot, or, `merging`, its facts added to the slot already holding it (else that slot is kept).
    /// The table must have room (`isFull`).
    mutating func place(_ key: TextVerdicts.Key, facts: UInt64, day: UInt32, merging: Bool) {
        let mask = slotCount - 1
        var index = Int(truncatingIfNeeded: key.first) & mask
        while true {
            let slot = slot(index)
            let found = self.key(at: index)
            if found.first == 0 && found.second == 0 {
                count += 1
                slot.storeBytes(of: key.first, as: UInt64.self)
                slot.storeBytes(of: key.second, toByteOffset: 8, as: UInt64.self)
                write(slot, facts: facts, day: day, key: key)
                return
            }
            if found == key {
                if merging { write(slot, facts: slot.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | facts, day: day, key: key) }
                return
            }
            index = (index + 1) & mask
        }
    }

    private func write(_ slot: UnsafeMutableRawPointer, facts: UInt64, day: UInt32, key: TextVerdicts.Key) {
        slot.storeBytes(of: facts, toByteOffset: 16, as: UInt64.self)
        slot.storeBytes(of: day, toByteOffset: 24, as: UInt32.self)
        slot.storeBytes(of: TextVerdicts.check(key, facts: facts, day: day), toByteOffset: 28, as: UInt32.self)
    }

    /// Every held slot whose check holds: its index, key, facts and day.
    func forEach(_ body: (Int, TextVerdicts.Key, UInt64, UInt32) -> Void) {
        for index in 0..<slotCount {
            let key = key(at: index)
            guard key.first != 0 || key.second != 0, let facts = validFacts(at: index) else { continue }
            body(index, key, facts, slot(index).loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        }
    }
}
