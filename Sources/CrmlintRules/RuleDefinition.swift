import CrmlintCore
import Foundation
import PatternEngine
import Yams

/// One rule's YAML mapping, read strictly: every key a kind reads is marked
/// used, and whatever is left over is an unknown key. Problems are collected
/// (with file, line and rule id), not thrown, so one load reports them all.
public final class RuleDefinition {
    public let file: String
    public let line: Int
    public let column: Int
    public private(set) var id: String?
    /// Each entry's key, value and where it was written (the rule file, or crmlint.yml for a key an override set),
    /// by the entry's place, each in an array of its own: reading one part of an entry kept as a tuple copied the
    /// whole entry (its node and texts retained and released; 3 % of a one-file scan's rule loading, then 1 %).
    private let keys: [String]
    private let values: [Node]
    private let lines: [Int]
    private let columns: [Int]
    private let files: [String]
    /// Whether each entry's key was read, by the entry's place (a set of the keys read hashed each
    /// key a rule's kind read: a quarter of reading keys).
    private var used: [Bool]
    /// Every key the kind looked for, present or not: what an unknown key may have meant.
    /// Keys asked for, in order, repeats and all: made a set only to suggest a key for an unknown one
    /// (a set insert per question was a fifth of reading keys).
    private var askedKeys: [String] = []
    private var asked: Set<String> { Set(askedKeys) }
    public private(set) var errors: [CrmlintError] = []
    /// Word classes patterns may reference as `{{name}}`.
    public let terms: TermTable

    /// Whether an override in crmlint.yml changed this rule.
    public let overridden: Bool

    /// Answers kept from earlier runs (`RuleCache`), or nil.
    let cache: RuleCache?

    /// Values the rule cache left encoded (`examples` after a clean load), decoded when a kind asks for them.
    private let deferred: [String: YAMLNodeCodec.DeferredNode]
    private var decoded: [String: Node] = [:]

    init(
        file: String, node: Node, terms: TermTable = .empty, sources: [String: KeySource] = [:], cache: RuleCache? = nil,
        deferred: [String: YAMLNodeCodec.DeferredNode] = [:]
    ) {
        self.file = file
        // A key an override sets is the override's value, not the file's.
        self.deferred = deferred.filter { sources[$0.key] == nil }
        self.cache = cache
        self.overridden = !sources.isEmpty
        self.terms = terms
        self.line = node.mark?.line ?? 0
        self.column = node.mark?.column ?? 0
        var keys: [String] = [], values: [Node] = [], lines: [Int] = [], columns: [Int] = [], files: [String] = []
        if case let .mapping(mapping) = node {
            for (key, value) in mapping {
                // A key that is a list or mapping is named by its kind: printing it could expand aliases without end.
                let name = StrictYAML.keyName(key)
                keys.append(name)
                values.append(value)
                if let source = sources[name] {
                    lines.append(source.line)
                    columns.append(source.column)
                    files.append(source.file)
                    continue
                }
                let mark = key.mark ?? value.mark
                lines.append(mark?.line ?? line)
                columns.append(mark?.column ?? column)
                files.append(file)
            }
        }
        (self.keys, self.values, self.lines, self.columns, self.files) = (keys, values, lines, columns, files)
        used = Array(repeating: false, count: keys.count)
        if case .mapping = node {
        } else {
            errors.append(.rule(file: file, line: line, column: column, ruleID: nil, reason: "a rule must be a mapping of keys to values"))
        }
        if let index = index(of: "id"), let text = self.values[index].string { id = text }
    }

    /// Test and example helper: a definition from YAML text of one rule.
    public convenience init(yaml: String, file: String = "<inline>", terms: TermTable = .empty) throws {
        let parsed: Node?
        do { parsed = try StrictYAML.compose(yaml) } catch {
            throw CrmlintError.rule(file: file, line: error.line, column: error.column, ruleID: nil, reason: error.reason)
        }
        guard let node = parsed else { throw CrmlintError.rule(file: file, line: 0, ruleID: nil, reason: "empty rule") }
        self.init(file: file, node: node, terms: terms)
    }

    public func has(_ key: String) -> Bool {
        askedKeys.append(key)
        return index(of: key) != nil
    }

