import CrmlintCore
import Foundation
import Yams

/// A rule's examples, read when first asked for when its file is known to load
/// clean (`RuleCache.loadedClean`: they were read and checked then; a scan runs
/// the examples of rule files outside the binary only, and `rules test`,
/// `explain` and the docs ask for them), else read at once so their problems
/// are reported with the file's.
public final class ExampleLists<Example: Sendable>: Sendable {
    private let lists: OnFirstUse<(match: [Example], noMatch: [Example])>

    public init(match: [Example], noMatch: [Example]) { lists = OnFirstUse((match, noMatch)) }

    init(reader: @escaping () -> (match: [Example], noMatch: [Example])) { lists = OnFirstUse(making: reader) }

    public var match: [Example] { lists.value.match }
    public var noMatch: [Example] { lists.value.noMatch }
    /// Whether they have been read (tests).
    var isRead: Bool { lists.isMade }
}

/// `examples: {match: [...], no_match: [...]}` for rules whose examples are
/// single texts, and the runner that checks them.
public enum ExampleStrings {
    /// The lists `read` gives: on first use when these rule files loaded clean before (the same
    /// text, the same build: no problem now either), else now, so their problems are the load's.
    /// Not for a rule crmlint.yml overrides: its `datasets` may differ from the file's, which dataset
    /// examples read.
    static func lists<Example>(
        _ definition: RuleDefinition, reading read: @escaping (RuleDefinition) -> (match: [Example], noMatch: [Example])
    ) -> ExampleLists<Example> {
        if definition.cache?.loadedClean == true, !definition.overridden {
            if !definition.isDeferred("examples") { _ = definition.node("examples") } // read later, but a key the kind reads
            return ExampleLists {
                let known = definition.errors.count
                let lists = read(definition)
                // None is expected, but one the system's time zone data or a damaged cache could cause is said rather than lost.
                for error in definition.errors.dropFirst(known) {
                    for line in error.lines { FileHandle.standardError.write(Data("warning: \(line)\n".utf8)) }
                }
                return lists
            }
        }
        let now = read(definition)
        return ExampleLists(match: now.match, noMatch: now.noMatch)
    }

    static func read(_ definition: RuleDefinition) -> (match: [String], noMatch: [String]) {
        lists(definition) { key, value in
            let items = value.sequence.map(Array.init) ?? [value]
            let list = items.compactMap { $0.scalar?.string }
            if list.count != items.count { definition.fail("examples", "'examples.\(key)' must be a list of text values") }
            return list
        }
    }

    /// Reads `examples: {match: [...], no_match: [...]}` for every kind of rule:
    /// each list through `items`, any other key an error with a did-you-mean.
    /// (Text examples, contact-detail examples and dataset examples differ
    /// only in what an item is.)
    static func lists<Example>(
        _ definition: RuleDefinition, items: (_ key: String, _ value: Node) -> [Example]
    )
        -> (match: [Example], noMatch: [Example])
    {
        guard let node = definition.node("examples") else { return ([], []) }
        guard case let .mapping(mapping) = node else {
            definition.fail("examples", "'examples' must have 'match' and 'no_match' lists")
            return ([], [])
        }
        var match: [Example] = [], noMatch: [Example] = []
        for (key, value) in mapping {
            switch key.string {
            case "match": match = items("match", value)
            case "no_match": noMatch = items("no_match", value)
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
