import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine

/// A CRM-shaped export as a new user has one: the headers a CRM writes, not the policy's template.
enum FirstHour {
    static let followupHeader = "跟进记录ID,客户编号,联系人,职务,跟进时间,跟进方式,需求描述,异议点,客户承诺,跟进人,下次跟进时间,下一步计划,录入时间,备注,内部评分"
    static let followups = [
        "F1,CRM-2024-001,王工,采购经理,2024-04-10 14:00,上门拜访,需要两台检测设备,交期偏长,下周确认预算,李娜,2024-04-17 10:00,发送正式报价,2024-04-10 18:00,技术部出方案,4",
        "F2,CRM-2024-002,赵主管,设备科长,2024-04-11 10:00,电话,产线升级,价格偏高,月底前答复,张伟,2024-04-18 10:00,安排样机演示,2024-04-11 12:00,,3",
    ]
    /// The second night's new record: a zero-failure claim in the rep's next step (conduct.zero-failure); the
    /// contact also keeps F2's planned follow-up, so that finding is gone, not new.
    static let newFollowup = "F3,CRM-2024-002,赵主管,设备科长,2024-04-19 10:00,电话,检测设备,无,下周回复,张伟,2024-04-26 10:00,告诉客户我们的设备零故障,2024-04-19 11:00,,2"
    static let messages = """
        消息ID,客户编号,发送时间,渠道,方向,消息内容,销售
        M1,CRM-2024-001,2024-04-12 09:00,微信,发送,王工您好，报价单已发您邮箱,李娜
        M2,CRM-2024-002,2024-04-12 10:00,飞鸽传书,发送,赵主管您好，样机下周到,张伟

        """

    static func writeExports(in folder: URL, extra: [String] = []) throws {
        let exports = folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try (([followupHeader] + followups + extra).joined(separator: "\n") + "\n")
            .write(to: exports.appendingPathComponent("跟进记录.csv"), atomically: true, encoding: .utf8)
        try messages.write(to: exports.appendingPathComponent("聊天记录.csv"), atomically: true, encoding: .utf8)
    }

    /// The finding lines of a text report (not the summary).
    static func findingLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("exports/") && ($0.contains(": error: ") || $0.contains(": warning: ") || $0.contains(": info: "))
        }
    }
}

@Suite struct FirstHourTests {
    /// Issue #12 replayed: scan a new export → init → one override → rescan →
    /// first night with a baseline that does not exist yet → second night with one new violation.
    @Test func aNewUsersFirstHour() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FirstHour.writeExports(in: folder)
        let asOf = "2024-04-20T00:00:00+08:00"

        // 1. The first scan, with no crmlint.yml: late follow-ups as warnings, notes about what the file lacks.
        let first = try crmlint(["scan", "exports", "--as-of", asOf], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FirstHour.findingLines(first.stdout).count == 3)
        #expect(first.stdout.contains("exports/跟进记录.csv:2: warning: 跟进计划逾期"))
        #expect(first.stdout.contains("exports/聊天记录.csv: note: channel values crmlint does not know: '飞鸽传书' (1)"))
        #expect(first.stdout.contains("exports/跟进记录.csv: note: no column for assistance_needed (2 records), customer_name (2 records)"))
        #expect(first.stdout.contains("; config none (defaults); suppressions none\n"))

        // 2. crmlint init writes a commented crmlint.yml that loads, and will not overwrite it.
        let initialised = try crmlint(["init", "exports"], in: folder)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let configPath = folder.appendingPathComponent("crmlint.yml")
        var yaml = try String(contentsOf: configPath, encoding: .utf8)
        _ = try Config.load(path: configPath.path)
        #expect(yaml.contains("#     内部评分 → (unknown column, read as text)"))
        #expect(yaml.contains("#   CHANNEL: [\"飞鸽传书\"]"))
        let again = try crmlint(["init", "exports"], in: folder)
        #expect(again.status == 2)
        #expect(again.stderr == "error: crmlint.yml already exists; crmlint init leaves it as it is (--force replaces it)\n")
        #expect(try crmlint(["init", "exports", "--force"], in: folder).status == 0)

        // 3. Fill in the channel init listed, and one override: overdue plans are errors for this team, and the
        //    fields its CRM does not export are not required.
        yaml += """
            channels:
              messenger: [飞鸽传书]
            overrides:
              timing.overdue-plan:
                severity: error
              data.complete-records:
                required:
                  followups: [customer_id, contact_name, contact_title, contact_time, channel, needs, objections, customer_commitment, rep,
                              next_followup_time, next_followup_content, logged_at]

            """
        try yaml.write(to: configPath, atomically: true, encoding: .utf8)
        let overrideLine =
            yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("  timing.overdue-plan:") }! + 1
        let shown = try crmlint(["config"], in: folder)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(
            shown.stdout.contains("  timing.overdue-plan: severity: error  (crmlint.yml:\(overrideLine); applies to [timing.overdue-plan])")
        )
        #expect(shown.stdout.contains("channels: {messenger: [飞鸽传书]}  (crmlint.yml:"))

        let rescan = try crmlint(["scan", "exports", "--as-of", asOf], in: folder)
        #expect(rescan.status == 1, "\(rescan.stderr)")
        #expect(rescan.stdout.contains("exports/跟进记录.csv:2: error: 跟进计划逾期"))
        #expect(rescan.stdout.contains("exports/跟进记录.csv:3: error: 跟进计划逾期"))
        #expect(!rescan.stdout.contains("飞鸽传书"))
        #expect(!rescan.stdout.contains("no column for assistance_needed"))
        #expect(rescan.stdout.contains("; config crmlint.yml; suppressions none\n"))

        // 4. The first night of the README's nightly recipe: no baseline yet, every finding is new.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("state"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("reports"), withIntermediateDirectories: true)
        let nightly = ["scan", "exports/", "--as-of", asOf, "--baseline", "state/baseline.json", "--write-baseline", "state/baseline.json"]
        let night1 = try crmlint(nightly + ["--output-json", "reports/night1.json"], in: folder)
        #expect(night1.status == 1, "\(night1.stderr)")
        #expect(night1.stdout.contains("note: baseline state/baseline.json does not exist yet: every finding is reported as new"))
        #expect(FirstHour.findingLines(night1.stdout).count == 3)
        let report = try JSONValue.parse(try Data(contentsOf: folder.appendingPathComponent("reports/night1.json")))
        #expect(try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema).validate(report).isEmpty)
        #expect(report["run"]?["config"]?.string == "crmlint.yml")
        #expect(report["run"]?["rule_sources"]?.array?.count == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/baseline.json").path))

        // 5. The second night: one new violating record; only it is reported.
        try FirstHour.writeExports(in: folder, extra: [FirstHour.newFollowup])
        let night2 = try crmlint(nightly + ["--output-json", "reports/night2.json"], in: folder)
        #expect(night2.status == 1, "\(night2.stderr)")
        let lines = FirstHour.findingLines(night2.stdout)
        #expect(
            lines == ["exports/跟进记录.csv:4: error: 不得夸大产品功能 — absolute reliability claim (零故障/永不出错/用不坏) [conduct.zero-failure]"],
            "\(night2.stdout)")
        #expect(night2.stdout.hasSuffix("; 2 already in the baseline\n"))
        // A third night with nothing new exits 0.
        #expect(try crmlint(nightly, in: folder).status == 0)
    }
}
