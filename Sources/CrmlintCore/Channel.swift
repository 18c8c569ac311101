/// How a contact happened. Which channels matter for a rule is policy and
/// lives in YAML (`channels: [phone]`); the words exports use for each are
/// `ValueVocabulary`: these defaults, plus `channels` in crmlint.yml.
public enum Channel: String, CaseIterable, Sendable {
    /// At the customer's (上门拜访): the policy's visit.
    case visit
    /// In person elsewhere: the customer comes to us (来访), a trade fair (展会).
    case meeting
    case phone, wechat
    /// Other instant messengers: 钉钉, 飞书, QQ, LINE, WhatsApp, Telegram.
    case messenger
    case sms, email, video

    /// Default spellings, compared as `ValueKey`s (NFKC-folded, lowercase, no spaces).
    public static let defaultWords: [Channel: [String]] = [
        .visit: [
            "上门拜访", "拜访", "上门", "面访", "面谈", "当面拜访", "登门拜访", "现场拜访", "实地拜访", "客户拜访", "拜訪", "上門拜訪",
            "visit", "onsite", "on-site", "in-person", "inperson", "fieldvisit",
        ],
        .meeting: ["来访", "客户来访", "接待", "展会", "展会洽谈", "参展", "会面", "见面", "到访", "來訪", "展會", "meeting", "tradeshow", "exhibition"],
        .phone: [
            "电话", "打电话", "致电", "电话沟通", "电话拜访", "去电", "来电", "通话", "电话会议", "語音", "语音通话", "電話", "電話會議", "400热线", "热线", "客服热线",
            "phone", "call", "phonecall", "telephone", "tel", "conferencecall",
        ],
        .wechat: ["微信", "企业微信", "企微", "微信沟通", "微信消息", "微信语音", "企業微信", "wechat", "weixin", "wx", "wecom"],
        .messenger: [
            "钉钉", "釘釘", "飞书", "飛書", "qq", "企业qq", "line", "whatsapp", "telegram", "teams", "skype", "slack", "messenger",
            "kakaotalk", "即时通讯", "im", "dingtalk", "lark", "feishu",
        ],
        .sms: ["短信", "短讯", "短消息", "手机短信", "簡訊", "短訊", "sms", "text", "textmessage"],
        .email: ["邮件", "电子邮件", "电邮", "邮箱", "郵件", "電郵", "電子郵件", "email", "e-mail", "mail"],
        .video: ["视频", "视频会议", "视频通话", "腾讯会议", "线上会议", "線上會議", "視訊會議", "视讯", "video", "videocall", "zoom", "webex"],
    ]

    /// The channel a value names in the default vocabulary, or nil.
    public static func parse(_ text: String) -> Channel? { ValueVocabulary.standard.channel(text) }
}
