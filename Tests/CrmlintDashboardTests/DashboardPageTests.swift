import CrmlintCore
import Foundation
import Testing

@testable import CrmlintDashboard

/// Values a hostile export (or a hostile rule file) could put into a report.
let hostileValues = [
    "</script><script>document.title='PWNED'</script>",
    "\"><img src=x onerror=\"document.title='PWNED'\">",
    "<svg onload=alert(1)>",
    "<!--<script>",
    "a\u{2028}b\u{2029}c & d > e",
    "\\u003c/script\\u003e",
    "https://evil.example/x.js",
]

/// A report in which every string field carries hostile text.
func hostileReports() -> [LoadedReport] {
    let findings = hostileValues.enumerated().map { index, value in
        Finding(
            rule: "x.\(value)", category: .sensitiveTopic, severity: .warning, message: "message \(value)", file: "data/\(value).csv",
            line: index + 2, dataset: .messages, recordId: "R\(value)", customerId: "C\(value)", rep: "rep\(value)", tier: value,
            day: value, field: "f\(value)", column: 3, excerpt: "excerpt \(value)", fingerprint: "fp\(index)",
            related: [RelatedLocation(file: value, line: 1, recordId: value, note: value)])
    }
    let input = InputSummary(
        path: "in/\(hostileValues[0])", dataset: .messages, format: "csv", encoding: hostileValues[1],
        recordsRead: 10, recordsScanned: 10, recordsRejected: 0)
    let previousRun = RunInfo(
        version: hostileValues[1], asOf: "2024-04-30T00:00:00+08:00", timezone: hostileValues[0], inputs: [input], rules: [])
    let latestRun = RunInfo(
        version: hostileValues[1], asOf: "2024-05-01T00:00:00+08:00", timezone: hostileValues[0], inputs: [input], rules: [])
    // Two reports so the change, resolved rows and trend are drawn as well.
    return [
        LoadedReport(
            path: "old-\(hostileValues[0]).json",
            report: ScanReport(
                run: previousRun,
                findings: Array(findings.dropFirst(2)) + [
                    finding("gone", rule: hostileValues[2], rep: hostileValues[3], customer: hostileValues[1], message: hostileValues[0])
                ])),
        LoadedReport(path: "new-\(hostileValues[1]).json", report: ScanReport(run: latestRun, findings: findings)),
    ]
}

func hostilePage() -> String {
    let texts = Dictionary(uniqueKeysWithValues: hostileValues.map { ("x.\($0)", RuleText(message: $0, description: $0, policy: $0)) })
    return DashboardPage.render(DashboardModel(reports: hostileReports(), rules: texts))
}

func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// The page with the two JSON data elements cut out: what is left is the
/// template, style and script, which must be the same whatever the data.
func pageWithoutData(_ html: String) -> String {
    var out = html
    for id in ["data", "table"] {
        let open = "<script type=\"application/json\" id=\"\(id)\">"
        guard let start = out.range(of: open), let end = out.range(of: "</script>", range: start.upperBound..<out.endIndex) else {
            continue
        }
        out.replaceSubrange(start.upperBound..<end.lowerBound, with: "")
    }
    return out
}

@Suite struct DashboardPageTests {
    @Test func hostileValuesNeverAppearAsMarkup() throws {
        let html = hostilePage()
        // Exactly the template's three script elements (data, table, code), however many values try to open or close one.
        #expect(occurrences(of: "<script", in: html.lowercased()) == 3)
        #expect(occurrences(of: "</script", in: html.lowercased()) == 3)
        for tag in ["<img", "<svg", "<!--", "<iframe"] {
            #expect(!html.lowercased().contains(tag), "found \(tag)")
        }
        #expect(!html.contains("\u{2028}") && !html.contains("\u{2029}"))
        // Outside the data, the page is the same as for harmless data.
        let harmless = DashboardPage.render(DashboardModel(reports: [report([finding("M1")])]))
        #expect(pageWithoutData(html) == pageWithoutData(harmless))
    }

    @Test func hostileValuesSurviveTheEscapingUnchanged() throws {
        let html = hostilePage()
        let table = try #require(try embeddedJSON(html, id: "table") as? [String: Any])
        let strings = try #require(table["strings"] as? [String])
        for value in hostileValues {
            #expect(strings.contains("message \(value)"))
            #expect(strings.contains("excerpt \(value)"))
            #expect(strings.contains("rep\(value)"))
        }
        let data = try #require(try embeddedJSON(html, id: "data") as? [String: Any])
        #expect(data["timezone"] as? String == hostileValues[0])
        let rules = try #require(data["rules"] as? [[String: Any]])
        #expect(rules.contains { $0["description"] as? String == hostileValues[1] })
    }

    @Test func scriptSafeEscapesWhatCouldEndTheElement() {
        let json = Array("{\"a\":\"</script>&\u{2028}\u{2029}é\"}".utf8)
        #expect(DashboardPage.scriptSafe(json) == "{\"a\":\"\\u003c/script\\u003e\\u0026\\u2028\\u2029é\"}")
    }

    @Test func handWrittenTableJSONDecodesToTheSameTable() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} emoji 😀 中文"
        let model = DashboardModel(reports: [
            report([
                finding("M1", rep: tricky, excerpt: tricky),
                finding("M2", rep: nil, customer: nil, tier: nil, day: nil, excerpt: nil),
            ])
        ])
        let decoded = try JSONDecoder().decode(FindingTable.self, from: Data(model.table.json()))
        #expect(decoded == model.table)
        #expect(decoded.value(\.excerpt, row: 0) == tricky)
        #expect(decoded.value(\.rep, row: 1) == nil)
        #expect(decoded.column == [7, 7])
    }

    @Test func thePageFetchesNothing() {
        let page = pageWithoutData(hostilePage())
        #expect(
            page.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
            ))
        // The only URL in the template and script is the SVG namespace name, which is never fetched.
        let withoutNamespace = page.replacingOccurrences(of: "'http://www.w3.org/2000/svg'", with: "")
        for reference in [
            "http://", "https://", "//cdn", "src=", "href=", "url(", "@import", "<link", "fetch(", "XMLHttpRequest", "import(",
        ] {
            #expect(!withoutNamespace.contains(reference), "found \(reference)")
        }
    }

    @Test func theScriptNeverTurnsStringsIntoMarkupOrCode() {
        for api in [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "createContextualFragment",
            "DOMParser",
        ] {
            #expect(!DashboardScript.js.contains(api), "the script uses \(api)")
        }
    }

    @Test func sameReportsGiveTheSameBytes() {
        let reports = [
            report([finding("M1"), finding("M2", severity: .info)], asOf: "2024-04-30T00:00:00+08:00"),
            report([finding("M2", severity: .info), finding("M3")]),
        ]
        #expect(DashboardPage.render(DashboardModel(reports: reports)) == DashboardPage.render(DashboardModel(reports: reports.reversed())))
    }
}
