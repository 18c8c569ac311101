import Foundation

/// Where each contact of a `ContactLog` was read — its file, line, record identity and stable key — kept in
/// reading order and packed. They are read back only for the contacts a finding names (a few in a thousand),
/// so each contact is stored as its difference from the one before: the same file, a line a little further,
/// an id sharing all but its last characters with the previous one (`MSG0000000041` after `MSG0000000040`).
/// About 6 bytes a message of the benchmark's export, where a file and a line as `Int32` and the two keys'
/// bytes with their ends took ~29: 2 million contacts kept ~45 MB less at the scan's peak (massif).
/// Every `blockLength`th contact starts a block stored against nothing, so reading one back decodes at most
/// that many.
final class EventLocations {
    /// One contact's place, as `ContactLog` appended it.
    struct Location: Equatable {
        var file: Int32
        var line: Int
        var identity: String
        var stableKey: String
    }

    static let blockLength = 16

    // Unchecked: written by the scanning thread alone, once per contact (as `ContactLog`'s columns).
    @exclusivity(unchecked) private(set) var count = 0
    /// The contacts' encodings one after another (`used` bytes of `capacity`); each block's first at
    /// `blockStarts[block]`. Raw memory written in place: through an array (a temporary encoding appended
    /// whole) a contact cost ~550 instructions, a byte at a time ~600.
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var used = 0
    @exclusivity(unchecked) private var capacity = 0
    @exclusivity(unchecked) private var blockStarts: [Int] = []
    /// The contact appended last, which the next one is stored against (reset at each block's start).
    @exclusivity(unchecked) private var lastFile: Int32 = 0
    @exclusivity(unchecked) private var lastLine = 0
    @exclusivity(unchecked) private var lastIdentity = ""
    @exclusivity(unchecked) private var lastStableKey = ""

    // A contact's first byte: which of its parts follow.
    private static let fileChanged: UInt8 = 1
    private static let stableKeyIsIdentity: UInt8 = 2

    init() {
        capacity = 4_096
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    /// Appends a contact. `stableKey` nil: the same as `identity`. (Lines are kept as `Int32`, clamped, as
    /// the log kept them before.)
    func append(file: Int32, line: Int, identity: String, stableKey: String?) {
        if count % Self.blockLength == 0 {
            blockStarts.append(used)
            lastFile = 0
            lastLine = 0
            lastIdentity = ""
            lastStableKey = ""
        }
        let line = Int(Int32(clamping: line))
        let step = line - lastLine
        identity.withUTF8InPlace { identity in
            lastIdentity.withUTF8InPlace { lastIdentity in
                guard let stableKey else {
                    write(file: file, step: step, identity: identity, after: lastIdentity, stableKey: nil, after: nil)
                    return
                }
                stableKey.withUTF8InPlace { stableKey in
                    lastStableKey.withUTF8InPlace { lastStableKey in
                        write(file: file, step: step, identity: identity, after: lastIdentity, stableKey: stableKey, after: lastStableKey)
                    }
                }
            }
        }
        lastFile = file
        lastLine = line
        lastIdentity = identity
        lastStableKey = stableKey ?? identity
        count += 1
    }

    private func write(
        file: Int32, step: Int, identity: UnsafeBufferPointer<UInt8>, after previousIdentity: UnsafeBufferPointer<UInt8>,
        stableKey: UnsafeBufferPointer<UInt8>?, after previousStableKey: UnsafeBufferPointer<UInt8>?
    ) {
        // Flags, file, line step, and each key's two lengths: at most 10 bytes a number.
        let most = 1 + 10 * 6 + identity.count + (stableKey?.count ?? 0)
        if capacity - used < most { grow(to: used + most) }
        var end = used
        let changed = file != lastFile
        bytes[end] = (changed ? Self.fileChanged : 0) | (stableKey == nil ? Self.stableKeyIsIdentity : 0)
        end += 1
        if changed { put(UInt64(UInt32(bitPattern: file)), at: &end) }
        put(UInt64(bitPattern: Int64(step << 1 ^ step >> 63)), at: &end) // zigzag: small either way
        put(key: identity, after: previousIdentity, at: &end)
        if let stableKey, let previousStableKey { put(key: stableKey, after: previousStableKey, at: &end) }
        used = end
    }

    /// Room for at least `needed` bytes, doubling.
    private func grow(to needed: Int) {
        let larger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: bytes, count: used)
        bytes.deallocate()
        bytes = moved
        capacity = larger
    }

