import CrmlintCore
import Foundation
import Yams

/// One entry of `overrides:` in crmlint.yml: a rule id, an id prefix
/// (`conduct.`) or a category, and the keys to change in every rule it names.
/// The keys are merged into the rule's own YAML mapping before the rule is
/// built, so each kind validates its parameters as it does in a rule file,
/// and a problem points at crmlint.yml.
public struct RuleOverride: @unchecked Sendable {
    // @unchecked: Yams nodes are immutable value trees.
    public struct Entry {
        public var key: String
        public var value: Node
        public var line: Int
        public var column: Int

        public init(key: String, value: Node, line: Int, column: Int) {
            self.key = key
            self.value = value
            self.line = line
            self.column = column
        }
    }

    public var selector: String
    public var file: String
    public var line: Int
    public var column: Int
    /// `enabled:` when given; it decides whether the rule runs and is not passed to the rule.
    public var enabled: Bool?
    public var entries: [Entry]

    public init(selector: String, file: String, line: Int, column: Int, enabled: Bool?, entries: [Entry]) {
        self.selector = selector
        self.file = file
        self.line = line
        self.column = column
        self.enabled = enabled
        self.entries = entries
    }

    /// Keys an override may not change: they say which rule it is, or are the rule author's own checks.
    public static let fixedKeys = ["id", "kind", "examples"]

    /// How specific a selector is for a rule (nil: it does not name it). More specific overrides apply later and win.
    func specificity(for id: String, category: String) -> Int? {
        if selector == id { return 3 }
        if selector.hasSuffix("."), id.hasPrefix(selector) { return 2 }
        if selector == category { return 1 }
        return nil
    }

    /// The overrides naming a rule, least specific first (then in file order).
    public static func applying(_ overrides: [RuleOverride], id: String, category: String) -> [RuleOverride] {
        overrides.enumerated().compactMap { index, override in
            override.specificity(for: id, category: category).map { ($0, index, override) }
        }
        .sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// Whether the rule runs: the most specific `enabled:` wins; nil when no override says.
    public static func enabled(_ overrides: [RuleOverride], id: String, category: String) -> Bool? {
        applying(overrides, id: id, category: category).compactMap(\.enabled).last
    }

    /// Selectors naming no loaded rule, as config errors (with the id, prefix or category meant).
    public static func problems(_ overrides: [RuleOverride], rules: [Rule]) -> [CrmlintError] {
        overrides.compactMap { override in
            let named = rules.contains { override.specificity(for: $0.metadata.id, category: $0.metadata.category.rawValue) != nil }
            if named || (Category(rawValue: override.selector) != nil) { return nil }
            return .config(
                file: override.file, line: override.line, column: override.column,
                reason:
                    "overrides: '\(override.selector)' names no rule, rule prefix (ending in '.') or category\(RuleFilter.hint(override.selector, rules))"
            )
        }
    }
}

/// Where a key of a merged rule mapping came from: the rule file, or an override in crmlint.yml.
struct KeySource {
    var file: String
    var line: Int
    var column: Int
}

enum OverrideMerge {
    /// The rule's mapping with every override's keys merged in: a mapping
    /// merges into a mapping key by key (so `required: {followups: […]}`
    /// changes one dataset's list), anything else replaces the value. Each
    /// top-level key keeps where it was written, for messages.
    static func merge(_ node: Node, file: String, overrides: [RuleOverride]) -> (node: Node, sources: [String: KeySource]) {
        guard case let .mapping(mapping) = node else { return (node, [:]) }
        var pairs: [(Node, Node)] = mapping.map { ($0.key, $0.value) }
        var sources: [String: KeySource] = [:]
        for override in overrides {
            for entry in override.entries {
                let source = KeySource(file: override.file, line: entry.line, column: entry.column)
                if let index = pairs.firstIndex(where: { $0.0.string == entry.key }) {
                    pairs[index].1 = deepMerge(pairs[index].1, entry.value)
                } else {
                    pairs.append((Node(entry.key), entry.value))
                }
                sources[entry.key] = source
            }
        }
        return (.mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark)), sources)
    }

    static func deepMerge(_ base: Node, _ change: Node) -> Node {
        guard case let .mapping(baseMapping) = base, case let .mapping(changeMapping) = change else { return change }
        var pairs: [(Node, Node)] = baseMapping.map { ($0.key, $0.value) }
        for (key, value) in changeMapping {
            if let index = pairs.firstIndex(where: { $0.0.string != nil && $0.0.string == key.string }) {
                pairs[index].1 = deepMerge(pairs[index].1, value)
            } else {
                pairs.append((key, value))
            }
        }
        return .mapping(Node.Mapping(pairs, baseMapping.tag, baseMapping.style, baseMapping.mark))
    }
}
