/// SipHash (Aumasson and Bernstein, 2012) with a 64-bit result, for the keys of the text verdicts kept between
/// runs (`TextVerdicts`): a key stands for a text there, so two texts must not share one, and the tables' own hashes
/// (`ByteHash`, `StableHash`) are built for speed, not to keep distinct texts apart. The standard library's `Hasher`
/// is SipHash too, but seeded anew in every process, so its values cannot be kept in a file.
/// (Written here: a dozen lines of the published algorithm, checked against published test vectors; no package in
/// the mirror offers it without bringing a cryptography library's build along.)
enum SipHash {
    /// SipHash-c-d of `bytes` under the key (`key0`, `key1`): `compression` rounds a word, `finalization` rounds at the
    /// end; SipHash-2-4, the paper's, by default.
    static func hash(
        _ bytes: UnsafeRawBufferPointer, key0: UInt64, key1: UInt64, compression: Int = 2, finalization: Int = 4
    ) -> UInt64 {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ key0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ key1
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ key0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key1
        @inline(__always) func round() { sipRound(&v0, &v1, &v2, &v3) }
        forEachWord(of: bytes) { word in
            v3 ^= word
            for _ in 0..<compression { round() }
            v0 ^= word
        }
        v2 ^= 0xFF
        for _ in 0..<finalization { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension SipHash {
    /// One SipRound of the state (`v0` … `v3`).
    @inline(__always) static func sipRound(_ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
        v0 = v0 &+ v1
        v1 = v1.rotatedLeft(13) ^ v0
        v0 = v0.rotatedLeft(32)
        v2 = v2 &+ v3
        v3 = v3.rotatedLeft(16) ^ v2
        v0 = v0 &+ v3
        v3 = v3.rotatedLeft(21) ^ v0
        v2 = v2 &+ v1
        v1 = v1.rotatedLeft(17) ^ v2
        v2 = v2.rotatedLeft(32)
    }

    /// The words SipHash absorbs from `bytes`: each eight bytes little-endian, then the last 0-7 bytes with the
    /// length's low byte on top.
    @inline(__always) static func forEachWord(of bytes: UnsafeRawBufferPointer, _ body: (UInt64) -> Void) {
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            body(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while offset < count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        body(last)
    }

    /// SipHash-1-3 (`hash` with one round a word and three at the end) under two keys at once, in one pass: the two
    /// computations are independent, so the processor runs their rounds together (a text's key is two values,
    /// computed for every text a scan looks up: one after the other, each waited on its own chain of rotations). The
    /// same values as two calls of `hash(…, compression: 1, finalization: 3)`. SipHash-1-3 is the variant the hash
    /// tables of Rust's standard library and of CPython use: a text's key is a table key (a text never chooses its
    /// key, and the keys are fixed and in the source, so no round count would make collisions hard to craft), and
    /// with SipHash-2-4's rounds this was 3.2 % of a rescan's instructions (100,000 lines: 66.1 M → 44.0 M).
    static func pair(_ bytes: UnsafeRawBufferPointer, first: (UInt64, UInt64), second: (UInt64, UInt64)) -> (UInt64, UInt64) {
        var a0: UInt64 = 0x736F_6D65_7073_6575 ^ first.0, a1: UInt64 = 0x646F_7261_6E64_6F6D ^ first.1
        var a2: UInt64 = 0x6C79_6765_6E65_7261 ^ first.0, a3: UInt64 = 0x7465_6462_7974_6573 ^ first.1
        var b0: UInt64 = 0x736F_6D65_7073_6575 ^ second.0, b1: UInt64 = 0x646F_7261_6E64_6F6D ^ second.1
        var b2: UInt64 = 0x6C79_6765_6E65_7261 ^ second.0, b3: UInt64 = 0x7465_6462_7974_6573 ^ second.1
        // (Each state's round in turn: inlined, the two independent chains are in flight together.)
        @inline(__always) func round() {
            sipRound(&a0, &a1, &a2, &a3)
            sipRound(&b0, &b1, &b2, &b3)
        }
        @inline(__always) func absorb(_ word: UInt64) {
            a3 ^= word
            b3 ^= word
            round()
            a0 ^= word
            b0 ^= word
        }
        forEachWord(of: bytes, absorb)
        a2 ^= 0xFF
        b2 ^= 0xFF
        round()
        round()
        round()
        return (a0 ^ a1 ^ a2 ^ a3, b0 ^ b1 ^ b2 ^ b3)
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
