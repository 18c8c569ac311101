import CrmlintCore

/// JSON Lines: one finding per line, the same object as in the findings
/// document (`#/definitions/finding` of `docs/findings.schema.json`). The
/// scan writes each line as the finding is found; `render` is the
/// whole-report form, used when a report is rendered after the fact (merge).
public struct JSONLinesReporter: Reporter {
    public static let formatName = "jsonl"
    public static let alsoWrittenAs: String? = "Also write JSON Lines (one finding a line, as found) here."

    public init() {}
    public init(settings: ReportSettings) { self.init() }

    /// One finding as one line, newline included.
    public func line(_ finding: Finding) -> String { FindingJSON.compact(finding) + "\n" }

    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        try findings.forEachFinding { sink.write(line($0)) }
    }
}
