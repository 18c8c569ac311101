import CrmlintCore
import Foundation

/// A linear classifier over character n-grams of the normalised text: what a
/// `kind: classifier` rule asks. Written rules catch the phrasings their
/// authors thought of; a model trained on many writers' labelled messages
/// (`crmlint model train`) also weighs the cues nobody wrote a rule for.
///
/// Features are the distinct character 1…`maxGram`-grams of the text after
/// `TextNormalizer` (NFKC, Traditional → Simplified) and ASCII lower-casing,
/// with a start and an end mark, hashed (FNV-1a) into `buckets` slots. The
/// score of a label is its bias plus the weights of the slots present; the
/// probabilities are their softmax. Weights are stored as 8-bit integers
/// times one `scale`, in a text file (`NgramModel.serialized`).
public struct NgramModel: Sendable, Equatable {
    public static let format = "crmlint-ngram-softmax 1"

    public let labels: [String]
    public let buckets: Int
    public let maxGram: Int
    public let scale: Float
    public let bias: [Float]
    /// `buckets × labels.count` row-major: slot `s`, label `l` at `s * labels.count + l`.
    public let weights: [Int8]
    /// Free text kept in the file's header (what the model was trained on).
    public let notes: [String]

    /// Sizes are the caller's to keep consistent (one bias per label,
    /// buckets × labels weights); `init(serialized:)` checks a file's.
    public init(labels: [String], buckets: Int, maxGram: Int, scale: Float, bias: [Float], weights: [Int8], notes: [String] = []) {
        self.labels = labels
        self.buckets = buckets
        self.maxGram = maxGram
        self.scale = scale
        self.bias = bias
        self.weights = weights
        self.notes = notes
    }

    /// Whether the sizes and values hold what scoring relies on (what `init(serialized:)` checks a
    /// file's header for, line by line): a model read from elsewhere (the rule cache) is used only then.
    var isConsistent: Bool {
        labels.count >= 2 && Set(labels).count == labels.count && buckets >= 2 && buckets <= 1 << 22
            && buckets & (buckets - 1) == 0 && (1...5).contains(maxGram) && scale.isFinite && scale > 0
            && bias.count == labels.count && bias.allSatisfy(\.isFinite) && weights.count == buckets * labels.count
    }

    /// Why a model file cannot be read, with its 1-based line.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    // MARK: Features

    /// The distinct hashed n-gram slots of an already normalised text (training).
    public static func slots(ofNormalized text: String, buckets: Int, maxGram: Int) -> [Int] {
        Array(text.utf8).withUnsafeBufferPointer { slots(ofNormalizedUTF8: $0, buckets: buckets, maxGram: maxGram) }
    }

    /// The distinct slots of normalised UTF-8 bytes, in first-seen order.
    static func slots(ofNormalizedUTF8 bytes: UnsafeBufferPointer<UInt8>, buckets: Int, maxGram: Int) -> [Int] {
        var scalars: [UInt32] = []
        var seen = Set<Int>()
        var slots: [Int] = []
        decode(bytes, into: &scalars)
        scalars.withUnsafeBufferPointer { buffer in
            forEachSlot(of: buffer, buckets: buckets, maxGram: maxGram) { slot in
                if seen.insert(slot).inserted { slots.append(slot) }
            }
        }
        return slots
    }

