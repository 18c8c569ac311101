import CrmlintCore
import Foundation

/// One findings document and the path it was read from.
public struct LoadedReport: Sendable {
    public var path: String
    public var report: ScanReport

    public init(path: String, report: ScanReport) {
        self.path = path
        self.report = report
    }
}

/// What the dashboard says about a rule. The findings document only has ids
/// and categories, so descriptions come from rule files when they are given.
public struct RuleText: Equatable, Sendable {
    public var message: String
    public var description: String?
    public var policy: String?

    public init(message: String, description: String? = nil, policy: String? = nil) {
        self.message = message
        self.description = description
        self.policy = policy
    }
}

public struct SeverityCounts: Codable, Equatable, Sendable {
    public var error = 0
    public var warning = 0
    public var info = 0
    /// Stored rather than computed so the page's script reads it directly.
    public var total = 0

    public init(error: Int = 0, warning: Int = 0, info: Int = 0) {
        self.error = error
        self.warning = warning
        self.info = info
        total = error + warning + info
    }

    mutating func add(_ severity: Severity) {
        switch severity {
        case .error: error += 1
        case .warning: warning += 1
        case .info: info += 1
        }
        total += 1
    }
}

/// Everything the page shows, aggregated in Swift so the browser only draws:
/// the charts and tables are small whatever the number of findings, and the
/// findings table is compact columns over one string table.
public struct DashboardModel: Codable, Equatable, Sendable {
    public struct Input: Codable, Equatable, Sendable {
        public var path: String
        public var dataset: String?
        public var recordsRead: Int
        public var recordsScanned: Int
        public var recordsRejected: Int
    }

    public struct Records: Codable, Equatable, Sendable {
        public var read: Int
        public var scanned: Int
        public var rejected: Int
    }

    /// The latest report against the one before it, matched by fingerprint.
    public struct Change: Codable, Equatable, Sendable {
        public var previousAsOf: String
        public var previousPath: String
        public var previousTotal: Int
        public var new: SeverityCounts
        public var resolved: SeverityCounts
        public var stillOpen: SeverityCounts
    }

    /// One report on the trend line (reports ordered by `run.as_of`).
    public struct Scan: Codable, Equatable, Sendable {
        public var asOf: String
        public var path: String
        public var recordsScanned: Int
        public var findings: SeverityCounts
        /// Against the report before; nil for the first.
        public var new: Int?
        public var resolved: Int?
    }

    /// A count by some key (category, tier, day) in the latest report.
    public struct Group: Codable, Equatable, Sendable {
        /// nil when the findings did not carry the key (no tier, no day).
        public var key: String?
        public var counts: SeverityCounts
        public var new: Int
    }

    public struct RuleRow: Codable, Equatable, Sendable {
        public var id: String
        public var category: String
        public var severity: String
        public var message: String
        public var description: String?
        public var policy: String?
        /// In the latest report (0 for a rule whose findings were all resolved).
        public var counts: SeverityCounts
        public var new: Int
    }

    /// The per-rep scorecard row.
    public struct RepRow: Codable, Equatable, Sendable {
        /// nil: findings without a rep (e.g. customer-table findings).
        public var rep: String?
        public var counts: SeverityCounts
        public var new: Int
        public var resolved: Int
        public var customers: Int
        public var topCategory: String?
    }

    public struct CustomerRow: Codable, Equatable, Sendable {
        public var customerId: String
        public var counts: SeverityCounts
        public var new: Int
        public var tier: String?
        public var reps: [String]
        /// The categories of its findings, most frequent first.
        public var categories: [String]
    }

    public struct Label: Codable, Equatable, Sendable {
        public var zh: String
        public var en: String
    }

    public var tool: String
    /// Chinese and English names of every category, for charts and filters.
    public var categoryLabels: [String: Label] = Self.allCategoryLabels
    public var asOf: String
    public var timezone: String
    public var reportCount: Int
    public var inputs: [Input]
    public var records: Records
    public var findings: SeverityCounts
    public var change: Change?
    public var scans: [Scan]
    public var categories: [Group]
    public var rules: [RuleRow]
    public var reps: [RepRow]
    public var tiers: [Group]
    /// Every day from the first to the last finding day, zeros included, so
    /// the line shows gaps as gaps.
    public var days: [Group]
    public var topCustomers: [CustomerRow]
    public var table: FindingTable

