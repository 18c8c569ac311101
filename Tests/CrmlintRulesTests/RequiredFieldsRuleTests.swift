import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `kind: required`: one finding per missing or malformed field, and one per
/// record and field when several rules notice the same value.
@Suite struct RequiredFieldsRuleTests {
    let yaml = """
        - id: t.complete
          kind: required
          category: incomplete-record
          severity: warning
          message: 记录不完整 — {field} {problem}
          required:
            followups: [customer_id, contact_time, customer_commitment, logged_at]
          formats:
            customer_id: {pattern: '^CRM-\\d{4}-\\d{3,}$'}
            contact_time: time
            logged_at: time
            annual_purchase: amount
            strategic: boolean
            channel: channel
            direction: direction
            tier: {tier: [A, B, C]}
        """

    @Test func eachMissingFieldIsItsOwnFinding() throws {
        let found = Policy.run(
            try Policy.rule(yaml),
            [
                (
                    .followups,
                    [
                        "customer_id": "CRM-2024-001", "contact_time": "2024-03-15 10:00", "customer_commitment": "  ",
                        "logged_at": "",
                    ]
                )
            ])
        #expect(found.compactMap(\.field).sorted() == ["customer_commitment", "logged_at"])
        #expect(found.first { $0.field == "logged_at" }?.message == "记录不完整 — logged_at (录入时间) is missing")
        #expect(found.allSatisfy { $0.category == .incompleteRecord && $0.recordId == "1" })
    }

