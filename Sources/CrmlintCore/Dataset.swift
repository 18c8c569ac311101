import Foundation

/// The four record shapes crmlint understands, with their canonical fields
/// and the header aliases (policy template headers, English snake_case) that
/// identify them in real exports.
public enum Dataset: String, Codable, CaseIterable, Comparable, Sendable {
    case customers, followups, messages, complaints

    /// Order in which a scan reads datasets: stateful rules need the
    /// customer table (tiers) before the events that refer to it.
    public var scanOrder: Int {
        switch self {
        case .customers: 0
        case .followups: 1
        case .messages: 2
        case .complaints: 3
        }
    }

    public static func < (lhs: Dataset, rhs: Dataset) -> Bool { lhs.scanOrder < rhs.scanOrder }

    public var canonicalFields: [String] { DatasetSchema.fields[self]!.map(\.name) }

    /// Fields written by people in free text: where conduct rules look by default.
    public var freeTextFields: [String] { DatasetSchema.fields[self]!.filter(\.isFreeText).map(\.name) }

    /// The field that identifies a record, if the dataset has one.
    public var identityField: String? {
        switch self {
        case .customers: "customer_id"
        case .followups, .messages: "id"
        case .complaints: nil
        }
    }

    /// Fields whose presence is characteristic of this dataset (used to
    /// recognise a file from its header).
    var distinctiveFields: Set<String> {
        switch self {
        case .customers: ["tier", "annual_purchase", "strategic", "high_growth", "owner"]
        case .followups: ["contact_time", "needs", "objections", "customer_commitment", "next_followup_time", "next_followup_content", "contact_name", "logged_at"]
        case .messages: ["text", "direction", "recipient_type", "recipient", "timestamp"]
        case .complaints: ["complaint_time", "complainant", "contact_info", "content", "cause", "resolution", "feedback", "improvements"]
        }
    }
}

public struct FieldSpec: Sendable {
    public let name: String
    public let aliases: [String]
    public let isFreeText: Bool
    init(_ name: String, _ aliases: [String], freeText: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.isFreeText = freeText
    }
}

public enum DatasetSchema {
    public static let fields: [Dataset: [FieldSpec]] = [
        .customers: [
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户id", "客户代码", "customerid", "客戶編號"]),
            FieldSpec("customer_name", ["客户名称", "客户名", "客戶名稱", "customername"]),
            FieldSpec("tier", ["客户等级", "客户分级", "等级", "分级", "客戶等級", "level", "grade"]),
            FieldSpec("annual_purchase", ["年采购额", "年度采购额", "年采購額", "annual_purchase_amount", "annualpurchase"]),
            FieldSpec("strategic", ["战略合作", "是否战略合作", "战略客户", "行业头部", "戰略合作", "strategic_partner"]),
            FieldSpec("high_growth", ["高增长", "高增长潜力", "是否高增长", "高增長", "high_growth_potential"]),
            FieldSpec("owner", ["负责人", "客户经理", "客户负责人", "負責人", "account_manager"]),
        ],
        .followups: [
            FieldSpec("id", ["记录编号", "记录ID", "跟进编号", "記錄編號", "record_id", "followup_id"]),
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户id", "客戶編號", "customerid"]),
            FieldSpec("customer_name", ["客户名称", "客户名", "客戶名稱"]),
            FieldSpec("contact_name", ["联系人", "聯繫人", "contact"]),
            FieldSpec("contact_title", ["职务", "職務", "title"]),
            FieldSpec("contact_time", ["沟通时间", "溝通時間", "communication_time"]),
            FieldSpec("channel", ["沟通方式", "溝通方式", "渠道"]),
            FieldSpec("needs", ["需求描述", "需求", "需求描述"], freeText: true),
            FieldSpec("objections", ["异议点", "異議點", "异议"], freeText: true),
            FieldSpec("customer_commitment", ["客户承诺", "客戶承諾", "commitment"], freeText: true),
            FieldSpec("rep", ["跟进人", "跟進人", "销售", "sales_rep"]),
            FieldSpec("next_followup_time", ["跟进时间", "下次跟进时间", "跟進時間", "next_followup_at"]),
            FieldSpec("next_followup_content", ["跟进内容", "下次跟进内容", "跟進內容"], freeText: true),
            FieldSpec("assistance_needed", ["需协助事项", "需協助事項", "协助事项"], freeText: true),
            FieldSpec("logged_at", ["录入时间", "创建时间", "錄入時間", "建立時間", "created_at", "entered_at"]),
            FieldSpec("notes", ["备注", "備註", "note", "remarks"], freeText: true),
        ],
        .messages: [
            FieldSpec("id", ["消息编号", "编号", "消息ID", "訊息編號", "message_id"]),
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户id", "客戶編號", "customerid"]),
            FieldSpec("timestamp", ["时间", "发送时间", "联系时间", "時間", "發送時間", "time", "sent_at"]),
            FieldSpec("channel", ["渠道", "沟通方式", "方式", "管道"]),
            FieldSpec("direction", ["方向", "呼叫方向"]),
            FieldSpec("recipient_type", ["接收方类型", "对象类型", "接收方類型"]),
            FieldSpec("recipient", ["接收方", "收件人", "接收人", "to"]),
            FieldSpec("rep", ["销售", "跟进人", "发送人", "銷售", "sales_rep", "sender"]),
            FieldSpec("text", ["内容", "消息内容", "文本", "內容", "訊息內容", "message", "body", "content"], freeText: true),
        ],
        .complaints: [
            FieldSpec("customer_name", ["客户名称", "客户名", "客戶名稱"]),
            FieldSpec("complaint_time", ["投诉时间", "投訴時間"]),
            FieldSpec("complainant", ["投诉人", "投訴人"]),
            FieldSpec("contact_info", ["联系方式", "聯繫方式", "contact"]),
            FieldSpec("content", ["投诉内容", "投訴內容"], freeText: true),
            FieldSpec("cause", ["原因分析", "原因"], freeText: true),
            FieldSpec("resolution", ["处理方案", "處理方案"], freeText: true),
            FieldSpec("feedback", ["客户反馈", "客戶反饋"], freeText: true),
            FieldSpec("improvements", ["改进措施", "改進措施"], freeText: true),
        ],
    ]

    /// Canonical field name for a header in a dataset, or nil if unknown.
    public static func canonicalField(for header: String, in dataset: Dataset) -> String? {
        let key = normalizedHeader(header)
        for spec in fields[dataset]! where spec.name == key || spec.aliases.contains(where: { normalizedHeader($0) == key }) {
            return spec.name
        }
        return nil
    }

    /// Header text as compared: trimmed, lowercased, spaces and dashes as `_`.
    public static func normalizedHeader(_ header: String) -> String {
        var text = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return String(text.map { $0 == " " || $0 == "-" ? "_" : $0 })
    }

    /// The dataset a header row belongs to: most distinctive fields present,
    /// at least two. Nil when nothing fits.
    public static func detect(headers: [String]) -> Dataset? {
        var best: (Dataset, Int)?
        for dataset in Dataset.allCases {
            let mapped = Set(headers.compactMap { canonicalField(for: $0, in: dataset) })
            let score = mapped.intersection(dataset.distinctiveFields).count
            if score >= 2, score > (best?.1 ?? 0) { best = (dataset, score) }
        }
        return best?.0
    }
}
