import CrmlintCore
import CrmlintEngine
import CrmlintRules
import Foundation
import TestHelpers
import Testing

/// The repository root, found from this file.
enum PIIRepo {
    static let root = TestPaths.repoRoot
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Rows of a generated TSV file (comment lines skipped).
    static func rows(_ relative: String) throws -> [[String]] {
        try String(contentsOfFile: path(relative), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Rule id → detector name, from the default P1 rules.
    static func detectorsByRule() throws -> [String: String] {
        let rules = try RuleLoader.load(paths: [path("rules/P1-contact-leak.yml")])
        var map: [String: String] = [:]
        for rule in rules { if let contact = rule as? ContactDetailRule { map[rule.metadata.id] = contact.detector.name } }
        return map
    }
}

/// Precision and recall of each detector on the labelled corpus
/// (corpus/pii/messages.jsonl, labels in Tests/CorpusExpectations/pii-labels.tsv,
/// both from scripts/gen_pii_corpus.py).
@Suite struct PIICorpusTests {
    struct Key: Hashable { let record: String; let detector: String }

    func scan() throws -> ScanReport {
        var options = ScanOptions(paths: [PIIRepo.path("corpus/pii/messages.jsonl")])
        options.rulePaths = [PIIRepo.path("rules/P1-contact-leak.yml")]
        options.configPath = PIIRepo.path("Tests/CorpusExpectations/pii-crmlint.yml")
        options.asOf = "2024-05-01"
        return try Scanner.scan(options)
    }

    @Test func precisionAndRecallPerDetectorAtLeast95Percent() throws {
        let labels = try PIIRepo.rows("Tests/CorpusExpectations/pii-labels.tsv")
        let detectors = try PIIRepo.detectorsByRule()
        let report = try scan()
        #expect(report.summary.records.scanned >= 300)
        #expect(!report.findings.contains { $0.category == .inputError })

        var expected: [Key: Int] = [:]
        for row in labels { expected[Key(record: row[0], detector: row[1]), default: 0] += 1 }
        var found: [Key: Int] = [:]
        for finding in report.findings where finding.category == .piiLeak {
            let detector = try #require(detectors[finding.rule], "finding from unknown rule \(finding.rule)")
            found[Key(record: finding.recordId ?? "?", detector: detector), default: 0] += 1
        }
        var lines = ["detector          labelled  found  TP  FP  FN  precision  recall"]
        for detector in Set(detectors.values).sorted() {
            var truePositives = 0, falsePositives = 0, falseNegatives = 0
            for key in Set(expected.keys).union(found.keys) where key.detector == detector {
                let want = expected[key] ?? 0, got = found[key] ?? 0
                truePositives += min(want, got)
                falsePositives += max(0, got - want)
                falseNegatives += max(0, want - got)
                if got != want { lines.append("  \(key.record) \(detector): labelled \(want), found \(got)") }
            }
            let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
            let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
            lines.append(
                detector.padding(toLength: 16, withPad: " ", startingAt: 0)
                    + String(
                        format: "  %8d  %5d  %3d  %2d  %2d  %9.3f  %6.3f", truePositives + falseNegatives,
                        truePositives + falsePositives, truePositives, falsePositives, falseNegatives, precision, recall))
            #expect(truePositives + falseNegatives >= 25, "too few labelled \(detector) details to measure")
            #expect(precision >= 0.95, "\(detector) precision \(precision)")
            #expect(recall >= 0.95, "\(detector) recall \(recall)")
        }
        print("PII corpus, precision and recall per detector:\n" + lines.joined(separator: "\n"))
    }

    @Test func findingsCarryTheExpectedMaskAndNeverTheValue() throws {
        let labels = try PIIRepo.rows("Tests/CorpusExpectations/pii-labels.tsv")
        let detectors = try PIIRepo.detectorsByRule()
        let report = try scan()
        var missing: [String] = []
        for row in labels {
            // Excerpts are one line: white space shows as plain spaces.
            let masked = String(String.UnicodeScalarView(row[3].unicodeScalars.map { $0.properties.isWhitespace ? " " : $0 }))
            let (record, detector, typed) = (row[0], row[1], row[2])
            let excerpts = report.findings.filter { $0.recordId == record && detectors[$0.rule] == detector }.compactMap(\.excerpt)
            if !excerpts.contains(where: { $0.contains(masked) }) { missing.append("\(record) \(detector): \(masked)") }
            #expect(!excerpts.contains { $0.contains(typed) }, "\(record): raw \(detector) value in an excerpt")
        }
        #expect(missing.isEmpty, "expected masked forms not shown: \(missing.prefix(10))")
    }
}
