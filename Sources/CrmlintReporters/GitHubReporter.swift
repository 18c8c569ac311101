import CrmlintCore

/// GitHub Actions workflow commands: one `::error file=…,line=…::message`
/// line per finding, which Actions turns into annotations on the changed
/// files, then a plain summary line.
public struct GitHubReporter: Reporter {
    public static let formatName = "github"
    public static let alsoWrittenAs: String? = nil

    public init() {}
    public init(settings: ReportSettings) { self.init() }

    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        try findings.forEachFinding { finding in
            var properties = ["file=\(Self.property(finding.file))"]
            if finding.line > 0 { properties.append("line=\(finding.line)") }
            if finding.line > 0, let column = finding.column { properties.append("col=\(column)") }
            properties.append("title=\(Self.property(finding.rule))")
            var message = finding.message
            if let record = finding.recordId { message += " (record \(record)\(finding.field.map { ", field \($0)" } ?? ""))" }
            if let excerpt = finding.excerpt, !excerpt.isEmpty { message += ": \(excerpt)" }
            sink.write("::\(Self.command(finding.severity)) \(properties.joined(separator: ","))::\(Self.data(message))\n")
        }
        let summary = report.summary
        sink.write(
            "crmlint: \(summary.findings) finding\(summary.findings == 1 ? "" : "s") in \(report.run.inputs.count) file\(report.run.inputs.count == 1 ? "" : "s")\n"
        )
    }

    static func command(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "notice"
        }
    }

    /// Escaping of the message part, as in `@actions/core` (`escapeData`).
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    /// Escaping of `key=value` properties (`escapeProperty`): also `:` and `,`.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
