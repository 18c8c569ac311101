/// How a contact happened. The words exports use for each channel are a
/// table (data), not logic: extend `vocabulary` when an export says it
/// differently. Which channels matter for a rule is policy and lives in YAML.
public enum Channel: String, CaseIterable, Sendable {
    case visit, phone, wechat, sms, email, video

    /// Normalised spelling (NFKC, lowercase, no spaces) → channel.
    public static let vocabulary: [String: Channel] = {
        let words: [Channel: [String]] = [
            .visit: ["上门拜访", "拜访", "上门", "面访", "面谈", "当面拜访", "登门拜访", "现场拜访", "拜訪", "上門拜訪", "visit", "onsite", "on-site", "in-person", "inperson"],
            .phone: ["电话", "打电话", "致电", "电话沟通", "电话拜访", "去电", "来电", "通话", "電話", "phone", "call", "phonecall", "telephone", "tel"],
            .wechat: ["微信", "企业微信", "企微", "微信沟通", "微信消息", "wechat", "weixin", "wx", "wecom"],
            .sms: ["短信", "短讯", "短消息", "手机短信", "簡訊", "短訊", "sms", "text", "textmessage"],
            .email: ["邮件", "电子邮件", "电邮", "邮箱", "郵件", "電郵", "電子郵件", "email", "e-mail", "mail"],
            .video: ["视频", "视频会议", "视频通话", "線上會議", "视讯", "video", "videocall", "zoom"],
        ]
        var table: [String: Channel] = [:]
        for (channel, list) in words { for word in list { table[word] = channel } }
        return table
    }()

    /// The channel a value names, or nil when it names none crmlint knows.
    public static func parse(_ text: String) -> Channel? {
        let key = ValueKey.make(text)
        if let channel = vocabulary[key] ?? Channel(rawValue: key) { return channel }
        return key.contains("_") ? parse(key.replacingOccurrences(of: "_", with: "")) : nil
    }
}
