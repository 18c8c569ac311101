import CrmlintCore
import CrmlintEngine
import Foundation
import TestHelpers
import Testing

@Suite("Baselines: only new findings")
struct BaselineTests {
    @Test("Rows moving (new rows above, reordering) do not make old findings new")
    func survivesMovedLines() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try CLI.run(ReportFixtures.scanArguments + ["--output-json", "baseline.json"], in: folder)
        #expect(first.status == 1)
        let baseline = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("baseline.json"), encoding: .utf8))
        #expect(baseline.findings.count == 3)
        // Same records, new clean rows in front and the order reversed: every line number changes.
        let moved =
            ["m-0,C9,2024-03-14 09:00,phone,out,customer,孙八,赵六,问候\n", "m-00,C9,2024-03-14 10:00,phone,out,customer,孙八,赵六,回访\n"]
            + ReportFixtures.rows.reversed()
        try (ReportFixtures.header + moved.joined()).write(
            to: folder.appendingPathComponent("exports/messages.csv"), atomically: true, encoding: .utf8)
        let again = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "baseline.json", "--format", "json"], in: folder)
        let report = try ReportFixtures.decode(again.stdout)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.rule) \($0.line)" })")
        #expect(report.summary.baselined == 3)
        #expect(again.status == 0)
        // Without the baseline the same scan reports all three, on new lines.
        let plain = try ReportFixtures.decode(try CLI.run(ReportFixtures.scanArguments + ["--format", "json"], in: folder).stdout)
        #expect(Set(plain.findings.map(\.fingerprint)) == Set(baseline.findings.map(\.fingerprint)))
        #expect(Set(plain.findings.map(\.line)) != Set(baseline.findings.map(\.line)))
    }

    @Test("A new violation is reported, old ones are not; the exit status follows the new ones")
    func reportsOnlyNew() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLI.run(ReportFixtures.scanArguments + ["--output-json", "baseline.json"], in: folder)
        let added = ReportFixtures.rows + ["m-5,C2,2024-03-17 10:00,wechat,out,customer,李四,王五,本产品零故障运行十年\n"]
        try (ReportFixtures.header + added.joined()).write(
            to: folder.appendingPathComponent("exports/messages.csv"), atomically: true, encoding: .utf8)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "baseline.json", "--format", "json"], in: folder)
        let report = try ReportFixtures.decode(result.stdout)
        #expect(report.findings.map(\.recordId) == ["m-5"])
        #expect(report.summary.findings == 1 && report.summary.baselined == 3)
        #expect(result.status == 1)
        let text = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "baseline.json"], in: folder)
        #expect(text.stdout.contains("3 already in the baseline"))
    }

    @Test("--write-baseline keeps every finding, so tomorrow's baseline is complete")
    func writeBaseline() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLI.run(ReportFixtures.scanArguments + ["--output-json", "old.json", "--select", "conduct.zero-failure"], in: folder)
        let result = try CLI.run(
            ReportFixtures.scanArguments + ["--baseline", "old.json", "--write-baseline", "new.json", "--format", "json"], in: folder)
        #expect(try ReportFixtures.decode(result.stdout).findings.count == 2) // the two not in old.json
        let next = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("new.json"), encoding: .utf8))
        #expect(next.findings.count == 3)
    }

    @Test("Matching counts occurrences: a fingerprint seen twice now but once before is new once")
    func countAware() {
        var baseline = Baseline(path: "b.json", fingerprints: ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"])
        let finding = Finding(
            rule: "r", category: .exaggeration, severity: .error, message: "m", file: "f", line: 1, fingerprint: "aaaaaaaaaaaaaaaa")
        let first = baseline.absorbs(finding), second = baseline.absorbs(finding)
        #expect(first && !second)
        var other = finding
        other.fingerprint = "cccccccccccccccc"
        let unknown = baseline.absorbs(other)
        #expect(!unknown)
        #expect(baseline.absorbed == 1)
    }

    @Test(
        "A baseline that is not a findings report is a clear error",
        arguments: [
            ("{\"schema_version\": \"2.0\", \"findings\": []}", "unsupported schema_version 2.0 (this crmlint reads"),
            (
                "not json at all",
                "not a crmlint findings document (expected the JSON of crmlint scan --format json), or its JSON Lines: line 1 is neither"
            ),
            ("", ""),
        ])
    func badBaseline(content: String, expected: String) throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try content.write(to: folder.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "b.json"], in: folder)
        if content.isEmpty {
            // An empty file is an empty JSON Lines baseline: nothing is old.
            #expect(result.status == 1)
            #expect(result.stdout.contains("0 already in the baseline"))
        } else {
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("error: b.json: ") && result.stderr.contains(expected), "\(result.stderr)")
        }
    }

    @Test("A JSON Lines report works as a baseline too")
    func jsonLinesBaseline() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLI.run(ReportFixtures.scanArguments + ["--output-jsonl", "b.jsonl"], in: folder)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "b.jsonl", "--format", "json"], in: folder)
        #expect(try ReportFixtures.decode(result.stdout).findings.isEmpty)
        #expect(result.status == 0)
    }

    /// The README's nightly recipe, two nights running in one folder: the first finds no
    /// baseline yet (a note, not an error), the second reports only what is new.
    @Test("First night: a missing baseline is empty and noted; the second night reports only the new finding")
    func firstNightThenSecond() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["state", "reports"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        func night(_ day: String) throws -> (result: CLIResult, report: ScanReport) {
            let result = try CLI.run(
                [
                    "scan", "exports/", "--rules", "rules.yml", "--as-of", day,
                    "--baseline", "state/baseline.json", "--write-baseline", "state/baseline.json",
                    "--output-json", "reports/\(day).json",
                ], in: folder)
            let json = try String(contentsOf: folder.appendingPathComponent("reports/\(day).json"), encoding: .utf8)
            let errors = try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema).validate(try JSONValue.parse(json))
            #expect(errors.isEmpty, "\(errors.prefix(5))")
            return (result, try ReportFixtures.decode(json))
        }

        let first = try night("2024-05-01")
        #expect(first.result.status == 1, "\(first.result.stderr)")
        #expect(first.result.stderr.isEmpty, "a first night is not an error: \(first.result.stderr)")
        #expect(first.report.findings.count == 3)
        #expect(first.report.summary.baselined == 0)
        #expect(first.report.notes?.map(\.kind) == [RunNote.baselineMissing])
        #expect(first.result.stdout.contains("note: baseline state/baseline.json does not exist yet"), "\(first.result.stdout)")
        let written = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("state/baseline.json"), encoding: .utf8))
        #expect(written.findings.count == 3)

        let added = ReportFixtures.rows + ["m-5,C2,2024-03-17 10:00,wechat,out,customer,李四,王五,本产品零故障运行十年\n"]
        try (ReportFixtures.header + added.joined()).write(
            to: folder.appendingPathComponent("exports/messages.csv"), atomically: true, encoding: .utf8)
        let second = try night("2024-05-02")
        #expect(second.result.status == 1)
        #expect(second.report.findings.map(\.recordId) == ["m-5"])
        #expect(second.report.summary.baselined == 3)
        #expect(second.report.notes == nil)
        #expect(!second.result.stdout.contains("note:"))
        let next = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("state/baseline.json"), encoding: .utf8))
        #expect(next.findings.count == 4, "tomorrow's baseline holds every finding, new or not")
    }

    @Test("--baseline-required keeps a missing baseline an error (exit 2, one line)")
    func baselineRequired() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + ["--baseline", "missing.json", "--baseline-required"], in: folder)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: missing.json: no such baseline file (--baseline-required)\n", "\(result.stderr)")
        let alone = try CLI.run(ReportFixtures.scanArguments + ["--baseline-required"], in: folder)
        #expect(alone.status == 2)
        #expect(alone.stderr.hasPrefix("error: --baseline-required needs --baseline FILE"), "\(alone.stderr)")
    }
}
