import CrmlintCore
import Foundation

/// Reports built in code, covering what each format must handle: Chinese
/// text and file names, related records, a whole-file finding (line 0), a
/// built-in rule missing from `run.rules`, text that needs escaping.
enum SampleReports {
    static let zeroFailure = Finding(
        rule: "conduct.zero-failure", category: .exaggeration, severity: .error, message: "不得夸大产品功能 — absolute reliability claim",
        file: "exports/messages.csv", line: 2, dataset: .messages, recordId: "m-1", customerId: "C1", rep: "王五", tier: "A",
        day: "2024-03-15", field: "text", column: 9, excerpt: "您好，我们的设备零故障，请放心", fingerprint: "ed780bfe540fb5b6")

    static let overContact = Finding(
        rule: "cadence.daily-limit", category: .overContact, severity: .warning, message: "同一客户一天联系超过 3 次",
        file: "exports/消息 2024.csv", line: 40, dataset: .messages, recordId: "m-9", customerId: "C2", rep: "赵六",
        day: "2024-03-16", fingerprint: "0123456789abcdef",
        related: [
            RelatedLocation(file: "exports/消息 2024.csv", line: 31, recordId: "m-7", note: "earlier call 1"),
            RelatedLocation(file: "exports/消息 2024.csv", line: 35, recordId: "m-8"),
        ])

    static let unreadable = Finding(
        rule: "input.unreadable-file", category: .inputError, severity: .error, message: "cannot open: Permission denied",
        file: "/data/exports/locked.csv", line: 0, fingerprint: "fedcba9876543210")

    /// Needs escaping in every format: quotes, commas, a line break, XML and
    /// workflow-command specials, a leading `=` (spreadsheet formula).
    static let awkward = Finding(
        rule: "conduct.guarantee", category: .overpromise, severity: .info, message: "承诺 \"包退包换\", 100% <sure> & more:\nsecond line",
        file: "exports/a,b:c.csv", line: 7, dataset: .messages, recordId: "m-3", field: "text", column: 1,
        excerpt: "=HYPERLINK(\"http://x\",\"点我\")\u{1}", fingerprint: "00000000000000aa")

    static let rules = [
        RuleSummary(
            id: "cadence.daily-limit", kind: "frequency", category: .overContact, severity: .warning,
            message: "同一客户一天联系超过 3 次", description: nil, policy: "C2"),
        RuleSummary(id: "conduct.guarantee", kind: "pattern", category: .overpromise, severity: .info, message: "承诺包退包换"),
        RuleSummary(
            id: "conduct.zero-failure", kind: "pattern", category: .exaggeration, severity: .error,
            message: "不得夸大产品功能 — absolute reliability claim",
            description: "Sales staff must not claim the equipment never fails.", policy: "R1"),
        // Ran, found nothing: must still be described.
        RuleSummary(id: "conduct.bribe", kind: "pattern", category: .bribery, severity: .error, message: "回扣"),
    ]

    static func report(
        _ findings: [Finding] = [zeroFailure, overContact, unreadable, awkward],
        suppressions: [SuppressionStatus]? = nil, baselined: Int? = nil
    ) -> ScanReport {
        let run = RunInfo(
            version: "0.1.0", asOf: "2024-05-01T00:00:00+08:00", timezone: "Asia/Shanghai",
            inputs: [
                InputSummary(
                    path: "exports/messages.csv", dataset: .messages, format: "csv", encoding: "utf-8",
                    recordsRead: 4, recordsScanned: 4),
                InputSummary(
                    path: "exports/clean.csv", dataset: .messages, format: "csv", encoding: "utf-8",
                    recordsRead: 2, recordsScanned: 2),
            ],
            rules: rules)
        var report = ScanReport(run: run, findings: findings.sorted(by: Finding.reportOrder), suppressions: suppressions)
        report.summary.baselined = baselined
        report.summary.suppressed = suppressions.map { $0.map(\.matched).reduce(0, +) }
        return report
    }

    static let staleSuppressions = [
        SuppressionStatus(
            file: "exports/crmlint-suppressions.yml", line: 1, fingerprint: "1111111111111111", reason: "accepted", state: .active,
            matched: 2),
        SuppressionStatus(
            file: "exports/crmlint-suppressions.yml", line: 4, rule: "conduct.zero-failure", recordId: "m-1",
            reason: "quoted brochure", expires: "2024-04-01", state: .expired, matched: 1),
        SuppressionStatus(
            file: "exports/crmlint-suppressions.yml", line: 8, rule: "contact.phone", path: "old/*.csv",
            reason: "legacy", state: .unused, matched: 0),
    ]
}
