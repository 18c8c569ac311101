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
        let key = ValueKey.make(text)
        if let channel = channels[key] { return channel }
        return key.contains("_") ? channels[key.replacingOccurrences(of: "_", with: "")] : nil
    }

    /// The direction a value names, or nil.
    public func direction(_ text: String) -> Direction? { directions[ValueKey.make(text)] }
}
