/// Who started a contact: the rep (outbound) or the customer (inbound).
public enum Direction: String, CaseIterable, Sendable {
    case outbound, inbound

    public static let vocabulary: [String: Direction] = {
        let words: [Direction: [String]] = [
            .outbound: ["outbound", "out", "outgoing", "sent", "呼出", "发出", "外呼", "去电", "发送", "已发送", "主动", "撥出", "發出", "发"],
            .inbound: ["inbound", "in", "incoming", "received", "呼入", "收到", "来电", "接收", "已接收", "被动", "撥入", "來電", "收"],
        ]
        var table: [String: Direction] = [:]
        for (direction, list) in words { for word in list { table[word] = direction } }
        return table
    }()

    /// The direction a value names, or nil.
    public static func parse(_ text: String) -> Direction? {
        vocabulary[ValueKey.make(text)]
    }
}
