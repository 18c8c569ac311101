import Yams

/// The one way crmlint reads YAML a person wrote: rule files, `crmlint.yml`
/// and suppressions files. The text is measured by `YAMLGuard` first (alias
/// bombs and deep nesting are refused before Yams builds a node), syntax
/// errors become one line with the place to fix (`YAMLErrorText`), and keys
/// and lists of text are read the same way everywhere. Patterns written in
/// any of them are compiled and probed by `RuleDefinition.compile`, whether
/// at a rule's top level or nested (`events.text`, `required.pattern`).
public enum StrictYAML {
    /// Why a text cannot be read: `YAMLErrorText.Problem` (1-based line and
    /// column, 0 when unknown).
    public typealias Problem = YAMLErrorText.Problem

    /// The document's root node, or nil for an empty document.
    public static func compose(_ text: String) throws(Problem) -> Node? {
        if let refusal = YAMLGuard.problem(in: text) { throw Problem(line: 0, column: 0, reason: "refused: \(refusal)") }
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw YAMLErrorText.describe(error, yaml: text)
        }
    }

    /// A mapping key as messages show it: its text, or `[list]` / `{mapping}`
    /// for a key that is a collection (printing one could expand aliases without end).
    public static func keyName(_ key: Node) -> String {
        switch key {
        case let .scalar(scalar): scalar.string
        case .sequence: "[list]"
        case .mapping: "{mapping}"
        case .alias: "*alias"
        }
    }

    /// A list of text values (a single text is a list of one); nil when the
    /// node or an item of it is a list or mapping.
    public static func strings(_ node: Node) -> [String]? {
        switch node {
        case let .scalar(scalar): return [scalar.string]
        case let .sequence(sequence):
            var result: [String] = []
            for item in sequence {
                guard case let .scalar(scalar) = item else { return nil }
                result.append(scalar.string)
            }
            return result
        default:
            return nil
        }
    }
}

extension YAMLErrorText.Problem: Error {}
