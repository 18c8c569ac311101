import Foundation
import Testing

/// Exports as CRMs write them: their headers, their complaint ids, their
/// channels, and a report whose size is of the order of the real violations.
@Suite struct RealExportTests {
    static let complaintsHeader = "投诉编号,客户编号,客户名称,投诉人,联系电话,投诉时间,投诉渠道,投诉类型,投诉内容,涉及人员,处理人,处理措施,处理结果,客户满意度,结案时间"

    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
    }

    @Test func complaintFindingsCarryTheComplaintIdAndRep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = [
            Self.complaintsHeader,
            "TS-2024-000123,CRM-2024-001,华东精密机械,赵主管,138****5678,2024-03-18 09:00,400热线,交付延迟,到货延迟两天,李娜,客服-孙丽,,处理中,,",
            "TS-2024-000124,CRM-2024-002,西南物流,钱经理,139****1234,2024-03-19 10:00,官网留言,价格争议,合同价与报价不一致,王强,客服-周晓梅,核对合同,已解决,满意,2024-03-20 10:00",
        ]
        try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("客诉工单.csv"), atomically: true, encoding: .utf8)
        let result = try crmlint(
            ["scan", ".", "--format", "json", "--as-of", "2024-05-01", "--fail-on", "never", "--no-suppressions"], in: folder)
        let findings = try json(result)["findings"] as? [[String: Any]] ?? []
        let empty = findings.filter { $0["field"] as? String == "resolution" }
        #expect(empty.count == 1)
        #expect(empty.first?["record_id"] as? String == "TS-2024-000123")
        #expect(empty.first?["rep"] as? String == "李娜")
        #expect(empty.first?["customer_id"] as? String == "CRM-2024-001")
        // The template's cause/feedback/improvements columns are absent: one note each, no finding per complaint.
        #expect(!findings.contains { ["cause", "feedback", "improvements"].contains($0["field"] as? String ?? "") })
    }

    @Test func inspectShowsHowEachFileIsRead() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        消息ID,客户编号,发送时间,渠道,方向,接收方类型,销售,消息内容,所属门店
        M1,CRM-2024-001,2024-03-15 10:00,LINE,呼出,客户,李娜,您好,台北
        M2,CRM-2024-001,2024-03-15 11:00,钉钉,发送,客户,李娜,您好,台北
        M3,CRM-2024-001,2024-03-15 12:00,钉钉,接收,客户,李娜,收到,台北
        M4,CRM-2024-001,2024-03-15 13:00,飞鸽传书,横向,客户,李娜,好的,台北

        """.write(to: folder.appendingPathComponent("聊天记录.csv"), atomically: true, encoding: .utf8)
        let text = try crmlint(["inspect", "."], in: folder)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("聊天记录.csv: messages (header: 发送时间, 方向, 接收方类型, 消息内容); csv utf-8, 4 records"))
        #expect(text.stdout.contains("发送时间   → timestamp"))
        #expect(text.stdout.contains("所属门店   → (unknown column)  [read as text by conduct and contact rules]"))
        #expect(text.stdout.contains("unmapped: 所属门店"))
        #expect(text.stdout.contains("channel: 钉钉 2 (messenger) · LINE 1 (messenger) · 飞鸽传书 1 (unknown)"))
        #expect(text.stdout.contains("direction: 发送 1 (outbound) · 呼出 1 (outbound) · 接收 1 (inbound) · 横向 1 (unknown)"))
        let machine = try crmlint(["inspect", ".", "--format", "json"], in: folder)
        let files = try #require(JSONSerialization.jsonObject(with: machine.stdoutBytes) as? [[String: Any]])
        #expect(files.count == 1)
        let columns = files.first?["columns"] as? [[String: Any]] ?? []
        #expect(columns.first { $0["header"] as? String == "渠道" }?["field"] as? String == "channel")
        #expect((files.first?["unmapped"] as? [String]) == ["所属门店"])
        // The config's words change what inspect reports as unknown.
        try "channels:\n  messenger: [飞鸽传书]\ncolumns:\n  messages:\n    recipient: [所属门店]\n".write(
            to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let configured = try crmlint(["inspect", "."], in: folder)
        #expect(configured.stdout.contains("飞鸽传书 1 (messenger)"))
        #expect(configured.stdout.contains("所属门店   → recipient"))
        #expect(!configured.stdout.contains("unmapped:"))
    }

    /// The CRM-shaped export of scripts/bench/gen_crm_export.py (headers as
    /// CRMs write them, half the optional cells empty, eager reps, masked
    /// contacts): a report of the order of the real violations.
    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is absent: generated-export budget skipped")
    )
    func aCRMShapedExportStaysWithinTheNoiseBudget() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        generator.arguments = [
            repositoryRoot.appendingPathComponent("scripts/bench/gen_crm_export.py").path, "--customers", "1000", "--out", folder.path,
        ]
        generator.standardOutput = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        let result = try crmlint(
            ["scan", ".", "--format", "json", "--as-of", "2024-05-01T01:30:00+08:00", "--fail-on", "never", "--no-suppressions"], in: folder
        )
        let report = try json(result)
        let findings = report["findings"] as? [[String: Any]] ?? []
        let inputs = (report["run"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []
        let records = inputs.reduce(0) { $0 + ($1["records_read"] as? Int ?? 0) }
        #expect(records > 50_000)
        let incomplete = findings.filter { $0["category"] as? String == "incomplete-record" }.count
        let nonInfo = findings.filter { $0["severity"] as? String != "info" }.count
        print("generated export: \(records) records, \(findings.count) findings, \(nonInfo) not info, \(incomplete) incomplete-record")
        #expect(Double(incomplete) <= 0.01 * Double(records), "incomplete-record findings: \(incomplete) of \(records) records")
        #expect(Double(nonInfo) <= 0.20 * Double(records), "non-info findings: \(nonInfo) of \(records) records")
        let complaintIds = findings.filter { ($0["file"] as? String ?? "").contains("客诉") }.compactMap { $0["record_id"] as? String }
        #expect(complaintIds.allSatisfy { $0.hasPrefix("TS-") })
    }
}
