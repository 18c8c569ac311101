import CrmlintCore
import CrmlintReporters
import CrmlintRules
import Foundation

/// Rule listing, example testing and documentation, for the CLI and tests.
public enum RuleCatalog {
    public static func load(
        paths: [String], select: [String], ignore: [String], configPath: String? = nil, useConfig: Bool = false
    ) throws -> [Rule] {
        try catalog(paths: paths, select: select, ignore: ignore, configPath: configPath, useConfig: useConfig).rules
    }

    /// The rules a scan with these settings would run, and the file versions of those an override changed.
    /// With `useConfig`, `configPath` (or ./crmlint.yml when present) gives rules, select, ignore and overrides, as for a scan.
    public static func catalog(
        paths: [String], select: [String], ignore: [String], configPath: String? = nil,
        useConfig: Bool = false
    ) throws -> (rules: [Rule], originals: [String: Rule]) {
        let config = useConfig ? try Config.resolve(configPath) : Config()
        // Listing, documenting and `rules test` itself must work while an example fails.
        // Through the rule cache, as a scan loads them (CRMLINT_NO_CACHE=1 turns it off): without it every
        // pattern was compiled and probed again, a second for `rules list`.
        let selection = try RuleSelection(
            explicit: paths, select: select, ignore: ignore, config: config, checkExamples: false,
            cacheDirectory: RuleCache.defaultDirectory())
        if let error = CrmlintError.combine(selection.problems) { throw error }
        return (selection.rules, selection.loaded.originals)
    }

    /// One rule by id (`crmlint explain`); an unknown id is an error with the id meant when one is close.
    public static func rule(_ id: String, paths: [String], configPath: String? = nil, useConfig: Bool = false) throws -> Rule {
        let config = useConfig ? try Config.resolve(configPath) : Config()
        // Every loaded rule, enabled or not, and whatever select and ignore say: any rule can be explained.
        let rules = try RuleSelection(
            explicit: paths, select: [], ignore: [], config: config, checkExamples: false, cacheDirectory: RuleCache.defaultDirectory()
        ).loaded.rules
        guard let found = rules.first(where: { $0.metadata.id == id }) else {
            let hint = Suggestion.closest(to: id, among: rules.map(\.metadata.id)).map { "did you mean '\($0)'? " } ?? ""
            throw CrmlintError.usage("no rule '\(id)' (\(hint)see crmlint rules list)")
        }
        return found
    }

    /// Runs every example; returns how many passed and each failure.
    public static func testExamples(_ rules: [Rule]) -> (passed: Int, failures: [String]) {
        let result = testExamples(rules, originals: [:])
        return (result.passed, result.failures)
    }

    /// The same, for rules crmlint.yml overrides: an example that holds for the rule as its file wrote it
    /// but not under the override is listed in `overridden`, not as a failure (the change was meant).
    public static func testExamples(_ rules: [Rule], originals: [String: Rule]) -> (passed: Int, failures: [String], overridden: [String]) {
        var passed = 0
        var failures: [String] = []
        var overridden: [String] = []
        for rule in rules {
            let ruleFailures = rule.exampleFailures().map { Redactor.shared.redact($0) }
            let counts = rule.exampleCounts
            passed += counts.match + counts.noMatch - ruleFailures.count
            if let original = originals[rule.metadata.id] {
                let own = Set(original.exampleFailures().map { Redactor.shared.redact($0) })
                failures.append(contentsOf: ruleFailures.filter(own.contains))
                overridden.append(contentsOf: ruleFailures.filter { !own.contains($0) })
            } else {
                failures.append(contentsOf: ruleFailures)
            }
        }
        return (passed, failures, overridden)
    }

