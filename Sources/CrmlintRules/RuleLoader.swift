import CrmlintCore
import Foundation
import Yams

/// Loads rule files (`*.yml`, `*.yaml`) from folders or single files. All
/// problems of one load are collected and thrown together, sorted.
public enum RuleLoader {
    /// With `checkExamples`, a rule whose examples do not behave as declared
    /// is an error of the load, one per example (what `scan` wants: a rule
    /// that misfires on its own examples would misfire on the data). `rules
    /// test` loads without it and reports the failures itself.
    public static func load(paths: [String], checkExamples: Bool = true) throws -> [Rule] {
        var rules: [Rule] = []
        var errors: [CrmlintError] = []
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(.rule(file: path, line: 0, ruleID: nil, reason: "no such rules file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
                    .filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
                    .sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
                files.append(contentsOf: found)
            } else {
                files.append(path)
            }
        }
        for file in files {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let (loaded, problems) = load(yaml: text, file: file)
                rules.append(contentsOf: loaded)
                errors.append(contentsOf: problems)
            } catch {
                errors.append(.rule(file: file, line: 0, ruleID: nil, reason: "cannot read file: not UTF-8 text or unreadable"))
            }
        }
        var seen: [String: RuleMetadata] = [:]
        for rule in rules {
            if let first = seen[rule.metadata.id] {
                errors.append(.rule(file: rule.metadata.file, line: rule.metadata.line, ruleID: rule.metadata.id,
                                    reason: "duplicate rule id (first defined at \(first.file):\(first.line))"))
            } else {
                seen[rule.metadata.id] = rule.metadata
            }
        }
        if checkExamples { errors += exampleErrors(rules) }
        if let error = CrmlintError.combine(errors) { throw error }
        return rules.sorted { $0.metadata.id < $1.metadata.id }
    }

    /// One error per example that does not behave as declared. Examples are
    /// the rule author's text, but are redacted like everything crmlint prints.
    public static func exampleErrors(_ rules: [Rule]) -> [CrmlintError] {
        var errors: [CrmlintError] = []
        for rule in rules {
            let meta = rule.metadata
            for failure in rule.exampleFailures() {
                var reason = failure.hasPrefix(meta.id + ": ") ? String(failure.dropFirst(meta.id.count + 2)) : failure
                reason = Redactor.shared.redact(reason).replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
                errors.append(.rule(file: meta.file, line: meta.line, ruleID: meta.id, reason: reason + " (run crmlint rules test)"))
            }
        }
        return errors
    }

    /// Rules and problems from the text of one rule file.
    public static func load(yaml: String, file: String) -> ([Rule], [CrmlintError]) {
        if let problem = YAMLGuard.problem(in: yaml) { return ([], [.rule(file: file, line: 0, ruleID: nil, reason: "refused: \(problem)")]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return ([], [yamlError(error, file: file)])
        } catch {
            return ([], [.rule(file: file, line: 0, ruleID: nil, reason: "invalid YAML")])
        }
        guard let root else { return ([], []) }   // an empty file holds no rules
        guard case let .sequence(sequence) = root else {
            return ([], [.rule(file: file, line: root.mark?.line ?? 1, ruleID: nil, reason: "a rule file must be a YAML list of rules")])
        }
        var rules: [Rule] = []
        var errors: [CrmlintError] = []
        for node in sequence {
            let definition = RuleDefinition(file: file, node: node)
            if let rule = build(definition) { rules.append(rule) }
            errors.append(contentsOf: definition.errors)
        }
        return (rules, errors)
    }

    static func build(_ definition: RuleDefinition) -> Rule? {
        guard definition.errors.isEmpty else { return nil }
        let kindName = definition.has("kind") ? (definition.string("kind") ?? "") : PatternRule.name
        guard let kind = RuleKinds.kind(named: kindName) else {
            definition.fail("kind", "unknown kind '\(kindName)' (one of: \(RuleKinds.all.map { $0.name }.joined(separator: ", ")))")
            return nil
        }
        let metadata = definition.metadata(kind: kindName)
        // With broken common keys the kind still reads its own, so their problems are
        // reported as such, not as unknown keys; the rule itself is dropped.
        let placeholder = RuleMetadata(id: definition.id ?? "", kind: kindName, category: .inputError, severity: .error, message: "",
                                       file: definition.file, line: definition.line)
        let made = kind.make(metadata: metadata ?? placeholder, definition: definition)
        let rule = metadata == nil ? nil : made
        definition.reportUnknownKeys()
        return definition.errors.isEmpty ? rule : nil
    }

    static func yamlError(_ error: YamlError, file: String) -> CrmlintError {
        let text = "\(error)"
        // Yams puts "line:column: reason" first; keep one line.
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        var line = 0
        if let range = firstLine.range(of: #"^\S*?(\d+):(\d+): "#, options: .regularExpression) {
            let prefix = firstLine[range]
            line = Int(prefix.split(separator: ":").dropLast().dropLast().last.map(String.init) ?? "") ?? 0
            if line == 0 { line = Int(prefix.split(separator: ":").first.map(String.init) ?? "") ?? 0 }
            return .rule(file: file, line: line, ruleID: nil, reason: "invalid YAML: " + firstLine[range.upperBound...])
        }
        return .rule(file: file, line: 0, ruleID: nil, reason: "invalid YAML: \(firstLine)")
    }
}

/// Which rules run: `--select` and `--ignore` take rule ids, id prefixes
/// (`conduct.`) or categories.
public struct RuleFilter: Sendable {
    public var select: [String]
    public var ignore: [String]

    public init(select: [String] = [], ignore: [String] = []) {
        self.select = select
        self.ignore = ignore
    }

    static func matches(_ selector: String, _ rule: RuleMetadata) -> Bool {
        selector == rule.id || selector == rule.category.rawValue || (selector.hasSuffix(".") && rule.id.hasPrefix(selector))
            || (selector.hasSuffix("*") && rule.id.hasPrefix(selector.dropLast()))
    }

    public func includes(_ rule: RuleMetadata) -> Bool {
        if !select.isEmpty, !select.contains(where: { Self.matches($0, rule) }) { return false }
        return !ignore.contains { Self.matches($0, rule) }
    }

    /// Selectors that name no rule are a usage error, not a silent no-op.
    public func unknownSelectors(in rules: [Rule]) -> [String] {
        (select + ignore).filter { selector in !rules.contains { Self.matches(selector, $0.metadata) } && Category(rawValue: selector) == nil }
    }
}
