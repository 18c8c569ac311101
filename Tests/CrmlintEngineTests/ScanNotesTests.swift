import Foundation
import Testing

/// Facts about a file are said once per file: a column the rules need that
/// the file lacks, and channel or direction words no vocabulary knows — in
/// the JSON `run.inputs` and the text summary, never as a finding per record.
@Suite struct ScanNotesTests {
    let followups = """
        跟进记录ID,客户编号,联系人,职务,跟进时间,跟进方式,需求描述,异议点,客户承诺,跟进人,下次跟进时间,下一步计划,录入时间,备注
        F1,CRM-2024-001,王工,经理,2024-03-15 10:00,钉钉,两台设备,价格,下周答复,李娜,2024-03-20 10:00,发报价,2024-03-15 12:00,
        F2,CRM-2024-001,王工,经理,2024-03-16 10:00,飞鸽传书,两台设备,价格,,李娜,2024-03-21 10:00,发报价,2024-03-16 12:00,

        """
    let messages = """
        消息ID,客户编号,发送时间,渠道,方向,接收方类型,销售,消息内容
        M1,CRM-2024-001,2024-03-15 10:00,LINE,呼出,客户,李娜,您好
        M2,CRM-2024-001,2024-03-15 11:00,飞鸽传书,横向,客户,李娜,您好
        M3,CRM-2024-001,2024-03-15 12:00,飞鸽传书,呼入,客户,李娜,收到
        M4,CRM-2024-001,2024-03-15 13:00,信鸽,呼入,客户,李娜,好的

        """

    func scan(_ extra: [String] = [], config: String? = nil) throws -> (json: [String: Any], text: String) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try followups.write(to: folder.appendingPathComponent("跟进记录.csv"), atomically: true, encoding: .utf8)
        try messages.write(to: folder.appendingPathComponent("聊天记录.csv"), atomically: true, encoding: .utf8)
        if let config { try config.write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8) }
        let base = ["scan", ".", "--as-of", "2024-05-01T00:00:00+08:00", "--fail-on", "never", "--no-suppressions"] + extra
        let json = try crmlint(base + ["--format", "json"], in: folder)
        #expect(json.status == 0, "\(json.stderr)")
        let text = try crmlint(base, in: folder)
        return (try #require(JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any]), text.stdout)
    }

    func inputs(_ json: [String: Any]) -> [String: [String: Any]] {
        let list = (json["run"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: list.map { (($0["path"] as? String ?? "") as NSString).lastPathComponent }.enumerated().map {
                ($1, list[$0])
            })
    }

    @Test func absentColumnsAreOneNotePerFileNotFindings() throws {
        let (json, text) = try scan()
        let findings = json["findings"] as? [[String: Any]] ?? []
        let incomplete = findings.filter { $0["category"] as? String == "incomplete-record" }
        // The one cell that exists and is empty (客户承诺 of F2) is a finding; the absent columns are not.
        #expect(incomplete.map { $0["field"] as? String } == ["customer_commitment"])
        let absent = inputs(json)["跟进记录.csv"]?["absent_fields"] as? [[String: Any]] ?? []
        #expect(absent.map { $0["field"] as? String } == ["assistance_needed", "customer_name"])
        #expect(absent.allSatisfy { $0["records"] as? Int == 2 && ($0["rules"] as? [String])?.contains("data.complete-records") == true })
        #expect(text.contains("跟进记录.csv: note: no column for assistance_needed (2 records), customer_name (2 records)"))
    }

    @Test func unknownChannelAndDirectionWordsAreCountedPerFile() throws {
        let (json, text) = try scan()
        let unknown = inputs(json)["聊天记录.csv"]?["unknown_values"] as? [[String: Any]] ?? []
        let pairs = unknown.map { "\($0["field"] as? String ?? ""):\($0["value"] as? String ?? ""):\($0["records"] as? Int ?? 0)" }
        // Most frequent first; LINE is a default messenger word.
        #expect(pairs == ["channel:飞鸽传书:2", "channel:信鸽:1", "direction:横向:1"])
        #expect(text.contains("channel values crmlint does not know: '飞鸽传书' (2), '信鸽' (1)"))
        let findings = json["findings"] as? [[String: Any]] ?? []
        #expect(!findings.contains { ($0["message"] as? String ?? "").contains("飞鸽传书") })
    }

    @Test func configWordsTeachTheVocabulary() throws {
        let (json, _) = try scan(config: "channels:\n  messenger: [飞鸽传书, 信鸽]\ndirections:\n  outbound: [横向]\n")
        #expect(inputs(json)["聊天记录.csv"]?["unknown_values"] == nil)
        #expect(inputs(json)["跟进记录.csv"]?["unknown_values"] == nil)
    }

    @Test func unknownChannelInConfigIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "channels:\n  pigeon: [飞鸽传书]\n".write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        try messages.write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        let result = try crmlint(["scan", "m.csv"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown channel 'pigeon'"))
        #expect(result.stderr.contains("messenger"))
    }
}
