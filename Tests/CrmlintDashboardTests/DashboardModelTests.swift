import CrmlintCore
import Testing

@testable import CrmlintDashboard

/// Aggregation: what the page's figures, charts and tables are drawn from.
@Suite struct DashboardModelTests {
    @Test func oneReportCountsBySeverityCategoryTierAndDay() {
        let model = DashboardModel(reports: [
            report(
                [
                    finding("M1", category: .bribery, severity: .error, tier: "A", day: "2024-03-15"),
                    finding("M2", category: .bribery, severity: .warning, tier: "B", day: "2024-03-15"),
                    finding("M3", category: .exaggeration, severity: .info, tier: nil, day: "2024-03-18"),
                    finding("M4", category: .bribery, severity: .error, tier: "A", day: nil),
                ], scanned: 40)
        ])
        #expect(model.findings == SeverityCounts(error: 2, warning: 1, info: 1))
        #expect(model.findings.total == 4)
        #expect(model.records.scanned == 40)
        #expect(model.records.read == 41)
        #expect(model.change == nil)
        #expect(model.reportCount == 1)
        #expect(model.categories.map(\.key) == ["bribery", "exaggeration"])
        #expect(model.categories[0].counts == SeverityCounts(error: 2, warning: 1))
        #expect(model.tiers.map(\.key) == ["A", "B", nil])
        #expect(model.tiers[0].counts.total == 2)
        // Days run from the first to the last with the gap days as zero; findings without a day come last.
        #expect(model.days.map(\.key) == ["2024-03-15", "2024-03-16", "2024-03-17", "2024-03-18", nil])
        #expect(model.days.map(\.counts.total) == [2, 0, 0, 1, 1])
        #expect(model.table.count == 4)
        #expect((0..<4).allSatisfy { model.table.value(\.status, row: $0) == "open" })
    }

    @Test func newResolvedAndStillOpenMatchByFingerprintInAsOfOrder() {
        // Given newest first, and with offsets that make string order wrong:
        // 2024-04-30T20:00:00Z is 2024-05-01T04:00+08:00, after 2024-05-01T01:00+08:00.
        let latest = report(
            [
                finding("M1", severity: .error, rep: "张明"), // still open
                finding("M2", severity: .warning, rep: "李娜"), // still open
                finding("M5", severity: .error, rep: "李娜"), // new
                finding("M6", severity: .info, rep: "张明"), // new
            ], asOf: "2024-04-30T20:00:00Z", path: "night-3.json")
        let middle = report(
            [
                finding("M1", severity: .error, rep: "张明"),
                finding("M2", severity: .warning, rep: "李娜"),
                finding("M3", severity: .warning, rep: "张明"), // resolved in latest
                finding("M4", rule: "t.gone", severity: .error, rep: "王强"), // resolved in latest
            ], asOf: "2024-05-01T01:00:00+08:00", path: "night-2.json")
        let first = report([finding("M1"), finding("M9")], asOf: "2024-04-29T02:00:00+08:00", path: "night-1.json")
        let model = DashboardModel(reports: [latest, first, middle])

        #expect(model.scans.map(\.path) == ["night-1.json", "night-2.json", "night-3.json"])
        #expect(model.asOf == "2024-04-30T20:00:00Z")
        let change = try! #require(model.change)
        #expect(change.previousPath == "night-2.json")
        #expect(change.previousTotal == 4)
        #expect(change.new == SeverityCounts(error: 1, info: 1))
        #expect(change.resolved == SeverityCounts(error: 1, warning: 1))
        #expect(change.stillOpen == SeverityCounts(error: 1, warning: 1))
        // Per scan: night 2 against night 1 (M2, M3, M4 new; M9 resolved), night 3 against night 2.
        #expect(model.scans.map(\.new) == [nil, 3, 2])
        #expect(model.scans.map(\.resolved) == [nil, 1, 2])
        #expect(model.scans.map(\.findings.total) == [2, 4, 4])

        // The table holds the current findings, then the resolved ones.
        let statuses = (0..<model.table.count).map { model.table.value(\.status, row: $0) }
        let records = (0..<model.table.count).map { model.table.value(\.record, row: $0) }
        #expect(
            Dictionary(uniqueKeysWithValues: zip(records.map { $0! }, statuses.map { $0! })) == [
                "M1": "open", "M2": "open", "M5": "new", "M6": "new", "M3": "resolved", "M4": "resolved",
            ])
        #expect(statuses.suffix(2) == ["resolved", "resolved"])

