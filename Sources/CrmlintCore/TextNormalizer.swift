import Foundation

/// Field text as rules see it, with a map back to the original.
///
/// Rules match `bytes` (UTF-8): NFKC-folded (full-width forms to ASCII),
/// zero-width characters removed, Traditional Chinese mapped to Simplified,
/// and separators typed between two Han characters (`零 故 障`, `零-故障`)
/// removed, except a mask (`*`) between two Chinese numerals. `origins[i]`
/// is the index, in Unicode scalars of the original, of the scalar that
/// produced normalised byte `i`, so findings point at what the user wrote.
///
/// A class (its parts never change, so it behaves as a value): a copy is one reference count, not one per part (three).
public final class NormalizedText: Sendable {
    public let original: String
    public let bytes: [UInt8]
    /// One entry per normalised byte, plus a final entry: the original's scalar count.
    public let origins: [Int32]

    public init(original: String, bytes: [UInt8], origins: [Int32]) {
        self.original = original
        self.bytes = bytes
        self.origins = origins
    }

    /// Original scalar range covered by a normalised byte range.
    public func originalScalarRange(of byteRange: Range<Int>) -> Range<Int> {
        let lower = Int(origins[min(byteRange.lowerBound, origins.count - 1)])
        guard byteRange.upperBound > byteRange.lowerBound else { return lower..<lower }
        let upper = Int(origins[min(byteRange.upperBound - 1, origins.count - 1)]) + 1
        return lower..<max(upper, lower)
    }

    /// The normalised text of a byte range (for fingerprints and captures).
    public func normalizedString(_ byteRange: Range<Int>) -> String {
        String(decoding: bytes[byteRange], as: UTF8.self)
    }
}

/// Normalises field text for matching. Keeps a per-scalar cache, so it is
/// not thread-safe: use one per worker thread.
///
/// The cache is a flat table for the Basic Multilingual Plane (one UInt32 per
/// code point: computed bit, kind, length, offset into a byte pool) because a
/// dictionary of arrays cost most of the scan time in retain/release and
/// hashing (perf on a 13 MB export).
public final class TextNormalizer {
    private enum Kind: UInt32 {
        case other = 0
        case han = 1
        case separator = 2
        case dropped = 3
    }

    /// The BMP table, allocated on first use with `calloc`: its 256 KB come as fresh
    /// zero pages that are only touched where a scalar is looked up. An array of
    /// zeros wrote every page (3 % of a one-file pre-commit scan's page faults, per thread).
    // Unchecked: read per record and rule, never overlapping (the runtime check cost ~6 % of a scan).
    @exclusivity(unchecked) private var table: UnsafeMutablePointer<UInt32>?
    /// Every mapping computed, back to back, then three bytes of padding (`compute`).
    @exclusivity(unchecked) private var pool: [UInt8] = [0, 0, 0]
    @exclusivity(unchecked) private var astral: [UInt32: UInt32] = [:]

    /// The text being normalised is written here first, then copied out at its size: appending to
    /// arrays byte by byte (a capacity and uniqueness check each) was most of normalising.
    /// `malloc`ed, grown by `reserve`; one byte of `origins` room more for the final entry.
    @exclusivity(unchecked) private var outBytes: UnsafeMutablePointer<UInt8>?
    @exclusivity(unchecked) private var outOrigins: UnsafeMutablePointer<Int32>?
    @exclusivity(unchecked) private var outCapacity = 0

    public init() {}

    deinit {
        free(table)
        free(outBytes)
        free(outOrigins)
    }

    /// Room for at least `needed` bytes (and `needed + 1` origins), keeping what is written.
    private func reserve(_ needed: Int) {
        guard needed > outCapacity else { return }
        let capacity = max(needed, 2 * outCapacity, 256)
        outBytes = realloc(outBytes, capacity)?.assumingMemoryBound(to: UInt8.self)
        outOrigins = realloc(outOrigins, (capacity + 1) * MemoryLayout<Int32>.stride)?.assumingMemoryBound(to: Int32.self)
        guard outBytes != nil, outOrigins != nil else { fatalError("out of memory normalising a field of \(needed) bytes") }
        outCapacity = capacity
    }

