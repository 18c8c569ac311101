import CrmlintCore
import CrmlintReaders
import CrmlintRules
import Foundation
import Yams

/// `crmlint.yml`: settings a team keeps beside its exports. Read strictly:
/// unknown keys and bad values are errors with file and line.
public struct Config: Sendable {
    /// How to read files whose name matches a glob.
    public struct InputRule: Sendable {
        public var glob: String
        public var dataset: Dataset?
        public var format: String?
        public var encoding: String?
    }

    public var timezone: String?
    public var encoding: String?
    public var rules: [String] = []
    public var select: [String] = []
    public var ignore: [String] = []
    public var failOn: String?
    public var inputs: [InputRule] = []
    /// Extra header aliases: dataset → canonical field → aliases.
    public var columns: [Dataset: [String: [String]]] = [:]
    public var companyDomains: [String] = []
    /// Extra words for channels and directions (`channels`, `directions`).
    public var extraChannels: [Channel: [String]] = [:]
    public var extraDirections: [Direction: [String]] = [:]
    /// `overrides`: changes to rules by id, id prefix or category (see `RuleOverride`).
    public var overrides: [RuleOverride] = []
    /// The default vocabulary itself when no words are added (the rules' metadata made it already:
    /// building another, keying its 150 words, was 0.6 % of a one-file scan).
    public var vocabulary: ValueVocabulary {
        extraChannels.isEmpty && extraDirections.isEmpty
            ? .standard : ValueVocabulary(extraChannels: extraChannels, extraDirections: extraDirections)
    }
    /// The file the settings came from (nil: none, the defaults).
    public var file: String?
    /// That file's text, as parsed (what the text verdicts kept between runs are named by, with the rules: `overrides`
    /// change rules).
    public var text: String?
    /// Where each top-level key was written (line, column), for messages about its value.
    public var places: [String: (line: Int, column: Int)] = [:]

    public static let keys = [
        "timezone", "encoding", "rules", "select", "ignore", "fail_on", "inputs", "columns", "company_domains", "channels", "directions",
        "overrides",
    ]
    public static let inputKeys = ["path", "dataset", "format", "encoding"]
    /// The name in `rules` that stands for the rules bundled with crmlint.
    public static let bundledRules = "bundled"

    /// The folder paths in this file are relative to (nil: no file, the current folder).
    public var folder: String? {
        guard let file else { return nil }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty || folder == "." ? nil : folder
    }

    /// A path written in this file, as seen from the current folder.
    public func resolve(_ path: String) -> String {
        guard let folder, !(path as NSString).isAbsolutePath else { return path }
        return (folder as NSString).appendingPathComponent(path)
    }

    /// The rule sources `rules` names, relative to this file, with `bundled`
    /// standing for the bundled pack; empty when `rules` is not set.
    public func rulePaths() throws -> [String] {
        try rules.map { $0 == Self.bundledRules ? try RulePack.defaultPath() : resolve($0) }
    }

    public init() {}

