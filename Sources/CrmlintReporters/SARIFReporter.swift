import CrmlintCore
import Foundation

/// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
///
/// Every rule of the run (and every built-in rule a finding names) is a
/// `tool.driver.rules` entry with short and full description and help text,
/// so GitHub can show them without the rule files. Results carry the
/// content fingerprint as `partialFingerprints.primaryLocationLineHash`, so
/// alerts stay matched when rows move. Columns are counted in Unicode code
/// points (`columnKind`), never bytes, and are the column of the hit inside
/// the finding's field. Every path is given relative to one root folder,
/// `SRCROOT` (`originalUriBaseIds`), never with `../`; a file outside the
/// root (a suppressions file elsewhere) is an absolute `file://` URI.
public struct SARIFReporter: Reporter {
    public static let formatName = "sarif"
    public static let alsoWrittenAs: String? = "Also write SARIF 2.1.0 here."
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// GitHub rejects descriptions longer than this.
    static let maxDescription = 1024
    /// The name of the root in `uriBaseId` and `originalUriBaseIds`, as in the SARIF specification's examples.
    public static let rootBase = "SRCROOT"

    /// The absolute folder paths are relative to (`--sarif-root`); nil: the current folder.
    public var root: String?

    public init(root: String? = nil) { self.root = root }
    public init(settings: ReportSettings) { self.init(root: settings.sarifRoot) }