    /// A field both required and formatted is read once per record at its place in the record's shape: blank
    /// (white space, ideographic too) it is missing and nothing else; filled, its format is checked. Records of
    /// shapes that put the fields at other places, in turn, get the findings each gets alone.
    @Test func requiredAndFormattedFieldsAcrossShapes() throws {
        let rule = try Policy.rule(yaml)
        let complete = ["contact_time": "2024-03-15 10:00", "customer_commitment": "下周回复", "logged_at": "2024-03-15 11:00"]
        let rows: [[String: String]] = [
            complete.merging(["customer_id": "CRM-2024-001"]) { $1 },
            complete.merging(["customer_id": "\u{3000}", "tier": "", "annual_purchase": " "]) { $1 },
            complete.merging(["customer_id": "CRM2024001", "contact_time": "昨天", "tier": "D", "annual_purchase": "很多"]) { $1 },
            complete.merging(["customer_id": "CRM-2024-002", "logged_at": " ", "channel": "电话"]) { $1 },
        ]
        let expected: [[String]] = [
            [], ["customer_id"], ["annual_purchase", "contact_time", "customer_id", "tier"], ["logged_at"],
        ]
        for (row, fields) in zip(rows, expected) {
            #expect(Policy.run(rule, [(.followups, row)]).compactMap(\.field).sorted() == fields, "\(row)")
        }
        #expect(
            Policy.run(rule, [(.followups, rows[1])]).first?.message == "记录不完整 — customer_id (客户编号) is missing")
        // All in one run, and in the reverse order: each record's findings as alone.
        for order in [Array(rows.indices), rows.indices.reversed()] {
            let found = Policy.run(rule, order.map { (.followups, rows[$0]) })
            for (position, index) in order.enumerated() {
                let own = found.filter { $0.recordId == String(position + 1) }.compactMap(\.field).sorted()
                #expect(own == expected[index], "record \(index) at \(position + 1)")
            }
        }
    }

    @Test(arguments: [
        ("customer_id", "CRM2024001", "does not have the required format"),
        ("customer_id", "CRM-24-1", "does not have the required format"),
        ("annual_purchase", "很多", "is not an amount"), ("strategic", "也许", "is not yes or no"),
        ("tier", "D", "is not a tier (A, B, C)"), ("logged_at", "2024-02-30 10:00", "is not a time"),
    ])
    func malformedValuesAreNamed(field: String, value: String, problem: String) throws {
        let found = Policy.run(try Policy.rule(yaml), [(.customers, [field: value])])
        #expect(found.count == 1)
        #expect(found.first?.field == field)
        #expect(found.first?.message.contains(problem) == true)
    }

    /// A checker remembers each id's verdict (ids repeat on every record of a customer): many records
    /// drawing ids, valid, malformed, padded and full-width, in random order get the findings each id
    /// gets alone.
    @Test func rememberedFormatVerdictsAreEachValuesOwn() throws {
        let rule = try Policy.rule(yaml)
        let ids = ["CRM-2024-001", "CRM2024001", " CRM-2024-002 ", "ＣＲＭ-２０２４-００３", "CRM-24-1", "crm-2024-004", "CRM-2024-0005"]
        let alone = ids.map { id in !Policy.run(rule, [(.customers, ["customer_id": id])]).isEmpty }
        #expect(alone.contains(true) && alone.contains(false))
        var generator = SystemRandomNumberGenerator()
        let drawn = (0..<300).map { _ in Int.random(in: 0..<ids.count, using: &generator) }
        let rows = drawn.map { (Dataset.customers, ["customer_id": ids[$0]]) }
        // Record n is on line n + 2 (`Policy.records`).
        let reported = Policy.run(rule, rows).map(\.line).sorted()
        #expect(reported == drawn.enumerated().filter { alone[$0.element] }.map { $0.offset + 2 })
    }

    /// A column the file does not have, and a channel or direction word no
    /// vocabulary knows, are facts about the file (noted once per file by the
    /// scanner: ScanNotesTests), not findings on each record.
    @Test func absentColumnsAndUnknownWordsAreNotRecordFindings() throws {
        #expect(
            Policy.run(
                try Policy.rule(yaml),
                [
                    (
                        .followups,
                        [
                            "customer_id": "CRM-2024-001", "contact_time": "2024-03-15 10:00",
                            "customer_commitment": "下周答复", "logged_at": "2024-03-15 12:00",
                        ]
                    )
                ]
            ).isEmpty)
        #expect(Policy.run(try Policy.rule(yaml), [(.customers, ["channel": "飞鸽传书"]), (.customers, ["direction": "sideways"])]).isEmpty)
    }

    @Test(arguments: [
        ("customer_id", "CRM-2024-001"), ("annual_purchase", "¥1,200,000"), ("strategic", "是"), ("channel", "上门拜访"),
        ("direction", "呼出"), ("tier", "A类"), ("logged_at", "2024年3月15日14:00-15:30"),
    ])
    func wellFormedValuesPass(field: String, value: String) throws {
        #expect(Policy.run(try Policy.rule(yaml), [(.customers, [field: value])]).isEmpty)
    }

    @Test func contactDetailsInAMalformedValueAreMasked() throws {
        let found = Policy.run(try Policy.rule(yaml), [(.customers, ["tier": "13812345678"])])
        let finding = try #require(found.first)
        #expect(!finding.message.contains("13812345678"))
        #expect(finding.message.contains("138****5678"))
        #expect(finding.excerpt?.contains("13812345678") == false)
    }

    @Test func aValueSeveralRulesNeedIsReportedOnce() throws {
        let complete = try Policy.rule(yaml)
        let lateLog = try Policy.rule(
            """
            - id: t.late-log
              kind: deadline
              category: late-log
              severity: warning
              message: m {elapsed}
              datasets: [followups]
              start: {datasets: [followups]}
              done: {field: logged_at}
              within: 24h
            """)
        let record = Record(
            dataset: .followups, file: "f.csv", line: 2, position: 1,
            fields: [
                "customer_id": "CRM-2024-001", "contact_time": "2024-03-15 10:00", "channel": "电话",
                "customer_commitment": "待定", "logged_at": "昨天",
            ])
        let context = CheckContext(asOf: Date(), timeZone: Policy.shanghai)
        var found: [Finding] = []
        for rule in [complete, lateLog] { rule.makeChecker().check(record, context: context) { found.append($0) } }
        #expect(found.map(\.rule) == ["t.complete"])
        #expect(found.first?.field == "logged_at")
        // Alone, the deadline rule reports the value itself.
        var alone: [Finding] = []
        lateLog.makeChecker().check(record, context: CheckContext(asOf: Date(), timeZone: Policy.shanghai)) { alone.append($0) }
        #expect(alone.map(\.rule) == ["t.late-log"])
        #expect(alone.first?.category == .incompleteRecord)
    }

    @Test func unknownFormatsAndFieldsAreLoadErrors() {
        let errors = Policy.errors(
            yaml.replacingOccurrences(of: "strategic: boolean", with: "strategic: yesno")
                .replacingOccurrences(of: "customer_commitment, logged_at", with: "customer_commitment, logged"))
        #expect(errors.contains { $0.contains("unknown format 'yesno' for 'strategic'") })
        #expect(errors.contains { $0.contains("'logged' is not a field of followups") })
    }
}
