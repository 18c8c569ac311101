import Foundation

extension String {
    /// The bytes as text when they are valid UTF-8, else nil: what
    /// `String(validating: bytes, as: UTF8.self)` answers. That initializer is
    /// generic in the standard library and is not specialised for callers
    /// outside it, so every call looked up type metadata and protocol
    /// conformances at run time: 10 % of a small scan's instructions (reading
    /// the rule cache's strings) and 5 % of reading a CSV file went to the
    /// lookups. `String(decoding:as:)` validates on its fast path and repairs
    /// only what is invalid; a repair always changes the bytes (it writes
    /// U+FFFD where the input held no valid character), so the bytes coming
    /// back unchanged means they were valid.
    public init?(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var decoded = String(decoding: bytes, as: UTF8.self)
        let unchanged = decoded.withUTF8 { utf8 in
            utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        guard unchanged else { return nil }
        self = decoded
    }

    /// The same for an array of bytes.
    public init?(validUTF8 bytes: [UInt8]) {
        guard let text = bytes.withUnsafeBufferPointer({ String(validUTF8: $0) }) else { return nil }
        self = text
    }

    /// The same for raw bytes in memory (a mapped cache file).
    public init?(validUTF8 bytes: UnsafeRawBufferPointer) {
        guard let text = String(validUTF8: bytes.assumingMemoryBound(to: UInt8.self)) else { return nil }
        self = text
    }

    /// The same for a slice of bytes.
    public init?(validUTF8 bytes: ArraySlice<UInt8>) {
        guard let text = bytes.withUnsafeBufferPointer({ String(validUTF8: $0) }) else { return nil }
        self = text
    }
}

extension String {
    /// Whether the two are the same UTF-8 bytes: `==` answers for canonically equivalent texts too,
    /// which a parser or a masker reading bytes need not read alike.
    @inlinable @inline(__always) public func hasSameBytes(as other: String) -> Bool {
        // Read in place (native strings, small or not): copies of the two to call `withUTF8` on were a reference
        // count and its release each, per record for a time field. (Not `other.withUTF8InPlace { hasBytes($0) }`:
        // that closure retained `self`, +0.2 % instructions on a messages scan.)
        let inPlace = utf8.withContiguousStorageIfAvailable { x in
            other.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        if let inPlace, let same = inPlace { return same }
        var left = self, right = other
        return left.withUTF8 { x in
            right.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
    }
}

extension String {
    /// The most UTF-8 bytes a `String` holds without an allocation of its own (a small string, on 64-bit platforms).
    public static let smallStringBytes = 15

    /// Whether the string's UTF-8 bytes are `bytes`, read in place.
    @inlinable @inline(__always) public func hasBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8InPlace { own in
            own.count == bytes.count && (own.isEmpty || memcmp(own.baseAddress!, bytes.baseAddress!, own.count) == 0)
        }
    }
}

extension String {
    /// `withUTF8` without a copy of the string to call it on: the bytes read in place (a native string, small or
    /// not), else through a copy. (Copying a string to read its bytes was a reference count and its release per
    /// call, on the values of every record.)
    @inlinable @inline(__always) public func withUTF8InPlace<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

extension String {
    /// Bytes the caller has checked are valid UTF-8 (`UTF8Validation.isValid` over them, or over bytes they
    /// are a part of that starts and ends at characters), copied without checking them again.
    @inlinable public init(checkedUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        self = unsafe String(copying: UTF8Span(unchecked: bytes.span))
    }
}

/// Whether bytes are valid UTF-8, as `String(validating:as:)` decides (Unicode's well-formed
/// sequences: no overlong forms, surrogates or scalars past U+10FFFF).
///
/// Written here rather than taken from the standard library: its validator (`UTF8Span(validating:)`,
/// `String(validating:)`) spent ~10 instructions a byte on a row of a messages export, ~4 % of reading
/// and checking a repeated message (callgrind); this one steps over a Chinese character, the usual
/// non-ASCII character, in one branch and three comparisons (a run of them with a load and a mask each), and over ASCII
/// eight bytes at a time.
public enum UTF8Validation {
    /// Whether every byte is ASCII (such bytes are valid UTF-8, and their own NFKC form).
    @inlinable @inline(__always) public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }

    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = base[index]
            if lead < 0x80 {
                // ASCII: then eight bytes at a time while they are ASCII too.
                index += 1
                while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
            } else if lead &- 0xE1 < 0x0F, lead != 0xED {
                // E1-EC, EE, EF: three bytes with any two continuations after the lead (most of the BMP: all of CJK).
                guard index + 2 < count, raw.loadUnaligned(fromByteOffset: index + 1, as: UInt16.self) & 0xC0C0 == 0x8080 else {
                    return false
                }
                index += 3
                // Then the run of them that Chinese text is: lead and continuations checked with one load and
                // one mask while four bytes are left (the way round the outer loop was 25 instructions a
                // character, 2 % of a messages scan). An ASCII byte among them (a digit, a comma between fields)
                // is stepped over in the same loop: leaving it for the outer one and coming back cost ~25
                // instructions a change, and a row of a messages export changes a dozen times.
                while index &+ 4 <= count {
                    let word = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                    let next = UInt8(truncatingIfNeeded: word)
                    if next < 0x80 {
                        // (Eight at a time when eight are: a run of ASCII met here, as the outer loop takes one.)
                        let eight =
                            index &+ 8 <= count && raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                        index &+= eight ? 8 : 1
                        continue
                    }
                    guard word & 0x00C0_C0F0 == 0x0080_80E0, next != 0xE0, next != 0xED else { break }
                    index &+= 3
                }
            } else if lead >= 0xC2 && lead <= 0xDF {
                guard index + 1 < count, base[index + 1] & 0xC0 == 0x80 else { return false }
                index += 2
            } else if lead == 0xE0 || lead == 0xED {
                // E0: no overlong form (second byte A0-BF); ED: no surrogate (second byte 80-9F).
                guard index + 2 < count else { return false }
                let second = base[index + 1]
                guard lead == 0xE0 ? second >= 0xA0 && second <= 0xBF : second >= 0x80 && second <= 0x9F,
                    base[index + 2] & 0xC0 == 0x80
                else { return false }
                index += 3
            } else if lead >= 0xF0 && lead <= 0xF4 {
                // F0: no overlong form (90-BF); F4: nothing past U+10FFFF (80-8F).
                guard index + 3 < count else { return false }
                let second = base[index + 1]
                let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard second >= low && second <= high, base[index + 2] & 0xC0 == 0x80, base[index + 3] & 0xC0 == 0x80 else {
                    return false
                }
                index += 4
            } else {
                // A continuation byte without a lead, C0/C1 (overlong), F5-FF (never in UTF-8).
                return false
            }
        }
        return true
    }
}
