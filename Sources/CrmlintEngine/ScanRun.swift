import CrmlintCore
import CrmlintReporters
import CrmlintRules
import Foundation

/// Everything `crmlint scan` was asked to do besides the scan itself:
/// which reports go where, baseline, suppressions, failing threshold.
public struct ScanRequest: Sendable {
    public var options: ScanOptions
    /// The main report (`--format`, `--output`); nil path is standard output.
    public var primary: ReportDestination
    /// `--output-json FILE`, `--output-sarif FILE`, …
    public var extra: [ReportDestination] = []
    /// `--fail-on`; nil means `fail_on` from crmlint.yml, else `error`.
    public var failOn: FailThreshold?
    public var showExcerpts = false
    /// Text output: the summary only.
    public var quiet = false
    /// `--sarif-root`: the folder SARIF paths are relative to; nil: `SARIFRoot`'s default.
    public var sarifRoot: String?
    public var baselinePath: String?
    /// Without it a missing `baselinePath` is an empty baseline and a note
    /// (the first night of a nightly job); with it, an error.
    public var baselineRequired = false
    /// Writes every finding not suppressed (baseline ignored) as next run's baseline.
    public var writeBaselinePath: String?
    /// Explicit suppression files; empty means discover `crmlint-suppressions.yml`.
    public var suppressionPaths: [String] = []
    public var discoverSuppressions = true
    /// Files that are not CRM exports (e.g. `package.json` in a pre-commit
    /// run) are passed over instead of failing the run.
    public var skipUnrecognized = false

    public init(options: ScanOptions, primary: ReportDestination = ReportDestination(format: .text, path: nil)) {
        self.options = options
        self.primary = primary
    }
}

/// What the CLI needs after a scan: the exit status and lines for stderr.
public struct ScanOutcome: Sendable {
    public var report: ScanReport
    /// `file:line: warning: …` lines about suppressions, and notes on skipped files.
    public var warnings: [String]
    /// 0 nothing at or above `--fail-on`, 1 findings at or above it.
    public var exitCode: Int32
}

/// Runs a scan and writes its reports: the library entry point of `crmlint scan`.
public enum ScanRun {
    public static func run(_ request: ScanRequest) throws -> ScanOutcome {
        let destinations = [request.primary] + request.extra
        // Problems before the scan are collected, so one run reports every one of them.
        var problems: [CrmlintError] = []
        func collect<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch let error as CrmlintError { problems.append(error) } catch {
                problems.append(.usage("\(error)"))
            }
            return nil
        }
        _ = collect {
            try OutputWriter.check(
                destinations + (request.writeBaselinePath.map { [ReportDestination(format: .json, path: $0)] } ?? []),
                inputs: request.options.paths)
        }
        let usesSARIF = destinations.contains { $0.format == .sarif }
        if request.sarifRoot != nil, !usesSARIF {
            problems.append(.usage("--sarif-root applies to SARIF output: add --format sarif or --output-sarif FILE"))
        }
        let sarifRoot = usesSARIF ? collect { try SARIFRoot.resolve(explicit: request.sarifRoot, inputs: request.options.paths) } : nil
        var notes: [RunNote] = []
        var baseline: Baseline?
        if let path = request.baselinePath {
            if !request.baselineRequired, Baseline.isMissing(path: path) {
                baseline = Baseline(path: path, fingerprints: [])
                notes.append(
                    RunNote(
                        kind: RunNote.baselineMissing,
                        message:
                            "baseline \(path) does not exist yet: every finding is reported as new (first run; --baseline-required makes this an error)"
                    ))
            } else {
                baseline = collect { try Baseline.load(path: path) }
            }
        }
        let suppressionFiles =
            !request.suppressionPaths.isEmpty
            ? request.suppressionPaths
            : request.discoverSuppressions ? Suppressions.discover(scanPaths: request.options.paths) : []
        let suppressions = suppressionFiles.isEmpty ? nil : collect { try Suppressions.load(paths: suppressionFiles) }
        // crmlint.yml is read once, here; the scan takes it from the options.
        guard let config = collect({ try ScanSettings.config(for: request.options) }) else { throw CrmlintError.combine(problems)! }
        var options = request.options
        options.config = config
        let failOn = request.failOn ?? collect { try failThreshold(config, path: config.file ?? "crmlint.yml") } ?? .error
        // Suppressions expire against the scan's "today"; a zone or time that cannot be read is reported by the scan.
        let today = ScanSettings(options, config: config).today

