import CrmlintCore
import CrmlintEngine
import Foundation
import TestHelpers
import Testing

@Suite("crmlint merge")
struct ReportMergerTests {
    /// The fixture with a second messages file, so it can be split into shards.
    static func folder() throws -> URL {
        let folder = try ReportFixtures.folder()
        let second = ReportFixtures.header + "n-1,C2,2024-03-18 10:00,wechat,out,customer,李四,赵六,绝对零故障\n"
        try second.write(to: folder.appendingPathComponent("exports/messages-2.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("Merging shards gives the report of one scan over all of them")
    func shardsEqualWhole() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = ["scan", "--rules", "rules.yml", "--as-of", "2024-05-01", "--format", "json"]
        _ = try CLI.run(base + ["exports/customers.csv", "exports/messages.csv", "--output", "a.json"], in: folder)
        // Every shard carries the customers table: tiers come from it.
        _ = try CLI.run(base + ["exports/customers.csv", "exports/messages-2.csv", "--output", "b.json"], in: folder)
        let merge = try CLI.run(["merge", "a.json", "b.json", "-o", "all.json"], in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        let merged = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("all.json"), encoding: .utf8))
        let whole = try ReportFixtures.decode(
            try CLI.run(base + ["exports/customers.csv", "exports/messages.csv", "exports/messages-2.csv"], in: folder).stdout)
        #expect(merged.findings == whole.findings)
        #expect(merged.summary == whole.summary)
        #expect(merged.run.inputs == whole.run.inputs)
        #expect(merged.findings.count == 4)
        #expect(merged.summary.byRep == ["王五": 2, "赵六": 2])
    }

    @Test("Overlapping reports do not count anything twice")
    func overlap() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scan = try CLI.run(ReportFixtures.scanArguments + ["--format", "json", "--output", "a.json"], in: folder)
        #expect(scan.status == 1)
        let merge = try CLI.run(["merge", "a.json", "a.json"], in: folder)
        let merged = try ReportFixtures.decode(merge.stdout)
        let single = try ReportFixtures.decode(String(contentsOf: folder.appendingPathComponent("a.json"), encoding: .utf8))
        #expect(merged.summary == single.summary)
        #expect(merged.findings == single.findings)
    }

    @Test(
        "The merged document validates against the schema and can be written as SARIF",
        .enabled(if: TestPaths.sharedTestData("sarif/sarif-schema-2.1.0.json") != nil, "SARIF schema absent"))
    func mergedFormats() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "- rule: conduct.zero-failure\n  record: m-1\n  reason: ok\n- rule: conduct.guarantee\n  record: y\n  reason: stale\n"
            .write(to: folder.appendingPathComponent("crmlint-suppressions.yml"), atomically: true, encoding: .utf8)
        let base = ["scan", "--rules", "rules.yml", "--as-of", "2024-05-01", "--format", "json"]
        _ = try CLI.run(base + ["exports/messages.csv", "--output", "a.json"], in: folder)
        _ = try CLI.run(base + ["exports/messages-2.csv", "--output", "b.json"], in: folder)
        let merged = try CLI.run(["merge", "a.json", "b.json"], in: folder)
        let document = try JSONValue.parse(merged.stdoutData)
        let errors = try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema).validate(document)
        #expect(errors.isEmpty, "\(errors)")
        let report = try ReportFixtures.decode(merged.stdout)
        // Used in shard a, unused in shard b: active overall. Unused in both: unused.
        #expect(report.suppressions?.map(\.state) == [.active, .unused])
        #expect(report.summary.suppressed == 1)
        let sarif = try CLI.run(["merge", "a.json", "b.json", "--format", "sarif"], in: folder)
        let sarifErrors = try JSONSchemaValidator(schemaFile: TestPaths.sharedTestData("sarif/sarif-schema-2.1.0.json")!)
            .validate(try JSONValue.parse(sarif.stdoutData))
        #expect(sarifErrors.isEmpty, "\(sarifErrors.prefix(3))")
    }

    @Test(
        "Unreadable or foreign reports stop with exit 2",
        arguments: [
            ("{}", "not a crmlint findings document (expected the JSON of crmlint scan --format json): no schema_version"),
            ("{\"schema_version\": \"9.0\"}", "unsupported schema_version 9.0"),
            ("[1, 2]", "not a crmlint findings document (expected the JSON of crmlint scan --format json): not a JSON object"),
        ])
    func badInput(content: String, expected: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try content.write(to: folder.appendingPathComponent("x.json"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["merge", "x.json", "-o", "out.json"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: x.json: ") && result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.json").path))
        let missing = try CLI.run(["merge", "nope.json"], in: folder)
        #expect(missing.status == 2)
    }

    @Test("A report from another major schema version is refused")
    func schemaVersion() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLI.run(ReportFixtures.scanArguments + ["--output-json", "a.json"], in: folder)
        let text = try String(contentsOf: folder.appendingPathComponent("a.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"schema_version\" : \"\(ScanReport.schemaVersion)\"", with: "\"schema_version\" : \"2.0\"")
        try text.write(to: folder.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["merge", "a.json", "b.json"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr == "error: b.json: unsupported schema_version 2.0 (this crmlint reads \(ScanReport.schemaVersion))\n",
            "\(result.stderr)")
    }
}
