import CrmlintCore
import Foundation
import Testing

@testable import CrmlintReporters

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("JSON Lines, CSV, JUnit and GitHub reporters")
struct FormatReportersTests {
    let report = SampleReports.report()

    @Test("Every format is registered once")
    func registry() {
        let names = Reporters.all.map { $0.formatName }
        #expect(Set(names) == ["text", "json", "sarif", "jsonl", "csv", "junit", "github"])
        #expect(names.count == Set(names).count)
    }

    @Test("JSON Lines: one line per finding, each decoding back to the finding")
    func jsonLines() throws {
        let text = JSONLinesReporter().render(report)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "") // ends with a newline
        let decoded = try lines.dropLast().map { try JSONReporter.decoder().decode(Finding.self, from: Data($0.utf8)) }
        #expect(decoded == report.findings)
        // A message with a line break still takes one line.
        #expect(lines.count == report.findings.count + 1)
    }

    @Test("CSV: UTF-8 BOM, header, RFC 4180 quoting that round-trips")
    func csv() throws {
        let text = CSVReporter().render(report)
        #expect(text.unicodeScalars.first == "\u{FEFF}")
        let rows = Self.parseCSV(String(text.dropFirst()))
        #expect(rows.first == CSVReporter.columns)
        #expect(rows.count == report.findings.count + 1)
        let column = { (name: String) in CSVReporter.columns.firstIndex(of: name)! }
        for (row, finding) in zip(rows.dropFirst(), report.findings) {
            #expect(row[column("file")] == finding.file)
            #expect(row[column("line")] == String(finding.line))
            #expect(row[column("message")] == finding.message)
            #expect(row[column("rep")] == (finding.rep ?? ""))
            #expect(row[column("fingerprint")] == finding.fingerprint)
        }
        // The formula-looking excerpt is neutralised, the rest kept.
        let awkward = try #require(rows.first { $0[column("rule")] == "conduct.guarantee" })
        #expect(awkward[column("excerpt")] == "'" + SampleReports.awkward.excerpt!)
    }

    @Test("CSV cells that would be formulas get a leading quote", arguments: ["=1+1", "+86 138", "-cmd", "@SUM(A1)"])
    func formulaGuard(value: String) {
        #expect(CSVReporter.cell(value).hasPrefix("'") || CSVReporter.cell(value).hasPrefix("\"'"))
        #expect(CSVReporter.cell("零故障") == "零故障")
    }

    @Test("JUnit: well-formed XML, one suite per file, failures follow --fail-on")
    func junit() throws {
        let strict = try Self.xml(JUnitReporter(failOn: .error).render(report))
        let root = try #require(strict.rootElement())
        // Findings in four files, plus the clean input, one case at least each.
        #expect(root.elements(forName: "testsuite").count == 5)
        #expect(root.attribute(forName: "failures")?.stringValue == "2") // the two error findings
        #expect(root.attribute(forName: "tests")?.stringValue == String(report.findings.count + 1))
        let lenient = try #require(try Self.xml(JUnitReporter(failOn: .warning).render(report)).rootElement())
        #expect(lenient.attribute(forName: "failures")?.stringValue == "3")
        let never = try #require(try Self.xml(JUnitReporter(failOn: .never).render(report)).rootElement())
        #expect(never.attribute(forName: "failures")?.stringValue == "0")
        let clean = try #require(
            root.elements(forName: "testsuite").first { $0.attribute(forName: "name")?.stringValue == "exports/clean.csv" })
        #expect(clean.attribute(forName: "failures")?.stringValue == "0")
        // Escaped text comes back intact; the control character is gone.
        let failure = try strict.nodes(forXPath: "//testcase[@line='2']/failure").first as? XMLElement
        #expect(failure?.attribute(forName: "message")?.stringValue == SampleReports.zeroFailure.message)
        let awkward = try strict.nodes(forXPath: "//testcase[@line='7']/system-out").first
        #expect(awkward?.stringValue?.contains("承诺 \"包退包换\", 100% <sure> & more:\nsecond line") == true)
        #expect(awkward?.stringValue?.contains("\u{1}") == false)
    }

    @Test("GitHub: one workflow command per finding, escaped")
    func github() {
        let lines = GitHubReporter().render(report).split(separator: "\n").map(String.init)
        #expect(lines.count == report.findings.count + 1)
        #expect(
            lines.contains(
                "::error file=exports/messages.csv,line=2,col=9,title=conduct.zero-failure::不得夸大产品功能 — absolute reliability claim (record m-1, field text): 您好，我们的设备零故障，请放心"
            ))
        // Line 0 (whole file): no line property.
        #expect(lines.contains { $0.hasPrefix("::error file=/data/exports/locked.csv,title=input.unreadable-file::") })
        let awkward = lines.first { $0.contains("conduct.guarantee") } ?? ""
        #expect(awkward.hasPrefix("::notice file=exports/a%2Cb%3Ac.csv,line=7,col=1,title=conduct.guarantee::"))
        #expect(awkward.contains("100%25 <sure> & more:%0Asecond line"))
    }

    // MARK: helpers

    static func xml(_ text: String) throws -> XMLDocument { try XMLDocument(data: Data(text.utf8)) }

    /// A small RFC 4180 parser: enough to read back what the reporter wrote.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r": continue
            case "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
