import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// merge, dashboard and --baseline read findings documents through one
/// loader: the same document is accepted or refused with the same words.
@Suite struct FindingsDocumentTests {
    static let expected = "not a crmlint findings document (expected the JSON of crmlint scan --format json)"

    @Test(arguments: [
        ("[1, 2]", "x.json: \(expected): not a JSON object"),
        ("{}", "x.json: \(expected): no schema_version"),
        (
            "{\"schema_version\": \"2.0\", \"findings\": []}",
            "x.json: unsupported schema_version 2.0 (this crmlint reads \(ScanReport.schemaVersion))"
        ),
    ])
    func badDocumentsAreRefusedAlike(text: String, message: String) {
        let data = Data(text.utf8)
        #expect(throws: CrmlintError.input(path: "x.json", reason: String(message.dropFirst("x.json: ".count)))) {
            try FindingsDocument.decode(data, path: "x.json")
        }
        // A baseline also takes JSON Lines, so a JSON array is read as lines; the rest alike.
        if text.hasPrefix("{\"schema") {
            #expect(throws: CrmlintError.input(path: "x.json", reason: String(message.dropFirst("x.json: ".count)))) {
                try FindingsDocument.fingerprints(data, path: "x.json")
            }
        }
    }

    @Test func aReportRoundTripsAndItsFingerprintsAreRead() throws {
        let finding = Finding(
            rule: "r", category: .exaggeration, severity: .error, message: "m", file: "f.csv", line: 2, fingerprint: "aaaaaaaaaaaaaaaa")
        let report = ScanReport(
            run: RunInfo(version: "0.1.0", asOf: "2024-05-01T00:00:00+08:00", timezone: "Asia/Shanghai", inputs: [], rules: []),
            findings: [finding])
        let data = Data(JSONReporter().render(report).utf8)
        #expect(try FindingsDocument.decode(data, path: "r.json").findings == [finding])
        #expect(try FindingsDocument.fingerprints(data, path: "r.json") == ["aaaaaaaaaaaaaaaa"])
        let lines = Data(JSONLinesReporter().render(report).utf8)
        #expect(try FindingsDocument.fingerprints(lines, path: "r.jsonl") == ["aaaaaaaaaaaaaaaa"])
    }
}
