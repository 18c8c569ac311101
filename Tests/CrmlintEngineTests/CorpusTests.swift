import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// The bundled sample export against labels written by its generator
/// (`scripts/gen_corpus.py` knows what it injected), not by crmlint.
@Suite struct CorpusTests {
    static let asOf = "2024-05-01T00:00:00+08:00"

    func scanCorpus(_ extra: [String] = []) throws -> ScanReport {
        let result = try crmlint(["scan", "corpus", "--format", "json", "--as-of", Self.asOf] + extra)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        return try JSONReporter.decoder().decode(ScanReport.self, from: result.stdoutBytes)
    }

    /// (file, record id, rule or category) lines of a labels file, header skipped.
    func labels(_ name: String) throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/CorpusExpectations/\(name)"), encoding: .utf8)
        return Set(text.split(separator: "\n").dropFirst().map(String.init))
    }

    @Test func conductFindingsEqualTheGeneratorsLabels() throws {
        // By category: the generator knows what kind of violation it injected, not which rule of the pack words it.
        let conduct: Set<Category> = [.exaggeration, .overpromise, .bribery, .sensitiveTopic, .assumption, .cancellation]
        let report = try scanCorpus(["--select", conduct.map(\.rawValue).sorted().joined(separator: ",")])
        let found = Set(
            report.findings.filter { conduct.contains($0.category) }.map { "\($0.file)\t\($0.recordId ?? "")\t\($0.category.rawValue)" })
        let expected = try labels("conduct.tsv")
        #expect(expected.count > 50)
        #expect(found.subtracting(expected).sorted() == [], "findings the labels do not expect (false positives)")
        #expect(expected.subtracting(found).sorted() == [], "labelled violations not found (misses)")
    }

    @Test func corpusIsReadWithoutLoss() throws {
        let report = try scanCorpus()
        #expect(report.summary.records.read > 300)
        #expect(report.summary.records.read == report.summary.records.scanned + report.summary.records.rejected)
        #expect(Set(report.run.inputs.compactMap(\.dataset)) == Set(Dataset.allCases))
        let gb = report.run.inputs.first { $0.path == "corpus/customers.csv" }
        #expect(gb?.encoding == "gb18030")
    }

    @Test func scanIsByteIdenticalAcrossRuns() throws {
        let arguments = ["scan", "corpus", "--format", "json", "--as-of", Self.asOf]
        #expect(try crmlint(arguments).stdoutBytes == crmlint(arguments).stdoutBytes)
    }

    /// The whole report, byte for byte: catches any unintended change of
    /// output (messages, excerpts, order, summary). Regenerate with
    /// scripts/update-corpus-expectation after an intended one.
    @Test func fullReportEqualsTheCheckedInExpectation() throws {
        let result = try crmlint(["scan", "corpus", "--format", "json", "--as-of", Self.asOf, "--no-suppressions"])
        let expected = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/CorpusExpectations/corpus-scan.json"))
        #expect(result.stdoutBytes == expected, "corpus scan differs from Tests/CorpusExpectations/corpus-scan.json")
    }
}
