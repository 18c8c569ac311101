import CrmlintCore

/// Compiler-style lines, `path:line: severity: message [rule-id]`, then a
/// summary line. What editors, pre-commit and people read.
public struct TextReporter: Reporter {
    public static let formatName = "text"
    public var showExcerpts: Bool

    public init(showExcerpts: Bool = false) { self.showExcerpts = showExcerpts }

    public func render(_ report: ScanReport) -> String {
        var out = ""
        for finding in report.findings {
            out += "\(finding.file):\(finding.line): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]"
            // A workbook's row number is a sheet's: say which, and the cell when known.
            if let sheet = finding.sheet { out += " (sheet '\(sheet)'\(finding.cell.map { ", cell \($0)" } ?? ""))" }
            out += "\n"
            if showExcerpts, let excerpt = finding.excerpt {
                out += "    \(finding.field ?? ""): \(excerpt)\n"
            }
        }
        let summary = report.summary
        let severities = Severity.allCases.reversed().map { "\(summary.bySeverity[$0.rawValue] ?? 0) \($0.rawValue)\(($0 == .info ? "" : "s"))" }
        out += "\(summary.findings) finding\(summary.findings == 1 ? "" : "s") (\(severities.joined(separator: ", "))) in "
        out += "\(report.run.inputs.count) file\(report.run.inputs.count == 1 ? "" : "s"); "
        out += "records: \(summary.records.read) read, \(summary.records.scanned) scanned, \(summary.records.rejected) rejected"
        if let suppressed = summary.suppressed { out += "; \(suppressed) suppressed" }
        if let baselined = summary.baselined { out += "; \(baselined) already in the baseline" }
        out += "\n"
        return out
    }
}