    public static func load(path: String) throws -> Config {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CrmlintError.config(file: path, line: 0, reason: "cannot read the config file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Config {
        let root: Node?
        do { root = try StrictYAML.compose(text) } catch {
            throw CrmlintError.config(file: file, line: error.line, column: error.column, reason: error.reason)
        }
        var config = Config()
        config.file = file
        config.text = text
        guard let root else { return config }
        guard case let .mapping(mapping) = root else {
            throw CrmlintError.config(
                file: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 0, reason: "the config must be a mapping of settings")
        }
        var errors: [CrmlintError] = []
        func fail(_ node: Node, _ reason: String) {
            errors.append(.config(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, reason: reason))
        }
        func unknownKey(_ node: Node, in place: String, known: [String]) {
            let name = StrictYAML.keyName(node)
            fail(
                node,
                "unknown key '\(name)'\(place)\(Suggestion.hint(for: name, among: known)); expected one of \(known.joined(separator: ", "))"
            )
        }
        func strings(_ node: Node, _ key: String) -> [String] {
            guard let items = StrictYAML.strings(node) else {
                fail(node, "'\(key)' must be a list of text values")
                return []
            }
            return items
        }
        for (keyNode, value) in mapping {
            let key = StrictYAML.keyName(keyNode)
            config.places[key] = (keyNode.mark?.line ?? 0, keyNode.mark?.column ?? 0)
            switch key {
            case "timezone": config.timezone = value.string
            case "encoding":
                config.encoding = value.string
                if let name = value.string, TextEncoding(name: name) == nil {
                    fail(value, Suggestion.unknown("encoding", name, expected: TextEncoding.names))
                }
            case "rules": config.rules = strings(value, key)
            case "select": config.select = strings(value, key)
            case "ignore": config.ignore = strings(value, key)
            case "fail_on":
                config.failOn = value.string
                if let text = value.string, FailThreshold(rawValue: text) == nil {
                    fail(value, Suggestion.unknown("fail_on", text, expected: FailThreshold.allCases.map(\.rawValue)))
                }
            case "company_domains": config.companyDomains = strings(value, key)
            case "inputs":
                guard case let .sequence(items) = value else { fail(value, "'inputs' must be a list"); continue }
                for item in items {
                    guard case let .mapping(entry) = item else { fail(item, "each input must be a mapping"); continue }
                    var rule = InputRule(glob: "")
                    for (entryKey, entryValue) in entry {
                        switch entryKey.string ?? "" {
                        case "path": rule.glob = entryValue.string ?? ""
                        case "dataset":
                            rule.dataset = entryValue.string.flatMap(Dataset.init(rawValue:))
                            if rule.dataset == nil {
                                fail(
                                    entryValue,
                                    Suggestion.unknown("dataset", entryValue.string ?? "", expected: Dataset.allCases.map(\.rawValue)))
                            }
                        case "format":
                            rule.format = entryValue.string
                            if let format = entryValue.string, InputFormat(rawValue: format) == nil {
                                fail(entryValue, Suggestion.unknown("format", format, expected: InputFormat.allCases.map(\.rawValue)))
                            }
                        case "encoding":
                            rule.encoding = entryValue.string
                            if let name = entryValue.string, TextEncoding(name: name) == nil {
                                fail(entryValue, Suggestion.unknown("encoding", name, expected: TextEncoding.names))
                            }
                        default: unknownKey(entryKey, in: " in inputs", known: Self.inputKeys)
                        }
                    }
                    if rule.glob.isEmpty { fail(item, "an input needs a 'path' glob") }
                    config.inputs.append(rule)
                }
            case "columns":
                guard case let .mapping(datasets) = value else { fail(value, "'columns' must map datasets to fields"); continue }
                for (datasetKey, fields) in datasets {
                    guard let dataset = datasetKey.string.flatMap(Dataset.init(rawValue:)) else {
                        fail(
                            datasetKey,
                            Suggestion.unknown("dataset", datasetKey.string ?? "", expected: Dataset.allCases.map(\.rawValue))
                                + " (in columns)")
                        continue
                    }
                    guard case let .mapping(fieldMap) = fields else {
                        fail(fields, "columns.\(dataset.rawValue) must map fields to aliases"); continue
                    }
                    for (fieldKey, aliases) in fieldMap {
                        let field = fieldKey.string ?? ""
                        if !dataset.canonicalFields.contains(field) {
                            fail(
                                fieldKey,
                                Suggestion.unknown("field", field, expected: dataset.canonicalFields) + " (for \(dataset.rawValue))")
                        }
                        config.columns[dataset, default: [:]][field] = strings(aliases, "columns.\(dataset.rawValue).\(field)")
                    }
                }
            case "channels":
                guard case let .mapping(entries) = value else { fail(value, "'channels' must map channels to lists of words"); continue }
                for (nameNode, words) in entries {
                    guard let channel = nameNode.string.flatMap(Channel.init(rawValue:)) else {
                        fail(
                            nameNode,
                            "unknown channel '\(nameNode.string ?? "")' in channels (one of: \(Channel.allCases.map(\.rawValue).joined(separator: ", ")))"
                        )
                        continue
                    }
                    config.extraChannels[channel, default: []] += strings(words, "channels.\(channel.rawValue)")
                }
            case "directions":
                guard case let .mapping(entries) = value else {
                    fail(value, "'directions' must map outbound and inbound to lists of words"); continue
                }
                for (nameNode, words) in entries {
                    guard let direction = nameNode.string.flatMap(Direction.init(rawValue:)) else {
                        fail(nameNode, "unknown direction '\(nameNode.string ?? "")' in directions (outbound, inbound)")
                        continue
                    }
                    config.extraDirections[direction, default: []] += strings(words, "directions.\(direction.rawValue)")
                }
            case "overrides":
                guard case let .mapping(entries) = value else {
                    fail(value, "'overrides' must map rule ids, id prefixes or categories to settings"); continue
                }
                for (selectorNode, settings) in entries {
                    guard let selector = selectorNode.string, !selector.isEmpty else {
                        fail(selectorNode, "an override must be named by a rule id, id prefix or category"); continue
                    }
                    guard case let .mapping(pairs) = settings else {
                        fail(
                            settings,
                            "overrides.\(selector) must be a mapping of rule keys (enabled, severity, fields, datasets, or the kind's parameters)"
                        )
                        continue
                    }
                    var override = RuleOverride(
                        selector: selector, file: file, line: selectorNode.mark?.line ?? 0, column: selectorNode.mark?.column ?? 0,
                        enabled: nil, entries: [])
                    for (settingKey, settingValue) in pairs {
                        let name = settingKey.string ?? ""
                        if name == "enabled" {
                            override.enabled = settingValue.bool
                            if settingValue.bool == nil { fail(settingValue, "overrides.\(selector).enabled must be true or false") }
                        } else if RuleOverride.fixedKeys.contains(name) {
                            fail(
                                settingKey,
                                "overrides.\(selector): '\(name)' cannot be overridden (it is the rule's own); copy the rule to change it")
                        } else {
                            override.entries.append(
                                .init(
                                    key: name, value: settingValue, line: settingKey.mark?.line ?? 0, column: settingKey.mark?.column ?? 0))
                        }
                    }
                    config.overrides.append(override)
                }
            default:
                unknownKey(keyNode, in: "", known: Self.keys)
            }
        }
        if let error = CrmlintError.combine(errors) { throw error }
        return config
    }

    /// The input rule for a path (first matching glob).
    func inputRule(for path: String) -> InputRule? {
        inputs.first { Glob.matches($0.glob, path) }
    }
}

/// Shell-style globs: `*` (not `/`), `**` (any depth), `?`. A glob with no
/// `/` matches the file name alone.
enum Glob {
    static func matches(_ glob: String, _ path: String) -> Bool {
        let subject = glob.contains("/") ? path : (path as NSString).lastPathComponent
        var pattern = "^"
        var characters = Array(glob)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*":
                if characters.first == "*" {
                    characters.removeFirst()
                    if characters.first == "/" { characters.removeFirst(); pattern += "(?:.*/)?" } else { pattern += ".*" }
                } else {
                    pattern += "[^/]*"
                }
            case "?": pattern += "[^/]"
            default: pattern += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        pattern += "$"
        return subject.range(of: pattern, options: .regularExpression) != nil
    }
}
