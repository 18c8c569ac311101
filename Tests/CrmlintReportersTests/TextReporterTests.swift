import CrmlintCore
import Foundation
import Testing

@testable import CrmlintReporters

@Suite("Text reporter: finding lines, then the summary")
struct TextReporterTests {
    /// `count` findings of `rule` in `category` at `severity`.
    func findings(_ rule: String, _ category: CrmlintCore.Category, _ severity: Severity, _ count: Int) -> [Finding] {
        (0..<count).map { index in
            Finding(
                rule: rule, category: category, severity: severity, message: "m", file: "a.csv", line: index + 2,
                fingerprint: Fingerprint.make([rule, String(index)]))
        }
    }

    @Test("Counts by severity and category, the top 10 rules, notes, then the totals line")
    func summaryBlock() {
        var all = findings("r.info", .sensitiveTopic, .info, 5) + findings("r.error", .bribery, .error, 2)
        for index in 0..<10 { all += findings("r.warn\(index)", .lateLog, .warning, 1) }
        var report = SampleReports.report(all)
        report.addNote(RunNote(kind: RunNote.recordsAfterAsOf, message: "3 records are dated after --as-of", count: 3))
        let lines = TextReporter().render(report).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let summary = Array(lines.drop { !$0.hasPrefix("by severity:") })
        #expect(
            summary == [
                "by severity: 2 errors, 10 warnings, 5 info",
                "by category: late-log 10, sensitive-topic 5, bribery 2",
                "by rule (top 10 of 12):",
                "  5  r.info",
                "  2  r.error",
                "  1  r.warn0", "  1  r.warn1", "  1  r.warn2", "  1  r.warn3", "  1  r.warn4", "  1  r.warn5", "  1  r.warn6",
                "  1  r.warn7",
                "note: 3 records are dated after --as-of",
                "17 findings (2 errors, 10 warnings, 5 info) in \(report.run.inputs.count) file\(report.run.inputs.count == 1 ? "" : "s"); records: "
                    + "\(report.summary.records.read) read, \(report.summary.records.scanned) scanned, \(report.summary.records.rejected) rejected",
                "",
            ])
        // The findings come first, a blank line before the summary.
        #expect(lines.first == "a.csv:2: error: m [r.error]")
        #expect(lines[all.count] == "")
    }

    @Test("--quiet: the summary alone")
    func quiet() {
        let report = SampleReports.report(findings("r.error", .bribery, .error, 1))
        let text = TextReporter(quiet: true).render(report)
        #expect(
            text.hasPrefix("by severity: 1 error\nby category: bribery 1\nby rule:\n  1  r.error\n1 finding (1 error, 0 warnings, 0 info)"),
            "\(text)")
    }

    @Test("No findings: the totals line only")
    func empty() {
        let text = TextReporter().render(SampleReports.report([]))
        #expect(text.hasPrefix("0 findings (0 errors, 0 warnings, 0 info)"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
    }
}
