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
        // Most texts hold none of the three: returned as they are (replacing each in turn made a new string apiece, three
        // a finding, and was most of writing this format: 100 µs a finding).
        guard text.hasUTF8Byte(where: { $0 == 0x25 || $0 == 0x0D || $0 == 0x0A }) else { return text }
        return escapedData(text)
    }

    /// `data` for any text.
    static func escapedData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    /// Escaping of `key=value` properties (`escapeProperty`): also `:` and `,`.
    static func property(_ text: String) -> String {
        guard text.hasUTF8Byte(where: { $0 == 0x25 || $0 == 0x0D || $0 == 0x0A || $0 == 0x3A || $0 == 0x2C }) else { return text }
        return escapedProperty(text)
    }

    /// `property` for any text.
    static func escapedProperty(_ text: String) -> String {
        escapedData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
