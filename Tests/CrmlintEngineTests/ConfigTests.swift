import CrmlintCore
import CrmlintReaders
import Foundation
import Testing

@testable import CrmlintEngine

@Suite struct ConfigTests {
    @Test func parsesEverySetting() throws {
        let config = try Config.parse(
            """
            timezone: Asia/Hong_Kong
            encoding: gb18030
            rules: [rules, team-rules]
            select: [conduct.]
            ignore: sensitive-topic
            fail_on: warning
            company_domains: [example.com]
            inputs:
              - path: "exports/*_msgs.csv"
                dataset: messages
                encoding: utf-8
            columns:
              messages:
                text: [聊天内容]
            """, file: "crmlint.yml")
        #expect(config.timezone == "Asia/Hong_Kong")
        #expect(config.rules == ["rules", "team-rules"])
        #expect(config.ignore == ["sensitive-topic"])
        #expect(config.inputs.first?.dataset == .messages)
        #expect(config.columns[.messages]?["text"] == ["聊天内容"])
        #expect(config.inputRule(for: "exports/day1_msgs.csv")?.dataset == .messages)
        #expect(config.inputRule(for: "exports/day1.csv") == nil)
    }

    /// A mapper keeps the last header set and maps a record by column position;
    /// records of interleaved header sets (two aliases of one field, a unit in
    /// the header, an unknown column, a configured alias, columns reordered)
    /// map as the header names alone say.
    @Test func fieldMapperMapsByPositionAsByName() throws {
        let config = try Config.parse("columns:\n  customers:\n    owner: [负责同事]\n", file: "crmlint.yml")
        let headerSets = [
            ["客户编号", "客户名称", "年采购额(万元)", "备注"], ["customer_id", "客户编号", "tier", "负责同事"],
            ["备注", "年采购额(万元)", "客户编号", "客户名称"], ["customer_id", "name", "annual_spend", "extra column"],
        ]
        let values = ["12", " 3.5 ", "C-1", "", "abc", "1,000", "VIP"]
        let mapper = FieldMapper(dataset: .customers, config: config)
        var generator = SystemRandomNumberGenerator()
        for line in 0..<400 {
            let keys = headerSets.randomElement(using: &generator)!
            let raw = RawRecord(line: line, fields: keys.map { ($0, values.randomElement(using: &generator)!) })
            let names = FieldMapper(dataset: .customers, config: config).names(for: keys)
            var expected: [String: String] = [:]
            for (key, value) in raw.fields where expected[names[key] ?? key] == nil {
                if let unit = DatasetSchema.unitSuffix(of: key), FieldMapper.isBareNumber(value) {
                    expected[names[key] ?? key] = value.trimmingCharacters(in: .whitespaces) + unit
                } else {
                    expected[names[key] ?? key] = value
                }
            }
            let (shape, values) = mapper.map(raw)
            #expect(Dictionary(uniqueKeysWithValues: zip(shape.names, values)) == expected, "\(raw.fields)")
            // Records with the same headers share one shape (their fields are not hashed per record).
            #expect(mapper.map(raw).shape === shape)
        }
    }

    @Test func unknownKeysAndValuesAreErrorsWithLines() {
        #expect {
            _ = try Config.parse("timezone: UTC\ncolour: red\ninputs:\n  - path: a.csv\n    dataset: leads\n", file: "crmlint.yml")
        } throws: { error in
            let lines = (error as? CrmlintError)?.lines ?? []
            return lines == [
                "error: crmlint.yml:2:1: unknown key 'colour'; expected one of timezone, encoding, rules, select, ignore, fail_on, inputs, columns, company_domains, channels, directions, overrides",
                "error: crmlint.yml:5:14: unknown dataset 'leads'; expected one of customers, followups, messages, complaints",
            ]
        }
    }

    @Test func globs() {
        #expect(Glob.matches("*.csv", "a/b/c.csv"))
        #expect(Glob.matches("exports/**/*.jsonl", "exports/2024/03/m.jsonl"))
        #expect(Glob.matches("exports/**/*.jsonl", "exports/m.jsonl"))
        #expect(!Glob.matches("exports/*.jsonl", "exports/2024/m.jsonl"))
        #expect(Glob.matches("客户?.csv", "客户A.csv"))
    }

    @Test func configNamesDatasetAndColumnAliasesEndToEnd() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try ruleFixture.write(to: folder.appendingPathComponent("rules/test.yml"), atomically: true, encoding: .utf8)
        try "编号,聊天内容\nX1,设备零故障\n".write(to: folder.appendingPathComponent("chat.csv"), atomically: true, encoding: .utf8)
        try """
        rules: [rules]
        inputs:
          - path: chat.csv
            dataset: messages
        columns:
          messages:
            text: [聊天内容]
        """.write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let result = try crmlint(["scan", "chat.csv"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("chat.csv:2: error: 不得夸大产品功能 — zero-failure claim [t.zero-failure]"))
        let bad = try crmlint(["scan", "chat.csv", "--config", "missing.yml"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: missing.yml: cannot read the config file\n")
    }
}