    /// How many customers the "most open findings" list keeps.
    public static let topCustomerCount = 15

    /// Aggregates reports given in any order: they are ordered by `run.as_of`
    /// and the last is the current state.
    public init(reports: [LoadedReport], rules ruleTexts: [String: RuleText] = [:]) {
        let ordered = Self.orderedByAsOf(reports)
        guard let latest = ordered.last else {
            self = DashboardModel(empty: ())
            return
        }
        let previous = ordered.count > 1 ? ordered[ordered.count - 2] : nil
        let current = latest.report.findings
        let previousPrints = previous.map { Set($0.report.findings.map(\.fingerprint)) } ?? []
        let currentPrints = Set(current.map(\.fingerprint))
        let isNew: (Finding) -> Bool = { previous != nil && !previousPrints.contains($0.fingerprint) }
        let resolvedFindings = previous?.report.findings.filter { !currentPrints.contains($0.fingerprint) } ?? []

        tool = "\(latest.report.run.tool) \(latest.report.run.version)"
        asOf = latest.report.run.asOf
        timezone = latest.report.run.timezone
        reportCount = ordered.count
        inputs = latest.report.run.inputs.map {
            Input(
                path: $0.path, dataset: $0.dataset?.rawValue, recordsRead: $0.recordsRead,
                recordsScanned: $0.recordsScanned, recordsRejected: $0.recordsRejected)
        }
        let summary = latest.report.summary.records
        records = Records(read: summary.read, scanned: summary.scanned, rejected: summary.rejected)
        findings = Self.counts(current)

        if let previous {
            change = Change(
                previousAsOf: previous.report.run.asOf, previousPath: previous.path,
                previousTotal: previous.report.findings.count,
                new: Self.counts(current.filter(isNew)),
                resolved: Self.counts(resolvedFindings),
                stillOpen: Self.counts(current.filter { previousPrints.contains($0.fingerprint) }))
        } else {
            change = nil
        }

        var scans: [Scan] = []
        var before: (findings: [Finding], prints: Set<String>)?
        for loaded in ordered {
            let prints = Set(loaded.report.findings.map(\.fingerprint))
            var scan = Scan(
                asOf: loaded.report.run.asOf, path: loaded.path, recordsScanned: loaded.report.summary.records.scanned,
                findings: Self.counts(loaded.report.findings))
            if let before {
                scan.new = loaded.report.findings.filter { !before.prints.contains($0.fingerprint) }.count
                scan.resolved = before.findings.filter { !prints.contains($0.fingerprint) }.count
            }
            scans.append(scan)
            before = (loaded.report.findings, prints)
        }
        self.scans = scans

        categories = Self.group(current, isNew: isNew, key: { $0.category.rawValue })
        tiers = Self.group(current, isNew: isNew, key: \.tier).sorted { ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}") }
        days = Self.filledDays(Self.group(current, isNew: isNew, key: \.day))
        self.rules = Self.ruleRows(
            current: current, resolved: resolvedFindings, isNew: isNew,
            declared: latest.report.run.rules + (previous?.report.run.rules ?? []), texts: ruleTexts)
        reps = Self.repRows(current: current, resolved: resolvedFindings, isNew: isNew)
        topCustomers = Self.customerRows(current, isNew: isNew)
        table = FindingTable(current: current, isNew: isNew, hasPrevious: previous != nil, resolved: resolvedFindings)
    }

    private init(empty: Void) {
        tool = "crmlint"
        asOf = ""
        timezone = ""
        reportCount = 0
        inputs = []
        records = Records(read: 0, scanned: 0, rejected: 0)
        findings = SeverityCounts()
        change = nil
        scans = []
        categories = []
        rules = []
        reps = []
        tiers = []
        days = []
        topCustomers = []
        table = FindingTable(current: [], isNew: { _ in false }, hasPrevious: false, resolved: [])
    }

