import CrmlintCore
import Foundation
import Yams

/// Examples for rules that look across records: each example is a small
/// dataset. The one runner every such kind uses (`crmlint rules test` and the
/// test suite call it through `Rule.exampleFailures()`).
///
/// ```yaml
/// examples:
///   match:
///     - note: logged 24h01m after the contact ended
///       as_of: 2024-05-01T00:00:00+08:00     # optional; this is the default
///       timezone: Asia/Shanghai              # optional; this is the default
///       reported: [F1]                       # optional: exactly these records are reported
///       records:
///         - {dataset: followups, id: F1, customer_id: CRM-2024-001, contact_time: '2024-03-15 14:00', logged_at: '2024-03-16 14:01'}
///   no_match:
///     - records: [...]                       # or the list of records alone
/// ```
/// Field names may be canonical (`contact_time`) or template headers (`沟通时间`).
public struct DatasetExample: Sendable {
    public let note: String?
    public let records: [Record]
    public let asOf: Date
    public let timeZone: TimeZone
    /// Record ids that must be reported, exactly; nil = any finding will do.
    public let reported: [String]?
    /// `company_domains` in force for the example (contact-detail rules).
    public var companyDomains: [String] = []

    public static let defaultAsOf = Date(timeIntervalSince1970: 1_714_492_800) // 2024-05-01T00:00:00+08:00
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    public init(
        note: String? = nil, records: [Record], asOf: Date = defaultAsOf, timeZone: TimeZone = defaultTimeZone, reported: [String]? = nil,
        companyDomains: [String] = []
    ) {
        self.companyDomains = companyDomains
        self.note = note
        self.records = records
        self.asOf = asOf
        self.timeZone = timeZone
        self.reported = reported
    }
}

/// A rule whose examples are small datasets (for docs and `crmlint explain`).
public protocol DatasetExampleRule: Rule {
    var datasetExamples: DatasetExamples { get }
}

extension DatasetExampleRule {
    public var matchExamples: [DatasetExample] { datasetExamples.match }
    public var noMatchExamples: [DatasetExample] { datasetExamples.noMatch }

    public var examples: RuleExamples {
        RuleExamples(match: matchExamples.map(\.summary), noMatch: noMatchExamples.map(\.summary), areTexts: false)
    }

    public func exampleFailures() -> [String] { ExampleDatasets.failures(rule: self, match: matchExamples, noMatch: noMatchExamples) }
}

extension DatasetExample {
    /// One line for docs: the note, else the records' ids.
    public var summary: String { note ?? records.map(\.identity).joined(separator: ", ") }
}

/// A rule's dataset examples (`ExampleLists`): reading them built records for
/// every dataset (and their header tables), a twelfth of a small file's scan.
public typealias DatasetExamples = ExampleLists<DatasetExample>

public enum ExampleDatasets {
    static func read(_ definition: RuleDefinition, metadata: RuleMetadata) -> DatasetExamples {
        ExampleStrings.lists(definition) { readNow($0, metadata: metadata) }
    }

    private static func readNow(
        _ definition: RuleDefinition, metadata: RuleMetadata
    ) -> (match: [DatasetExample], noMatch: [DatasetExample]) {
        ExampleStrings.lists(definition) { key, value in
            value.array().enumerated().compactMap {
                example(from: $0.element, index: $0.offset, list: key, definition: definition, metadata: metadata)
            }
        }
    }