    public static func explain(_ rule: Rule) -> String {
        let meta = rule.metadata
        var out = "\(meta.id) — \(meta.message)\n"
        out += "  kind: \(meta.kind)   category: \(meta.category.rawValue)   severity: \(meta.severity.rawValue)"
        if let policy = meta.policy { out += "   policy: \(policy)" }
        out += "\n  datasets: \(meta.datasets.map { $0.map(\.rawValue).sorted().joined(separator: ", ") } ?? "all")"
        if let direction = meta.direction { out += "   direction: \(direction.rawValue)" }
        out += "   fields: \(meta.fields?.joined(separator: ", ") ?? "free-text fields")\n"
        out += "  defined at: \(meta.file):\(meta.line)\n"
        if let description = meta.description { out += "\n" + description + "\n" }
        let examples = rule.examples
        if let detector = examples.detector { out += "\nDetector: \(detector.name) — \(detector.summary)\n" }
        if !examples.match.isEmpty { out += "\nReported (examples):\n" + examples.match.map { "  ✗ \($0)\n" }.joined() }
        if !examples.noMatch.isEmpty { out += "\nNot reported (examples):\n" + examples.noMatch.map { "  ✓ \($0)\n" }.joined() }
        return out
    }

    /// The rule reference for these rule paths (default: the bundled rules).
    public static func reference(paths: [String]) throws -> String {
        let loaded = try load(paths: paths, select: [], ignore: [])
        return markdown(loaded, terms: RuleLoader.terms(paths: paths.isEmpty ? [try RulePack.defaultPath()] : paths))
    }

    /// `docs/rules.md`: rule kinds, the rule language, word classes, then every rule, from metadata.
    public static func markdown(_ rules: [Rule], terms: TermTable = .empty) -> String {
        var out =
            "# crmlint rule reference\n\nGenerated by `crmlint rules doc -o docs/rules.md` from the rule files; do not edit by hand.\n\n"
        out += "## Rule kinds\n\n"
        for kind in RuleKinds.all { out += "### `\(kind.name)`\n\n\(kind.summary)\n\n" }
        out += PatternRule.languageReference + "\n"
        if !terms.terms.isEmpty {
            out += "## Word classes\n\nDefined in the rule files under `terms:` and used in patterns as `{{name}}`; each expands to "
            out += "`(?:item|item|…)`. Items are PCRE2 fragments, Simplified Chinese only (Traditional text is mapped before matching).\n\n"
            out += "| class | defined in | items |\n|---|---|---|\n"
            for term in terms.terms.values.sorted(by: { $0.name < $1.name }) {
                let items = term.items.map { "`\($0.replacingOccurrences(of: "|", with: "\\|"))`" }.joined(separator: " ")
                out += "| `\(term.name)` | `\(term.file)` | \(items) |\n"
            }
            out += "\n"
        }
        out += "## Categories\n\n| category | meaning |\n|---|---|\n"
        for category in Category.allCases { out += "| `\(category.rawValue)` | \(category.summary) |\n" }
        out += "\n## Rules\n\n| id | kind | category | severity | policy | message |\n|---|---|---|---|---|---|\n"
        for rule in rules {
            let meta = rule.metadata
            out +=
                "| [`\(meta.id)`](#\(anchor(meta.id))) | \(meta.kind) | \(meta.category.rawValue) | \(meta.severity.rawValue) | \(meta.policy ?? "") | \(meta.message.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        for rule in rules {
            let meta = rule.metadata
            out += "\n### \(meta.id)\n\n\(meta.message)\n\n"
            out +=
                "- kind: `\(meta.kind)`, category: `\(meta.category.rawValue)`, severity: `\(meta.severity.rawValue)`\(meta.policy.map { ", policy: \($0)" } ?? "")\n"
            out +=
                "- datasets: \(meta.datasets.map { $0.map(\.rawValue).sorted().joined(separator: ", ") } ?? "all"); fields: \(meta.fields?.joined(separator: ", ") ?? "free-text fields")\n"
            if let direction = meta.direction { out += "- only \(direction.rawValue) messages\n" }
            out += "- source: `\(meta.file)`\n"
            if let description = meta.description { out += "\n\(description)\n" }
            let examples = rule.examples
            if let detector = examples.detector { out += "\nDetector `\(detector.name)`: \(detector.summary).\n" }
            let item: (String) -> String = examples.areTexts ? { "- `\($0)`\n" } : { "- \($0)\n" }
            out += "\nReported:\n\n" + examples.match.prefix(4).map(item).joined()
            out += "\nNot reported:\n\n" + examples.noMatch.prefix(4).map(item).joined()
        }
        return out
    }

    static func anchor(_ id: String) -> String { id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" } }
}
