import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `CheckContext.columnValueIndex`: one index per distinct value of a column, whichever rule asks first, so the
/// contact log and the id-format check share one look-up per record; and what both build on it.
@Suite struct ColumnValueIndexTests {
    let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func record(_ position: Int, customer: String?, rep: String? = nil) -> Record {
        var fields = ["text": "您好"]
        if let customer { fields["customer_id"] = customer }
        if let rep { fields["rep"] = rep }
        return Record(dataset: .messages, file: "m.csv", line: position + 1, position: position, fields: fields)
    }

    @Test func equalValuesShareAnIndexAndOthersDoNot() {
        // Random picks among ids, an empty value, a missing field, and two spellings of one name (é precomposed
        // and as e + U+0301: equal Strings, so one index, as a String dictionary gives).
        let values: [String?] = [
            "CRM-2024-0011921", "CRM-2024-0399884", "CRM-2024-001", " CRM-2024-001", "", nil, "客户甲", "caf\u{E9}", "cafe\u{301}",
        ]
        var generator = SystemRandomNumberGenerator()
        var seen: [String: Int32] = [:]
        var indices = Set<Int32>()
        for position in 1...500 {
            let value = values.randomElement(using: &generator)!
            let record = record(position, customer: value)
            let index = context.columnValueIndex(record, number: FieldNumbers.customerId)
            #expect(context.columnValueIndex(record, number: FieldNumbers.customerId) == index, "asked twice: one answer")
            guard let value, !value.isEmpty else {
                #expect(index == nil, "no value, no index")
                continue
            }
            let found = try! #require(index)
            if let known = seen[value] { #expect(found == known, "\(value)") } else { seen[value] = found }
            indices.insert(found)
        }
        // Distinct Strings (the two spellings of café are one), distinct indices; each column numbers its own.
        #expect(indices.count == seen.count)
        // The two spellings of café, asked in turn: different bytes, one index.
        let composed = context.columnValueIndex(record(601, customer: "caf\u{E9}"), number: FieldNumbers.customerId)
        let decomposed = context.columnValueIndex(record(602, customer: "cafe\u{301}"), number: FieldNumbers.customerId)
        #expect(Array("caf\u{E9}".utf8) != Array("cafe\u{301}".utf8))
        #expect(composed != nil && composed == decomposed)
        let rep = context.columnValueIndex(record(501, customer: "CRM-2024-001", rep: "李超"), number: FieldNumbers.rep)
        #expect(rep == 0, "the rep column's first value")
    }

    @Test func theContactLogNumbersCustomersAsTheirTrimmedIds() throws {
        // Ids as written with and without spaces around them are one customer; other ids are others, whichever
        // rule looked the record's id up first.
        let log = ContactLog()
        let metadata = RuleMetadata(id: "t.log", kind: "cadence", category: .overContact, severity: .warning, message: "m")
        let ids = ["CRM-2024-001", " CRM-2024-001 ", "CRM-2024-002", "CRM-2024-001", "CRM-2024-003", "CRM-2024-002 "]
        var logged: [Int32] = []
        for (position, id) in ids.enumerated() {
            let record = Record(
                dataset: .messages, file: "m.csv", line: position + 2, position: position + 1,
                fields: ["customer_id": id, "timestamp": "2024-03-15 09:00", "channel": "电话", "direction": "呼出"])
            if position % 2 == 0 { _ = context.columnValueIndex(record, number: FieldNumbers.customerId) }
            let index = try #require(log.add(record, context: context, rule: metadata) { _ in })
            logged.append(log.customer[index])
        }
        #expect(logged == [0, 0, 1, 0, 2, 1])
        #expect(log.customerId(0) == "CRM-2024-001")
        #expect(log.customerId(4) == "CRM-2024-003")
        #expect(log.customerId(5) == "CRM-2024-002")
    }
}