    private static func example(
        from node: Node, index: Int, list: String, definition: RuleDefinition, metadata: RuleMetadata
    ) -> DatasetExample? {
        let path = "examples.\(list)[\(index)]"
        var recordNodes: [Node] = []
        var note: String?, asOf = DatasetExample.defaultAsOf, timeZone = DatasetExample.defaultTimeZone, reported: [String]?
        switch node {
        case .sequence:
            recordNodes = node.array()
        case .mapping:
            guard let keys = NestedKeys(node, path: path, topKey: "examples", definition: definition) else { return nil }
            note = keys.string("note")
            if let zone = keys.string("timezone") {
                if let parsed = TimeZone(identifier: zone) {
                    timeZone = parsed
                } else {
                    keys.fail("'\(path).timezone': unknown time zone '\(zone)'")
                }
            }
            if let text = keys.string("as_of") {
                if let parsed = TimeValue.parse(text, timeZone: timeZone) {
                    asOf = parsed.start
                } else {
                    keys.fail("'\(path).as_of': '\(text)' is not a time")
                }
            }
            reported = keys.strings("reported")
            if let records = keys.node("records") { recordNodes = records.array() } else { keys.fail("'\(path)' needs 'records'") }
            keys.finish()
        default:
            definition.fail("examples", "'\(path)' must be a list of records or a mapping with 'records'")
            return nil
        }
        var records: [Record] = []
        let defaultDataset = metadata.datasets?.count == 1 ? metadata.datasets!.first : nil
        for (position, recordNode) in recordNodes.enumerated() {
            guard case let .mapping(fields) = recordNode else {
                definition.fail("examples", "'\(path).records[\(position)]' must be a mapping of fields to values")
                continue
            }
            var values: [String: String] = [:]
            var dataset = defaultDataset
            for (key, value) in fields {
                guard let name = key.string, case let .scalar(scalar) = value else {
                    definition.fail("examples", "'\(path).records[\(position)]': values must be text")
                    continue
                }
                if name == "dataset" {
                    dataset = Dataset(rawValue: scalar.string)
                    if dataset == nil { definition.fail("examples", "'\(path).records[\(position)]': unknown dataset '\(scalar.string)'") }
                } else {
                    values[name] = scalar.string
                }
            }
            guard let dataset else {
                definition.fail("examples", "'\(path).records[\(position)]' needs 'dataset' (customers, followups, messages, complaints)")
                continue
            }
            var canonical: [String: String] = [:]
            let names = DatasetSchema.mapping(headers: values.keys.sorted(), in: dataset)
            for (name, value) in values { canonical[names[name] ?? name] = value }
            records.append(Record(dataset: dataset, file: "<example>", line: position + 1, position: position + 1, fields: canonical))
        }
        return DatasetExample(note: note, records: records, asOf: asOf, timeZone: timeZone, reported: reported)
    }

    /// Every finding the rule reports on an example, as a scan would: records
    /// in dataset order (customers first), then `finish`. The one runner of
    /// examples: text examples (`ExampleStrings`, contact details) are
    /// one-record datasets run here too.
    public static func findings(rule: Rule, example: DatasetExample) -> [Finding] {
        let context = CheckContext(asOf: example.asOf, timeZone: example.timeZone)
        context.companyDomains = example.companyDomains
        let checker = rule.makeChecker()
        var found: [Finding] = []
        let ordered = example.records.enumerated().sorted { ($0.element.dataset, $0.offset) < ($1.element.dataset, $1.offset) }.map(
            \.element)
        for record in ordered where rule.metadata.applies(to: record) {
            checker.check(record, context: context) { found.append($0) }
        }
        checker.finish(context: context) { found.append($0) }
        return found.filter { $0.rule == rule.metadata.id }
    }

    public static func failures(rule: Rule, match: [DatasetExample], noMatch: [DatasetExample]) -> [String] {
        let meta = rule.metadata
        var failures: [String] = []
        func name(_ example: DatasetExample, _ index: Int, _ list: String) -> String {
            "\(list) example \(index + 1)" + (example.note.map { " (\($0))" } ?? "")
        }
        func check(_ example: DatasetExample, _ index: Int, _ list: String) -> [Finding] {
            let all = findings(rule: rule, example: example)
            // An example with unreadable values tests nothing: say so.
            if meta.category != .incompleteRecord {
                for problem in all where problem.category == .incompleteRecord {
                    failures.append("\(meta.id): \(name(example, index, list)) has a value the rule cannot read: \(problem.message)")
                }
            }
            return all.filter { $0.category == meta.category }
        }
        for (index, example) in match.enumerated() {
            let found = check(example, index, "match")
            if found.isEmpty {
                failures.append("\(meta.id): \(name(example, index, "match")) should be reported but is not")
            } else if let expected = example.reported {
                let got = Set(found.compactMap(\.recordId)), want = Set(expected)
                if got != want {
                    failures.append(
                        "\(meta.id): \(name(example, index, "match")) should report \(want.sorted().joined(separator: ", ")) but reports \(got.sorted().joined(separator: ", "))"
                    )
                }
            }
        }
        for (index, example) in noMatch.enumerated() {
            let found = check(example, index, "no_match")
            if !found.isEmpty {
                failures.append("\(meta.id): \(name(example, index, "no_match")) should not be reported but is: \(found[0].message)")
            }
        }
        return failures
    }
}
