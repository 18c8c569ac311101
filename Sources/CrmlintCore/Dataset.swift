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

    // Compared and hashed by case. The standard library's defaults for an enum with raw values
    // compare and hash the raw string: a string hash per lookup in the per-record and per-event
    // tables keyed by dataset (a rule's datasets, required fields per dataset).
    public static func == (lhs: Dataset, rhs: Dataset) -> Bool { lhs.scanOrder == rhs.scanOrder }
    public func hash(into hasher: inout Hasher) { hasher.combine(scanOrder) }

    public var canonicalFields: [String] { DatasetSchema.fields[self]!.map(\.name) }

    /// Fields written by people in free text: where conduct rules look by default.
    public var freeTextFields: [String] { DatasetSchema.fields[self]!.filter(\.isFreeText).map(\.name) }

    /// The field that identifies a record, if the dataset has one.
    public var identityField: String? {
        switch self {
        case .customers: "customer_id"
        case .followups, .messages, .complaints: "id"
        }
    }

    /// Fields whose presence is characteristic of this dataset (used to
    /// recognise a file from its header).
    public var distinctiveFields: Set<String> {
        switch self {
        case .customers: ["tier", "annual_purchase", "strategic", "high_growth", "owner"]
        case .followups:
            [
                "contact_time", "needs", "objections", "customer_commitment", "next_followup_time", "next_followup_content", "contact_name",
                "logged_at",
            ]
        case .messages: ["text", "direction", "recipient_type", "recipient", "timestamp"]
        case .complaints:
            [
                "complaint_time", "complainant", "contact_info", "content", "cause", "resolution", "feedback", "improvements",
                "complaint_type", "satisfaction", "closed_at", "handler",
            ]
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
    /// Canonical fields with the headers CRMs write for them: the policy's
    /// templates, what CRM systems (销售易, 纷享销客, Salesforce and HubSpot in
    /// Chinese) export, English names. Compared by `matchKey` (case, spacing,
    /// full-width forms, Traditional script and a bracketed unit do not matter).
    /// Where two fields share a header (跟进时间 is the template's next
    /// follow-up time but a CRM's contact time), the field listed first takes
    /// it unless a header of its own is present (see `mapping`).
    public static let fields: [Dataset: [FieldSpec]] = [
        .customers: [
            FieldSpec(
                "customer_id", ["客户编号", "客户ID", "客户代码", "客户编码", "客户号", "客户序号", "编号", "ID", "No.", "customerid", "account_id", "accountid"]),
            FieldSpec("customer_name", ["客户名称", "客户名", "客户全称", "公司名称", "企业名称", "单位名称", "客户", "customername", "account_name", "company"]),
            FieldSpec("tier", ["客户等级", "客户分级", "客户级别", "客户类别", "客户分类", "等级", "分级", "级别", "level", "grade", "customer_tier", "rating"]),
            FieldSpec(
                "annual_purchase",
                ["年采购额", "年度采购额", "年采购金额", "年度采购金额", "年采购量", "annual_purchase_amount", "annual_revenue", "annualpurchase"]),
            FieldSpec("strategic", ["战略合作", "是否战略合作", "战略客户", "是否战略客户", "行业头部", "strategic_partner"]),
            FieldSpec("high_growth", ["高增长", "高增长潜力", "是否高增长", "增长潜力", "high_growth_potential"]),
            FieldSpec("owner", ["负责人", "客户经理", "客户负责人", "所属销售", "销售负责人", "归属销售", "销售", "account_manager", "account_owner"]),
            FieldSpec("region", ["所属区域", "区域", "地区", "省份", "城市", "销售区域", "region", "territory"]),
            FieldSpec("industry", ["行业", "所属行业", "industry"]),
            FieldSpec("created_at", ["创建时间", "录入时间", "建档时间", "created_at", "created"]),
        ],
        .followups: [
            FieldSpec("id", ["记录编号", "记录ID", "跟进编号", "跟进记录ID", "跟进记录编号", "跟进ID", "编号", "ID", "No.", "record_id", "followup_id"]),
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户代码", "客户编码", "customerid", "account_id"]),
            FieldSpec("customer_name", ["客户名称", "客户名", "客户全称", "公司名称", "客户", "account_name"]),
            FieldSpec("contact_name", ["联系人", "联系人姓名", "客户联系人", "对接人", "contact"]),
            FieldSpec("contact_title", ["职务", "职位", "联系人职务", "title", "job_title"]),
            FieldSpec(
                "contact_time", ["沟通时间", "联系时间", "拜访时间", "跟进日期", "实际跟进时间", "跟进时间", "communication_time", "contacted_at", "activity_date"]),
            FieldSpec("channel", ["沟通方式", "跟进方式", "联系方式", "跟进类型", "渠道", "activity_type"]),
            FieldSpec("needs", ["需求描述", "需求", "客户需求", "需求说明"], freeText: true),
            FieldSpec("objections", ["异议点", "异议", "客户异议", "顾虑"], freeText: true),
            FieldSpec("customer_commitment", ["客户承诺", "承诺事项", "commitment"], freeText: true),
            FieldSpec("rep", ["跟进人", "销售", "销售人员", "负责人", "所属销售", "创建人", "sales_rep", "owner"]),
            FieldSpec("next_followup_time", ["跟进时间", "下次跟进时间", "下次联系时间", "计划跟进时间", "下次跟进日期", "next_followup_at", "next_step_date"]),
            FieldSpec("next_followup_content", ["跟进内容", "下次跟进内容", "下一步计划", "跟进计划", "计划内容", "下一步", "下步计划", "next_step"], freeText: true),
            FieldSpec("assistance_needed", ["需协助事项", "协助事项", "需要协助", "所需支持"], freeText: true),
            FieldSpec("logged_at", ["录入时间", "创建时间", "填写时间", "提交时间", "建立时间", "created_at", "entered_at"]),
            FieldSpec("notes", ["备注", "说明", "跟进记录", "跟进详情", "note", "remarks", "description"], freeText: true),
        ],
        .messages: [
            FieldSpec("id", ["消息编号", "消息ID", "记录编号", "记录ID", "编号", "ID", "No.", "message_id"]),
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户代码", "客户编码", "customerid", "account_id"]),
            FieldSpec("timestamp", ["时间", "发送时间", "联系时间", "消息时间", "通话时间", "沟通时间", "日期时间", "time", "sent_at", "timestamp", "date"]),
            FieldSpec("channel", ["渠道", "沟通方式", "方式", "联系方式", "沟通渠道", "消息渠道", "管道"]),
            FieldSpec("direction", ["方向", "呼叫方向", "消息方向", "收发"]),
            FieldSpec("recipient_type", ["接收方类型", "对象类型", "接收人类型", "收件人类型", "recipient_kind"]),
            FieldSpec("recipient", ["接收方", "收件人", "接收人", "对象", "to"]),
            FieldSpec("rep", ["销售", "跟进人", "发送人", "发送方", "销售人员", "员工", "sales_rep", "sender", "from"]),
            FieldSpec("text", ["内容", "消息内容", "文本", "消息", "通话摘要", "聊天内容", "message", "body", "content"], freeText: true),
        ],
        .complaints: [
            FieldSpec("id", ["投诉编号", "工单号", "工单编号", "投诉单号", "单号", "编号", "ID", "No.", "case_id", "ticket_id"]),
            FieldSpec("customer_id", ["客户编号", "客户ID", "客户代码", "客户编码", "customerid", "account_id"]),
            FieldSpec("customer_name", ["客户名称", "客户名", "客户全称", "公司名称", "account_name"]),
            FieldSpec("complaint_time", ["投诉时间", "投诉日期", "受理时间", "提交时间", "complaint_time", "opened_at"]),
            FieldSpec("complainant", ["投诉人", "投诉人姓名", "联系人", "反馈人"]),
            FieldSpec("contact_info", ["联系方式", "联系电话", "投诉人电话", "电话", "手机", "手机号", "contact"]),
            FieldSpec("source", ["投诉渠道", "受理渠道", "来源渠道", "投诉来源", "渠道", "来源"]),
            FieldSpec("complaint_type", ["投诉类型", "投诉类别", "问题类型", "问题分类", "category"]),
            FieldSpec("content", ["投诉内容", "问题描述", "投诉描述", "投诉详情"], freeText: true),
            FieldSpec("rep", ["涉及人员", "被投诉人", "涉及销售", "责任人", "责任销售", "销售", "rep"]),
            FieldSpec("handler", ["处理人", "受理人", "跟进人", "handler"]),
            FieldSpec("cause", ["原因分析", "原因", "问题原因"], freeText: true),
            FieldSpec("resolution", ["处理方案", "处理措施", "解决方案", "处理办法"], freeText: true),
            FieldSpec("result", ["处理结果", "处理状态", "结果"]),
            FieldSpec("feedback", ["客户反馈", "回访意见", "反馈意见"], freeText: true),
            FieldSpec("satisfaction", ["客户满意度", "满意度", "满意程度"]),
            FieldSpec("improvements", ["改进措施", "整改措施", "改进建议"], freeText: true),
            FieldSpec("closed_at", ["结案时间", "关闭时间", "完成时间", "解决时间", "closed_at"]),
        ],
    ]

    /// Header key → candidate fields in preference order, per dataset.
    /// Match key → the fields it names, one table per dataset, each made on first use: a scan
    /// of one kind of file needs one (normalising 300 aliases was a twentieth of a small scan).
    private static func aliases(of dataset: Dataset) -> [String: [String]] {
        switch dataset {
        case .customers: customerAliases
        case .followups: followupAliases
        case .messages: messageAliases
        case .complaints: complaintAliases
        }
    }

    private static let customerAliases = makeAliases(.customers)
    private static let followupAliases = makeAliases(.followups)
    private static let messageAliases = makeAliases(.messages)
    private static let complaintAliases = makeAliases(.complaints)

    private static func makeAliases(_ dataset: Dataset) -> [String: [String]] {
        // One hash of each alias's key (hashing a Chinese String normalises it: ~1,500 instructions), not
        // four: the header memo is skipped (each alias is keyed once), and the list is changed in place.
        func add(_ name: String, to names: inout [String]) {
            if !names.contains(name) { names.append(name) }
        }
        let specs = fields[dataset] ?? []
        var keys: [String: [String]] = [:]
        keys.reserveCapacity(specs.reduce(0) { $0 + 1 + $1.aliases.count }) // not grown 30 times
        for spec in specs {
            for alias in [spec.name] + spec.aliases {
                add(spec.name, to: &keys[makeMatchKey(alias).key, default: []])
            }
        }
        return keys
    }

    /// Canonical field name for a header in a dataset, or nil if unknown
    /// (the first candidate when a header names several fields).
    public static func canonicalField(for header: String, in dataset: Dataset) -> String? {
        aliases(of: dataset)[matchKey(header).key]?.first
    }

    /// A file's headers mapped to fields. Each field goes to one header; a
    /// header naming several fields takes the first not named by a header of
    /// its own (跟进时间 beside 下次跟进时间 is the contact time). Headers
    /// mapping to nothing are left out.
    public static func mapping(headers: [String], in dataset: Dataset) -> [String: String] {
        let table = aliases(of: dataset)
        let candidates = headers.map { table[matchKey($0).key] ?? [] }
        var taken: [String: String] = [:]
        var result: [String: String] = [:]
        // Headers with one meaning first, then the ambiguous ones.
        for unique in [true, false] {
            for (index, header) in headers.enumerated() where (candidates[index].count == 1) == unique && result[header] == nil {
                guard let field = candidates[index].first(where: { taken[$0] == nil }) else { continue }
                taken[field] = header
                result[header] = field
            }
        }
        return result
    }

    /// A bracketed unit in a header (`年采购额(万元)`) as the suffix its bare
    /// numbers need (`万`), or nil when the header has none crmlint knows.
    public static func unitSuffix(of header: String) -> String? {
        guard let unit = matchKey(header).unit else { return nil }
        switch unit {
        case "万元", "万", "万元人民币", "万rmb", "万cny", "w", "万元/年": return "万"
        case "千元", "千", "k", "千元/年": return "千"
        case "元", "rmb", "cny", "¥", "￥", "人民币", "元/年": return "元"
        default: return nil
        }
    }

    /// Header text as compared with aliases: NFKC (full-width forms), lower
    /// case, Simplified script, without spaces, underscores, dashes, dots,
    /// colons or a required-field star; a trailing bracketed part is split off
    /// as the unit.
    public static func matchKey(_ header: String) -> (key: String, unit: String?) {
        if let known = headerNormalizer.cached(header) { return known }
        let made = makeMatchKey(header)
        headerNormalizer.remember(header, made)
        return made
    }

    private static func makeMatchKey(_ header: String) -> (key: String, unit: String?) {
        if let plain = plainMatchKey(header) { return (plain, nil) }
        return normalizedMatchKey(header)
    }

    /// The key of a header made only of ASCII letters and digits, the separators keys drop, and
    /// Han characters (most aliases and headers), as `normalizedMatchKey` gives it, scalar by
    /// scalar; nil for any other header. (Foundation's trimming, the normaliser and filtering
    /// Characters cost 28,000 instructions an alias: a twentieth of a small file's scan.)
    static func plainMatchKey(_ header: String) -> String? {
        // The key's UTF-8 bytes, made into a String once (appending to a String's scalar view, scalar by
        // scalar, was half of building the alias table: 4,600 instructions an alias).
        var key: [UInt8] = []
        key.reserveCapacity(header.utf8.count)
        for scalar in header.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x61...0x7A: key.append(UInt8(value))
            case 0x41...0x5A: key.append(UInt8(value | 0x20))
            // Dropped from keys (space, tab, _ - . : * # /), and never a key's last-bracket unit.
            case 0x20, 0x09, 0x5F, 0x2D, 0x2E, 0x3A, 0x2A, 0x23, 0x2F: continue
            case 0x4E00...0x9FFF:
                // Traditional to Simplified as the normaliser maps it.
                if TextNormalizer.keptAsWritten.contains(value) {
                    key.append(contentsOf: scalar.utf8)
                } else if let simplified = HantHansTable.simplified(value) {
                    guard simplified.unicodeScalars.allSatisfy({ TextNormalizer.isHan($0.value) }) else { return nil }
                    key.append(contentsOf: simplified.utf8)
                } else {
                    key.append(contentsOf: scalar.utf8)
                }
            default: return nil
            }
        }
        return String(decoding: key, as: UTF8.self)
    }

    static func normalizedMatchKey(_ header: String) -> (key: String, unit: String?) {
        // Trimmed by scalar: Foundation's trimming was a quarter of building the alias table (300 aliases at start-up).
        // `CharacterSet.whitespacesAndNewlines` is White_Space plus, in swift-corelibs-foundation, U+200B.
        let scalars = header.unicodeScalars
        func trimmed(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || scalar.value == 0x200B }
        let first = scalars.firstIndex { !trimmed($0) } ?? scalars.endIndex
        let last = scalars[first...].lastIndex { !trimmed($0) }.map { scalars.index(after: $0) } ?? first
        var text = String(scalars[first..<last])
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = String(decoding: headerNormalizer.withLock { $0.normalize(text).bytes }, as: UTF8.self).lowercased()
        var unit: String?
        for (open, close) in [("(", ")"), ("[", "]"), ("【", "】"), ("<", ">")] where text.hasSuffix(close) {
            guard let start = text.range(of: open, options: .backwards), start.lowerBound != text.startIndex else { continue }
            unit = String(text[start.upperBound..<text.index(before: text.endIndex)]).filter { !$0.isWhitespace }
            text = String(text[..<start.lowerBound])
            break
        }
        return (text.filter { !droppedFromKeys.contains($0) }, unit)
    }

    private static let droppedFromKeys: Set<Character> = [" ", "\t", "_", "-", ".", "·", ":", "*", "#", "/", "\u{3000}"]

    private static let headerNormalizer = LockedNormalizer()

    /// Header text as shown for a column crmlint does not know: trimmed,
    /// lowercased, spaces and dashes as `_`.
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
            let mapped = Set(mapping(headers: headers, in: dataset).values)
            let score = mapped.intersection(dataset.distinctiveFields).count
            if score >= 2, score > (best?.1 ?? 0) { best = (dataset, score) }
        }
        return best?.0
    }
}

/// A normaliser and a memo of match keys shared by header matching, under a lock
/// (headers are few and repeat: every rule example and file names the same ones).
final class LockedNormalizer: @unchecked Sendable {
    private let lock = NSLock()
    private let normalizer = TextNormalizer()
    private var memo: [String: (key: String, unit: String?)] = [:]

    func withLock<T>(_ body: (TextNormalizer) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(normalizer)
    }

    func cached(_ header: String) -> (key: String, unit: String?)? {
        lock.lock()
        defer { lock.unlock() }
        return memo[header]
    }

    func remember(_ header: String, _ key: (key: String, unit: String?)) {
        lock.lock()
        defer { lock.unlock() }
        if memo.count > 10_000 { memo.removeAll() }
        memo[header] = key
    }
}
