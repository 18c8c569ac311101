import CrmlintCore
import CrmlintReaders
import CrmlintRules
import Foundation
import Yams

/// A value of the effective configuration, as JSON and as one line of text.
public indirect enum SettingValue: Encodable, Equatable, Sendable {
    case text(String)
    case bool(Bool)
    case list([SettingValue])
    /// Keys in order (sorted when written as JSON).
    case object([(String, SettingValue)])
    case none

    public static func == (lhs: SettingValue, rhs: SettingValue) -> Bool { lhs.line == rhs.line }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .text(text): var container = encoder.singleValueContainer(); try container.encode(text)
        case let .bool(value): var container = encoder.singleValueContainer(); try container.encode(value)
        case let .list(items): var container = encoder.unkeyedContainer(); for item in items { try container.encode(item) }
        case let .object(pairs):
            var container = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in pairs { try container.encode(value, forKey: AnyKey(key)) }
        case .none: var container = encoder.singleValueContainer(); try container.encodeNil()
        }
    }

    /// YAML flow style, as a user would write it in crmlint.yml.
    public var line: String {
        switch self {
        case let .text(text): text
        case let .bool(value): value ? "true" : "false"
        case let .list(items): "[" + items.map(\.line).joined(separator: ", ") + "]"
        case let .object(pairs): "{" + pairs.map { "\($0.0): \($0.1.line)" }.joined(separator: ", ") + "}"
        case .none: "(none)"
        }
    }

    static func strings(_ values: [String]) -> SettingValue { .list(values.map(SettingValue.text)) }

    /// A YAML node as it was written (scalars as text).
    static func node(_ node: Node) -> SettingValue {
        switch node {
        case let .scalar(scalar): return .text(scalar.string)
        case let .sequence(sequence): return .list(sequence.map(SettingValue.node))
        case let .mapping(mapping): return .object(mapping.map { ($0.key.string ?? "?", SettingValue.node($0.value)) })
        case .alias: return .text("*alias")
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One setting of the effective configuration and where its value came from.
public struct EffectiveSetting: Encodable, Equatable, Sendable {
    public var key: String
    public var value: SettingValue
    /// `crmlint.yml:3`, `default`, or `command line`.
    public var source: String
}

/// `crmlint config`: the configuration a scan would use, each value with its
/// source. Loading the rules with the overrides checks the file as a scan would.
public struct ConfigReport: Encodable, Sendable {
    /// The config file read, nil when none (every value a default).
    public var configFile: String?
    public var settings: [EffectiveSetting]

    /// What the command line may set besides the file.
    public struct CommandLine: Sendable {
        public var configPath: String?
        public var rulePaths: [String] = []
        public var select: [String] = []
        public var ignore: [String] = []
        public var timezone: String?
        public var encoding: String?
        public var failOn: String?
        public init() {}
    }

    public static func make(_ arguments: CommandLine) throws -> ConfigReport {
        let config = try Config.resolve(arguments.configPath)
        // Loaded and checked as a scan selects them (through the rule cache), examples aside.
        let selection = try RuleSelection(
            explicit: arguments.rulePaths, select: arguments.select, ignore: arguments.ignore, config: config, checkExamples: false,
            cacheDirectory: RuleCache.defaultDirectory())
        let sources = selection.sources, loaded = selection.loaded
        var problems = selection.problems
        if let zone = arguments.timezone ?? config.timezone, TimeZone(identifier: zone) == nil {
            problems.append(.usage("unknown time zone '\(zone)'\(Suggestion.hint(for: zone, among: TimeZone.knownTimeZoneIdentifiers))"))
        }
        if let name = arguments.encoding, TextEncoding(name: name) == nil {
            problems.append(.usage(Suggestion.unknown("encoding", name, expected: TextEncoding.names)))
        }
        if let text = arguments.failOn, FailThreshold(rawValue: text) == nil {
            problems.append(.usage(Suggestion.unknown("fail-on", text, expected: FailThreshold.allCases.map(\.rawValue))))
        }
        if let error = CrmlintError.combine(problems) { throw error }

        let file = config.file
        func place(_ key: String) -> String? {
            guard let file, let at = config.places[key] else { return nil }
            return "\(file):\(at.line)"
        }
        var settings: [EffectiveSetting] = []
        func add(_ key: String, _ value: SettingValue, commandLine: Bool = false, set: Bool, default defaultValue: SettingValue) {
            let source = commandLine ? "command line" : set ? (place(key) ?? "default") : "default"
            settings.append(EffectiveSetting(key: key, value: set || commandLine ? value : defaultValue, source: source))
        }
        add(
            "timezone", .text(arguments.timezone ?? config.timezone ?? ""), commandLine: arguments.timezone != nil,
            set: config.timezone != nil,
            default: .text("Asia/Shanghai"))
        add(
            "encoding", .text(arguments.encoding ?? config.encoding ?? ""), commandLine: arguments.encoding != nil,
            set: config.encoding != nil,
            default: .text("detected per file (utf-8 or gb18030)"))
        let bundled = try? RulePack.defaultPath()
        add(
            "rules", .strings(sources.map { $0 == bundled ? "bundled (\($0))" : $0 }), commandLine: !arguments.rulePaths.isEmpty,
            set: !config.rules.isEmpty, default: .strings(sources.map { "bundled (\($0))" }))
        // The command line adds to the file's select and ignore, as in a scan.
        for (key, fromFile, fromLine) in [("select", config.select, arguments.select), ("ignore", config.ignore, arguments.ignore)] {
            let source = [fromFile.isEmpty ? nil : place(key) ?? "default", fromLine.isEmpty ? nil : "command line"].compactMap { $0 }
            settings.append(
                EffectiveSetting(
                    key: key, value: fromFile.isEmpty && fromLine.isEmpty ? .list([]) : .strings(fromFile + fromLine),
                    source: source.isEmpty ? "default" : source.joined(separator: " + ")))
        }
        add(
            "fail_on", .text(arguments.failOn ?? config.failOn ?? ""), commandLine: arguments.failOn != nil, set: config.failOn != nil,
            default: .text("error"))
        add(
            "inputs",
            .list(
                config.inputs.map { input in
                    .object(
                        [("path", .text(input.glob))]
                            + [("dataset", input.dataset?.rawValue), ("format", input.format), ("encoding", input.encoding)]
                            .compactMap { key, value in value.map { (key, SettingValue.text($0)) } })
                }), set: !config.inputs.isEmpty, default: .list([]))
        add(
            "columns",
            .object(
                config.columns.keys.sorted().map { dataset in
                    (
                        dataset.rawValue,
                        .object(config.columns[dataset]!.keys.sorted().map { ($0, .strings(config.columns[dataset]![$0]!)) })
                    )
                }), set: !config.columns.isEmpty, default: .object([]))
        add("company_domains", .strings(config.companyDomains), set: !config.companyDomains.isEmpty, default: .list([]))
        add(
            "channels",
            .object(
                config.extraChannels.keys.sorted { $0.rawValue < $1.rawValue }.map { ($0.rawValue, .strings(config.extraChannels[$0]!)) }),
            set: !config.extraChannels.isEmpty, default: .object([]))
        add(
            "directions",
            .object(
                config.extraDirections.keys.sorted { $0.rawValue < $1.rawValue }.map {
                    ($0.rawValue, .strings(config.extraDirections[$0]!))
                }),
            set: !config.extraDirections.isEmpty, default: .object([]))
        let overrides: [SettingValue] = config.overrides.map { override in
            let named = loaded.rules.filter {
                RuleOverride.applying([override], id: $0.metadata.id, category: $0.metadata.category.rawValue).count == 1
            }
            var pairs: [(String, SettingValue)] = [
                ("selector", .text(override.selector)), ("at", .text("\(override.file):\(override.line)")),
            ]
            if let enabled = override.enabled { pairs.append(("enabled", .bool(enabled))) }
            pairs += override.entries.map { ($0.key, SettingValue.node($0.value)) }
            pairs.append(("rules", .strings(named.map(\.metadata.id))))
            return .object(pairs)
        }
        add("overrides", .list(overrides), set: !config.overrides.isEmpty, default: .list([]))
        return ConfigReport(configFile: file, settings: settings)
    }

    public var text: String {
        var out = "config file: \(configFile ?? "none (every value is a default; crmlint init writes one)")\n"
        for setting in settings {
            if setting.key == "overrides", case let .list(items) = setting.value, !items.isEmpty {
                out += "overrides:  (\(setting.source))\n"
                for case let .object(pairs) in items {
                    let fields = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
                    let keys = pairs.filter { !["selector", "at", "rules"].contains($0.0) }.map { "\($0.0): \($0.1.line)" }
                    out +=
                        "  \(fields["selector"]?.line ?? ""): \(keys.joined(separator: "; "))  (\(fields["at"]?.line ?? ""); applies to \(fields["rules"]?.line ?? "[]"))\n"
                }
                continue
            }
            out += "\(setting.key): \(setting.value.line)  (\(setting.source))\n"
        }
        return out
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
