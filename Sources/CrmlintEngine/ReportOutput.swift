import CrmlintCore
import CrmlintReaders
import CrmlintReporters
import CrmlintRules
import Foundation

/// A report format the CLI offers: the name of a registered reporter (`Reporters.all`).
public struct ReportFormat: RawRepresentable, Hashable, CaseIterable, Sendable, CustomStringConvertible {
    public typealias Settings = ReportSettings

    public let rawValue: String

    /// Nil for a name no reporter has.
    public init?(rawValue: String) {
        guard Reporters.named(rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    private init(_ reporter: any Reporter.Type) { rawValue = reporter.formatName }

    /// Every format, in the order of `Reporters.all`.
    public static var allCases: [ReportFormat] { Reporters.all.map(ReportFormat.init) }

    // Formats the engine treats apart: text is the default, JSON is what a baseline
    // is written in, JSON Lines is streamed while the scan runs, SARIF needs a root folder.
    public static let text = ReportFormat(TextReporter.self)
    public static let json = ReportFormat(JSONReporter.self)
    public static let jsonl = ReportFormat(JSONLinesReporter.self)
    public static let sarif = ReportFormat(SARIFReporter.self)

    public var description: String { rawValue }

    /// The help of its `--output-NAME FILE` option; nil when it has none.
    public var alsoWrittenAs: String? { Reporters.named(rawValue)!.alsoWrittenAs }

    /// A format named on the command line; an unknown name is an error listing the formats.
    public static func parse(_ name: String) throws -> ReportFormat {
        guard let format = ReportFormat(rawValue: name) else {
            throw CrmlintError.usage(Suggestion.unknown("format", name, expected: allCases.map(\.rawValue)))
        }
        return format
    }

    public func render(_ report: ScanReport, settings: Settings = Settings()) -> String {
        Reporters.named(rawValue)!.init(settings: settings).render(report)
    }

    /// Writes the report with `findings` (not `report.findings`) to `path` (nil: standard output) a piece at a
    /// time, the file put in place only when it is whole.
    public func write(_ report: ScanReport, findings: any FindingSource, settings: Settings = Settings(), to path: String?) throws {
        let file = try ReportFile(path: path)
        do {
            try Reporters.named(rawValue)!.init(settings: settings).write(report, findings: findings, to: file)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}

/// Where one report goes: a file, or standard output when `path` is nil or `-`.
public struct ReportDestination: Sendable, Equatable {
    public var format: ReportFormat
    public var path: String?

    public init(format: ReportFormat, path: String?) {
        self.format = format
        self.path = path == "-" ? nil : path
    }
}

extension OutputWriter {
    /// Checks, before a long scan, that every report can be written: at most
    /// one goes to standard output, no two to one file, none over an input,
    /// and each file's folder exists and is writable. Every problem is
    /// reported, one line each, so one run shows all that needs fixing.
    public static func check(_ destinations: [ReportDestination], inputs: [String]) throws {
        var problems: [CrmlintError] = []
        if destinations.filter({ $0.path == nil }).count > 1 {
            let formats = destinations.filter { $0.path == nil }.map(\.format.rawValue).joined(separator: ", ")
            problems.append(.usage("several reports (\(formats)) would go to standard output; give all but one a file"))
        }
        var seen: [String: ReportFormat] = [:]
        // Only with a report file: Foundation's first URL costs a one-file scan printing to standard output 0.9 M instructions.
        lazy var inputPaths = inputs.filter { $0 != "-" }.map(canonical)
        for destination in destinations {
            guard let path = destination.path else { continue }
            let key = canonical(path)
            if let other = seen[key] {
                problems.append(.usage("the \(other.rawValue) and \(destination.format.rawValue) reports would both be written to \(path)"))
                continue
            }
            seen[key] = destination.format
            if isScanned(key, inputs: inputPaths) {
                problems.append(.output(path: path, reason: "it is one of the inputs"))
                continue
            }
            do { try checkWritable(path) } catch let error as CrmlintError { problems.append(error) }
        }
        if let error = CrmlintError.combine(problems) { throw error }
    }

    public static func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CrmlintError.output(path: path, reason: "it is a folder")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let parent = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CrmlintError.output(path: path, reason: "folder \(parent) does not exist")
        }
        // The atomic write creates a temporary file beside the target.
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw CrmlintError.output(path: path, reason: "folder \(parent) is not writable")
        }
    }

    /// An existing file named as an input, or one a scanned folder would
    /// read: writing a report there would destroy the data.
    static func isScanned(_ path: String, inputs: [String]) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        if inputs.contains(path) { return true }
        let readable = InputFormat.from(path: path) != nil
        return readable && inputs.contains { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
