import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintReporters

/// Reporters write a finding at a time (`write(_:findings:to:)`), so a scan never holds a large report in memory.
/// What they write must be the bytes of the document encoded at once, which is what they wrote before.
@Suite struct StreamingReportersTests {
    /// Findings read from something that is not an array, as a scan's spilled findings are.
    struct OtherSource: FindingSource {
        let findings: [Finding]
        var count: Int { findings.count }
        func forEachFinding(_ body: (Finding) throws -> Void) throws { for finding in findings { try body(finding) } }
    }

    static func reports() -> [ScanReport] {
        [
            SampleReports.report(), SampleReports.report([]),
            SampleReports.report(suppressions: SampleReports.staleSuppressions, baselined: 3),
            SampleReports.report(RandomFindings.make(300, seed: 7)), SampleReports.report(RandomFindings.make(1, seed: 8)),
        ]
    }

    @Test func jsonIsTheWholeReportEncodedAtOnce() throws {
        for report in Self.reports() {
            let whole = String(decoding: try JSONReporter.encoder().encode(report), as: UTF8.self) + "\n"
            #expect(JSONReporter().render(report) == whole)
            let sink = StringSink()
            var empty = report
            empty.findings = []
            try JSONReporter().write(empty, findings: OtherSource(findings: report.findings), to: sink)
            #expect(sink.text == whole)
            // A sink that takes the reporter's bytes as they are (a report file) gets the same document.
            let bytes = ByteSink()
            try JSONReporter().write(empty, findings: OtherSource(findings: report.findings), to: bytes)
            #expect(String(decoding: bytes.bytes, as: UTF8.self) == whole)
        }
    }

    /// Keeps what it is given as bytes, as `ReportFile` does.
    final class ByteSink: ReportSink {
        var bytes: [UInt8] = []
        func write(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }
    }

    @Test func sarifIsTheWholeLogEncodedAtOnce() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        for report in Self.reports() {
            let reporter = SARIFReporter(root: "/work/exports")
            // The log as one value: results in place, each built by the same function the stream uses.
            var builtIn: [Finding] = []
            var known = Set(report.run.rules.map(\.id))
            for finding in report.findings where known.insert(finding.rule).inserted { builtIn.append(finding) }
            let descriptors = SARIFReporter.descriptors(report, builtIn: builtIn)
            let index = Dictionary(uniqueKeysWithValues: descriptors.enumerated().map { ($1.id, $0) })
            let paths = ArtifactPaths(root: reporter.root)
            let empty = reporter.log(report, descriptors: descriptors).runs[0]
            let run = SARIFReporter.Run(
                tool: empty.tool, originalUriBaseIds: empty.originalUriBaseIds, columnKind: empty.columnKind,
                invocations: empty.invocations,
                results: report.findings.map {
                    SARIFReporter.result($0, ruleIndex: index[$0.rule]!, baselined: report.summary.baselined != nil, paths: paths)
                },
                properties: empty.properties)
            let log = SARIFReporter.Log(schema: SARIFReporter.schemaURI, version: "2.1.0", runs: [run])
            let whole = String(decoding: try encoder.encode(log), as: UTF8.self) + "\n"
            #expect(reporter.render(report) == whole)
        }
    }

    /// Findings that are not in file order (a partition's) are grouped by file, each file's in the order given:
    /// the same XML as for the findings sorted by file.
    @Test func junitGroupsFindingsNotInFileOrder() throws {
        let report = SampleReports.report(RandomFindings.make(60, seed: 11))
        var byFile: [String: [Finding]] = [:]
        for finding in report.findings { byFile[finding.file, default: []].append(finding) }
        // Files interleaved, each file's findings still in their order.
        var interleaved: [Finding] = []
        var queues = byFile.keys.sorted().reversed().map { byFile[$0]! }
        while queues.contains(where: { !$0.isEmpty }) {
            for index in queues.indices where !queues[index].isEmpty { interleaved.append(queues[index].removeFirst()) }
        }
        #expect(interleaved.map(\.file) != report.findings.map(\.file))
        var shuffled = report
        shuffled.findings = interleaved
        let reporter = JUnitReporter(failOn: .warning)
        #expect(reporter.render(shuffled) == reporter.render(report))
        #expect(reporter.render(report).contains("name=\"no findings\""))
    }

    /// Every format writes the same bytes from a finding source as it renders from the report.
    @Test func everyFormatWritesWhatItRenders() throws {
        for report in Self.reports() {
            var empty = report
            empty.findings = []
            for type in Reporters.all {
                let reporter = type.init(settings: ReportSettings(showExcerpts: true, failOn: .warning))
                let sink = StringSink()
                try reporter.write(empty, findings: OtherSource(findings: report.findings), to: sink)
                #expect(sink.text == reporter.render(report), "\(type.formatName)")
            }
        }
    }
}
