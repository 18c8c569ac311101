import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine

@Suite("Suppressions: reasons, expiry, stale entries")
struct SuppressionsTests {
    /// The fingerprint of the phone finding (m-2) from a plain scan of the fixture.
    static func fingerprints(in folder: URL) throws -> [String: String] {
        let report = try ReportFixtures.decode(try CLI.run(ReportFixtures.scanArguments + ["--format", "json"], in: folder).stdout)
        return Dictionary(uniqueKeysWithValues: report.findings.map { ($0.recordId ?? "", $0.fingerprint) })
    }

    @Test("Entries by fingerprint, by rule and record, by rule and path hide findings and are counted")
    func suppresses() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let prints = try Self.fingerprints(in: folder)
        try """
        - fingerprint: \(prints["m-2"]!)
          reason: 客户书面同意 (ticket CRM-12)
          owner: 王五
        - rule: conduct.zero-failure
          record: m-1
          reason: quoted from the manual
        - rule: conduct.*
          path: "*.csv"
          reason: legacy wording, cleaned next quarter
          expires: 2024-12-31
        """.write(to: folder.appendingPathComponent("exports/crmlint-suppressions.yml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", "json"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let report = try ReportFixtures.decode(result.stdout)
        #expect(report.findings.isEmpty)
        #expect(report.summary.suppressed == 3)
        let states = try #require(report.suppressions)
        #expect(states.map(\.state) == [.active, .active, .active])
        // The fingerprint entry took m-2; the record entry m-1; the path entry (listed last) only m-4.
        #expect(states.map(\.matched) == [1, 1, 1])
        #expect(states.map(\.line) == [1, 4, 7])
        #expect(states[0].file == "exports/crmlint-suppressions.yml")
        #expect(states[0].owner == "王五")
    }

    @Test("An expired entry stops hiding and says so; an unused one is reported")
    func expiredAndUnused() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        - rule: conduct.zero-failure
          record: m-1
          reason: accepted until the brochure is reprinted
          expires: 2024-04-30
        - rule: conduct.zero-failure
          record: m-999
          reason: that record was deleted long ago
        - rule: contact.phone-in-text
          path: archive/*.csv
          reason: archived exports
        """.write(to: folder.appendingPathComponent("crmlint-suppressions.yml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", "json"], in: folder)
        let report = try ReportFixtures.decode(result.stdout)
        // --as-of 2024-05-01 is the day after expiry: m-1 is reported again.
        #expect(report.findings.contains { $0.recordId == "m-1" })
        #expect(result.status == 1)
        #expect(report.suppressions?.map(\.state) == [.expired, .unused, .outOfScope])
        #expect(report.suppressions?[0].matched == 1)
        let warnings = result.stderr.split(separator: "\n").map(String.init)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(
            warnings.contains {
                $0.hasPrefix("crmlint-suppressions.yml:1: warning: suppression expired on 2024-04-30; 1 finding is reported again")
            })
        #expect(warnings.contains { $0.hasPrefix("crmlint-suppressions.yml:5: warning: suppression matched no finding") })
        // On its last day the entry still holds.
        let lastDay = try CLI.run(["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-04-30", "--format", "json"], in: folder)
        #expect(try ReportFixtures.decode(lastDay.stdout).findings.contains { $0.recordId == "m-1" } == false)
    }

    @Test("--no-suppressions reports everything; --suppressions FILE replaces discovery")
    func flags() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "- rule: conduct.zero-failure\n  record: m-1\n  reason: ok\n"
            .write(to: folder.appendingPathComponent("exports/crmlint-suppressions.yml"), atomically: true, encoding: .utf8)
        try "- rule: conduct.guarantee\n  record: m-4\n  reason: ok\n"
            .write(to: folder.appendingPathComponent("other.yml"), atomically: true, encoding: .utf8)
        let none = try ReportFixtures.decode(
            try CLI.run(ReportFixtures.scanArguments + ["--format", "json", "--no-suppressions"], in: folder).stdout)
        #expect(none.findings.count == 3 && none.suppressions == nil && none.summary.suppressed == nil)
        let explicit = try ReportFixtures.decode(
            try CLI.run(ReportFixtures.scanArguments + ["--format", "json", "--suppressions", "other.yml"], in: folder).stdout)
        #expect(explicit.findings.compactMap(\.recordId).sorted() == ["m-1", "m-2"])
    }

    @Test(
        "Mistakes in the file stop the run with file:line",
        arguments: [
            ("- rule: conduct.zero-failure\n  record: m-1\n", "crmlint-suppressions.yml:1:3: suppression: every entry needs a 'reason'"),
            (
                "- rule: conduct.zero-failure\n  reason: too broad\n",
                "crmlint-suppressions.yml:1:3: suppression: an entry needs 'fingerprint', or 'rule' with"
            ),
            ("- fingerprint: abc\n  reason: r\n", "crmlint-suppressions.yml:1:3: suppression: fingerprint 'abc' is not"),
            (
                "- rule: r\n  record: m\n  reason: r\n  expires: 2024-02-30\n",
                "crmlint-suppressions.yml:1:3: suppression: expires '2024-02-30' is not a date"
            ),
            (
                "- rule: r\n  record: m\n  reason: r\n  until: 2024-01-01\n",
                "crmlint-suppressions.yml:4:3: suppression: unknown key 'until'"
            ),
            ("rule: r\n", "crmlint-suppressions.yml:1:1: a suppressions file must be a YAML list"),
        ])
    func badFile(content: String, expected: String) throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try content.write(to: folder.appendingPathComponent("crmlint-suppressions.yml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(ReportFixtures.scanArguments, in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: " + expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("Reasons are masked like any other output")
    func reasonRedacted() throws {
        let entries = try Suppressions.parse("- rule: r\n  record: m\n  reason: 客户 \(ReportFixtures.phone) 同意\n", file: "s.yml")
        #expect(!entries[0].reason.contains(ReportFixtures.phone))
        #expect(entries[0].reason.contains("5678"))
    }

    @Test("Globs match from where crmlint runs or from the suppressions file's folder")
    func globs() throws {
        let entries = try Suppressions.parse(
            """
            - rule: r
              path: "*.csv"
              reason: name only
            - rule: r
              path: "2024/*.csv"
              reason: relative to the file's folder
            """, file: "exports/crmlint-suppressions.yml")
        let suppressions = Suppressions(entries: entries)
        func finding(_ file: String) -> Finding {
            Finding(
                rule: "r", category: .exaggeration, severity: .error, message: "m", file: file, line: 1, fingerprint: "0000000000000001")
        }
        #expect(suppressions.matches(entries[0], finding("exports/deep/a.csv")))
        #expect(!suppressions.matches(entries[0], finding("exports/a.jsonl")))
        #expect(suppressions.matches(entries[1], finding("exports/2024/a.csv")))
        #expect(!suppressions.matches(entries[1], finding("other/2024/b/a.csv")))
    }
}
