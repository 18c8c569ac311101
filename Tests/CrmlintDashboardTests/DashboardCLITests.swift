import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// End to end: `crmlint dashboard`, its output and its errors.
@Suite struct DashboardCLITests {
    /// A real findings document: the bundled corpus scanned with the bundled rules.
    func corpusFindings(in folder: URL, asOf: String = "2024-05-01T00:00:00+08:00", extra: [String] = []) throws -> URL {
        let out = folder.appendingPathComponent("findings-\(UUID().uuidString).json")
        let scan = try crmlint(["scan", "corpus", "--format", "json", "--as-of", asOf, "-o", out.path] + extra)
        #expect(scan.status == 1, "scan: \(scan.stderr)")
        return out
    }

    @Test func writesOnePageFromARealScan() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = try corpusFindings(in: folder)
        let page = folder.appendingPathComponent("dashboard.html")
        let result = try crmlint(["dashboard", findings.path, "-o", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let report = try JSONReporter.decoder().decode(ScanReport.self, from: Data(contentsOf: findings))
        let data = try #require(try embeddedJSON(html, id: "data") as? [String: Any])
        let counts = try #require(data["findings"] as? [String: Int])
        #expect(counts["total"] == report.findings.count)
        #expect(counts["error"] == report.summary.bySeverity["error"])
        let table = try #require(try embeddedJSON(html, id: "table") as? [String: Any])
        #expect(table["count"] as? Int == report.findings.count)
        // Rule explanations come from the bundled rules when --rules is not given.
        let rules = try #require(data["rules"] as? [[String: Any]])
        #expect(!rules.isEmpty && rules.allSatisfy { $0["description"] is String })
    }

    @Test func severalReportsAreComparedLatestAgainstPrevious() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Deadline and cadence findings move with --as-of (a plan due on 30 April is
        // overdue a day later); leave them out so the one change is the dropped rule. The
        // conduct model reports what no sensitive-topic rule did, so it would take up
        // what the dropped rule left: it is left out too.
        let timed = ["--ignore", "late-followup,under-contact,over-contact,conduct.model-sensitive-topic"]
        let before = try corpusFindings(in: folder, asOf: "2024-04-30T00:00:00+08:00", extra: timed)
        let after = try corpusFindings(in: folder, extra: timed + ["--ignore", "conduct.slang"])
        let dropped = try JSONReporter.decoder().decode(ScanReport.self, from: Data(contentsOf: before)).findings.filter {
            $0.rule == "conduct.slang"
        }.count
        #expect(dropped > 0)
        // Given newest first: the order comes from run.as_of.
        let result = try crmlint(["dashboard", after.path, before.path])
        #expect(result.status == 0)
        let data = try #require(try embeddedJSON(result.stdout, id: "data") as? [String: Any])
        let change = try #require(data["change"] as? [String: Any])
        #expect((change["resolved"] as? [String: Int])?["total"] == dropped)
        #expect((change["new"] as? [String: Int])?["total"] == 0)
        #expect(change["previous_path"] as? String == before.path)
    }

    @Test func readsStandardInput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = try corpusFindings(in: folder)
        let result = try crmlint(["dashboard", "-"], stdin: try Data(contentsOf: findings))
        #expect(result.status == 0)
        #expect(result.stdout.contains("<script type=\"application/json\" id=\"table\">"))
    }

    @Test func badInputsAreOneErrorLineAndExitTwo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "array.json": "[1, 2]",
            "other.json": "{\"name\": \"not findings\"}",
            "future.json": "{\"schema_version\": \"2.0\"}",
            "broken.json": "{\"schema_version\": \"1.0\", \"run\": {}}",
            "text.json": "你好 <script>",
        ]
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let expected = [
            "missing.json": "error: missing.json: no such file",
            "array.json":
                "error: array.json: not a crmlint findings document (expected the JSON of crmlint scan --format json): not a JSON object",
            "other.json":
                "error: other.json: not a crmlint findings document (expected the JSON of crmlint scan --format json): no schema_version",
            "future.json": "error: future.json: unsupported schema_version 2.0 (this crmlint reads 1.2)",
            "broken.json":
                "error: broken.json: not a crmlint findings document (expected the JSON of crmlint scan --format json): missing 'tool' in run",
            "text.json":
                "error: text.json: not a crmlint findings document (expected the JSON of crmlint scan --format json): not a JSON object",
        ]
        for (name, line) in expected {
            let result = try crmlint(["dashboard", name], in: folder)
            #expect(result.status == 2, "\(name)")
            #expect(result.stdout.isEmpty, "\(name)")
            #expect(result.stderr == line + "\n", "\(name)")
        }
        // Every bad file of one run is reported, one line each, sorted.
        let both = try crmlint(["dashboard", "missing.json", "array.json"], in: folder)
        #expect(both.status == 2)
        #expect(both.stderr.split(separator: "\n").map(String.init) == [expected["array.json"]!, expected["missing.json"]!])
    }

    @Test func badArgumentsAndOutputsAreExitTwo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = try corpusFindings(in: folder)
        let none = try crmlint(["dashboard"])
        #expect(none.status == 2)
        #expect(none.stderr.split(separator: "\n").count == 1)
        #expect(none.stderr.hasPrefix("error: no findings files"))

        let unwritable = try crmlint(["dashboard", findings.path, "-o", "/nonexistent-dir/d.html"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.split(separator: "\n").count == 1)
        #expect(unwritable.stderr.hasPrefix("error: cannot write /nonexistent-dir/d.html"))

        let rules = try crmlint(["dashboard", findings.path, "--rules", "no-such-rules"])
        #expect(rules.status == 2)
        #expect(rules.stderr == "error: no-such-rules: no such rules file or folder\n")
    }

    /// Issue #12: the By-rule panel showed `tier {tier} customer contacted on {count} days`.
    @Test func noRawPlaceholderReachesThePageForRuleTitles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = folder.appendingPathComponent("r.json").path, page = folder.appendingPathComponent("d.html").path
        let scan = try crmlint(["scan", "corpus", "--format", "json", "--as-of", "2024-05-01T00:00:00+08:00", "-o", findings])
        #expect(scan.status == 1, "\(scan.stderr)")
        let built = try crmlint(["dashboard", findings, "-o", page])
        #expect(built.status == 0, "\(built.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let data = try #require(try embeddedJSON(html, id: "data") as? [String: Any])
        let rules = try #require(data["rules"] as? [[String: Any]])
        #expect(rules.contains { ($0["id"] as? String) == "frequency.cadence-excess" }, "the corpus should exercise a templated rule")
        let placeholder = try NSRegularExpression(pattern: "\\{[A-Za-z_][A-Za-z0-9_]*\\}")
        for rule in rules {
            for key in ["message", "description"] {
                guard let text = rule[key] as? String else { continue }
                let hit = placeholder.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                #expect(hit == nil, "\(rule["id"] ?? "?") \(key): \(text)")
            }
        }
    }
}
