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
        try load(paths: paths, overrides: [], checkExamples: checkExamples).rules
    }

    /// Rules with crmlint.yml's `overrides` merged in. An example that no
    /// longer holds under an override is not an error: the rule was changed
    /// on purpose, and its file's examples are checked as the file wrote them.
    ///
    /// With `cacheDirectory`, what loading computes from pattern text alone
    /// is kept there between runs (`RuleCache`, named by the files' contents
    /// and `cacheIdentity`); the files are still parsed and checked as without it.
    /// `readingAgain`: after compiling (no clean cache to start from), read the rules again from the cache written
    /// (false: hand over what the compiling made; tests that look at it).
    public static func load(
        paths: [String], overrides: [RuleOverride], checkExamples: Bool = true, cacheDirectory: String? = nil,
        cacheIdentity: String = RuleCache.buildIdentity, readingAgain: Bool = true
    ) throws -> LoadedRules {
        let loaded = try compileAndLoad(
            paths: paths, overrides: overrides, checkExamples: checkExamples, cacheDirectory: cacheDirectory, cacheIdentity: cacheIdentity)
        // A load without a clean cache compiled every pattern and JIT-compiled those its probes ran, and kept them
        // (`CompiledPatterns`): the whole export's scan then peaked ~55 MB above a run with the cache (37 MB of it
        // JIT code). Once the cache is written, the rules are read again from it, as the next run will read them,
        // and the compiled patterns let go: each is compiled again only if the scan runs it.
        guard readingAgain, let cache = loaded.cache, !cache.startedClean, cache.savedClean else { return loaded }
        CompiledPatterns.shared.removeAll()
        // The examples were checked by the load that compiled (it threw had one failed): not run twice.
        var again = try compileAndLoad(
            paths: paths, overrides: overrides, checkExamples: false, cacheDirectory: cacheDirectory, cacheIdentity: cacheIdentity)
        again.readAgainAfterCompiling = true
        return again
    }

    private static func compileAndLoad(
        paths: [String], overrides: [RuleOverride], checkExamples: Bool, cacheDirectory: String?, cacheIdentity: String
    ) throws -> LoadedRules {
        var rules: [Rule] = []
        var originals: [String: Rule] = [:]
        var errors: [CrmlintError] = []
        let files = ruleFiles(paths, errors: &errors)
        let texts = files.map { file in Result { try readText(file) } }
        let cache = cacheDirectory.map { directory in
            RuleCache(
                directory: directory, files: zip(files, texts).map { ($0, (try? $1.get()) ?? "\u{0}unreadable") }, identity: cacheIdentity)
        }
        // Two passes: word classes (`terms`) may be defined in any file and
        // used in every other, so all files are parsed before rules are built.
        var parsed: [(file: String, items: [Node], deferred: [Int: [String: YAMLNodeCodec.DeferredNode]])] = []
        var terms = TermTable()
        // After a clean load of these very files, word classes are read only if a pattern
        // needs expanding (`TermTable(fingerprint:making:)`); files of nothing else are not decoded.
        let cleanTerms = cache?.cleanTerms()
        var termSources: [TermSource] = []
        var termsOnly: Set<String> = []
        for (file, text) in zip(files, texts) {
            do {
                let text = try text.get()
                if let cleanTerms, cleanTerms.files.contains(file) {
                    termSources.append(TermSource(file: file, text: text, blocks: nil))
                    continue
                }
                // After a clean load, examples are decoded when first asked for (a scan of the bundled rules never does).
                let content = parse(yaml: text, file: file, cache: cache, deferring: cache?.loadedClean == true ? ["examples"] : [])
                errors.append(contentsOf: content.errors)
                if cleanTerms != nil {
                    if !content.termBlocks.isEmpty { termSources.append(TermSource(file: file, text: text, blocks: content.termBlocks)) }
                } else {
                    for block in content.termBlocks { terms.add(block, file: file, errors: &errors) }
                    if content.items.isEmpty && !content.termBlocks.isEmpty { termsOnly.insert(file) }
                }
                parsed.append((file, content.items, content.deferred))
            } catch {
                errors.append(.rule(file: file, line: 0, ruleID: nil, reason: "cannot read file: not UTF-8 text or unreadable"))
            }
        }
        if let cleanTerms, let cache {
            terms = TermTable(fingerprint: cleanTerms.fingerprint) { [termSources] in
                var table = TermTable()
                var ignored: [CrmlintError] = [] // none: these files loaded clean before
                for source in termSources {
                    for block in source.blocks ?? parse(yaml: source.text, file: source.file, cache: cache).termBlocks {
                        table.add(block, file: source.file, errors: &ignored)
                    }
                }
                table.resolve(errors: &ignored, cache: cache)
                return table
            }
        } else {
            terms.resolve(errors: &errors, cache: cache)
        }
        for (file, items, deferred) in parsed {
            let (loaded, problems) = build(
                items, file: file, terms: terms, overrides: overrides, originals: &originals, cache: cache, deferred: deferred)
            rules.append(contentsOf: loaded)
            errors.append(contentsOf: problems)
        }
        var seen: [String: RuleMetadata] = [:]
        for rule in rules {
            if let first = seen[rule.metadata.id] {
                errors.append(
                    .rule(
                        file: rule.metadata.file, line: rule.metadata.line, column: rule.metadata.column, ruleID: rule.metadata.id,
                        reason: "duplicate rule id (first defined at \(first.file):\(first.line))"))
            } else {
                seen[rule.metadata.id] = rule.metadata
            }
        }
        // The built-in rules are compiled into the binary and their examples are
        // run by its tests and by `crmlint rules test`; a scan runs only the
        // examples of rule files it reads from disk (a tenth of loading saved).
        if checkExamples {
            errors += exampleErrors(rules.map { originals[$0.metadata.id] ?? $0 }.filter { !BuiltinRules.isBuiltin($0.metadata.file) })
        }
        if let error = CrmlintError.combine(errors) { throw error }
        if cleanTerms == nil { cache?.setTerms(fingerprint: terms.fingerprint, files: termsOnly) }
        cache?.markLoadedClean()
        cache?.save()
        // Sorted by id through the ids read once (comparing rules read and copied two metadata per comparison).
        let ids = rules.map(\.metadata.id)
        let sorted = ids.indices.sorted { (ids[$0], $0) < (ids[$1], $1) }.map { rules[$0] }
        let disabled = Set(
            sorted.filter { RuleOverride.enabled(overrides, id: $0.metadata.id, category: $0.metadata.category.rawValue) == false }
                .map(\.metadata.id))
        var loaded = LoadedRules(
            rules: sorted, originals: originals, disabled: disabled, problems: RuleOverride.problems(overrides, rules: sorted), cache: cache
        )
        loaded.terms = terms
        return loaded
    }

    /// The word classes (`terms`) defined across these rule files, for the
    /// reference; problems are left to `load`.
    public static func terms(paths: [String]) -> TermTable {
        var terms = TermTable()
        var ignored: [CrmlintError] = []
        for file in ruleFiles(paths, errors: &ignored) {
            guard let text = try? readText(file) else { continue }
            for block in parse(yaml: text, file: file).termBlocks { terms.add(block, file: file, errors: &ignored) }
        }
        terms.resolve(errors: &ignored)
        return terms
    }

    /// One error per example that does not behave as declared. Examples are
    /// the rule author's text, but are redacted like everything crmlint prints.
    public static func exampleErrors(_ rules: [Rule]) -> [CrmlintError] {
        var errors: [CrmlintError] = []
        for rule in rules {
            let meta = rule.metadata
            for failure in rule.exampleFailures() {
                var reason = failure.hasPrefix(meta.id + ": ") ? String(failure.dropFirst(meta.id.count + 2)) : failure
                reason = Redactor.shared.redact(reason).replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(
                    of: "\r", with: "\\r")
                errors.append(
                    .rule(
                        file: meta.file, line: meta.line, column: meta.column, ruleID: meta.id, reason: reason + " (run crmlint rules test)"
                    ))
            }
        }
        return errors
    }

    /// The rule files named or found under folders (`*.yml`, `*.yaml`, hidden ones skipped), sorted per folder.
    static func ruleFiles(_ paths: [String], errors: inout [CrmlintError]) -> [String] {
        var files: [String] = []
        for path in paths {
            if BuiltinRules.isBuiltin(path) {
                if let found = BuiltinRules.ruleFiles(path) {
                    files.append(contentsOf: found)
                } else {
                    errors.append(
                        .rule(file: path, line: 0, ruleID: nil, reason: "no such built-in rules file or folder (see \(BuiltinRules.root))"))
                }
                continue
            }
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
        // A file named twice (`bundled` and the same folder by its path) is one source, not a duplicate of itself.
        var seen: Set<String> = []
        // (A built-in file's name is already the one name of its file: only a path on disk is resolved,
        // which looked up each of the 27 built-in names on disk, 2 % of a one-file scan.)
        return files.filter {
            seen.insert(BuiltinRules.isBuiltin($0) ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path)
                .inserted
        }
    }

    /// A rule file's text, from the binary for `builtin:rules/…` paths.
    static func readText(_ file: String) throws -> String {
        if BuiltinRules.isBuiltin(file) {
            guard let text = BuiltinRules.contents(of: file) else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
        return try String(contentsOfFile: file, encoding: .utf8)
    }

    /// Rules and problems from the text of one rule file (its own terms only).
    public static func load(yaml: String, file: String) -> ([Rule], [CrmlintError]) {
        let content = parse(yaml: yaml, file: file)
        var errors = content.errors
        var terms = TermTable()
        for block in content.termBlocks { terms.add(block, file: file, errors: &errors) }
        terms.resolve(errors: &errors)
        let (rules, problems) = build(content.items, file: file, terms: terms)
        return (rules, errors + problems)
    }

    /// The rule mappings of a file, and its `terms:` blocks: a file whose top
    /// level is a mapping with `terms` (rules/terms/*.yml), or `- terms:`
    /// items in a rule list.
    ///
    /// With a cache, a file composed before is read from it (the cache's
    /// name stands for this exact text): the guard and Yams are pure functions
    /// of the text, and only a document that composed without error is kept.
    ///
    /// `deferring`: keys of rule items whose values a cached document leaves encoded, by index in `items`.
    static func parse(
        yaml: String, file: String, cache: RuleCache? = nil, deferring: Set<String> = []
    ) -> (
        items: [Node], termBlocks: [Node], errors: [CrmlintError], deferred: [Int: [String: YAMLNodeCodec.DeferredNode]]
    ) {
        let root: Node?
        var deferredByRootIndex: [Int: [String: YAMLNodeCodec.DeferredNode]] = [:]
        if let cached = cache?.document(file, deferring: deferring), let document = cached.root {
            root = document
            deferredByRootIndex = cached.deferred
        } else {
            do {
                root = try StrictYAML.compose(yaml)
            } catch {
                return ([], [], [.rule(file: file, line: error.line, column: error.column, ruleID: nil, reason: error.reason)], [:])
            }
            cache?.setDocument(file, root)
        }
        guard let root else { return ([], [], [], [:]) } // an empty file holds no rules
        if case let .mapping(mapping) = root, mapping.contains(where: { $0.key.string == "terms" }) {
            var blocks: [Node] = []
            var errors: [CrmlintError] = []
            for (key, value) in mapping {
                if key.string == "terms" {
                    blocks.append(value)
                } else {
                    errors.append(
                        .rule(
                            file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 0, ruleID: nil,
                            reason: "unknown key '\(StrictYAML.keyName(key))' in a terms file (only 'terms')"))
                }
            }
            if !blocks.isEmpty || !errors.isEmpty { return ([], blocks, errors, [:]) }
        }
        guard case let .sequence(sequence) = root else {
            return (
                [], [],
                [
                    .rule(
                        file: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 0, ruleID: nil,
                        reason: "a rule file must be a YAML list of rules (or a mapping with 'terms')")
                ], [:]
            )
        }
        var items: [Node] = []
        var blocks: [Node] = []
        var deferred: [Int: [String: YAMLNodeCodec.DeferredNode]] = [:]
        for (index, node) in sequence.enumerated() {
            if case let .mapping(mapping) = node, mapping.count == 1, let only = mapping.first, only.key.string == "terms" {
                blocks.append(only.value)
            } else {
                deferred[items.count] = deferredByRootIndex[index]
                items.append(node)
            }
        }
        return (items, blocks, [], deferred)
    }

    static func build(_ items: [Node], file: String, terms: TermTable) -> ([Rule], [CrmlintError]) {
        var originals: [String: Rule] = [:]
        return build(items, file: file, terms: terms, overrides: [], originals: &originals)
    }

    static func build(
        _ items: [Node], file: String, terms: TermTable, overrides: [RuleOverride],
        originals: inout [String: Rule], cache: RuleCache? = nil, deferred: [Int: [String: YAMLNodeCodec.DeferredNode]] = [:]
    ) -> ([Rule], [CrmlintError]) {
        var rules: [Rule] = []
        var errors: [CrmlintError] = []
        for (index, node) in items.enumerated() {
            let definition = RuleDefinition(file: file, node: node, terms: terms, cache: cache, deferred: deferred[index] ?? [:])
            let rule = build(definition)
            errors.append(contentsOf: definition.errors)
            // Without overrides, not even the id looked up: a mapping's subscript compares each key node whole (2 M a load).
            let applying =
                overrides.isEmpty
                ? []
                : RuleOverride.applying(
                    overrides, id: node.mapping?["id"]?.string ?? "",
                    category: node.mapping?["category"]?.string ?? ""
                ).filter { !$0.entries.isEmpty }
            guard let rule, !applying.isEmpty else {
                if let rule { rules.append(rule) }
                continue
            }
            // The rule as its file wrote it is built first, so its own problems are reported as such.
            let (merged, sources) = OverrideMerge.merge(
                Self.reading(deferred[index] ?? [:], touchedBy: applying, in: node), file: file, overrides: applying)
            let changed = RuleDefinition(
                file: file, node: merged, terms: terms, sources: sources, cache: cache, deferred: deferred[index] ?? [:])
            if let overridden = build(changed) {
                rules.append(overridden)
                originals[rule.metadata.id] = rule
            }
            errors.append(contentsOf: changed.errors)
        }
        return (rules, errors)
    }

    /// `node` with the values an override changes read where the cache left them encoded: an
    /// override merges into the file's value (key by key for a mapping), not into the placeholder.
    static func reading(_ deferred: [String: YAMLNodeCodec.DeferredNode], touchedBy overrides: [RuleOverride], in node: Node) -> Node {
        let touched = Set(overrides.flatMap { $0.entries.map(\.key) }).intersection(deferred.keys)
        guard !touched.isEmpty, case let .mapping(mapping) = node else { return node }
        let pairs = mapping.map { pair -> (Node, Node) in
            guard let key = pair.key.string, touched.contains(key), let value = deferred[key]?.node() else { return (pair.key, pair.value) }
            return (pair.key, value)
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }

    static func build(_ definition: RuleDefinition) -> Rule? {
        guard definition.errors.isEmpty else { return nil }
        let kindName = definition.has("kind") ? (definition.string("kind") ?? "") : PatternRule.name
        guard let kind = RuleKinds.kind(named: kindName) else {
            definition.fail("kind", Suggestion.unknown("kind", kindName, expected: RuleKinds.all.map { $0.name }))
            return nil
        }
        let metadata = definition.metadata(kind: kindName)
        // With broken common keys the kind still reads its own, so their problems are
        // reported as such, not as unknown keys; the rule itself is dropped.
        let placeholder = RuleMetadata(
            id: definition.id ?? "", kind: kindName, category: .inputError, severity: .error, message: "",
            file: definition.file, line: definition.line, column: definition.column)
        let made = kind.make(metadata: metadata ?? placeholder, definition: definition)
        let rule = metadata == nil ? nil : made
        definition.reportUnknownKeys()
        return definition.errors.isEmpty ? rule : nil
    }
}

/// Where a deferred term table reads its classes: a file's text, and its
/// `terms:` blocks when the file was parsed anyway (it also holds rules).
private struct TermSource: @unchecked Sendable { // Yams' `Node` is immutable, only not marked Sendable
    let file: String
    let text: String
    let blocks: [Node]?
}

/// Rules as loaded with crmlint.yml's overrides.
public struct LoadedRules: Sendable {
    public var rules: [Rule]
    /// For each rule an override changed, by id: the rule as its file wrote it (whose examples are the file's own checks).
    public var originals: [String: Rule]
    /// Rules an override turned off (`enabled: false`): loaded, so selectors may name them, but not run.
    public var disabled: Set<String>
    /// Overrides naming no rule (reported with the run's other setting problems).
    public var problems: [CrmlintError]
    /// The cache the rules were loaded through, if any: the scan keeps the prefilter's tables beside it.
    public var cache: RuleCache?
    /// The word classes the rules' patterns were expanded with (deferred after a clean load).
    var terms = TermTable()
    /// Whether the rules were compiled (no clean cache to start from) and then read again from the cache the
    /// compiling wrote, as the next load will read them (`RuleLoader.load`).
    public internal(set) var readAgainAfterCompiling = false

    public init(
        rules: [Rule], originals: [String: Rule] = [:], disabled: Set<String> = [], problems: [CrmlintError] = [],
        cache: RuleCache? = nil
    ) {
        self.rules = rules
        self.originals = originals
        self.disabled = disabled
        self.problems = problems
        self.cache = cache
    }

    /// The rules that run.
    public var enabled: [Rule] { rules.filter { !disabled.contains($0.metadata.id) } }
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
        (select + ignore).filter { !Self.names($0, rules) }
    }

    static func names(_ selector: String, _ rules: [Rule]) -> Bool {
        rules.contains { matches(selector, $0.metadata) } || Category(rawValue: selector) != nil
    }

    /// One error per selector that names nothing, saying which option gave it
    /// and the rule id, prefix or category meant when one is close.
    public func problems(in rules: [Rule], options: (select: String, ignore: String) = ("--select", "--ignore")) -> [CrmlintError] {
        var problems: [CrmlintError] = []
        for (option, selectors) in [(options.select, select), (options.ignore, ignore)] {
            for selector in selectors where !Self.names(selector, rules) {
                problems.append(.usage("\(option) '\(selector)' names no rule, rule prefix or category\(Self.hint(selector, rules))"))
            }
        }
        return problems
    }

    /// ` (did you mean 'conduct.kickback'?)`: among rule ids, their prefixes (`conduct.`) and the categories.
    public static func hint(_ selector: String, _ rules: [Rule]) -> String {
        let ids = rules.map(\.metadata.id)
        let prefixes = ids.compactMap { id in id.firstIndex(of: ".").map { String(id[...$0]) } }
        return Suggestion.hint(for: selector, among: ids + prefixes + Category.allCases.map(\.rawValue))
    }
}