    /// The bytes of the whole log encoded at once, written a result at a time: the log is encoded with no results,
    /// and each result, written as the encoder would write it at its depth (`SARIFResultJSON`), goes where its
    /// empty list was. The built-in rules only findings name are described before the results, from the first
    /// finding of each rule (`firstOfEachRule`: a stored scan knows them; else a first pass over the findings).
    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var known = Set(report.run.rules.map(\.id))
        let builtIn = try findings.firstFindingOfEachRule().filter { known.insert($0.rule).inserted }
        let descriptors = Self.descriptors(report, builtIn: builtIn)
        let index = Dictionary(uniqueKeysWithValues: descriptors.enumerated().map { ($1.id, $0) })
        let baselined = report.summary.baselined != nil
        let paths = ArtifactPaths(root: root)
        let text = String(decoding: (try? encoder.encode(log(report, descriptors: descriptors))) ?? Data("{}".utf8), as: UTF8.self)
        let empty = "\n      \"results\" : [\n\n      ]"
        guard findings.count > 0, let place = text.range(of: empty) else {
            sink.write(text + "\n")
            return
        }
        sink.write(text[..<place.lowerBound] + "\n      \"results\" : [\n")
        var first = true
        // One buffer for every result, handed to the sink as bytes; each result written as the encoder
        // would write it at its depth (`SARIFResultJSON`).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        try findings.forEachFinding { finding in
            let result = Self.result(finding, ruleIndex: index[finding.rule]!, baselined: baselined, paths: paths)
            bytes.removeAll(keepingCapacity: true)
            if !first { bytes.append(contentsOf: Self.separator) }
            bytes.append(contentsOf: Self.resultIndent)
            SARIFResultJSON.write(result, into: &bytes, indent: Self.resultIndent)
            bytes.withUnsafeBufferPointer { sink.write(utf8: $0) }
            first = false
        }
        sink.write("\n      ]" + text[place.upperBound...] + "\n")
    }

    /// A result's depth in the log (runs, results), and what comes between two results.
    private static let resultIndent = Array("        ".utf8)
    private static let separator = Array(",\n".utf8)

    /// The log with no results (`write` puts them in).
    func log(_ report: ScanReport, descriptors: [Descriptor]) -> Log {
        let paths = ArtifactPaths(root: root)
        let notifications = (report.suppressions ?? []).compactMap { status -> Notification? in
            guard let warning = status.warning else { return nil }
            return Notification(
                level: "warning", message: Message(text: warning),
                locations: [Location(physicalLocation: Self.physical(file: status.file, line: status.line, column: nil, paths: paths))])
        }
        var properties: [String: PropertyValue] = [
            "asOf": .string(report.run.asOf),
            "timezone": .string(report.run.timezone),
            "findingsSchemaVersion": .string(report.schemaVersion),
        ]
        if let suppressed = report.summary.suppressed { properties["suppressed"] = .int(suppressed) }
        if let baselined = report.summary.baselined { properties["baselined"] = .int(baselined) }
        let run = Run(
            tool: Tool(
                driver: Driver(
                    name: report.run.tool, version: report.run.version, semanticVersion: report.run.version,
                    rules: descriptors)),
            originalUriBaseIds: [Self.rootBase: BaseLocation(uri: paths.rootURI)],
            columnKind: "unicodeCodePoints",
            invocations: [Invocation(executionSuccessful: true, toolExecutionNotifications: notifications.isEmpty ? nil : notifications)],
            results: [],
            properties: properties)
        return Log(schema: Self.schemaURI, version: "2.1.0", runs: [run])
    }

    /// The run's rules, then built-in rules (input errors) that only findings name: the first finding of each.
    static func descriptors(_ report: ScanReport, builtIn: [Finding]) -> [Descriptor] {
        var descriptors = report.run.rules.map { rule in
            descriptor(
                id: rule.id, severity: rule.severity, category: rule.category, kind: rule.kind,
                short: rule.message, full: rule.description, policy: rule.policy)
        }
        for finding in builtIn {
            descriptors.append(
                descriptor(
                    id: finding.rule, severity: finding.severity, category: finding.category, kind: "built-in",
                    short: nil, full: nil, policy: nil))
        }
        return descriptors
    }

    static func descriptor(
        id: String, severity: Severity, category: Category, kind: String,
        short: String?, full: String?, policy: String?
    ) -> Descriptor {
        // GitHub refuses empty required texts, so every text falls back to something real.
        let shortText = nonEmpty(short) ?? "\(id): \(category.summary)"
        let fullText = nonEmpty(full) ?? shortText
        var help = fullText + "\n\nCategory: \(category.rawValue) — \(category.summary)."
        if let policy = nonEmpty(policy) { help += " Policy clause: \(policy)." }
        help += "\nReference: docs/rules.md#\(anchor(id)); run `crmlint explain \(id)` for examples."
        var tags = [category.rawValue, kind]
        if let policy = nonEmpty(policy) { tags.append("policy:\(policy)") }
        return Descriptor(
            id: id,
            shortDescription: Text(text: truncated(shortText)),
            fullDescription: Text(text: truncated(fullText)),
            help: Text(text: help),
            defaultConfiguration: Configuration(level: level(severity)),
            properties: DescriptorProperties(
                tags: tags,
                category: category.rawValue, kind: kind, policy: nonEmpty(policy)))
    }

    static func result(_ finding: Finding, ruleIndex: Int, baselined: Bool, paths: ArtifactPaths) -> Result {
        var text = finding.message
        var context: [String] = []
        if let record = finding.recordId { context.append("record \(record)") }
        if let field = finding.field { context.append("field \(field)") }
        if !context.isEmpty { text += " (\(context.joined(separator: ", ")))" }
        if let excerpt = finding.excerpt, !excerpt.isEmpty { text += ": \(excerpt)" }
        let related = (finding.related ?? []).enumerated().map { offset, location in
            Location(
                id: offset + 1, physicalLocation: physical(file: location.file, line: location.line, column: nil, paths: paths),
                message: Message(text: location.note ?? location.recordId.map { "record \($0)" } ?? "related record"))
        }
        var properties: [String: PropertyValue] = [
            "category": .string(finding.category.rawValue), "tags": .strings([finding.category.rawValue]),
        ]
        let optional: [(String, String?)] = [
            ("dataset", finding.dataset?.rawValue), ("recordId", finding.recordId), ("customerId", finding.customerId),
            ("rep", finding.rep), ("tier", finding.tier), ("day", finding.day), ("field", finding.field), ("excerpt", finding.excerpt),
        ]
        for case let (key, value?) in optional { properties[key] = .string(value) }
        if let column = finding.column { properties["fieldColumn"] = .int(column) }
        return Result(
            ruleId: finding.rule,
            ruleIndex: ruleIndex,
            level: level(finding.severity),
            message: Message(text: text),
            locations: [Location(physicalLocation: physical(file: finding.file, line: finding.line, column: finding.column, paths: paths))],
            partialFingerprints: ["primaryLocationLineHash": finding.fingerprint, "crmlintFingerprint/v1": finding.fingerprint],
            relatedLocations: related.isEmpty ? nil : related,
            baselineState: baselined ? "new" : nil,
            properties: properties)
    }

    static func physical(file: String, line: Int, column: Int?, paths: ArtifactPaths) -> PhysicalLocation {
        // Line 0 means "the whole file" (an unreadable file): no region then.
        let region = line > 0 ? Region(startLine: line, startColumn: column.map { max($0, 1) }) : nil
        return PhysicalLocation(artifactLocation: paths.location(file), region: region)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func truncated(_ text: String) -> String {
        text.count <= maxDescription ? text : String(text.prefix(maxDescription - 1)) + "…"
    }

    /// The heading anchor `docs/rules.md` uses for a rule id.
    static func anchor(_ id: String) -> String { id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" } }

    // MARK: - The subset of the SARIF object model crmlint writes

    struct Log: Encodable {
        let schema: String
        let version: String
        let runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        let tool: Tool
        let originalUriBaseIds: [String: BaseLocation]
        let columnKind: String
        let invocations: [Invocation]
        let results: [Result]
        let properties: [String: PropertyValue]
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name: String
        let version: String
        let semanticVersion: String
        let rules: [Descriptor]
    }

    struct Descriptor: Encodable {
        let id: String
        let shortDescription: Text
        let fullDescription: Text
        let help: Text
        let defaultConfiguration: Configuration
        let properties: DescriptorProperties
    }

    struct DescriptorProperties: Encodable {
        let tags: [String]
        let category: String
        let kind: String
        let policy: String?
    }

    struct Text: Encodable { let text: String }
    struct Configuration: Encodable { let level: String }

    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let toolExecutionNotifications: [Notification]?
    }

    struct Notification: Encodable {
        let level: String
        let message: Message
        let locations: [Location]
    }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Message
        let locations: [Location]
        let partialFingerprints: [String: String]
        let relatedLocations: [Location]?
        let baselineState: String?
        let properties: [String: PropertyValue]
    }

    struct Message: Encodable { let text: String }

    struct Location: Encodable {
        var id: Int?
        let physicalLocation: PhysicalLocation
        var message: Message?
    }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region?
    }

    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId: String?
    }

    struct BaseLocation: Encodable { let uri: String }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int?
    }

    enum PropertyValue: Encodable {
        case string(String)
        case int(Int)
        case strings([String])
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .string(value): try container.encode(value)
            case let .int(value): try container.encode(value)
            case let .strings(value): try container.encode(value)
            }
        }
    }
}