    /// The contact at `index` (below `count`). Decoded in buffers the log keeps (`identity`, `stableKey`), under a
    /// lock: rules finish on two threads at once (a lock taken once a finding's contact, ~25 ns, where buffers of
    /// the caller's own were to be passed through every rule).
    func location(_ index: Int) -> Location {
        precondition(index >= 0 && index < count, "a logged contact")
        decoding.lock()
        defer { decoding.unlock() }
        var offset = blockStarts[index / Self.blockLength]
        var file: Int32 = 0, line = 0
        // The keys decoded in buffers kept between calls; a stable key that is its contact's identity is not copied
        // unless the next contact's own stable key is stored against it.
        var stableIsIdentity = false
        for _ in 0...(index % Self.blockLength) {
            let flags = bytes[offset]
            offset += 1
            let ownStableKey = flags & Self.stableKeyIsIdentity == 0
            if ownStableKey && stableIsIdentity { stableKey.copy(identity) }
            if flags & Self.fileChanged != 0 { file = Int32(bitPattern: UInt32(truncatingIfNeeded: readVarint(&offset))) }
            let zigzag = readVarint(&offset)
            line += Int(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
            readKey(into: &identity, &offset)
            if ownStableKey { readKey(into: &stableKey, &offset) }
            stableIsIdentity = !ownStableKey
        }
        let identityText = identity.text
        return Location(file: file, line: line, identity: identityText, stableKey: stableIsIdentity ? identityText : stableKey.text)
    }

    /// A key being decoded: its first `count` bytes. (Cut and extended in place, in a buffer kept for the next
    /// call: as arrays made per call, cut with `removeSubrange` and appended to (~200 instructions a key), a
    /// located contact cost ~7,000 instructions — a finding's contact and each contact it names; the frequency
    /// rule names 15,686 on the benchmark's messages.)
    private struct Key {
        var bytes: [UInt8] = []
        var count = 0

        var text: String { bytes.withUnsafeBufferPointer { String(decoding: $0[..<count], as: UTF8.self) } }

        /// The first `offset` bytes kept, then `length` bytes from `source`.
        mutating func replace(from offset: Int, with source: UnsafePointer<UInt8>?, length: Int) {
            let total = offset + length
            if bytes.count < total { bytes += repeatElement(0, count: max(total, 32) - bytes.count) }
            if let source, length > 0 {
                bytes.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: offset).update(from: source, count: length) }
            }
            count = total
        }

        /// `other`'s bytes.
        mutating func copy(_ other: Key) {
            other.bytes.withUnsafeBufferPointer { replace(from: 0, with: $0.baseAddress, length: other.count) }
        }
    }
    @exclusivity(unchecked) private var identity = Key()
    @exclusivity(unchecked) private var stableKey = Key()
    private let decoding = NSLock()

    /// A key as the length of the prefix it shares with `previous` and the bytes after it.
    private func put(key: UnsafeBufferPointer<UInt8>, after previous: UnsafeBufferPointer<UInt8>, at end: inout Int) {
        let limit = min(key.count, previous.count)
        var shared = 0
        // Eight bytes at a time (an id is mostly a prefix it shares), the first that differs found by its bit.
        if let keyBase = key.baseAddress, let previousBase = previous.baseAddress {
            while shared + 8 <= limit {
                let difference =
                    UnsafeRawPointer(keyBase + shared).loadUnaligned(as: UInt64.self)
                    ^ UnsafeRawPointer(previousBase + shared).loadUnaligned(as: UInt64.self)
                if difference != 0 {
                    shared += UInt64(littleEndian: difference).trailingZeroBitCount / 8
                    return finish(key: key, shared: shared, at: &end)
                }
                shared += 8
            }
        }
        while shared < limit, key[shared] == previous[shared] { shared += 1 }
        finish(key: key, shared: shared, at: &end)
    }

    /// The key's shared length, its length past it, and those bytes.
    private func finish(key: UnsafeBufferPointer<UInt8>, shared: Int, at end: inout Int) {
        put(UInt64(shared), at: &end)
        put(UInt64(key.count - shared), at: &end)
        if shared < key.count, let base = key.baseAddress {
            (bytes + end).update(from: base + shared, count: key.count - shared)
            end += key.count - shared
        }
    }

    private func readKey(into key: inout Key, _ offset: inout Int) {
        let shared = Int(readVarint(&offset))
        let suffix = Int(readVarint(&offset))
        key.replace(from: shared, with: bytes + offset, length: suffix)
        offset += suffix
    }

    /// Seven bits a byte, low first; the high bit says another follows.
    @inline(__always) private func put(_ value: UInt64, at end: inout Int) {
        var value = value
        while value >= 0x80 {
            bytes[end] = UInt8(truncatingIfNeeded: value) | 0x80
            end += 1
            value >>= 7
        }
        bytes[end] = UInt8(value)
        end += 1
    }

    private func readVarint(_ offset: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
