import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// Helpers for the semantics tests of the cross-record kinds: rules from YAML
/// text, records from dictionaries, and a run over a small dataset.
enum Policy {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// One rule from YAML (a list of one); the test fails on load errors.
    static func rule(_ yaml: String) throws -> Rule {
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        return try #require(rules.first)
    }

    /// Load errors of YAML that should not load.
    static func errors(_ yaml: String) -> [String] { RuleLoader.load(yaml: yaml, file: "t.yml").1.map(\.description) }

    static func time(_ text: String, _ zone: TimeZone = shanghai) -> Date { TimeValue.parse(text, timeZone: zone)!.start }

    /// Records numbered by line in list order, in file `<dataset>.csv`.
    static func records(_ rows: [(Dataset, [String: String])]) -> [Record] {
        rows.enumerated().map {
            Record(
                dataset: $0.element.0, file: "\($0.element.0.rawValue).csv", line: $0.offset + 2, position: $0.offset + 1,
                fields: $0.element.1)
        }
    }

    static func run(
        _ rule: Rule, _ rows: [(Dataset, [String: String])], asOf: String = "2024-05-01T00:00:00+08:00",
        timeZone: TimeZone = shanghai
    ) -> [Finding] {
        ExampleDatasets.findings(
            rule: rule, example: DatasetExample(records: records(rows), asOf: time(asOf, timeZone), timeZone: timeZone))
    }

    static func message(
        _ dataset: Dataset = .messages, _ id: String, _ customer: String, _ time: String, _ channel: String,
        _ direction: String, _ text: String = ""
    ) -> (Dataset, [String: String]) {
        (dataset, ["id": id, "customer_id": customer, "timestamp": time, "channel": channel, "direction": direction, "text": text])
    }

    static func followup(
        _ id: String, _ customer: String, _ time: String, _ channel: String, _ extra: [String: String] = [:]
    ) -> (Dataset, [String: String]) {
        (.followups, ["id": id, "customer_id": customer, "contact_time": time, "channel": channel].merging(extra) { $1 })
    }

    static func customer(
        _ id: String, tier: String, purchase: String = "50万", _ extra: [String: String] = [:]
    ) -> (Dataset, [String: String]) {
        (.customers, ["customer_id": id, "tier": tier, "annual_purchase": purchase, "owner": "李娜"].merging(extra) { $1 })
    }
}
