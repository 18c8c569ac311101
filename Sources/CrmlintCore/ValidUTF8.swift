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