    /// The entry's index, comparing keys only.
    private func index(of key: String) -> Int? {
        keys.firstIndex(of: key)
    }

    private func entry(_ key: String) -> (value: Node, line: Int)? {
        askedKeys.append(key)
        guard let index = index(of: key) else { return nil }
        used[index] = true
        if let left = deferred[key] {
            if let value = decoded[key] ?? left.node() {
                decoded[key] = value
                return (value, lines[index])
            }
            // Checked when the document was read, so not expected; said rather than read as an empty value.
            fail(key, "the rule cache's copy of '\(key)' cannot be read (delete \(cache?.path ?? "the rule cache") or run with --no-cache)")
        }
        return (values[index], lines[index])
    }

    /// Whether `key`'s value was left encoded (a kind may then read it on first use); the key is read either way.
    func isDeferred(_ key: String) -> Bool {
        askedKeys.append(key)
        guard deferred[key] != nil, let index = index(of: key) else { return false }
        used[index] = true
        return true
    }

    /// The line of a key (or of the rule when absent).
    public func line(of key: String) -> Int { index(of: key).map { lines[$0] } ?? line }

    /// The column of a key (or of the rule when absent).
    public func column(of key: String) -> Int { index(of: key).map { columns[$0] } ?? column }

    public func fail(_ key: String?, _ reason: String) {
        let file = key.flatMap(index(of:)).map { files[$0] } ?? self.file
        errors.append(
            .rule(file: file, line: key.map(line(of:)) ?? line, column: key.map(column(of:)) ?? column, ruleID: id, reason: reason))
    }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let (value, _) = entry(key) else {
            if required { fail(nil, "missing required key '\(key)'") }
            return nil
        }
        guard case let .scalar(scalar) = value else {
            fail(key, "'\(key)' must be a text value")
            return nil
        }
        return scalar.string
    }

    /// A list of strings; a single string is accepted as a list of one.
    public func strings(_ key: String, required: Bool = false) -> [String]? {
        guard let (value, _) = entry(key) else {
            if required { fail(nil, "missing required key '\(key)'") }
            return nil
        }
        guard let strings = StrictYAML.strings(value) else {
            fail(key, "'\(key)' must be a list of text values")
            return nil
        }
        return strings
    }

    public func bool(_ key: String) -> Bool? {
        guard let (value, _) = entry(key) else { return nil }
        guard let result = value.bool else {
            fail(key, "'\(key)' must be true or false")
            return nil
        }
        return result
    }

    public func number(_ key: String, required: Bool = false) -> Double? {
        guard let (value, _) = entry(key) else {
            if required { fail(nil, "missing required key '\(key)'") }
            return nil
        }
        guard let result = value.float ?? value.integer.map(Double.init), result.isFinite else {
            fail(key, "'\(key)' must be a number")
            return nil
        }
        return result
    }

    public func int(_ key: String, required: Bool = false) -> Int? {
        guard let (value, _) = entry(key) else {
            if required { fail(nil, "missing required key '\(key)'") }
            return nil
        }
        guard let result = value.integer else {
            fail(key, "'\(key)' must be a whole number")
            return nil
        }
        return result
    }

    /// The raw node of a key, for kind-specific structures (examples).
    public func node(_ key: String) -> Node? { entry(key)?.value }

    /// Compiles PCRE2 patterns, reporting each failure with its offset.
    public func patterns(_ key: String, required: Bool = false) -> [Pattern]? {
        guard let sources = strings(key, required: required) else { return nil }
        let compiled = sources.compactMap { compile($0, key: key) }
        if sources.isEmpty, required { fail(key, "'\(key)' must list at least one pattern") }
        return compiled
    }

    /// One pattern: `{{term}}` references expanded, compiled, and probed for
    /// catastrophic backtracking; nil after recording the problem under `key`.
    /// `name` is the key as messages show it (`events.text` for a nested one; default `key`).
    /// `expandingTerms: false` for text whose terms are expanded already (pieces of an expanded
    /// pattern); `identity`: the key such a piece is known by (`CacheKey.piece`), else it is its text's.
    public func compile(
        _ source: String, key: String, name: String? = nil, options: Pattern.Options = [], probe: Bool = true, expandingTerms: Bool = true,
        identity: PatternSourceKey? = nil
    ) -> Pattern? {
        compile(
            .text(source), key: key, name: name, options: options, probe: probe, expandingTerms: expandingTerms, identity: identity)
    }

    /// The same for a text the rule cache may hold undecoded (a piece of a split word class):
    /// with `identity` known, its text is made only when a cache misses or a scan compiles it.
    func compile(
        _ text: PatternText, key: String, name: String? = nil, options: Pattern.Options = [], probe: Bool = true,
        expandingTerms: Bool = true,
        identity: PatternSourceKey? = nil
    ) -> Pattern? {
        let shownKey = name ?? key
        let referencesTerms = expandingTerms && TermTable.holdsDoubleBrace(text.string)
        // Rules share patterns (word classes, `unless` lists reused through
        // YAML anchors): compile and probe each distinct one once.
        // The pattern's identity, hashed once, here, and carried to every cache keyed by it: its
        // text with references and the terms' fingerprint (the expansion, kilobytes, is not
        // hashed), a piece's parent and place, or else its text.
        let sourceKey =
            identity ?? (referencesTerms ? CacheKey.referencing(text.string, terms: terms.fingerprint) : CacheKey.text(text.string))
        if let known = CompiledPatterns.shared.get(sourceKey, options: options) {
            if let problem = known.problem { fail(key, problem); return nil }
            return known.pattern
        }
        if let cache, let cached = cache.compiled(sourceKey, options: options, probe: probe) {
            // Compiled and probed by an earlier run: compiled again only when a scan runs it. Its
            // terms are expanded then too (the entry was written only after the text expanded with
            // terms of this fingerprint and compiled): a warm run decodes the cached code by its key
            // and never needs the expansion, which was a quarter of a one-file scan's heap.
            let pattern: Pattern
            if referencesTerms {
                let terms = self.terms
                let source = text.string
                pattern = Pattern(
                    knownMaking: {
                        guard let expanded = try? terms.expand(source) else {
                            fatalError("a cached pattern's terms no longer expand: \(source.prefix(200))")
                        }
                        return expanded
                    }, options: options, captureCount: cached.captureCount, sourceKey: sourceKey, store: cache.codes)
            } else if case let .text(source) = text.storage {
                pattern = Pattern(
                    known: source, options: options, captureCount: cached.captureCount, sourceKey: sourceKey, store: cache.codes)
            } else {
                pattern = Pattern(
                    knownMaking: { text.string }, options: options, captureCount: cached.captureCount, sourceKey: sourceKey,
                    store: cache.codes)
            }
            CompiledPatterns.shared.set(sourceKey, options: options, pattern: pattern, problem: cached.problem)
            if let problem = cached.problem {
                fail(key, problem)
                return nil
            }
            return pattern
        }
        let source = text.string
        let expanded: String
        do {
            expanded = referencesTerms ? try terms.expand(source) : source
        } catch let error as TermExpansionError {
            fail(key, "bad pattern in '\(shownKey)': \(error.reason) in '\(source)'")
            return nil
        } catch {
            fail(key, "bad pattern in '\(shownKey)': \(error)")
            return nil
        }
        do {
            let pattern = try Pattern(expanded, options: options, sourceKey: sourceKey)
            let problem = probe ? PatternProbe.problem(with: pattern) : nil
            cache?.setCompiled(sourceKey, options: options, probe: probe, .init(captureCount: pattern.captureCount, problem: problem))
            CompiledPatterns.shared.set(sourceKey, options: options, pattern: pattern, problem: problem)
            if let problem {
                fail(key, problem)
                return nil
            }
            return pattern
        } catch let error as PatternCompileError {
            let shown =
                expanded == source
                ? "'\(source)'" : "'\(source)' (after expanding terms: character \(error.offset) of '\(expanded.prefix(300))')"
            fail(key, "bad pattern in '\(shownKey)': \(error.reason) at character \(error.offset) of \(shown)")
        } catch {
            fail(key, "bad pattern in '\(shownKey)': \(error)")
        }
        return nil
    }

    /// Keys present but read by nobody, with the key meant when one is close (`pattern` → `patterns`).
    func reportUnknownKeys() {
        // A key is read through its first entry (`index(of:)`); a later entry of the same key was read with it.
        for (position, key) in keys.enumerated() where !used[index(of: key)!] {
            let (line, column, file) = (lines[position], columns[position], files[position])
            let usedKeys = Set(keys.indices.lazy.filter { self.used[$0] }.map { self.keys[$0] })
            // A key from an override may mean any key the kind reads, set in the rule file or not.
            let candidates = file == self.file ? asked.subtracting(usedKeys) : asked
            errors.append(
                .rule(
                    file: file, line: line, column: column, ruleID: id,
                    reason: "unknown key '\(key)'\(Suggestion.hint(for: key, among: candidates.sorted()))"))
        }
    }

    /// Whether `id` is lowercase letters, digits, '.', '_' and '-', starting
    /// with a letter or digit: what the regular expression above accepts,
    /// checked without compiling it for every rule (it still decides any other id).
    static func isPlainID(_ id: String) -> Bool {
        var first = true
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): if first { return false }
            default: return false
            }
            first = false
        }
        return !first
    }

    /// Reads the keys every rule has.
    func metadata(kind: String) -> RuleMetadata? {
        let id = string("id", required: true)
        _ = string("kind")
        let categoryText = string("category", required: true)
        let severityText = string("severity", required: true)
        let message = string("message", required: true)
        let description = string("description")
        let policy = string("policy")
        let datasetNames = strings("datasets")
        let fields = strings("fields")
        let directionText = string("direction")
        let direction = directionText.flatMap(Direction.parse)
        if let directionText, direction == nil {
            fail("direction", Suggestion.unknown("direction", directionText, expected: ["outbound", "inbound"]))
        }
        let aggregate = Aggregation.read(self)

        if let id, !Self.isPlainID(id), id.range(of: #"^[a-z0-9][a-z0-9._-]*$"#, options: .regularExpression) == nil {
            fail("id", "id '\(id)' must be lowercase letters, digits, '.', '_' or '-'")
        }
        let category = categoryText.flatMap(Category.init(rawValue:))
        if let categoryText, category == nil {
            fail("category", Suggestion.unknown("category", categoryText, expected: Category.allCases.map(\.rawValue)))
        }
        let severity = severityText.flatMap(Severity.init(rawValue:))
        if let severityText, severity == nil {
            fail("severity", Suggestion.unknown("severity", severityText, expected: Severity.allCases.reversed().map(\.rawValue)))
        }
        var datasets: Set<Dataset>?
        if let datasetNames {
            datasets = []
            for name in datasetNames {
                if let dataset = Dataset(rawValue: name) {
                    datasets!.insert(dataset)
                } else {
                    fail("datasets", Suggestion.unknown("dataset", name, expected: Dataset.allCases.map(\.rawValue)))
                }
            }
        }
        if let message, message.utf8.contains(UInt8(ascii: "\n")) { fail("message", "message must be one line") }
        guard let id, let category, let severity, let message else { return nil }
        return RuleMetadata(
            id: id, kind: kind, category: category, severity: severity, message: message,
            description: description, policy: policy, datasets: datasets, fields: fields,
            direction: direction, aggregate: aggregate, file: file, line: line, column: column)
    }
}

/// Patterns compiled and probed so far in this process, by source and options.
final class CompiledPatterns: @unchecked Sendable {
    static let shared = CompiledPatterns()
    private let lock = NSLock()
    /// Keyed by the text's 128-bit hash (`CacheKey.text`, computed once per
    /// pattern) with the options, as the rule cache keys it: a String key
    /// hashed each long pattern through Unicode normalisation, and a sampled
    /// one still hashed and compared kilobytes a lookup.
    private var table: [CacheKey: (pattern: Pattern, problem: String?)] = [:]

    func get(_ text: PatternSourceKey, options: Pattern.Options) -> (pattern: Pattern, problem: String?)? {
        lock.lock(); defer { lock.unlock() }
        return table[CacheKey(text, options: options)]
    }

    /// Forgets every pattern (tests: what a new process would find).
    func removeAll() {
        lock.lock(); defer { lock.unlock() }
        table.removeAll()
    }

    func set(_ text: PatternSourceKey, options: Pattern.Options, pattern: Pattern, problem: String?) {
        lock.lock(); defer { lock.unlock() }
        if table.count > 20_000 { table.removeAll() }
        table[CacheKey(text, options: options)] = (pattern, problem)
    }
}
