import CrmlintCore
import CrmlintReporters
import Foundation

/// `crmlint merge`: one findings document from the reports of shards or of
/// several exports, with the summary recomputed from the merged findings.
///
/// A file scanned in more than one report counts once (its first input
/// entry is kept) and identical findings are kept once, so merging
/// overlapping reports does not double anything. Rules are the union by id.
/// The run takes the latest `as_of` (with its time zone) and the highest
/// tool version. Suppression entries seen by several shards are combined:
/// used anywhere means active.
public enum ReportMerger {
    public static func merge(_ reports: [ScanReport]) -> ScanReport {
        guard let first = reports.first else {
            return ScanReport(run: RunInfo(version: CrmlintVersion.current, asOf: "", timezone: "", inputs: [], rules: []), findings: [])
        }
        var inputs: [InputSummary] = []
        var seenInputs: Set<String> = []
        var rules: [String: RuleSummary] = [:]
        var findings: [Finding] = []
        var seenFindings: Set<Finding> = []
        var latest = first.run
        for report in reports {
            for input in report.run.inputs where seenInputs.insert(input.path).inserted { inputs.append(input) }
            for rule in report.run.rules where rules[rule.id] == nil { rules[rule.id] = rule }
            for finding in report.findings where seenFindings.insert(finding).inserted { findings.append(finding) }
            if instant(report.run.asOf) > instant(latest.asOf) {
                latest.asOf = report.run.asOf
                latest.timezone = report.run.timezone
            }
            if versionOrder(latest.version, report.run.version) { latest.version = report.run.version }
        }
        inputs.sort { $0.path < $1.path }
        findings.sort(by: Finding.reportOrder)
        let run = RunInfo(
            tool: first.run.tool, version: latest.version, asOf: latest.asOf, timezone: latest.timezone,
            inputs: inputs, rules: rules.values.sorted { $0.id < $1.id })
        var merged = ScanReport(run: run, findings: findings, suppressions: mergeSuppressions(reports.compactMap(\.suppressions)))
        merged.summary.suppressed = sum(reports.map(\.summary.suppressed))
        merged.summary.baselined = sum(reports.map(\.summary.baselined))
        for note in reports.compactMap(\.notes).joined() { merged.addNote(note) }
        return merged
    }

    /// One status per entry (file and line): counts add up; expired anywhere
    /// is expired; else used anywhere is active; else unused if any shard
    /// had it in scope.
    static func mergeSuppressions(_ lists: [[SuppressionStatus]]) -> [SuppressionStatus]? {
        guard !lists.isEmpty else { return nil }
        var order: [String] = []
        var merged: [String: SuppressionStatus] = [:]
        for status in lists.joined() {
            let key = "\(status.file)\u{0}\(status.line)"
            guard var existing = merged[key] else {
                order.append(key)
                merged[key] = status
                continue
            }
            existing.matched += status.matched
            let states = [existing.state, status.state]
            existing.state =
                states.contains(.expired)
                ? .expired
                : existing.matched > 0
                    ? .active
                    : states.contains(.unused) ? .unused : .outOfScope
            merged[key] = existing
        }
        return order.map { merged[$0]! }
    }

    static func sum(_ values: [Int?]) -> Int? {
        let present = values.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(0, +)
    }

    static func instant(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: iso) ?? .distantPast
    }

    /// Numeric comparison of dotted versions: is `lhs` older than `rhs`?
    static func versionOrder(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.split(separator: ".").map { Int($0) ?? 0 }, right = rhs.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0, b = index < right.count ? right[index] : 0
            if a != b { return a < b }
        }
        return false
    }
}