        // JSON Lines files are opened once every check has passed, so a failed run leaves no temporary file.
        var streams: [ReportFile] = []
        let checkRules: ([Rule]) -> [CrmlintError] = { rules in
            suppressions?.unknownRules(rules.map(\.metadata.id) + InputErrors.all) ?? []
        }
        let openStreams = {
            streams = try destinations.filter { $0.format == .jsonl }.map { try ReportFile(path: $0.path, streaming: true) }
        }
        let lines = JSONLinesReporter()
        // What --write-baseline writes: every finding not suppressed, baselined ones too, spilled to disk past a limit.
        let unbaselined = request.writeBaselinePath.map { _ in FindingSpool(redactor: .shared, sorts: true) }
        var skipped: [String] = []
        var report: ScanReport
        let findings: StoredFindings
        do {
            (report, findings) = try Scanner.scanStoring(options, problems: problems, checkRules: checkRules, onReady: openStreams) {
                finding in
                if request.skipUnrecognized, Self.isUnrecognizedFile(finding) {
                    skipped.append(finding.file)
                    return false
                }
                if let suppressions, suppressions.suppresses(finding, today: today) { return false }
                unbaselined?.append(finding)
                if baseline?.absorbs(finding) == true { return false }
                if !streams.isEmpty {
                    let line = lines.line(finding)
                    for stream in streams { stream.write(line) }
                }
                return true
            }
        } catch {
            streams.forEach { $0.discard() }
            throw error
        }

        if !skipped.isEmpty {
            // Passed over, not scanned: they are named on stderr instead.
            report.run.inputs.removeAll { $0.dataset == nil && skipped.contains($0.path) }
        }
        let scanned = report.run.inputs.filter { $0.dataset != nil }.map(\.path)
        if let suppressions {
            report.suppressions = suppressions.statuses(today: today, scannedFiles: scanned)
            report.summary.suppressed = suppressions.suppressed
        }
        report.summary.baselined = baseline?.absorbed
        report.run.suppressionFiles = suppressionFiles.isEmpty ? nil : suppressionFiles
        notes.forEach { report.addNote($0) }

        let settings = ReportFormat.Settings(showExcerpts: request.showExcerpts, quiet: request.quiet, failOn: failOn, sarifRoot: sarifRoot)
        for destination in destinations where destination.format != .jsonl {
            try destination.format.write(report, findings: findings, settings: settings, to: destination.path)
        }
        for stream in streams { try stream.commit() }
        if let path = request.writeBaselinePath, let unbaselined {
            let all = try unbaselined.finish(tiers: [:])
            var full = ScanReport(run: report.run, findings: [], suppressions: report.suppressions, notes: report.notes)
            full.summary = Summary(counts: all.counts, inputs: report.run.inputs)
            full.summary.suppressed = report.summary.suppressed
            try ReportFormat.json.write(full, findings: all, to: path)
        }

        var warnings = (report.suppressions ?? []).compactMap(\.warning)
        warnings += Set(skipped).sorted().map { "\($0): note: skipped, not a CRM export crmlint recognises" }
        let failing = report.summary.count(atOrAbove: failOn) > 0
        // The findings are in the report when the scan kept them in memory; a larger scan has them in its outputs only.
        report.findings = findings.inMemory ?? []
        return ScanOutcome(report: report, warnings: warnings, exitCode: failing ? 1 : 0)
    }

    /// `crmlint merge`: reads reports, merges them, writes one report.
    public static func merge(
        paths: [String], to destination: ReportDestination, settings: ReportFormat.Settings = .init(),
        sarifRoot: String? = nil
    ) throws -> ScanReport {
        guard paths.count >= 1 else { throw CrmlintError.usage("merge needs at least one findings JSON file") }
        if sarifRoot != nil, destination.format != .sarif {
            throw CrmlintError.usage("--sarif-root applies to SARIF output: add --format sarif")
        }
        try OutputWriter.check([destination], inputs: paths)
        let merged = ReportMerger.merge(try paths.map(FindingsDocument.load(path:)))
        var settings = settings
        if destination.format == .sarif {
            // The shards' inputs are read as the scans named them, from the current folder.
            settings.sarifRoot = try SARIFRoot.resolve(
                explicit: sarifRoot, inputs: merged.run.inputs.map(\.path).filter { !$0.hasPrefix("<") })
        }
        try OutputWriter.write(destination.format.render(merged, settings: settings), to: destination.path ?? "-")
        return merged
    }

    /// `--merge-partitions REPORT|FOLDER`: a report, or the `.json` files of a folder in name order.
    public static func partitionReports(in path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CrmlintError.input(path: path, reason: "no such partition report or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let reports = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map {
            (path as NSString).appendingPathComponent($0)
        }
        if reports.isEmpty { throw CrmlintError.input(path: path, reason: "the folder holds no partition report (.json)") }
        return reports
    }

    /// `fail_on` from the config file, checked like the option.
    static func failThreshold(_ config: Config, path: String) throws -> FailThreshold {
        guard let text = config.failOn else { return .error }
        guard let threshold = FailThreshold(rawValue: text) else {
            let place = config.places["fail_on"] ?? (0, 0)
            throw CrmlintError.config(
                file: path, line: place.line, column: place.column,
                reason: Suggestion.unknown("fail_on", text, expected: FailThreshold.allCases.map(\.rawValue)))
        }
        return threshold
    }

    static func isUnrecognizedFile(_ finding: Finding) -> Bool {
        finding.rule == InputErrors.unknownDataset || finding.rule == InputErrors.unknownFileType
    }
}