    // MARK: - Aggregation helpers

    static let allCategoryLabels: [String: Label] = Dictionary(
        uniqueKeysWithValues: Category.allCases.map {
            let (en, zh) = labels($0)
            return ($0.rawValue, Label(zh: zh, en: en))
        })

    /// Reports in `run.as_of` order: parsed as ISO 8601 instants (so offsets
    /// compare correctly), else as text; ties keep the order given.
    static func orderedByAsOf(_ reports: [LoadedReport]) -> [LoadedReport] {
        let keyed = reports.enumerated().map { (index: $0.offset, date: parseInstant($0.element.report.run.asOf), report: $0.element) }
        return keyed.sorted { a, b in
            if let da = a.date, let db = b.date, da != db { return da < db }
            if a.date == nil || b.date == nil, a.report.report.run.asOf != b.report.report.run.asOf {
                return a.report.report.run.asOf < b.report.report.run.asOf
            }
            return a.index < b.index
        }.map(\.report)
    }

    static func parseInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    static func counts(_ findings: [Finding]) -> SeverityCounts {
        var counts = SeverityCounts()
        for finding in findings { counts.add(finding.severity) }
        return counts
    }

    /// Groups by a key, most findings first, then by key.
    static func group(_ findings: [Finding], isNew: (Finding) -> Bool, key: (Finding) -> String?) -> [Group] {
        var groups: [String?: Group] = [:]
        for finding in findings {
            let value = key(finding)
            groups[value, default: Group(key: value, counts: SeverityCounts(), new: 0)].counts.add(finding.severity)
            if isNew(finding) { groups[value]?.new += 1 }
        }
        return groups.values.sorted {
            if $0.counts.total != $1.counts.total { return $0.counts.total > $1.counts.total }
            return ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}")
        }
    }

    /// English and Chinese labels from the category summary ("english (中文)").
    static func labels(_ category: Category) -> (en: String, zh: String) {
        let summary = category.summary
        guard let open = summary.range(of: " (", options: .backwards), summary.hasSuffix(")") else { return (summary, category.rawValue) }
        let english = String(summary[..<open.lowerBound])
        let chinese = String(summary[open.upperBound..<summary.index(before: summary.endIndex)])
        return (english, chinese)
    }

    /// Day groups in calendar order with missing days as zero. Falls back to
    /// the days as found when one does not parse or the span is implausible.
    static func filledDays(_ groups: [Group]) -> [Group] {
        let known = groups.filter { $0.key != nil }.sorted { $0.key! < $1.key! }
        let unknown = groups.filter { $0.key == nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let dates = known.compactMap { $0.key.flatMap(formatter.date(from:)) }
        guard dates.count == known.count, let first = dates.first, let last = dates.last,
            let span = calendar.dateComponents([.day], from: first, to: last).day, span <= 3660
        else {
            return known + unknown
        }
        let byKey = Dictionary(uniqueKeysWithValues: known.map { ($0.key!, $0) })
        var filled: [Group] = []
        for offset in 0...span {
            let key = formatter.string(from: calendar.date(byAdding: .day, value: offset, to: first)!)
            filled.append(byKey[key] ?? Group(key: key, counts: SeverityCounts(), new: 0))
        }
        return filled + unknown
    }

    static func ruleRows(
        current: [Finding], resolved: [Finding], isNew: (Finding) -> Bool,
        declared: [RuleSummary], texts: [String: RuleText]
    ) -> [RuleRow] {
        var rows: [String: RuleRow] = [:]
        // A rule whose findings were all resolved still needs its text for the table's resolved rows.
        for finding in current + resolved where rows[finding.rule] == nil {
            let text = texts[finding.rule]
            let summary = declared.first { $0.id == finding.rule }
            // The rule's own message names the rule; one finding's message describes that finding only.
            let message = text?.message ?? summary?.message.flatMap { $0.isEmpty ? nil : $0 } ?? finding.message
            rows[finding.rule] = RuleRow(
                id: finding.rule, category: (summary?.category ?? finding.category).rawValue,
                severity: (summary?.severity ?? finding.severity).rawValue,
                message: MessageText.generic(message), description: text?.description ?? summary?.description,
                policy: text?.policy ?? summary?.policy, counts: SeverityCounts(), new: 0)
        }
        for finding in current {
            rows[finding.rule]?.counts.add(finding.severity)
            if isNew(finding) { rows[finding.rule]?.new += 1 }
        }
        return rows.values.sorted {
            if $0.counts.total != $1.counts.total { return $0.counts.total > $1.counts.total }
            return $0.id < $1.id
        }
    }

    static func repRows(current: [Finding], resolved: [Finding], isNew: (Finding) -> Bool) -> [RepRow] {
        var rows: [String?: RepRow] = [:]
        var customers: [String?: Set<String>] = [:]
        var categories: [String?: [Category: (severity: Severity, count: Int)]] = [:]
        for finding in current {
            rows[finding.rep, default: RepRow(rep: finding.rep, counts: SeverityCounts(), new: 0, resolved: 0, customers: 0)].counts.add(
                finding.severity)
            if isNew(finding) { rows[finding.rep]?.new += 1 }
            if let customer = finding.customerId { customers[finding.rep, default: []].insert(customer) }
            let seen = categories[finding.rep, default: [:]][finding.category] ?? (finding.severity, 0)
            categories[finding.rep, default: [:]][finding.category] = (max(seen.severity, finding.severity), seen.count + 1)
        }
        for finding in resolved {
            rows[finding.rep, default: RepRow(rep: finding.rep, counts: SeverityCounts(), new: 0, resolved: 0, customers: 0)].resolved += 1
        }
        for key in rows.keys {
            rows[key]?.customers = customers[key]?.count ?? 0
            rows[key]?.topCategory = categories[key].flatMap(Self.topCategory)?.rawValue
        }
        return rows.values.sorted {
            if $0.counts.error != $1.counts.error { return $0.counts.error > $1.counts.error }
            if $0.counts.total != $1.counts.total { return $0.counts.total > $1.counts.total }
            return ($0.rep ?? "\u{10FFFF}") < ($1.rep ?? "\u{10FFFF}")
        }
    }

    /// Customers with the most open findings (errors break ties, then id).
    static func customerRows(_ current: [Finding], isNew: (Finding) -> Bool) -> [CustomerRow] {
        var rows: [String: CustomerRow] = [:]
        var categories: [String: [Category: Int]] = [:]
        var reps: [String: Set<String>] = [:]
        for finding in current {
            guard let customer = finding.customerId, !customer.isEmpty else { continue }
            rows[customer, default: CustomerRow(customerId: customer, counts: SeverityCounts(), new: 0, reps: [], categories: [])].counts
                .add(finding.severity)
            if isNew(finding) { rows[customer]?.new += 1 }
            if rows[customer]?.tier == nil { rows[customer]?.tier = finding.tier }
            if let rep = finding.rep { reps[customer, default: []].insert(rep) }
            categories[customer, default: [:]][finding.category, default: 0] += 1
        }
        let top = rows.values.sorted {
            if $0.counts.total != $1.counts.total { return $0.counts.total > $1.counts.total }
            if $0.counts.error != $1.counts.error { return $0.counts.error > $1.counts.error }
            return $0.customerId < $1.customerId
        }.prefix(topCustomerCount)
        return top.map { row in
            var row = row
            row.reps = (reps[row.customerId] ?? []).sorted()
            row.categories = (categories[row.customerId] ?? [:]).sorted {
                $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue
            }.map(\.key.rawValue)
            return row
        }
    }

    /// The category a manager should look at first: the most serious (a category with an error
    /// before one with only notes, however many), then the most frequent, then by name.
    static func topCategory(_ counts: [Category: (severity: Severity, count: Int)]) -> Category? {
        counts.max { a, b in
            if a.value.severity != b.value.severity { return a.value.severity < b.value.severity }
            if a.value.count != b.value.count { return a.value.count < b.value.count }
            return a.key.rawValue > b.key.rawValue
        }?.key
    }
}
