import CrmlintCore

/// Compiler-style lines, `path:line: severity: message [rule-id]`, then a
/// summary: counts by severity and category, the rules with most findings,
/// notes about the run, and a last line with the totals. What editors,
/// pre-commit and people read.
public struct TextReporter: Reporter {
    public static let formatName = "text"
    public static let alsoWrittenAs: String? = nil
    public var showExcerpts: Bool
    /// Only the summary, no finding lines (`--quiet`).
    public var quiet: Bool
    /// How many rules the summary lists.
    public static let topRuleCount = 10

    public init(showExcerpts: Bool = false, quiet: Bool = false) {
        self.showExcerpts = showExcerpts
        self.quiet = quiet
    }
    public init(settings: ReportSettings) { self.init(showExcerpts: settings.showExcerpts, quiet: settings.quiet) }

    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        if !quiet {
            try findings.forEachFinding { finding in
                var out = "\(finding.file):\(finding.line): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]"
                // A workbook's row number is a sheet's: say which, and the cell when known.
                if let sheet = finding.sheet { out += " (sheet '\(sheet)'\(finding.cell.map { ", cell \($0)" } ?? ""))" }
                out += "\n"
                if showExcerpts, let excerpt = finding.excerpt {
                    out += "    \(finding.field ?? ""): \(excerpt)\n"
                }
                sink.write(out)
            }
            if findings.count > 0 { sink.write("\n") }
        }
        var out = Self.inputNotes(report)
        out += breakdown(report.summary)
        for note in report.notes ?? [] { out += "note: \(note.message)\n" }
        // Which settings made this report: the first question when a finding is unexpected.
        if let sources = report.run.ruleSources {
            out += "used: rules \(sources.joined(separator: ", ")); config \(report.run.config ?? "none (defaults)"); "
            out += "suppressions \(report.run.suppressionFiles?.joined(separator: ", ") ?? "none")\n"
        }
        // The totals stay the last line, for scripts that read it (`tail -1`).
        let summary = report.summary
        let severities = Severity.allCases.reversed().map { Self.count(summary.bySeverity[$0.rawValue] ?? 0, $0) }
        out += "\(summary.findings) finding\(summary.findings == 1 ? "" : "s") (\(severities.joined(separator: ", "))) in "
        out += "\(report.run.inputs.count) file\(report.run.inputs.count == 1 ? "" : "s"); "
        out += "records: \(summary.records.read) read, \(summary.records.scanned) scanned, \(summary.records.rejected) rejected"
        if let suppressed = summary.suppressed { out += "; \(suppressed) suppressed" }
        if let baselined = summary.baselined { out += "; \(baselined) already in the baseline" }
        out += "\n"
        sink.write(out)
    }

    /// What a file lacks, said once per file: columns the rules needed, and
    /// channel or direction words no vocabulary knows (the few most common).
    static func inputNotes(_ report: ScanReport) -> String {
        var out = ""
        for input in report.run.inputs {
            let place = input.sheet.map { "\(input.path) (sheet '\($0)')" } ?? input.path
            if let absent = input.absentFields, !absent.isEmpty {
                let fields = absent.map { "\($0.field) (\($0.records) records)" }.joined(separator: ", ")
                let rules = Set(absent.flatMap(\.rules)).sorted().joined(separator: ", ")
                out += "\(place): note: no column for \(fields), so \(rules) could not check \(absent.count == 1 ? "it" : "them"); "
                out += "map a header to it under 'columns' in crmlint.yml (crmlint inspect shows the mapping)\n"
            }
            if let unknown = input.unknownValues, !unknown.isEmpty {
                for field in Array(Set(unknown.map(\.field))).sorted() {
                    let values = unknown.filter { $0.field == field }
                    var shown = values.prefix(5).map { "'\($0.value)' (\($0.records))" }.joined(separator: ", ")
                    if values.count > 5 { shown += " and \(values.count - 5) more" }
                    out += "\(place): note: \(field) values crmlint does not know: \(shown); "
                    out += "add them under '\(field == "direction" ? "directions" : "channels")' in crmlint.yml\n"
                }
            }
        }
        return out
    }

    /// `1 error`, `2 errors`, `3 info`.
    static func count(_ count: Int, _ severity: Severity) -> String {
        "\(count) \(severity.rawValue)\(severity == .info || count == 1 ? "" : "s")"
    }

    /// Counts by severity (most serious first), by category and the top rules
    /// (most findings first, ties by name); nothing when there are no findings.
    func breakdown(_ summary: Summary) -> String {
        guard summary.findings > 0 else { return "" }
        func ranked(_ counts: [String: Int]) -> [(key: String, value: Int)] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        }
        let severities = Severity.allCases.reversed().compactMap { severity in
            summary.bySeverity[severity.rawValue].map { Self.count($0, severity) }
        }
        var out = "by severity: \(severities.joined(separator: ", "))\n"
        out += "by category: \(ranked(summary.byCategory).map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n"
        let rules = ranked(summary.byRule)
        let shown = rules.prefix(Self.topRuleCount)
        out += rules.count > shown.count ? "by rule (top \(shown.count) of \(rules.count)):\n" : "by rule:\n"
        let width = String(shown.first?.value ?? 0).count
        for (rule, count) in shown {
            out += "  " + String(repeating: " ", count: width - String(count).count) + "\(count)  \(rule)\n"
        }
        return out
    }
}
