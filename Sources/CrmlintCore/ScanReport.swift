/// The findings document (`--format json`): run metadata, summary, findings.
/// Versioned; `docs/findings.schema.json` describes it.
public struct ScanReport: Codable, Equatable, Sendable {
    /// 1.2 added `notes`, inputs' `absent_fields` / `unknown_values` and findings' `occurrences`.
    public static let schemaVersion = "1.2"

    public var schemaVersion: String
    public var run: RunInfo
    public var summary: Summary
    public var findings: [Finding]
    /// Every suppression entry that applied to this run and what became of
    /// it; nil when no suppression file was used.
    public var suppressions: [SuppressionStatus]?
    /// What the reader should know about the run as a whole (no baseline
    /// file yet, records dated after `--as-of`); nil when there is nothing.
    public var notes: [RunNote]?

    public init(run: RunInfo, findings: [Finding], suppressions: [SuppressionStatus]? = nil, notes: [RunNote]? = nil) {
        self.schemaVersion = Self.schemaVersion
        self.run = run
        self.findings = findings
        self.summary = Summary(findings: findings, inputs: run.inputs)
        self.suppressions = suppressions
        self.notes = notes
    }

    /// Adds a note, keeping the list in a stable order (by kind, then text).
    public mutating func addNote(_ note: RunNote) {
        var all = notes ?? []
        guard !all.contains(note) else { return }
        all.append(note)
        notes = all.sorted { ($0.kind, $0.message) < ($1.kind, $1.message) }
    }
}

/// A remark about the whole run, not about a record: shown in the text
/// summary and written to the findings JSON (`notes`).
public struct RunNote: Codable, Equatable, Hashable, Sendable {
    /// Stable, for machines: `baseline-missing`, `records-after-as-of`.
    public var kind: String
    /// One line, for people.
    public var message: String
    /// How many things the note is about, where it counts something.
    public var count: Int?

    public init(kind: String, message: String, count: Int? = nil) {
        self.kind = kind
        self.message = message
        self.count = count
    }

    public static let baselineMissing = "baseline-missing"
    public static let recordsAfterAsOf = "records-after-as-of"
}

public struct RunInfo: Codable, Equatable, Sendable {
    public var tool: String
    public var version: String
    /// "Now" for deadline checks, ISO 8601.
    public var asOf: String
    public var timezone: String
    public var inputs: [InputSummary]
    public var rules: [RuleSummary]
    /// The rule files and folders loaded (1.2, optional).
    public var ruleSources: [String]?
    /// The crmlint.yml read, if any (1.2, optional).
    public var config: String?
    /// The suppressions files read, if any (1.2, optional).
    public var suppressionFiles: [String]?

    public init(tool: String = "crmlint", version: String, asOf: String, timezone: String, inputs: [InputSummary], rules: [RuleSummary]) {
        self.tool = tool
        self.version = version
        self.asOf = asOf
        self.timezone = timezone
        self.inputs = inputs
        self.rules = rules
    }
}

public struct InputSummary: Codable, Equatable, Sendable {
    public var path: String
    public var dataset: Dataset?
    public var format: String
    public var encoding: String?
    /// For a workbook: the sheet this entry counts (one entry a sheet read).
    public var sheet: String?
    public var recordsRead: Int
    public var recordsScanned: Int
    public var recordsRejected: Int
    /// Fields the rules needed that this file has no column for (one note per
    /// file and field instead of a finding per record). Added in 1.2.
    public var absentFields: [AbsentField]?
    /// Channel or direction values no vocabulary knows, with their counts. Added in 1.2.
    public var unknownValues: [UnknownValue]?

    public struct AbsentField: Codable, Equatable, Sendable {
        public var field: String
        /// Records without the column.
        public var records: Int
        /// Rules that could not check those records for it.
        public var rules: [String]
        public init(field: String, records: Int, rules: [String]) {
            self.field = field
            self.records = records
            self.rules = rules
        }
    }

    public struct UnknownValue: Codable, Equatable, Sendable {
        public var field: String
        public var value: String
        public var records: Int
        public init(field: String, value: String, records: Int) {
            self.field = field
            self.value = value
            self.records = records
        }
    }

    public init(
        path: String, dataset: Dataset?, format: String, encoding: String?, recordsRead: Int = 0, recordsScanned: Int = 0,
        recordsRejected: Int = 0
    ) {
        self.path = path
        self.dataset = dataset
        self.format = format
        self.encoding = encoding
        self.recordsRead = recordsRead
        self.recordsScanned = recordsScanned
        self.recordsRejected = recordsRejected
    }
}

public struct RuleSummary: Codable, Equatable, Sendable {
    public var id: String
    public var kind: String
    public var category: Category
    public var severity: Severity
    /// Rule text carried so that machine formats (SARIF) can describe the
    /// rule without the rule files; optional so older reports still decode.
    public var message: String?
    public var description: String?
    public var policy: String?

    public init(
        id: String, kind: String, category: Category, severity: Severity,
        message: String? = nil, description: String? = nil, policy: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.category = category
        self.severity = severity
        self.message = message
        self.description = description
        self.policy = policy
    }
}

public struct Summary: Codable, Equatable, Sendable {
    public struct RecordCounts: Codable, Equatable, Sendable {
        public var read: Int
        public var scanned: Int
        public var rejected: Int
    }

    public var records: RecordCounts
    public var findings: Int
    public var bySeverity: [String: Int]
    public var byCategory: [String: Int]
    public var byRule: [String: Int]
    public var byRep: [String: Int]
    public var byTier: [String: Int]
    public var byDay: [String: Int]
    /// Findings hidden by a suppression entry (nil: no suppression file).
    public var suppressed: Int?
    /// Findings hidden because the `--baseline` report already had them (nil: no baseline).
    public var baselined: Int?

    public init(findings: [Finding], inputs: [InputSummary]) {
        self.init(counts: FindingCounts(findings), inputs: inputs)
    }

    public init(counts: FindingCounts, inputs: [InputSummary]) {
        records = RecordCounts(
            read: inputs.map(\.recordsRead).reduce(0, +),
            scanned: inputs.map(\.recordsScanned).reduce(0, +),
            rejected: inputs.map(\.recordsRejected).reduce(0, +))
        findings = counts.total
        bySeverity = counts.bySeverity
        byCategory = counts.byCategory
        byRule = counts.byRule
        byRep = counts.byRep
        byTier = counts.byTier
        byDay = counts.byDay
    }

    public func count(atOrAbove threshold: FailThreshold) -> Int {
        Severity.allCases.filter { threshold.isFailing($0) }.map { bySeverity[$0.rawValue] ?? 0 }.reduce(0, +)
    }
}
