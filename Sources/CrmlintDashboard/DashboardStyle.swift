/// The page's style sheet, inlined. System fonts only: the page must not
/// fetch anything, and every desktop has a CJK sans-serif.
enum DashboardStyle {
    static let css = #"""
        :root {
          --bg: #f4f6fa; --panel: #fff; --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --soft: #f8f9fb;
          --error: #d92d20; --warning: #f79009; --info: #2e90fa; --new: #7a5af8; --resolved: #12b76a; --accent: #1d4ed8;
          --radius: 10px;
        }
        * { box-sizing: border-box; }
        html { background: var(--bg); }
        body {
          margin: 0; color: var(--ink); font-size: 14px; line-height: 1.5;
          font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        .en { color: var(--muted); font-weight: 400; font-size: .85em; }
        header.top { background: linear-gradient(120deg, #0f172a, #1e3a8a); color: #fff; padding: 20px 32px; }
        header.top .en { color: #c7d2fe; }
        .brand { display: flex; gap: 14px; align-items: center; max-width: 1360px; margin: 0 auto; }
        .logo { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 10px; background: #3b82f6; font-size: 22px; font-weight: 700; }
        h1 { font-size: 22px; margin: 0; font-weight: 600; }
        header .meta { margin: 2px 0 0; color: #cbd5e1; font-size: 13px; }
        main { max-width: 1360px; margin: 0 auto; padding: 20px 32px 8px; }
        h2 { font-size: 16px; margin: 0 0 2px; font-weight: 600; }
        .hint { color: var(--muted); font-size: 12px; margin: 0 0 10px; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px; margin-bottom: 18px;
          box-shadow: 0 1px 2px rgba(16, 24, 40, .04); min-width: 0; }
        .grid.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
        .grid.two > .panel { margin-bottom: 18px; }
        @media (max-width: 980px) { .grid.two { grid-template-columns: 1fr; } main { padding: 16px; } }

        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 8px; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px 14px; position: relative; overflow: hidden; }
        .card::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 4px; background: var(--accent); }
        .card.error::before { background: var(--error); } .card.warning::before { background: var(--warning); }
        .card.info::before { background: var(--info); } .card.new::before { background: var(--new); }
        .card.resolved::before { background: var(--resolved); } .card.open::before { background: #98a2b3; }
        .card .label { color: var(--muted); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .card .value { font-size: 28px; font-weight: 650; letter-spacing: -.5px; font-variant-numeric: tabular-nums; }
        .card .sub { color: var(--muted); font-size: 12px; min-height: 18px; }
        .delta.up { color: var(--error); } .delta.down { color: var(--resolved); }
        .change-note { color: var(--muted); font-size: 12px; margin: 0 0 16px; }

        .chart svg { display: block; width: 100%; height: auto; overflow: visible; }
        .chart text { font-size: 11px; fill: #475467; }
        .chart .axis { stroke: #d0d5dd; stroke-width: 1; }
        .chart .grid-line { stroke: #eef0f3; stroke-width: 1; }
        .chart .bar { cursor: pointer; }
        .chart .bar-row:hover .bar-bg { fill: #f2f4f7; }
        .chart .bar-bg { fill: transparent; }
        .chart .value-label { font-weight: 600; fill: var(--ink); }
        .chart .empty { fill: var(--muted); font-size: 13px; }
        .chart .dot { stroke: #fff; stroke-width: 1.5; }
        .legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: var(--muted); margin-top: 6px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }

        .scroll { overflow: auto; max-height: 460px; }
        #findings-panel .scroll { max-height: none; }
        table.data { width: 100%; border-collapse: collapse; font-size: 13px; }
        table.data th { position: sticky; top: 0; background: var(--soft); text-align: left; font-weight: 600; color: #344054; white-space: nowrap;
          border-bottom: 1px solid var(--line); padding: 7px 10px; z-index: 1; }
        table.data td { border-bottom: 1px solid #f0f2f5; padding: 7px 10px; vertical-align: top; }
        table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.data th .en { display: block; font-size: 11px; }
        table.sortable th, table.findings th.sort { cursor: pointer; user-select: none; }
        table.data th[aria-sort="ascending"]::after { content: " ▲"; font-size: 10px; color: var(--accent); }
        table.data th[aria-sort="descending"]::after { content: " ▼"; font-size: 10px; color: var(--accent); }
        table.data tbody tr:hover { background: #f9fafb; }
        .zero { color: #c0c6d0; }
        .link { color: var(--accent); cursor: pointer; border: 0; background: none; padding: 0; font: inherit; text-align: left; }
        .link:hover { text-decoration: underline; }
        .mini { display: inline-flex; height: 8px; width: 90px; background: #f2f4f7; border-radius: 4px; overflow: hidden; vertical-align: middle; margin-right: 6px; }
        .mini span { display: block; height: 100%; }
        .tag { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; line-height: 20px; white-space: nowrap; background: #f2f4f7; color: #344054; margin: 1px 2px 1px 0; }
        .sev { display: inline-block; min-width: 44px; text-align: center; padding: 0 6px; border-radius: 4px; font-size: 12px; line-height: 20px; font-weight: 600; color: #fff; }
        .sev.error { background: var(--error); } .sev.warning { background: var(--warning); } .sev.info { background: var(--info); }
        .status { font-size: 12px; font-weight: 600; white-space: nowrap; }
        .status.new { color: var(--new); } .status.open { color: #475467; } .status.resolved { color: var(--resolved); }
        table.data .mono { white-space: nowrap; }
        .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
        .muted { color: var(--muted); }
        .nowrap { white-space: nowrap; }

        .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin: 10px 0 6px; }
        .filters label { display: flex; flex-direction: column; font-size: 12px; color: #344054; gap: 3px; }
        .filters label.grow { flex: 1 1 220px; }
        .filters select, .filters input { font: inherit; font-size: 13px; padding: 6px 8px; border: 1px solid #d0d5dd; border-radius: 6px; background: #fff; min-width: 120px; }
        .filters button, .pager button { font: inherit; font-size: 13px; padding: 6px 12px; border: 1px solid #d0d5dd; border-radius: 6px; background: #fff; cursor: pointer; }
        .filters button:hover, .pager button:hover:not(:disabled) { background: #f2f4f7; }
        .count { color: var(--muted); font-size: 12px; margin: 4px 0 8px; }
        table.findings td.msg { min-width: 280px; }
        table.findings .excerpt { color: #475467; font-size: 12px; margin-top: 2px; }
        table.findings tr.row { cursor: pointer; }
        table.findings tr.open-row { background: #f5f8ff; }
        table.findings tr.detail td { background: #fbfcfe; padding: 10px 16px 14px; }
        .detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
        .detail dt { color: var(--muted); font-size: 12px; }
        .detail dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
        .pager { display: flex; gap: 6px; align-items: center; justify-content: flex-end; margin-top: 10px; font-size: 13px; color: var(--muted); }
        .pager button:disabled { opacity: .4; cursor: default; }
        footer { max-width: 1360px; margin: 0 auto; padding: 4px 32px 32px; color: var(--muted); font-size: 12px; }
        footer summary { cursor: pointer; margin-bottom: 8px; }
        """#
}
