import Foundation

/// The words a scan reads as channels and directions: the defaults of
/// `Channel` and `Direction` plus a team's own (`channels` and `directions`
/// in crmlint.yml), so an export that says LINE or 推送 needs no code.
public struct ValueVocabulary: Sendable {
    public static let standard = ValueVocabulary()

    private var channels: [String: Channel] = [:]
    private var directions: [String: Direction] = [:]
    /// The same keys by their bytes, for values written as a key (most records' values).
    private var exactChannels = ExactKeys<Channel>([:])
    private var exactDirections = ExactKeys<Direction>([:])

    public init(extraChannels: [Channel: [String]] = [:], extraDirections: [Direction: [String]] = [:]) {
        for (channel, words) in Channel.defaultWords.merging(extraChannels, uniquingKeysWith: +) {
            for word in words + [channel.rawValue] { channels[ValueKey.make(word)] = channel }
        }
        for (direction, words) in Direction.defaultWords.merging(extraDirections, uniquingKeysWith: +) {
            for word in words + [direction.rawValue] { directions[ValueKey.make(word)] = direction }
        }
        exactChannels = ExactKeys(channels)
        exactDirections = ExactKeys(directions)
    }

    /// The channel a value names, or nil when it names none this vocabulary knows.
    public func channel(_ text: String) -> Channel? {
        // A value written as its key, byte for byte (微信, phone), is found without making the key: keys
        // are made by `ValueKey.make`, which gives a key back unchanged, so the answer is the same. (Making keys
        // for the channel and direction of every record was a tenth of a messages scan.)
        if let channel = exactChannels.value(text) { return channel }
        let key = ValueKey.make(text)
        if let channel = channels[key] { return channel }
        return key.contains("_") ? channels[key.replacingOccurrences(of: "_", with: "")] : nil
    }

    /// The direction a value names, or nil.
    public func direction(_ text: String) -> Direction? { exactDirections.value(text) ?? directions[ValueKey.make(text)] }
}

/// The keys of a table by their exact bytes, grouped by length: a value written as a key is
/// found by comparing bytes, not by hashing it (a Chinese value was hashed through Unicode
/// normalisation: 1,200 instructions a lookup, a few per record). Only the same bytes match:
/// a dictionary matches canonically equivalent text too (`A` + U+030A finds `Å`), which
/// `ValueKey.make`, working scalar by scalar, would not.
struct ExactKeys<Value: Sendable>: Sendable {
    private var byLength: [[(bytes: [UInt8], value: Value)]] = []

    init(_ table: [String: Value]) {
        for (key, value) in table {
            let bytes = Array(key.utf8)
            if byLength.count <= bytes.count { byLength += Array(repeating: [], count: bytes.count + 1 - byLength.count) }
            byLength[bytes.count].append((bytes, value))
        }
    }

    func value(_ text: String) -> Value? {
        return text.withUTF8InPlace { text -> Value? in
            guard text.count > 0, text.count < byLength.count else { return nil }
            let keys = byLength[text.count]
            for index in keys.indices
            where keys[index].bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }) {
                return keys[index].value
            }
            return nil
        }
    }
}
