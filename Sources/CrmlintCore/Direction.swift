/// Who started a contact: the rep (outbound) or the customer (inbound).
public enum Direction: String, CaseIterable, Sendable {
    case outbound, inbound

    /// Default spellings, compared as `ValueKey`s; `directions` in crmlint.yml adds more.
    public static let defaultWords: [Direction: [String]] = [
        .outbound: [
            "outbound", "out", "outgoing", "sent", "呼出", "发出", "外呼", "去电", "发送", "已发送", "主动", "撥出", "發出", "发",
            "发起", "销售发送", "我方",
        ],
        .inbound: [
            "inbound", "in", "incoming", "received", "呼入", "收到", "来电", "接收", "已接收", "被动", "撥入", "來電", "收",
            "客户发送", "对方",
        ],
    ]

    /// The direction a value names in the default vocabulary, or nil.
    public static func parse(_ text: String) -> Direction? { ValueVocabulary.standard.direction(text) }
}
