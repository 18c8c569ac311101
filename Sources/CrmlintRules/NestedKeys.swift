import CrmlintCore
import PatternEngine
import Yams

/// A mapping nested inside a rule (`start:`, `done:`, `events:`), read as
/// strictly as the rule itself: problems go to the rule's definition with the
/// top-level key's line, and keys nobody reads are reported by `finish()`.
public final class NestedKeys {
    let definition: RuleDefinition
    /// Where this mapping sits, for messages: `start`, `tiers[2]`.
    let path: String
    private let topKey: String
    private var entries: [(key: String, value: Node)] = []
    private var used: Set<String> = []
    /// Keys looked for, present or not: what an unknown key may have meant.
    private var asked: Set<String> = []

    /// Nil (with an error recorded) when `node` is not a mapping.
    init?(_ node: Node, path: String, topKey: String, definition: RuleDefinition) {
        self.definition = definition
        self.path = path
        self.topKey = topKey
        guard case let .mapping(mapping) = node else {
            definition.fail(topKey, "'\(path)' must be a mapping of keys to values")
            return nil
        }
        for (key, value) in mapping { entries.append((StrictYAML.keyName(key), value)) }
    }

    func fail(_ reason: String) { definition.fail(topKey, reason) }

    func has(_ key: String) -> Bool {
        asked.insert(key)
        return entries.contains { $0.key == key }
    }

    func node(_ key: String) -> Node? {
        asked.insert(key)
        guard let found = entries.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return found.value
    }

    func string(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case let .scalar(scalar) = value else {
            fail("'\(path).\(key)' must be a text value")
            return nil
        }
        return scalar.string
    }

    func strings(_ key: String) -> [String]? {
        guard let value = node(key) else { return nil }
        return NestedKeys.strings(value, name: "\(path).\(key)", fail: fail)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = node(key) else { return nil }
        guard let result = value.bool else {
            fail("'\(path).\(key)' must be true or false")
            return nil
        }
        return result
    }

    func int(_ key: String) -> Int? {
        guard let value = node(key) else { return nil }
        guard let result = value.integer else {
            fail("'\(path).\(key)' must be a whole number")
            return nil
        }
        return result
    }

    func span(_ key: String) -> TimeSpan? {
        guard let text = string(key) else { return nil }
        guard let span = TimeSpan.parse(text) else {
            fail("'\(path).\(key)' must be a length of time such as 24h, 3d or 30d, not '\(text)'")
            return nil
        }
        return span
    }

    func patterns(_ key: String) -> [Pattern]? {
        guard let sources = strings(key) else { return nil }
        // Compiled, `{{term}}`s expanded and probed for catastrophic backtracking like a top-level pattern.
        return sources.compactMap { definition.compile($0, key: topKey, name: "\(path).\(key)") }
    }

    /// Reports keys present but read by nobody.
    func finish() {
        for (key, _) in entries where !used.contains(key) {
            fail("unknown key '\(key)' in '\(path)'\(Suggestion.hint(for: key, among: asked.subtracting(used).sorted()))")
        }
    }

    static func strings(_ value: Node, name: String, fail: (String) -> Void) -> [String]? {
        guard let strings = StrictYAML.strings(value) else {
            fail("'\(name)' must be a list of text values")
            return nil
        }
        return strings
    }
}

extension RuleDefinition {
    /// A mapping-valued key read strictly.
    func nested(_ key: String, required: Bool = false) -> NestedKeys? {
        guard let value = node(key) else {
            if required { fail(nil, "missing required key '\(key)'") }
            return nil
        }
        return NestedKeys(value, path: key, topKey: key, definition: self)
    }

    /// A length of time (`24h`, `3d`).
    func span(_ key: String, required: Bool = false) -> TimeSpan? {
        guard let text = string(key, required: required) else { return nil }
        guard let span = TimeSpan.parse(text) else {
            fail(key, "'\(key)' must be a length of time such as 24h, 3d or 30d, not '\(text)'")
            return nil
        }
        return span
    }

    /// Kinds that read their own fields reject the pattern kind's `fields` key.
    func rejectFields(_ metadata: RuleMetadata) {
        if metadata.fields != nil { fail("fields", "'fields' is not used by kind '\(metadata.kind)'") }
    }

    /// A message template with the kind's placeholders.
    func template(_ metadata: RuleMetadata, allowed: [String]) -> MessageTemplate {
        MessageTemplate(metadata.message, allowed: allowed, definition: self)
    }
}