    /// The most bytes one scalar becomes (`lookup`'s length field).
    private static let longestScalar = 31

    public func normalize(_ text: String) -> NormalizedText {
        var text = text
        // The counts are the closure's result, not variables it captures: captured, each was loaded and
        // stored through memory at every byte written (a third of normalising a Chinese text).
        let (count, scalarCount) = text.withUTF8 { input -> (Int, Int32) in
            var count = 0
            var scalarCount: Int32 = 0
            reserve(input.count + Self.longestScalar)
            var out = outBytes!, origins = outOrigins!
            // Separators after a Han character wait here until we know whether
            // another Han character follows (then they are dropped).
            var pendingStart = -1
            var lastWasHan = false
            // A mask between two Chinese numerals (一三九****四五六七) stays: without it
            // the digits of a masked number would read as one run.
            var lastWasNumeral = false
            var pendingHasMask = false
            var index = 0
            while index < input.count {
                if count + Self.longestScalar > outCapacity {
                    reserve(count + Self.longestScalar + (input.count - index))
                    (out, origins) = (outBytes!, outOrigins!)
                }
                let lead = input[index]
                var value: UInt32
                var width: Int
                if lead < 0x80 {
                    value = UInt32(lead)
                    width = 1
                } else if lead < 0xE0 {
                    value = UInt32(lead & 0x1F) << 6 | UInt32(input[index + 1] & 0x3F)
                    width = 2
                } else if lead < 0xF0 {
                    value = UInt32(lead & 0x0F) << 12 | UInt32(input[index + 1] & 0x3F) << 6 | UInt32(input[index + 2] & 0x3F)
                    width = 3
                } else {
                    value =
                        UInt32(lead & 0x07) << 18 | UInt32(input[index + 1] & 0x3F) << 12
                        | UInt32(input[index + 2] & 0x3F) << 6 | UInt32(input[index + 3] & 0x3F)
                    width = 4
                }
                let origin = scalarCount
                scalarCount += 1
                let entry: UInt32
                if value < 0x80 {
                    entry = Self.isSeparator(value) ? (Kind.separator.rawValue << 1 | 1) : 1
                } else {
                    entry = lookup(value)
                }
                let kind = Kind(rawValue: (entry >> 1) & 3)!
                switch kind {
                case .dropped:
                    index += width
                    continue
                case .separator where lastWasHan:
                    if pendingStart < 0 { pendingStart = count; pendingHasMask = false }
                    if value == 0x2A || value == 0xFF0A { pendingHasMask = true }
                case .han:
                    let isNumeral = entry & Self.numeralBit != 0
                    if lastWasHan, pendingStart >= 0, !(pendingHasMask && lastWasNumeral && isNumeral) {
                        count = pendingStart
                    }
                    pendingStart = -1
                    lastWasHan = true
                    lastWasNumeral = isNumeral
                case .separator, .other:
                    pendingStart = -1
                    lastWasHan = false
                }
                if value < 0x80 {
                    out[count] = UInt8(value)
                    origins[count] = origin
                    count += 1
                } else {
                    let length = Int((entry >> Self.lengthShift) & 0x1F), offset = Int(entry >> Self.offsetShift)
                    pool.withUnsafeBufferPointer { pool in
                        if length <= 4 {
                            // Most mappings (a Chinese character, itself or its Simplified form) are 3 bytes: four
                            // copied and four origins written at once, the count moved by the length (the pool's
                            // padding and the room reserved past `count` hold the extra ones). A byte at a time
                            // was a third of normalising a Chinese text.
                            let bytes = UnsafeRawPointer(pool.baseAddress! + offset).loadUnaligned(as: UInt32.self)
                            UnsafeMutableRawPointer(out + count).storeBytes(of: bytes, as: UInt32.self)
                            UnsafeMutableRawPointer(origins + count).storeBytes(of: SIMD4(repeating: origin), as: SIMD4<Int32>.self)
                            count &+= length
                        } else {
                            for position in offset..<offset + length {
                                out[count] = pool[position]
                                origins[count] = origin
                                count += 1
                            }
                        }
                    }
                }
                index += width
            }
            return (count, scalarCount)
        }
        outOrigins![count] = scalarCount
        return NormalizedText(
            original: text, bytes: Array(UnsafeBufferPointer(start: outBytes, count: count)),
            origins: Array(UnsafeBufferPointer(start: outOrigins, count: count + 1)))
    }