        // A rule whose findings were all resolved keeps a row (for the table) with no open findings.
        let gone = try! #require(model.rules.first { $0.id == "t.gone" })
        #expect(gone.counts.total == 0)
        #expect(model.rules.first { $0.id == "t.rule" }?.new == 2)
    }

    @Test func repScorecardCountsFindingsCustomersNewAndResolved() {
        let previous = report([finding("M1", rep: "张明"), finding("M7", rep: "李娜", customer: "CRM-9")], asOf: "2024-04-30T00:00:00+08:00")
        let latest = report([
            finding("M1", category: .bribery, severity: .error, rep: "张明", customer: "CRM-1"),
            finding("M2", category: .bribery, severity: .warning, rep: "张明", customer: "CRM-1"),
            finding("M3", category: .overpromise, severity: .error, rep: "张明", customer: "CRM-2"),
            finding("M4", category: .sensitiveTopic, severity: .info, rep: "李娜", customer: "CRM-3"),
            finding("M5", category: .lateLog, severity: .warning, rep: nil, customer: nil),
        ])
        let model = DashboardModel(reports: [previous, latest])
        let zhang = try! #require(model.reps.first { $0.rep == "张明" })
        #expect(zhang.counts == SeverityCounts(error: 2, warning: 1))
        #expect(zhang.new == 2)
        #expect(zhang.resolved == 0)
        #expect(zhang.customers == 2)
        #expect(zhang.topCategory == "bribery")
        let li = try! #require(model.reps.first { $0.rep == "李娜" })
        #expect(li.resolved == 1)
        #expect(li.counts.total == 1)
        let nobody = try! #require(model.reps.first { $0.rep == nil })
        #expect(nobody.counts.total == 1)
        #expect(nobody.customers == 0)
        // Most errors first.
        #expect(model.reps.first?.rep == "张明")
    }

    @Test func topCategoryIsTheMostSeriousThenTheMostFrequent() {
        let findings =
            (1...5).map { finding("I\($0)", category: .sensitiveTopic, severity: .info, rep: "张明") }
            + [finding("E1", category: .bribery, severity: .error, rep: "张明")]
            + (1...3).map { finding("W\($0)", category: .lateLog, severity: .warning, rep: "李娜") }
            + (1...4).map { finding("V\($0)", category: .overContact, severity: .warning, rep: "李娜") }
        let model = DashboardModel(reports: [report(findings)])
        // One error outweighs five notes; between equals, the more frequent wins.
        #expect(model.reps.first { $0.rep == "张明" }?.topCategory == "bribery")
        #expect(model.reps.first { $0.rep == "李娜" }?.topCategory == "over-contact")
    }

    @Test func ruleTitlesDescribeTheirPlaceholders() {
        let template = "联系过频 — tier {tier} customer contacted on {count} days from {from} to {to} (at most {max} days per {limit})"
        let declared = [
            RuleSummary(id: "frequency.cadence-excess", kind: "cadence", category: .overContact, severity: .warning, message: template),
            RuleSummary(
                id: "data.complete-records", kind: "required", category: .incompleteRecord, severity: .warning,
                message: "记录不完整 — {field} {problem}"),
        ]
        let findings = [
            finding("M1", rule: "frequency.cadence-excess", category: .overContact, message: "联系过频 — tier A customer contacted on 9 days"),
            finding("M2", rule: "data.complete-records", category: .incompleteRecord, message: "记录不完整 — channel is missing"),
        ]
        // From the report's own rule list, and from rule files.
        for model in [
            DashboardModel(reports: [report(findings, rules: declared)]),
            DashboardModel(
                reports: [report(findings)],
                rules: [
                    "frequency.cadence-excess": RuleText(message: template),
                    "data.complete-records": RuleText(message: "记录不完整 — {field} {problem}"),
                ]),
        ] {
            let titles = Dictionary(uniqueKeysWithValues: model.rules.map { ($0.id, $0.message) })
            #expect(titles["frequency.cadence-excess"] == "联系过频 — tier … customer contacted on N days from … to … (at most N days per …)")
            #expect(titles["data.complete-records"] == "记录不完整 — …")
        }
    }

    @Test func topCustomersAreMostOpenFindingsThenErrorsThenId() {
        var findings: [Finding] = []
        for index in 0..<20 { // CRM-00 … CRM-19: one warning each
            findings.append(finding("W\(index)", severity: .warning, customer: String(format: "CRM-%02d", index)))
        }
        findings += [
            finding("A1", category: .bribery, rep: "李娜", customer: "CRM-15"),
            finding("A2", category: .bribery, rep: "张明", customer: "CRM-15"),
            finding("A3", category: .overpromise, rep: "张明", customer: "CRM-15"), // CRM-15: 4 findings
            finding("B1", severity: .info, customer: "CRM-07"),
            finding("B2", severity: .info, customer: "CRM-07"), // CRM-07: 3, no errors
            finding("C1", severity: .error, customer: "CRM-12"),
            finding("C2", severity: .warning, customer: "CRM-12"), // CRM-12: 3, one error
            finding("X1", customer: nil),
            finding("X2", customer: nil),
            finding("X3", customer: nil),
            finding("X4", customer: nil),
            finding("X5", customer: nil), // no customer: never listed
        ]
        let model = DashboardModel(reports: [report(findings)])
        #expect(model.topCustomers.count == DashboardModel.topCustomerCount)
        #expect(model.topCustomers.prefix(4).map(\.customerId) == ["CRM-15", "CRM-12", "CRM-07", "CRM-00"])
        let top = model.topCustomers[0]
        #expect(top.counts == SeverityCounts(error: 3, warning: 1))
        #expect(top.reps == ["张明", "李娜"].sorted())
        #expect(top.categories == ["bribery", "exaggeration", "overpromise"])
        #expect(top.tier == "A")
    }

    @Test func ruleTextsComeFromRuleFilesElseFromTheFindingMessage() {
        let model = DashboardModel(
            reports: [
                report(
                    [finding("M1", rule: "a.known"), finding("M2", rule: "b.unknown", message: "the finding's own message")],
                    rules: [RuleSummary(id: "a.known", kind: "pattern", category: .exaggeration, severity: .warning)])
            ],
            rules: ["a.known": RuleText(message: "rule message", description: "Why it matters.", policy: "R1")])
        let known = try! #require(model.rules.first { $0.id == "a.known" })
        #expect(known.message == "rule message")
        #expect(known.description == "Why it matters.")
        #expect(known.policy == "R1")
        #expect(known.severity == "warning") // the rule's declared severity, from run.rules
        let unknown = try! #require(model.rules.first { $0.id == "b.unknown" })
        #expect(unknown.message == "the finding's own message")
        #expect(unknown.description == nil)
    }

    @Test func everyCategoryHasChineseAndEnglishLabels() {
        for category in Category.allCases {
            let label = try! #require(DashboardModel.allCategoryLabels[category.rawValue])
            #expect(!label.en.isEmpty && !label.en.contains("("))
            #expect(label.zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(category): \(label.zh)")
        }
    }

    @Test func noReportsGiveAnEmptyModel() {
        let model = DashboardModel(reports: [])
        #expect(model.findings.total == 0)
        #expect(model.table.count == 0)
        #expect(model.scans.isEmpty)
    }
}
