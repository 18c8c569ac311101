import Foundation

/// Builds the one-file page: a fixed template with the style, the data and
/// the script inlined. Data enters the page only as JSON inside a
/// `<script type="application/json">` element and leaves it only through
/// `textContent`, so nothing from a report is ever parsed as markup.
public enum DashboardPage {
    /// No network at all: the browser refuses any fetch, font, image URL or
    /// frame; inline script and style are the only things allowed.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    public static func render(_ model: DashboardModel) -> String {
        var page = head
        page += "<style>\n" + DashboardStyle.css + "</style>\n</head>\n"
        page += body
        page += "<script type=\"application/json\" id=\"data\">"
        page += scriptSafeJSON(model)
        page += "</script>\n<script type=\"application/json\" id=\"table\">"
        page += scriptSafe(model.table.json())
        page += "</script>\n<script>\n" + DashboardScript.js + "</script>\n</body>\n</html>\n"
        return page
    }

    /// JSON that cannot end its `<script>` element or start
    /// markup: `<`, `>` and `&` become `\u003c` `\u003e` `\u0026`, and the
    /// line separators U+2028/U+2029 are escaped too. These characters occur
    /// only inside JSON strings, where the escapes mean the same characters.
    /// The model without its findings table, which goes in its own element (`FindingTable.json()`).
    static func scriptSafeJSON(_ model: DashboardModel) -> String {
        var shell = model
        shell.table = FindingTable()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(shell)) ?? Data("{}".utf8)
        return scriptSafe([UInt8](data))
    }

    static func scriptSafe(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: Array("\\u003c".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("\\u003e".utf8))
            case UInt8(ascii: "&"): out.append(contentsOf: Array("\\u0026".utf8))
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                out.append(contentsOf: Array((bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                index += 2
            default: out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let head = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>crmlint 合规看板 · Compliance dashboard</title>

        """

    // Static text only; every value from the reports is filled in by the script.
    static let body = """
        <body>
        <header class="top">
          <div class="brand"><span class="logo" aria-hidden="true">✓</span><div>
            <h1>销售合规看板 <span class="en">Sales compliance dashboard</span></h1>
            <p class="meta" id="meta"></p>
          </div></div>
        </header>
        <main>
        <section class="cards" id="cards" aria-label="总览 Overview"></section>
        <p class="change-note" id="change-note"></p>

        <section class="grid two">
          <div class="panel">
            <h2>每次扫描 <span class="en">Per scan</span></h2>
            <p class="hint" id="scans-hint">按 run.as_of 排序的各份报告 · reports in run.as_of order</p>
            <div class="chart" id="chart-scans"></div>
          </div>
          <div class="panel">
            <h2>按发生日期 <span class="en">By day</span></h2>
            <p class="hint">最新报告中问题所在记录的日期 · the day of each finding's record, latest report</p>
            <div class="chart" id="chart-days"></div>
          </div>
        </section>

        <section class="grid two">
          <div class="panel">
            <h2>按类别 <span class="en">By category</span></h2>
            <p class="hint">点击条形筛选明细 · click a bar to filter the findings</p>
            <div class="chart" id="chart-categories"></div>
          </div>
          <div class="panel">
            <h2>按客户分级 <span class="en">By customer tier</span></h2>
            <p class="hint">点击条形筛选明细 · click a bar to filter the findings</p>
            <div class="chart" id="chart-tiers"></div>
          </div>
        </section>

        <section class="panel">
          <h2>销售人员记分卡 <span class="en">Rep scorecard</span></h2>
          <p class="hint">点击表头排序，点击姓名查看明细 · sort by any column; click a name to see the findings</p>
          <div class="scroll"><table class="data sortable" id="reps"></table></div>
        </section>

        <section class="grid two">
          <div class="panel">
            <h2>问题最多的客户 <span class="en">Customers with the most open findings</span></h2>
            <div class="scroll"><table class="data sortable" id="customers"></table></div>
          </div>
          <div class="panel">
            <h2>按规则 <span class="en">By rule</span></h2>
            <div class="scroll"><table class="data sortable" id="rules"></table></div>
          </div>
        </section>

        <section class="panel" id="findings-panel">
          <h2>问题明细 <span class="en">Findings</span></h2>
          <form class="filters" id="filters" autocomplete="off">
            <label>类别 <span class="en">Category</span><select id="f-category"></select></label>
            <label>严重程度 <span class="en">Severity</span><select id="f-severity"></select></label>
            <label>销售 <span class="en">Rep</span><select id="f-rep"></select></label>
            <label>客户分级 <span class="en">Tier</span><select id="f-tier"></select></label>
            <label id="f-status-label">状态 <span class="en">Status</span><select id="f-status"></select></label>
            <label class="grow">搜索 <span class="en">Search</span><input type="search" id="f-text" placeholder="内容、规则、客户、文件… · text, rule, customer, file…"></label>
            <button type="button" id="f-reset">清除 <span class="en">Reset</span></button>
          </form>
          <p class="count" id="f-count"></p>
          <div class="scroll"><table class="data findings" id="findings"></table></div>
          <nav class="pager" id="pager" aria-label="分页 Pages"></nav>
        </section>
        </main>
        <footer>
          <p>由 crmlint 生成 · generated by crmlint. 摘录已脱敏 · excerpts are redacted: contact details are masked before they are stored.</p>
          <details><summary>输入文件 <span class="en">Inputs</span></summary><table class="data" id="inputs"></table></details>
        </footer>

        """
}
