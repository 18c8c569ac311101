import CrmlintCore
import Foundation
import Testing

@testable import CrmlintDashboard

/// Chromium on the PATH, if any: the browser tests need it and skip without it.
let chromium: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
    }
    return nil
}()

/// The page in real headless Chromium, through `scripts/dashboard-screenshot`
/// (screenshot, DOM after the script ran, console check), so the script
/// people use to look at the page is tested too.
@Suite(.enabled(if: chromium != nil, "chromium is not installed (Debian: apt-get install -y chromium); browser tests skipped"))
struct DashboardBrowserTests {
    struct Rendered {
        let status: Int32
        let output: String
        let dom: String
        let screenshot: Data
    }

    func render(_ html: String) throws -> Rendered {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("dashboard.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let png = folder.appendingPathComponent("shot.png"), dom = folder.appendingPathComponent("dom.html")
        let result = try run(
            repositoryRoot.appendingPathComponent("scripts/dashboard-screenshot"),
            ["--html", page.path, "-o", png.path, "--dom", dom.path, "--height", "1600"])
        return Rendered(
            status: result.status, output: result.stdout + result.stderr,
            dom: (try? String(contentsOf: dom, encoding: .utf8)) ?? "", screenshot: (try? Data(contentsOf: png)) ?? Data())
    }

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func hostileReportsLoadWithoutConsoleMessagesAndShowAsText() throws {
        let rendered = try render(hostilePage())
        #expect(rendered.status == 0, "\(rendered.output)")
        #expect(!rendered.output.contains("CONSOLE"))
        #expect(rendered.dom.contains("data-ready=\""))
        #expect(!rendered.dom.contains("data-error="))
        // Nothing ran: the title is the template's, and no element came from the data.
        #expect(rendered.dom.contains("<title>crmlint 合规看板 · Compliance dashboard</title>"))
        #expect(!rendered.dom.contains("PWNED</title>"))
        #expect(!rendered.dom.contains("<img"))
        // The hostile text is on the page, as text (serialised escaped).
        #expect(rendered.dom.contains("message &lt;/script&gt;&lt;script&gt;document.title='PWNED'&lt;/script&gt;"))
        #expect(rendered.dom.contains("excerpt \"&gt;&lt;img src=x onerror=\"document.title='PWNED'\"&gt;"))
        // Charts were drawn: trend lines across the two reports, one bar per category and tier.
        #expect(count("class=\"series\"", in: rendered.dom) >= 4)
        #expect(count("class=\"bar-row bar\"", in: rendered.dom) == 1 + hostileValues.count)
        #expect(rendered.screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func aLargeReportShowsOnePageOfFindings() throws {
        var findings: [Finding] = []
        for index in 0..<3000 {
            findings.append(
                finding(
                    "M\(index)", category: Category.allCases[index % Category.allCases.count],
                    severity: Severity.allCases[index % 3], rep: "rep\(index % 40)", customer: "CRM-\(index % 500)",
                    tier: ["A", "B", "C"][index % 3], day: String(format: "2024-03-%02d", 1 + index % 28)))
        }
        let rendered = try render(DashboardPage.render(DashboardModel(reports: [report(findings)])))
        #expect(rendered.status == 0, "\(rendered.output)")
        #expect(!rendered.dom.contains("data-error="))
        // 50 rows a page, 60 pages; the scorecard has every rep; one report: no per-scan chart.
        #expect(count("<tr class=\"row\"", in: rendered.dom) == 50)
        #expect(rendered.dom.contains("第 1 / 60 页"))
        #expect(count("<button type=\"button\" class=\"link\">rep", in: rendered.dom) == 40)
        #expect(count("class=\"bar-row bar\"", in: rendered.dom) == Category.allCases.count + 3)
        #expect(count("class=\"series\"", in: rendered.dom) == 2)
    }
}
