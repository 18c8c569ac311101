import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintReporters

/// `SARIFResultJSON` stands in for JSONEncoder (and indenting its lines) when the SARIF reporter writes results:
/// its bytes must be the encoder's.
@Suite struct SARIFResultJSONTests {
    static let indent = "        "

    /// What the reporter wrote before: the result encoded alone, every line moved to the result's depth.
    static func encoded(_ result: SARIFReporter.Result) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return JSONReporter.indented(String(decoding: try encoder.encode(result), as: UTF8.self), by: indent)
    }

    static func written(_ result: SARIFReporter.Result) -> String {
        var out = Array(indent.utf8)
        SARIFResultJSON.write(result, into: &out, indent: Array(indent.utf8))
        return String(decoding: out, as: UTF8.self)
    }

    @Test func resultsOfRandomFindingsAreTheEncoders() throws {
        let paths = ArtifactPaths(root: "/srv/exports")
        var findings = FindingJSONTests.findings()
        // Paths inside the root, outside it (a file URI, no base), and a stream's name.
        for (index, file) in ["/srv/exports/a b.csv", "/elsewhere/客户.csv", "<stdin>"].enumerated() {
            findings[index].file = file
        }
        for (index, finding) in findings.enumerated() {
            for baselined in [false, true] {
                let result = SARIFReporter.result(finding, ruleIndex: index, baselined: baselined, paths: paths)
                #expect(Self.written(result) == (try Self.encoded(result)), "finding \(index), baselined \(baselined)")
            }
        }
    }

    /// Lists the reporter never leaves empty today, written as the encoder writes empty ones all the same.
    @Test func emptyListsAreTheEncoders() throws {
        let location = SARIFReporter.Location(
            id: 7,
            physicalLocation: .init(artifactLocation: .init(uri: "x.csv", uriBaseId: nil), region: .init(startLine: 3, startColumn: nil)),
            message: .init(text: "m"))
        let result = SARIFReporter.Result(
            ruleId: "r", ruleIndex: 0, level: "note", message: .init(text: ""), locations: [],
            partialFingerprints: ["b/x": "2", "a": "1"], relatedLocations: [location], baselineState: nil,
            properties: ["tags": .strings([]), "count": .int(-5), "note": .string("\"/\\")])
        #expect(Self.written(result) == (try Self.encoded(result)))
    }
}
