import CrmlintCore
import CrmlintReaders
import CrmlintRules
import Foundation

/// The settings of one scan, resolved once from its options and crmlint.yml:
/// the time zone, "now", the default encoding. Values that cannot be read are
/// `problems`, reported with every other problem of the run before any input
/// is read; the fallbacks beside them (Asia/Shanghai, the wall clock) are
/// never used by a scan that goes ahead.
struct ScanSettings {
    static let defaultTimeZone = "Asia/Shanghai"

    let config: Config
    let timezoneName: String
    let timeZone: TimeZone
    let asOf: Date
    let defaultEncoding: TextEncoding?
    let problems: [CrmlintError]

    init(_ options: ScanOptions, config: Config) {
        self.config = config
        var problems: [CrmlintError] = []
        timezoneName = options.timezone ?? config.timezone ?? Self.defaultTimeZone
        let knownZone = TimeZone(identifier: timezoneName)
        if knownZone == nil {
            let hint = Suggestion.hint(for: timezoneName, among: TimeZone.knownTimeZoneIdentifiers)
            problems.append(.usage("unknown time zone '\(timezoneName)'\(hint); expected an IANA name such as Asia/Shanghai"))
        }
        timeZone = knownZone ?? TimeZone(identifier: Self.defaultTimeZone)!
        var asOf = Date()
        if let text = options.asOf {
            if let parsed = TimeValue.parse(text, timeZone: timeZone) {
                asOf = parsed.start
            } else {
                problems.append(.usage("cannot read --as-of '\(text)' (use e.g. 2024-05-01 or 2024-05-01T00:00:00+08:00)"))
            }
        }
        self.asOf = asOf
        var defaultEncoding: TextEncoding?
        if let name = options.encoding ?? config.encoding {
            defaultEncoding = TextEncoding(name: name)
            if defaultEncoding == nil { problems.append(.usage(Suggestion.unknown("encoding", name, expected: TextEncoding.names))) }
        }
        self.defaultEncoding = defaultEncoding
        self.problems = problems
    }

    /// The scan's "today" (YYYY-MM-DD in its time zone): what suppressions expire against.
    var today: String { TimeValue.day(of: asOf, timeZone: timeZone) }

    /// The config the options name: `options.config` when the caller read it
    /// already, none when `readsConfig` is false, else `Config.resolve`.
    static func config(for options: ScanOptions) throws -> Config {
        if let config = options.config { return config }
        return options.readsConfig ? try Config.resolve(options.configPath) : Config()
    }
}

/// The rules a run uses: loaded once from the rule sources the options and
/// crmlint.yml name, overrides applied, then narrowed by select and ignore
/// (the command line's and crmlint.yml's). Used by scans and by `crmlint
/// rules`, so both run exactly the same rules.
struct RuleSelection {
    let sources: [String]
    let loaded: LoadedRules
    /// Problems in the rule files and selectors that name no rule, with the
    /// place each was written (an option, or crmlint.yml's line).
    let problems: [CrmlintError]
    /// The enabled rules select and ignore leave.
    let rules: [Rule]

    init(
        explicit paths: [String], select: [String], ignore: [String], config: Config, checkExamples: Bool = true,
        cacheDirectory: String? = nil
    ) throws {
        sources = try RulePack.sources(explicit: paths, config: config)
        loaded = try RuleLoader.load(
            paths: sources, overrides: config.overrides, checkExamples: checkExamples, cacheDirectory: cacheDirectory,
            cacheIdentity: BuildInfo.cacheIdentity)
        let all = loaded.rules
        var problems = loaded.problems + RuleFilter(select: select, ignore: ignore).problems(in: all)
        for (key, selectors) in [("select", config.select), ("ignore", config.ignore)] {
            let place = config.places[key] ?? (0, 0)
            for selector in selectors where !RuleFilter(select: [selector]).problems(in: all).isEmpty {
                problems.append(
                    .config(
                        file: config.file ?? "crmlint.yml", line: place.line, column: place.column,
                        reason: "\(key) '\(selector)' names no rule, rule prefix or category\(RuleFilter.hint(selector, all))"))
            }
        }
        self.problems = problems
        let filter = RuleFilter(select: select + config.select, ignore: ignore + config.ignore)
        rules = loaded.enabled.filter { filter.includes($0.metadata) }
    }
}

extension Config {
    /// The file named (`--config`), else ./crmlint.yml when present, else the defaults.
    public static func resolve(_ path: String?) throws -> Config {
        if let path { return try load(path: path) }
        if FileManager.default.fileExists(atPath: "crmlint.yml") { return try load(path: "crmlint.yml") }
        return Config()
    }
}
