import CrmlintCore
import CrmlintDashboard
import Foundation
import TestHelpers

let repositoryRoot = TestPaths.repoRoot

/// A finding with only what a test cares about; the fingerprint defaults to
/// the record id, so the same record in two reports is the same finding.
func finding(
    _ record: String, rule: String = "t.rule", category: Category = .exaggeration, severity: Severity = .error,
    rep: String? = "张明", customer: String? = "CRM-1", tier: String? = "A", day: String? = "2024-03-15",
    message: String = "不得夸大产品功能", excerpt: String? = "我们的设备零故障", fingerprint: String? = nil
) -> Finding {
    Finding(
        rule: rule, category: category, severity: severity, message: message, file: "data/messages.csv", line: 2,
        dataset: .messages, recordId: record, customerId: customer, rep: rep, tier: tier, day: day, field: "text",
        column: 7, excerpt: excerpt, fingerprint: fingerprint ?? "fp-\(record)")
}

func report(
    _ findings: [Finding], asOf: String = "2024-05-01T00:00:00+08:00", scanned: Int = 100, path: String = "report.json",
    rules: [RuleSummary] = []
) -> LoadedReport {
    let input = InputSummary(
        path: "data/messages.csv", dataset: .messages, format: "csv", encoding: "utf-8",
        recordsRead: scanned + 1, recordsScanned: scanned, recordsRejected: 1)
    let run = RunInfo(version: "0.1.0", asOf: asOf, timezone: "Asia/Shanghai", inputs: [input], rules: rules)
    return LoadedReport(path: path, report: ScanReport(run: run, findings: findings))
}

/// The built `crmlint` next to the test bundle (the test target depends on it).
let crmlintBinary = TestPaths.binary

struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program and collects its output (read before waiting, so a full pipe cannot block it).
func run(
    _ executable: URL, _ arguments: [String], stdin: Data? = nil, in directory: URL = repositoryRoot,
    environment: [String: String]? = nil
) throws -> RunResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    // Standard error goes to a file, so neither pipe can fill while the other is read.
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let err = try FileHandle(forWritingTo: errURL)
    let out = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = readToEnd(out.fileHandleForReading)
    process.waitUntilExit()
    try err.close()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return RunResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

func crmlint(_ arguments: [String], stdin: Data? = nil, in directory: URL = repositoryRoot) throws -> RunResult {
    try run(crmlintBinary, arguments, stdin: stdin, in: directory)
}

func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-dashboard-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The JSON inside `<script type="application/json" id="…">…</script>`.
func embeddedJSON(_ html: String, id: String) throws -> Any {
    let open = "<script type=\"application/json\" id=\"\(id)\">"
    guard let start = html.range(of: open), let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
}
