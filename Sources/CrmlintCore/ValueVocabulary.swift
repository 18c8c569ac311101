/// The words a scan reads as channels and directions: the defaults of
/// `Channel` and `Direction` plus a team's own (`channels` and `directions`
/// in crmlint.yml), so an export that says LINE or 推送 needs no code.
public struct ValueVocabulary: Sendable {
    public static let standard = ValueVocabulary()

    private var channels: [String: Channel] = [:]
    private var directions: [String: Direction] = [:]

    public init(extraChannels: [Channel: [String]] = [:], extraDirections: [Direction: [String]] = [:]) {
        for (channel, words) in Channel.defaultWords.merging(extraChannels, uniquingKeysWith: +) {
            for word in words + [channel.rawValue] { channels[ValueKey.make(word)] = channel }
        }
        for (direction, words) in Direction.defaultWords.merging(extraDirections, uniquingKeysWith: +) {
            for word in words + [direction.rawValue] { directions[ValueKey.make(word)] = direction }
        }
    }

    /// The channel a value names, or nil when it names none this vocabulary knows.
    public func channel(_ text: String) -> Channel? {
        // A value written as its key, byte for byte (微信, phone), is found without making the key: keys
        // are made by `ValueKey.make`, which gives a key back unchanged, so the answer is the same. (Making keys
        // for the channel and direction of every record was a tenth of a messages scan.)
        if let channel = Self.exact(text, in: channels) { return channel }
        let key = ValueKey.make(text)
        if let channel = channels[key] { return channel }
        return key.contains("_") ? channels[key.replacingOccurrences(of: "_", with: "")] : nil
    }

    /// The direction a value names, or nil.
    public func direction(_ text: String) -> Direction? { Self.exact(text, in: directions) ?? directions[ValueKey.make(text)] }

    /// The value of a key with exactly `text`'s bytes: a dictionary matches canonically equivalent
    /// text too (`A` + U+030A finds `Å`), which `ValueKey.make`, working scalar by scalar, would not.
    private static func exact<Value>(_ text: String, in table: [String: Value]) -> Value? {
        guard let index = table.index(forKey: text), table[index].key.utf8.elementsEqual(text.utf8) else { return nil }
        return table[index].value
    }
}
