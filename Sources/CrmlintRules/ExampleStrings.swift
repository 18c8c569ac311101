import CrmlintCore
import Foundation

/// `examples: {match: [...], no_match: [...]}` for rules whose examples are
/// single texts, and the runner that checks them.
public enum ExampleStrings {
    static func read(_ definition: RuleDefinition) -> (match: [String], noMatch: [String]) {
        guard let node = definition.node("examples") else { return ([], []) }
        guard case let .mapping(mapping) = node else {
            definition.fail("examples", "'examples' must have 'match' and 'no_match' lists")
            return ([], [])
        }
        var match: [String] = [], noMatch: [String] = []
        for (key, value) in mapping {
            let items = value.sequence.map(Array.init) ?? [value]
            let list = items.compactMap { $0.scalar?.string }
            if list.count != items.count { definition.fail("examples", "'examples.\(key.string ?? "?")' must be a list of text values") }
            switch key.string {
            case "match": match = list
            case "no_match": noMatch = list
            default:
                let name = key.string ?? "?"
                definition.fail(
                    "examples",
                    "unknown key '\(name)' in examples\(Suggestion.hint(for: name, among: ["match", "no_match"])) (match, no_match)")
            }
        }
        return (match, noMatch)
    }

    /// Puts each example in a one-record dataset and checks the rule's verdict.
    public static func failures(rule: Rule, dataset: Dataset, field: String, match: [String], noMatch: [String]) -> [String] {
        var failures: [String] = []
        func findings(_ text: String, _ index: Int) -> [Finding] {
            let record = Record(dataset: dataset, file: "<example>", line: index + 1, position: index + 1, fields: [field: text])
            return ExampleDatasets.findings(rule: rule, example: DatasetExample(records: [record])).filter { $0.category != .inputError }
        }
        for (index, text) in match.enumerated() where findings(text, index).isEmpty {
            failures.append("\(rule.metadata.id): example should match but does not: \(text)")
        }
        for (index, text) in noMatch.enumerated() where !findings(text, index).isEmpty {
            failures.append("\(rule.metadata.id): example should not match but does: \(text)")
        }
        return failures
    }
}