    /// The scalars of UTF-8 `bytes` between a start mark (2) and an end mark
    /// (3), ASCII lower-cased: what the n-grams are taken from.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [UInt32]) {
        scalars.removeAll(keepingCapacity: true)
        scalars.append(2)
        var index = 0
        while index < bytes.count { scalars.append(Self.scalar(bytes, at: &index)) }
        scalars.append(3)
    }

    /// The scalar at `index` of UTF-8 `bytes`, ASCII lower-cased, and `index` moved past it (a truncated
    /// sequence at the end is what its bytes give).
    @inline(__always) static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
        let lead = UInt32(bytes[index])
        // A three-byte character with both continuations (every Chinese one) in one step: what the general
        // path below gives it, without its loop and case tests (a fifth of scoring a text).
        if lead & 0xF0 == 0xE0, index &+ 2 < bytes.count {
            let value = (lead & 0x0F) << 12 | UInt32(bytes[index &+ 1] & 0x3F) << 6 | UInt32(bytes[index &+ 2] & 0x3F)
            index &+= 3
            return value
        }
        var value: UInt32
        var extra: Int
        switch lead {
        case 0..<0x80: (value, extra) = (lead, 0)
        case 0xC0..<0xE0: (value, extra) = (lead & 0x1F, 1)
        case 0xE0..<0xF0: (value, extra) = (lead & 0x0F, 2)
        default: (value, extra) = (lead & 0x07, 3)
        }
        index += 1
        while extra > 0 && index < bytes.count {
            value = value << 6 | UInt32(bytes[index] & 0x3F)
            index += 1
            extra -= 1
        }
        if value >= 0x41 && value <= 0x5A { value += 0x20 }
        return value
    }

    /// Calls `body` with the slot of every 1…`maxGram`-gram of `scalars`
    /// (repeats included). Training and scanning share it, so both see the same features.
    @inline(__always)
    static func forEachSlot(of scalars: UnsafeBufferPointer<UInt32>, buckets: Int, maxGram: Int, _ body: (Int) -> Void) {
        let mask = UInt32(buckets - 1)
        for start in 0..<scalars.count {
            var hash: UInt32 = 2_166_136_261
            for length in 1...maxGram {
                let index = start + length - 1
                guard index < scalars.count else { break }
                hash = fnvStep(hash, scalars[index])
                body(slot(hash, length: length, mask: mask))
            }
        }
    }

    /// The slot of an n-gram of `length` scalars whose hash is `hash` (`buckets - 1` is `mask`).
    @inline(__always) static func slot(_ hash: UInt32, length: Int, mask: UInt32) -> Int {
        Int((hash ^ UInt32(truncatingIfNeeded: length)) &* 16_777_619 & mask)
    }

    /// FNV-1a over a scalar's four bytes, low byte first: the same on every platform and run. A zero
    /// byte only multiplies by the prime, so the high zero bytes of a scalar below U+10000 (every
    /// Chinese character) or U+100 are one multiplication by the prime's power (the same value
    /// modulo 2^32: a third of the work of four full rounds, 0.3 % of a scan).
    @inline(__always) static func fnvStep(_ hash: UInt32, _ value: UInt32) -> UInt32 {
        let prime: UInt32 = 16_777_619
        if value < 0x100 { return (hash ^ value) &* 0x502C_3F11 } // prime^4 (mod 2^32)
        var hash = (hash ^ (value & 0xFF)) &* prime
        hash = (hash ^ ((value >> 8) & 0xFF)) &* prime
        if value < 0x10000 { return hash &* 0x2602_7A69 } // prime^2
        hash = (hash ^ ((value >> 16) & 0xFF)) &* prime
        return (hash ^ (value >> 24)) &* prime
    }

    /// The slots `forEachSlot` gives for `decode`'s scalars of `bytes`, each n-gram's once, in another order
    /// (n-grams by where they end): decoded as they are read, each n-gram's hash continued from the hash of
    /// the one a scalar shorter ending before it, with no array of scalars (decoding into one, then walking
    /// it from every start, was a third of scoring a text). Sums over the slots are the same.
    @inline(__always)
    static func forEachSlot(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, buckets: Int, maxGram: Int, _ body: (Int) -> Void) {
        guard maxGram > 0 else { return }
        let mask = UInt32(buckets - 1)
        let start: UInt32 = 2_166_136_261
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: maxGram) { ending in
            // `ending[k]`: the hash of the (k + 1)-gram that ended at the scalar before; `seen` scalars so far.
            var seen = 0
            // Trigrams (the bundled model's): the two hashes in registers. (Before the first scalars, the hashes
            // of grams that do not exist are not read: `seen` counts them in.)
            var one: UInt32 = 0, two: UInt32 = 0
            @inline(__always) func add(_ scalar: UInt32) {
                if maxGram == 3 {
                    if seen >= 2 { body(slot(fnvStep(two, scalar), length: 3, mask: mask)) }
                    if seen >= 1 {
                        two = fnvStep(one, scalar)
                        body(slot(two, length: 2, mask: mask))
                    }
                    one = fnvStep(start, scalar)
                    body(slot(one, length: 1, mask: mask))
                    seen += 1
                    return
                }
                var length = min(maxGram, seen + 1)
                while length > 1 {
                    let hash = fnvStep(ending[length - 2], scalar)
                    body(slot(hash, length: length, mask: mask))
                    ending[length - 1] = hash
                    length -= 1
                }
                let hash = fnvStep(start, scalar)
                body(slot(hash, length: 1, mask: mask))
                ending[0] = hash
                seen += 1
            }
            add(2)
            var index = 0
            while index < bytes.count { add(Self.scalar(bytes, at: &index)) }
            add(3)
        }
    }

    /// Label probabilities for a text already normalised by `TextNormalizer`.
    public func probabilities(ofNormalized text: String) -> [Float] {
        var scratch = Scratch()
        return Array(text.utf8).withUnsafeBufferPointer { probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
    }

    /// Label probabilities for a text as written: normalised as the scan
    /// normalises a field, then scored on its bytes (no String round trip).
    public func probabilities(of text: String, normalizer: TextNormalizer, scratch: inout Scratch) -> [Float] {
        normalizer.normalize(text).bytes.withUnsafeBufferPointer { probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
    }

    /// Reusable buffers for scoring many texts on one thread.
    public struct Scratch {
        /// Per slot, the text number that last counted it: distinct slots without a set. A byte a slot, the
        /// numbers going round every 255 texts (the stamps cleared then): the bundled model's 32,768 buckets
        /// take 32 KB, which stay in the core's cache between texts; at four bytes a slot (128 KB) the texts'
        /// other work pushed them out, and ~17 of a new text's stamp reads missed a 1 MB cache (callgrind,
        /// the benchmark's first 100,001 messages: this function's misses 1.14 M → 0.74 M).
        var stamps: [UInt8] = []
        var text: UInt8 = 0
        public init() {}
    }

    /// Label probabilities for normalised UTF-8 bytes (the scan's path: no
    /// String, no set; each distinct slot counted once, as in training).
    public func probabilities(ofNormalizedUTF8 bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> [Float] {
        let width = labels.count
        if scratch.stamps.count != buckets {
            scratch.stamps = [UInt8](repeating: 0, count: buckets)
            scratch.text = 0
        }
        scratch.text &+= 1
        if scratch.text == 0 {
            // Every number has been used: no stamp may hold the next one from an earlier text.
            scratch.stamps.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            scratch.text = 1
        }
        let current = scratch.text
        // Sums and scores in room on the stack, the result copied out once: arrays made with `repeating:`
        // or `map` here were not specialised (the runtime looked their storage class up, ~370 instructions
        // each, three a text).
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: width) { sums in
            sums.initialize(repeating: 0)
            let vector = width >= 8
            scratch.stamps.withUnsafeMutableBufferPointer { stamps in
                weights.withUnsafeBufferPointer { table in
                    let base = UnsafeRawPointer(table.baseAddress!)
                    // The first eight labels' weights of a slot added as one vector (the bundled model has eight), the
                    // rest one by one. Declared in this closure, the loop's own, so it stays in registers (declared
                    // outside, it was loaded and stored through memory at every slot).
                    var firstEight = SIMD8<Int32>()
                    Self.forEachSlot(ofUTF8: bytes, buckets: buckets, maxGram: maxGram) { slot in
                        guard stamps[slot] != current else { return }
                        stamps[slot] = current
                        let row = slot &* width
                        var label = 0
                        if vector {
                            firstEight &+= SIMD8<Int32>(
                                truncatingIfNeeded: base.loadUnaligned(fromByteOffset: row, as: SIMD8<Int8>.self))
                            label = 8
                        }
                        while label < width {
                            sums[label] &+= Int32(table[row + label])
                            label += 1
                        }
                    }
                    if vector { for label in 0..<8 { sums[label] = firstEight[label] } }
                }
            }
            return withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { scores in
                for index in 0..<width { scores[index] = bias[index] + Float(sums[index]) * scale }
                // As `scores.max() ?? 0` picks it.
                var top: Float = width == 0 ? 0 : scores[0]
                for index in 0..<width where top < scores[index] { top = scores[index] }
                var total: Float = 0
                for index in 0..<width {
                    scores[index] = exp(scores[index] - top)
                    total += scores[index]
                }
                for index in 0..<width { scores[index] /= total }
                return Array(UnsafeBufferPointer(scores))
            }
        }
    }

    // MARK: File

    /// The model as its file holds it: `key: value` header lines, then the
    /// weights in base64 (76 characters a line) after `weights:`.
    public var serialized: String {
        var lines = ["# crmlint classifier model: generated by `crmlint model train`; do not edit by hand."]
        lines += notes.map { "# " + $0 }
        lines += [
            "format: \(Self.format)",
            "labels: \(labels.joined(separator: " "))",
            "buckets: \(buckets)",
            "max_gram: \(maxGram)",
            "scale: \(scale)",
            "bias: \(bias.map { "\($0)" }.joined(separator: " "))",
            "weights:",
        ]
        let encoded = Data(weights.map { UInt8(bitPattern: $0) }).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a model file; every problem names its line.
    public init(serialized text: String) throws(Problem) {
        var header: [String: (value: String, line: Int)] = [:]
        var notes: [String] = []
        let weights: [UInt8]
        let weightsLine: Int
        if let fast = try Self.readFast(text, header: &header, notes: &notes) {
            (weights, weightsLine) = fast
        } else {
            header = [:]
            notes = []
            var encoded = ""
            var line = 0
            // "\r\n" is one Character: split on both, so a file checked out with CRLF reads the same.
            for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .enumerated()
            {
                let trimmed = raw.trimmingCharacters(in: .whitespaces)
                if line > 0 {
                    encoded += trimmed
                    continue
                }
                if try Self.readHeaderLine(trimmed, offset: offset, header: &header, notes: &notes) { line = offset + 1 }
            }
            weights = Array(encoded.utf8)
            weightsLine = line
        }
        try self.init(header: header, notes: notes, encoded: weights, weightsLine: weightsLine)
    }

    /// Where the header keeps the first unknown key (a name no key can have: keys end before ':').
    private static let unknownKeyEntry = ":unknown"

    /// One line before the weights, trimmed; true for the `weights:` line.
    private static func readHeaderLine(
        _ line: String, offset: Int, header: inout [String: (value: String, line: Int)], notes: inout [String]
    ) throws(Problem) -> Bool {
        if line.isEmpty { return false }
        if line.hasPrefix("#") {
            if offset > 0 { notes.append(String(line.dropFirst(2))) }
            return false
        }
        guard let colon = line.firstIndex(of: ":") else {
            throw Problem(line: offset + 1, reason: "expected 'key: value', found '\(line.prefix(40))'")
        }
        let key = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard ["format", "labels", "buckets", "max_gram", "scale", "bias", "weights"].contains(key) else {
            // Reported after the format (a newer format's key should say "retrain"): kept aside under a name no key has.
            if header[unknownKeyEntry] == nil { header[unknownKeyEntry] = (key, offset + 1) }
            return false
        }
        guard header[key] == nil else { throw Problem(line: offset + 1, reason: "'\(key)' given twice") }
        header[key] = (value, offset + 1)
        return key == "weights"
    }

    /// The usual file read by its bytes: the header lines as above, then the
    /// base64 lines with nothing to trim, copied without their line ends
    /// (splitting 355 KB into Characters and trimming each line cost 12 % of a
    /// small scan). Nil, with nothing thrown, for any other file (a carriage
    /// return anywhere, or a weights line holding other bytes): the general
    /// reading above then gives the same answer or the same problem.
    private static func readFast(
        _ text: String, header: inout [String: (value: String, line: Int)], notes: inout [String]
    ) throws(Problem) -> (weights: [UInt8], line: Int)? {
        var copy = text
        var problem: Problem?
        // `withUTF8` rethrows untyped errors: the problem is carried out beside the result.
        let result = copy.withUTF8 { (bytes: UnsafeBufferPointer<UInt8>) -> (weights: [UInt8], line: Int)? in
            if let base = bytes.baseAddress, memchr(base, 0x0D, bytes.count) != nil { return nil }
            var start = 0
            var offset = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let isWeights: Bool
                do {
                    isWeights = try readHeaderLine(trimmed, offset: offset, header: &header, notes: &notes)
                } catch {
                    problem = error as? Problem
                    return nil
                }
                if isWeights {
                    // Byte by byte through raw buffers: the model's 350 KB of base64 is read on every run.
                    let rest = UnsafeBufferPointer(rebasing: bytes[min(end + 1, bytes.count)...])
                    var valid = true
                    let weights = base64Value.withUnsafeBufferPointer { table in
                        [UInt8](unsafeUninitializedCapacity: rest.count) { out, count in
                            count = 0
                            for byte in rest where byte != 0x0A {
                                guard table[Int(byte)] != 0xFF || byte == UInt8(ascii: "=") else { valid = false; return }
                                out[count] = byte
                                count += 1
                            }
                        }
                    }
                    return valid ? (weights, offset + 1) : nil
                }
                start = end + 1
                offset += 1
            }
            // No weights line: the general reading reports what is missing.
            return nil
        }
        if let problem { throw problem }
        return result
    }

    /// Each byte's value in base64, 0xFF for a byte outside the alphabet.
    private static let base64Value: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// Canonical base64 (groups of four, `=` only as the last one or two) decoded
    /// directly; anything else goes through Foundation, as it always did.
    static func decodeBase64(_ encoded: [UInt8]) -> [UInt8]? {
        if let canonical = decodeCanonicalBase64(encoded) { return canonical }
        return Data(base64Encoded: String(decoding: encoded, as: UTF8.self)).map { [UInt8]($0) }
    }

    /// Canonical base64 decoded, checked as it is read, in one pass over raw buffers (checking
    /// first, then decoding, cost 8 M instructions of a small scan's 290 M); nil when not
    /// canonical: a length not a multiple of four, `=` other than as the last one or two bytes,
    /// a byte outside the alphabet, or unused bits set in a padded group.
    static func decodeCanonicalBase64(_ encoded: [UInt8]) -> [UInt8]? {
        guard encoded.count % 4 == 0 else { return nil }
        guard !encoded.isEmpty else { return [] }
        var padding = 0
        while padding < 2, encoded[encoded.count - 1 - padding] == UInt8(ascii: "=") { padding += 1 }
        let whole = encoded.count / 4 - (padding > 0 ? 1 : 0)
        var valid = true
        let decoded = base64Value.withUnsafeBufferPointer { table in
            encoded.withUnsafeBufferPointer { encoded in
                [UInt8](unsafeUninitializedCapacity: encoded.count / 4 * 3) { out, count in
                    var seen: UInt8 = 0
                    var at = 0
                    for group in 0..<whole {
                        let index = group * 4
                        let a = table[Int(encoded[index])], b = table[Int(encoded[index + 1])]
                        let c = table[Int(encoded[index + 2])], d = table[Int(encoded[index + 3])]
                        seen |= a | b | c | d
                        let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[at] = UInt8(truncatingIfNeeded: bits >> 16)
                        out[at + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                        out[at + 2] = UInt8(truncatingIfNeeded: bits)
                        at += 3
                    }
                    // 0xFF (outside the alphabet, `=` included) is the only value with its top bits set.
                    if seen & 0xC0 != 0 { valid = false }
                    if valid, padding > 0 {
                        let index = whole * 4
                        let a = table[Int(encoded[index])], b = table[Int(encoded[index + 1])]
                        let c = padding == 1 ? table[Int(encoded[index + 2])] : 0
                        if (a | b | c) & 0xC0 != 0 || (padding == 2 ? b & 0x0F : c & 0x03) != 0 {
                            valid = false
                        } else {
                            let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                            out[at] = UInt8(truncatingIfNeeded: bits >> 16)
                            at += 1
                            if padding == 1 {
                                out[at] = UInt8(truncatingIfNeeded: bits >> 8)
                                at += 1
                            }
                        }
                    }
                    count = at
                }
            }
        }
        return valid ? decoded : nil
    }

    private init(
        header: [String: (value: String, line: Int)], notes: [String], encoded: [UInt8], weightsLine: Int
    ) throws(Problem) {
        func value(_ key: String) throws(Problem) -> (value: String, line: Int) {
            guard let found = header[key] else { throw Problem(line: 1, reason: "missing '\(key)'") }
            return found
        }
        let format = try value("format")
        guard format.value == Self.format else {
            throw Problem(line: format.line, reason: "format '\(format.value)' is not '\(Self.format)' (retrain with this crmlint)")
        }
        if let unknown = header[Self.unknownKeyEntry] { throw Problem(line: unknown.line, reason: "unknown key '\(unknown.value)'") }
        let labels = try value("labels").value.split(separator: " ").map(String.init)
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw Problem(line: try value("labels").line, reason: "'labels' must name at least two distinct labels")
        }
        let bucketsEntry = try value("buckets")
        guard let buckets = Int(bucketsEntry.value), buckets >= 2, buckets <= 1 << 22, buckets & (buckets - 1) == 0 else {
            throw Problem(line: bucketsEntry.line, reason: "'buckets' must be a power of two between 2 and 4194304")
        }
        let gramEntry = try value("max_gram")
        guard let maxGram = Int(gramEntry.value), (1...5).contains(maxGram) else {
            throw Problem(line: gramEntry.line, reason: "'max_gram' must be 1 to 5")
        }
        let scaleEntry = try value("scale")
        guard let scale = Float(scaleEntry.value), scale.isFinite, scale > 0 else {
            throw Problem(line: scaleEntry.line, reason: "'scale' must be a positive number")
        }
        let biasEntry = try value("bias")
        let bias = biasEntry.value.split(separator: " ").compactMap { Float($0) }
        guard bias.count == labels.count, bias.allSatisfy(\.isFinite) else {
            throw Problem(line: biasEntry.line, reason: "'bias' must hold one number per label (\(labels.count))")
        }
        guard let data = Self.decodeBase64(encoded), data.count == buckets * labels.count else {
            throw Problem(
                line: weightsLine, reason: "'weights' must be base64 of \(buckets * labels.count) bytes (buckets × labels)")
        }
        self.init(
            labels: labels, buckets: buckets, maxGram: maxGram, scale: scale, bias: bias,
            weights: data.withUnsafeBytes { [Int8]($0.bindMemory(to: Int8.self)) }, notes: notes)
    }
}
