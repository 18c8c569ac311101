import CrmlintCore

/// The findings table as columns of indexes into one string table. With
/// 100,000 findings most values repeat (rule, rep, file, message), so this is
/// a fraction of the findings JSON, and the page filters and sorts integers.
/// -1 means "none"; `line` and `column` hold numbers, not indexes.
public struct FindingTable: Codable, Equatable, Sendable {
    public static let statuses = ["new", "open", "resolved"]

    public var strings: [String] = []
    public var count = 0
    public var rule: [Int] = []
    public var severity: [Int] = []
    public var category: [Int] = []
    /// "new" (not in the previous report), "open" (in it too, or only one
    /// report given), "resolved" (in the previous report only).
    public var status: [Int] = []
    public var rep: [Int] = []
    public var tier: [Int] = []
    public var customer: [Int] = []
    public var record: [Int] = []
    public var day: [Int] = []
    public var file: [Int] = []
    public var line: [Int] = []
    public var field: [Int] = []
    public var column: [Int] = []
    public var message: [Int] = []
    public var excerpt: [Int] = []

    private var index: [String: Int] = [:]

    private enum CodingKeys: String, CodingKey {
        case strings, count, rule, severity, category, status, rep, tier, customer, record, day, file, line, field, column, message, excerpt
    }

    /// The current findings (in report order), then those resolved since the previous report.
    init(current: [Finding], isNew: (Finding) -> Bool, hasPrevious: Bool, resolved: [Finding]) {
        for finding in current { append(finding, status: isNew(finding) ? "new" : "open") }
        if hasPrevious { for finding in resolved { append(finding, status: "resolved") } }
    }

    /// The row's values as text, for tests and debugging.
    public func value(_ column: KeyPath<FindingTable, [Int]>, row: Int) -> String? {
        let id = self[keyPath: column][row]
        return id >= 0 ? strings[id] : nil
    }

    private mutating func intern(_ value: String?) -> Int {
        guard let value else { return -1 }
        if let id = index[value] { return id }
        strings.append(value)
        index[value] = strings.count - 1
        return strings.count - 1
    }

    private mutating func append(_ finding: Finding, status: String) {
        count += 1
        rule.append(intern(finding.rule))
        severity.append(intern(finding.severity.rawValue))
        category.append(intern(finding.category.rawValue))
        self.status.append(intern(status))
        rep.append(intern(finding.rep))
        tier.append(intern(finding.tier))
        customer.append(intern(finding.customerId))
        record.append(intern(finding.recordId))
        day.append(intern(finding.day))
        file.append(intern(finding.file))
        line.append(finding.line)
        field.append(intern(finding.field))
        column.append(finding.column ?? -1)
        message.append(intern(finding.message))
        excerpt.append(intern(finding.excerpt))
    }
}
