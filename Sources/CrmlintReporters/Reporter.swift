import CrmlintCore

/// Turns a finished scan into bytes of one format. One reporter, one file;
/// registered once, in `Reporters.all`, from which `--format`, the
/// `--output-NAME` options and the tests that every output is redacted take it.
public protocol Reporter {
    /// The name `--format` takes.
    static var formatName: String { get }
    /// The help of `--output-NAME FILE` (also write this format there); nil:
    /// no such option (text and github are for terminals and CI logs).
    static var alsoWrittenAs: String? { get }
    /// A reporter with the settings of this run (those it does not use are ignored).
    init(settings: ReportSettings)
    /// Writes the report with `findings` in place of `report.findings` (ignored), piece by piece, so a report
    /// of any size is written holding one finding at a time.
    func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws
}

extension Reporter {
    /// The whole report as one string: the bytes `write` gives for its findings.
    public func render(_ report: ScanReport) -> String {
        let sink = StringSink()
        // An array of findings is read without failing.
        try? write(report, findings: report.findings, to: sink)
        return sink.text
    }
}

/// Where a reporter writes: a file being written, standard output, a string.
public protocol ReportSink: AnyObject {
    func write(_ text: String)
    /// UTF-8 bytes the caller knows are valid (a reporter's own output): written as they are, where the
    /// sink can (a findings file took each finding's bytes through a `String`, validated again: a fifth of
    /// writing a JSON report).
    func write(utf8 bytes: UnsafeBufferPointer<UInt8>)
}

extension ReportSink {
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { write(String(decoding: bytes, as: UTF8.self)) }
}

/// A report into one string (`render`, tests).
public final class StringSink: ReportSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
}

/// Settings some formats need besides the report.
public struct ReportSettings: Sendable {
    /// Text: the redacted excerpt under each finding.
    public var showExcerpts = false
    /// Text: the summary only, no finding lines.
    public var quiet = false
    /// JUnit marks findings at or above it as failures, like the exit status.
    public var failOn: FailThreshold = .error
    /// The absolute folder SARIF paths are relative to (see `SARIFRoot`); nil: the current folder.
    public var sarifRoot: String?

    public init(showExcerpts: Bool = false, quiet: Bool = false, failOn: FailThreshold = .error, sarifRoot: String? = nil) {
        self.showExcerpts = showExcerpts
        self.quiet = quiet
        self.failOn = failOn
        self.sarifRoot = sarifRoot
    }
}

public enum Reporters {
    /// Every format, in the order `--format` lists them. A new format is a
    /// reporter file and one line here.
    public static let all: [any Reporter.Type] = [
        TextReporter.self,
        JSONReporter.self,
        JSONLinesReporter.self,
        SARIFReporter.self,
        CSVReporter.self,
        JUnitReporter.self,
        GitHubReporter.self,
    ]

    /// The reporter `--format NAME` picks.
    public static func named(_ name: String) -> (any Reporter.Type)? { all.first { $0.formatName == name } }
}

extension String {
    /// Whether a byte of the text's UTF-8 passes `test`, read in place: reporters ask it before escaping, since most
    /// texts need none and building them again a character at a time was most of writing a finding.
    func hasUTF8Byte(where test: (UInt8) -> Bool) -> Bool {
        withUTF8InPlace { bytes in bytes.contains(where: test) }
    }
}