    /// The cache entry of a non-ASCII scalar, computing it on first sight.
    private func lookup(_ value: UInt32) -> UInt32 {
        if value < 0x10000 {
            let table: UnsafeMutablePointer<UInt32>
            if let made = self.table {
                table = made
            } else {
                table = Self.allocateTable()
                self.table = table
            }
            let cached = table[Int(value)]
            if cached != 0 { return cached }
            let entry = compute(value)
            table[Int(value)] = entry
            return entry
        }
        if let cached = astral[value] { return cached }
        let entry = compute(value)
        astral[value] = entry
        return entry
    }

    private static func allocateTable() -> UnsafeMutablePointer<UInt32> {
        guard let raw = calloc(0x10000, MemoryLayout<UInt32>.stride) else { fatalError("out of memory") }
        return raw.bindMemory(to: UInt32.self, capacity: 0x10000)
    }

    /// Characters ICU's Hant-Hans maps although they are written so in both
    /// scripts: 俱 (俱乐部, 俱樂部) is not a Traditional form of 具.
    static let keptAsWritten: Set<UInt32> = [0x4FF1] // 俱

    private func compute(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return Kind.dropped.rawValue << 1 | 1 }
        if Self.zeroWidth.contains(value) { return Kind.dropped.rawValue << 1 | 1 }
        // CJK Unified Ideographs have no compatibility mapping: NFKC leaves them as they are,
        // without a call into ICU per character first seen (a pre-commit file meets hundreds).
        var text = Self.isUnifiedIdeograph(value) ? String(scalar) : String(scalar).precomposedStringWithCompatibilityMapping
        // Traditional → Simplified from the table generated from ICU's Hant-Hans (`HantHansTable`): the same
        // result for every scalar, without creating the transliterator.
        if let first = text.unicodeScalars.first, Self.isHan(first.value), !Self.keptAsWritten.contains(first.value),
            let simplified = HantHansTable.simplified(value)
        {
            text = simplified
        }
        let scalars = Array(text.unicodeScalars)
        let kind: Kind
        if scalars.count == 1, Self.isSeparator(scalars[0].value) {
            kind = .separator
        } else if let first = scalars.first, Self.isHan(first.value) {
            kind = .han
        } else {
            kind = .other
        }
        var bytes = Array(text.utf8)
        if bytes.count > 31 { bytes = Array(String(scalar).utf8) } // no real mapping is this long; keep the original
        // The pool ends in three bytes of padding, so four bytes can be read from any mapping's start
        // (`normalize` copies up to four at once): the new mapping goes in their place, and they after it.
        let offset = UInt32(pool.count - 3)
        pool.replaceSubrange((pool.count - 3)..., with: bytes + [0, 0, 0])
        // A numeral as the digit view reads the normalised text: what the scalar is written as (兩 as 两).
        let numeral = kind == .han && scalars.count == 1 && DigitView.numeralValue(scalars[0].value) != nil ? Self.numeralBit : 0
        return offset << Self.offsetShift | UInt32(bytes.count) << Self.lengthShift | numeral | kind.rawValue << 1 | 1
    }

    /// A cache entry: bit 0 set once computed, the kind in bits 1–2, `numeralBit` (a Han character written as a
    /// numeral, 零 一 … 九, as `DigitView.numeralValue` reads one), the mapping's length in bytes from `lengthShift` (5 bits), its
    /// offset in `pool` from `offsetShift` (23 bits: every scalar there is, each mapped once, takes about 6.5 MB).
    private static let numeralBit: UInt32 = 1 << 3
    private static let lengthShift: UInt32 = 4
    private static let offsetShift: UInt32 = 9

    static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E]

    static func isSeparator(_ value: UInt32) -> Bool {
        switch value {
        case 0x20, 0x09, 0x2D, 0x5F, 0x2A, 0x2E, 0x2F, 0x7C, 0x7E: true // space tab - _ * . / | ~
        case 0x00B7, 0x30FB, 0x2014, 0x2013, 0x2015, 0x2022, 0x3000, 0x00A0: true // · ・ — – ― • ideographic space, nbsp
        default: false
        }
    }

    /// The CJK Unified Ideographs block (U+4E00–U+9FFF), whose characters NFKC never changes.
    static func isUnifiedIdeograph(_ value: UInt32) -> Bool { (0x4E00...0x9FFF).contains(value) }

    public static func isHan(_ value: UInt32) -> Bool {
        isUnifiedIdeograph(value) || (0x3400...0x4DBF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x20000...0x2EBEF).contains(value)
    }
}