/// Input paths as SARIF artifact locations: relative to the root (`SRCROOT`)
/// when inside it, else absolute `file://` URIs, so no URI climbs out of the
/// root with `../`. Relative paths are read from the current folder, as the
/// scan read them; paths are compared with symbolic links resolved.
final class ArtifactPaths {
    let root: String
    private let workingDirectory: String
    private var cache: [String: SARIFReporter.ArtifactLocation] = [:]

    init(root: String?) {
        workingDirectory = FileManager.default.currentDirectoryPath
        self.root = Self.resolved(root ?? workingDirectory, from: workingDirectory)
    }

    /// `file:///abs/root/`: a base URI ends with a slash.
    var rootURI: String { "file://" + Self.encoded(root.hasSuffix("/") ? root : root + "/") }

    func location(_ path: String) -> SARIFReporter.ArtifactLocation {
        if let known = cache[path] { return known }
        let location: SARIFReporter.ArtifactLocation
        if path.hasPrefix("<") {
            // <stdin>: no file to point at; kept as a name under the root, as before.
            location = .init(uri: Self.encoded(path), uriBaseId: SARIFReporter.rootBase)
        } else {
            let absolute = Self.resolved(path, from: workingDirectory)
            let prefix = root == "/" ? "/" : root + "/"
            if absolute.hasPrefix(prefix) {
                location = .init(uri: Self.encoded(String(absolute.dropFirst(prefix.count))), uriBaseId: SARIFReporter.rootBase)
            } else {
                location = .init(uri: "file://" + Self.encoded(absolute), uriBaseId: nil)
            }
        }
        cache[path] = location
        return location
    }

    /// Absolute, without `.` and `..`, symbolic links resolved where the path exists.
    static func resolved(_ path: String, from folder: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Percent-encoded for a URI path (non-ASCII names, spaces, `#`, `:`).
    static func encoded(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@!$&'()*+,;=:")
        allowed.insert("/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
