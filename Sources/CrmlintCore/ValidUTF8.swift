import CByteScan
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
/// and checking a repeated message (callgrind). This one reads sixteen bytes a step, classified at once
/// (`crmlint_utf8_classes16`): a step of ASCII is passed over, and a step whose other bytes are all
/// three-byte characters with any continuations (all of CJK) is checked from its bit masks, its continuation
/// bytes being exactly the two after each lead (and those a character of the step before runs into);
/// any other step is read character by character. (Byte by byte, with a load and a mask for each Chinese
/// character, it was ~6.5 instructions a byte of a messages export's rows: 4 % of a JSON Lines scan.)
public enum UTF8Validation {
    /// Whether every byte is ASCII (such bytes are valid UTF-8, and their own NFKC form).
    @inlinable @inline(__always) public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }

    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        var owed: UInt32 = 0
        while index &+ 16 <= count {
            let classes = crmlint_utf8_classes16(base + index)
            if classes.non_ascii != 0 || owed != 0 {
                guard checkStep(bytes, at: index, from: index, classes: classes, owed: &owed) else { return false }
            }
            index &+= 16
        }
        if index == count { return owed == 0 }
        guard count >= 16 else { return checkCharacters(bytes, from: 0, upTo: count, owed: 0) == count }
        return checkLastStep(bytes, from: index, classes: crmlint_utf8_classes16(base + (count - 16)), owed: owed)
    }

    /// Checks the sixteen bytes at `index` of `bytes` from their classes: `start` is the first byte not checked
    /// yet (`index`, or later for a line's last sixteen bytes, which overlap bytes checked before: `checkLastStep`),
    /// the classes' bits before it masked off; `owed`, the continuation bytes from `start` that a character before
    /// it runs into, as bits in place (from `start`'s), becomes those of the next step's. False when not valid.
    @inline(__always) public static func checkStep(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, from start: Int, classes: crmlint_utf8_classes, owed: inout UInt32
    ) -> Bool {
        let leads = classes.plain_leads3
        let wanted = leads << 1 | leads << 2 | owed
        if classes.non_ascii & ~(leads | classes.continuations) == 0, classes.continuations == wanted & 0xFFFF {
            owed = wanted >> 16
            return true
        }
        let end = checkCharacters(bytes, from: start, upTo: index &+ 16, owed: owed.nonzeroBitCount)
        guard end >= 0 else { return false }
        owed = end > index &+ 16 ? (1 << UInt32(end &- index &- 16)) &- 1 : 0
        return true
    }

    /// `checkStep` for the last sixteen bytes of `bytes` (at least sixteen), whose first are checked up to `start`:
    /// also false when a character runs past the end.
    @inline(__always) public static func checkLastStep(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, classes: crmlint_utf8_classes, owed: UInt32
    ) -> Bool {
        let index = bytes.count &- 16, shift = UInt32(start &- index)
        let kept: UInt32 = 0xFFFF &<< shift & 0xFFFF
        var owed = owed &<< shift
        let masked = crmlint_utf8_classes(
            non_ascii: classes.non_ascii & kept, continuations: classes.continuations & kept, plain_leads3: classes.plain_leads3 & kept)
        return checkStep(bytes, at: index, from: start, classes: masked, owed: &owed) && owed == 0
    }

    /// Checks the characters of `bytes` from `start` to `end` (or past it, for the last), after `owed` continuation
    /// bytes a character before `start` runs into: where the last ends, or -1 when one is not valid.
    @inline(__always) public static func checkCharacters(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, upTo end: Int, owed: Int
    ) -> Int {
        var at = start
        for _ in 0..<owed {
            guard at < bytes.count, bytes[at] & 0xC0 == 0x80 else { return -1 }
            at &+= 1
        }
        while at < end {
            if bytes[at] < 0x80 {
                at &+= 1
                continue
            }
            let length = characterLength(at: at, in: bytes)
            guard length > 0 else { return -1 }
            at &+= length
        }
        return at
    }

    /// The length of the valid UTF-8 character that starts at `index` (its lead byte not ASCII), 0 when the bytes
    /// there are not one: a continuation byte without a lead, C0/C1 (overlong), F5-FF (never in UTF-8), an overlong
    /// or surrogate form, a code point past U+10FFFF, or too few continuation bytes.
    @inline(__always) public static func characterLength(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count, lead = bytes[index]
        if lead >= 0xC2 && lead <= 0xDF {
            return index + 1 < count && bytes[index + 1] & 0xC0 == 0x80 ? 2 : 0
        } else if lead >= 0xE0 && lead <= 0xEF {
            // E0: no overlong form (second byte A0-BF); ED: no surrogate (second byte 80-9F).
            guard index + 2 < count else { return 0 }
            let second = bytes[index + 1]
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80, high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            return second >= low && second <= high && bytes[index + 2] & 0xC0 == 0x80 ? 3 : 0
        } else if lead >= 0xF0 && lead <= 0xF4 {
            // F0: no overlong form (90-BF); F4: nothing past U+10FFFF (80-8F).
            guard index + 3 < count else { return 0 }
            let second = bytes[index + 1]
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            return second >= low && second <= high && bytes[index + 2] & 0xC0 == 0x80 && bytes[index + 3] & 0xC0 == 0x80 ? 4 : 0
        }
        return 0
    }
}