// Beside the normaliser, not in HantHansTable.swift: that file is all generated (scripts/gen-hant-hans-table).
extension HantHansTable {
    /// What Hant-Hans makes of `value`, found by halving `lines` (one line per scalar, in scalar order, as
    /// the generator writes them: UTF-8 orders as the scalars do). A scan looks up a few hundred scalars;
    /// building `mapping`, all 3,350, was 2.2 M instructions and its pages of every run that met a Han character.
    static func simplified(_ value: UInt32) -> String? {
        // Most scalars a text meets have no line (they are Simplified already): ruled out by a bit.
        if value < 0x10000, mappedBMP[Int(value) >> 6] & (1 << UInt64(value & 63)) == 0 { return nil }
        let found = lines.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var low = 0, high = bytes.count // always a line's start (or the end)
            while low < high {
                var start = (low + high) / 2
                while start > low, bytes[start - 1] != 0x0A { start -= 1 }
                var end = start
                while end < high, bytes[end] != 0x0A { end += 1 }
                guard let (key, length) = Self.scalar(in: bytes, at: start, end: end) else { return nil }
                if key == value { return String(decoding: bytes[(start + length)..<end], as: UTF8.self) }
                if key < value { low = end + 1 } else { high = start }
            }
            return nil
        }
        // A literal's text is contiguous; the dictionary only if it were not.
        if let found { return found }
        return mapping[value]
    }

    /// A bit per scalar below U+10000 that has a line in `lines` (8 KB, read once, about 150,000
    /// instructions): the binary search for each of the few hundred scalars a one-file scan meets,
    /// nearly all without a line, cost ten times that.
    private static let mappedBMP: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        var copy = lines
        copy.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if let (key, _) = scalar(in: bytes, at: start, end: end), key < 0x10000 {
                    bits[Int(key) >> 6] |= 1 << UInt64(key & 63)
                }
                start = end + 1
            }
        }
        return bits
    }()

    /// The scalar whose UTF-8 starts at `position` (before `end`) and its length in bytes.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at position: Int, end: Int) -> (UInt32, Int)? {
        guard position < end else { return nil }
        let lead = UInt32(bytes[position])
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard position + length <= end else { return nil }
        guard length > 1 else { return (lead, 1) }
        var value = lead & (0xFF >> (length + 1))
        for offset in 1..<length { value = value << 6 | UInt32(bytes[position + offset] & 0x3F) }
        return (value, length)
    }

    /// The whole table as a dictionary, read from `lines` (tests check `simplified` and the table against it
    /// and ICU). Scalar → what Hant-Hans makes of its compatibility form. Creating ICU's transliterator cost
    /// about 4 ms of every run (a fifteenth of a small file's scan) before any character was looked up; the
    /// table needs none.
    static let mapping: [UInt32: String] = {
        var mapping: [UInt32: String] = [:]
        mapping.reserveCapacity(4096)
        var key: UInt32?
        var value = String.UnicodeScalarView()
        for scalar in lines.unicodeScalars {
            if scalar == "\n" {
                if let key { mapping[key] = String(value) }
                key = nil
                value = String.UnicodeScalarView()
            } else if key == nil {
                key = scalar.value
            } else {
                value.append(scalar)
            }
        }
        if let key { mapping[key] = String(value) }
        return mapping
    }()
}
