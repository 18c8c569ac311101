/// A hash of a few bytes (a vocabulary value, an id) for the byte-keyed tables of the
/// rules (`ValueMemo`, `Interner`): FNV-1a (a few instructions a byte), then a multiply
/// that carries every byte into the top bits the tables take their slot from (FNV's own
/// top bits hardly see the last bytes).
enum ByteHash {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return (hash ^ hash >> 29) &* 0x9E37_79B9_7F4A_7C15
    }
}
