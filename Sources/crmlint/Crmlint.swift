import ArgumentParser
import CrmlintCore
import CrmlintEngine
import CrmlintRules
import Foundation

// A thin shell: parse arguments, call the library, map errors to exit codes.
// Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage/config/rule/output error.

// Closed sets of values (formats, thresholds) are read as text and checked by
// the library, so an unknown value is one line that lists the values
// (`unknown format 'xlsx'; expected one of text, json, …`); help and shell
// completion list them from the same enums.
let formatNames = ReportFormat.allCases.map(\.rawValue)
let thresholdNames = FailThreshold.allCases.map(\.rawValue)

/// The help of `--output-NAME`, from the reporter's registration.
func alsoWrite(_ format: String) -> ArgumentHelp {
    ArgumentHelp(ReportFormat(rawValue: format)?.alsoWrittenAs ?? "", valueName: "file")
}

/// Runs each check, collecting the problems, so every bad value is reported in one run.
struct ProblemCollector {
    private(set) var problems: [CrmlintError] = []

    mutating func check<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch let error as CrmlintError {
            problems.append(error)
            return nil
        } catch {
            problems.append(.usage("\(error)"))
            return nil
        }
    }

    func finish() throws {
        if let error = CrmlintError.combine(problems) { throw error }
    }
}

struct RuleOptions: ParsableArguments {
    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp("A rules file or folder (repeatable). Default: the bundled rules/.", valueName: "dir"))
    var rulePaths: [String] = []

    @Option(
        help: ArgumentHelp("Only these rule ids, id prefixes (conduct.) or categories (repeatable, or comma-separated).", valueName: "rule")
    )
    var select: [String] = []

    @Option(help: ArgumentHelp("Skip these rule ids, id prefixes or categories (repeatable, or comma-separated).", valueName: "rule"))
    var ignore: [String] = []

    @Option(help: ArgumentHelp("Config file (default: ./crmlint.yml when present); keys in docs/configuration.md.", valueName: "file"))
    var config: String?

    /// Scan options for `paths` with these rules, selectors and config.
    func scanOptions(paths: [String]) -> ScanOptions {
        var options = ScanOptions(paths: paths)
        options.rulePaths = rulePaths
        options.select = selectors.select
        options.ignore = selectors.ignore
        options.configPath = config
        return options
    }

    var selectors: (select: [String], ignore: [String]) {
        func split(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        }
        return (split(select), split(ignore))
    }
}

@main
struct Crmlint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmlint",
        abstract: "A data-quality and compliance linter for CRM exports and sales message logs.",
        discussion: """
            Scans customers, follow-ups (客户跟进记录), messages and complaints (客户投诉处理记录) \
            exported as CSV, JSON Lines or JSON against rules written in YAML.
            Settings live in crmlint.yml (crmlint init writes one; crmlint config shows what is in effect); \
            every key is described in docs/configuration.md.
            Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, config, rule or output error.
            """,
        version: CrmlintVersion.current,
        subcommands: [
            Scan.self, Inspect.self, Init.self, ConfigCommand.self, Merge.self, Records.self, RulesCommand.self, Explain.self,
            DashboardCommand.self, ModelCommand.self, Version.self,
        ],
        defaultSubcommand: Scan.self
    )

    /// The command the arguments name. `crmlint scan …` in its plain forms,
    /// what a pre-commit hook runs on every commit, is read by
    /// `PlainScanArguments` (why there); anything else is ArgumentParser's.
    static func parseCommand(_ arguments: [String]) throws -> ParsableCommand {
        if arguments.first == "scan", let scan = PlainScanArguments.parse(arguments.dropFirst()) { return scan }
        return try parseAsRoot(arguments)
    }

    static func main() {
        do {
            var command = try parseCommand(Array(CommandLine.arguments.dropFirst()))
            defer { PatternCodeCache.saveAll() }
            try command.run()
        } catch let error as CrmlintError {
            for line in error.lines { AtomicOutput.writeStandardError(line + "\n") }
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let exitCode = Crmlint.exitCode(for: error)
            if exitCode == .success || error is CleanExit {
                Crmlint.exit(withError: error) // --help, --version
            }
            let message = Crmlint.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            AtomicOutput.writeStandardError("error: \(message) (see crmlint --help)\n")
            Foundation.exit(2)
        }
    }
}

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan export files or folders (- for stdin) and report findings.",
        discussion: """
            Example: crmlint scan exports/ --as-of 2024-05-01 --output-json findings.json --output-sarif findings.sarif
            Suppressions are read from crmlint-suppressions.yml in the current folder and beside the scanned paths \
            (or --suppressions FILE); see README, "Suppressions".
            Settings: ./crmlint.yml or --config FILE; every key is described in docs/configuration.md.
            """)

    @Argument(help: ArgumentHelp("Files or folders to scan; - reads standard input.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(
        help: ArgumentHelp("Output format of the main report: \(formatNames.joined(separator: ", ")).", valueName: "format"),
        completion: .list(formatNames))
    var format = "text"

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report here instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 1 when a finding is at or above this severity: \(thresholdNames.joined(separator: ", ")) (default: fail_on in crmlint.yml, else error).",
            valueName: "severity"),
        completion: .list(thresholdNames))
    var failOn: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "\"Now\" for deadline checks, e.g. 2024-05-01 or 2024-05-01T00:00:00+08:00 (default: the scan's start).", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("Time zone for times without an offset (default Asia/Shanghai).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Text encoding of CSV input: utf-8 or gb18030 (default: detected).", valueName: "name"))
    var encoding: String?

    @Flag(name: .customLong("show-excerpts"), help: "In text output, show the redacted excerpt under each finding.")
    var showExcerpts = false

    @Flag(name: [.short, .long], help: "In text output, print only the summary (counts by severity, category and rule), not each finding.")
    var quiet = false

    // One option a format with `alsoWrittenAs` (Reporters.all; CLITests.outputOptionsFollowTheReporters checks the list).
    @Option(name: .customLong("output-json"), help: alsoWrite("json"))
    var outputJSON: String?
    @Option(name: .customLong("output-sarif"), help: alsoWrite("sarif"))
    var outputSARIF: String?
    @Option(name: .customLong("output-jsonl"), help: alsoWrite("jsonl"))
    var outputJSONL: String?
    @Option(name: .customLong("output-csv"), help: alsoWrite("csv"))
    var outputCSV: String?
    @Option(name: .customLong("output-junit"), help: alsoWrite("junit"))
    var outputJUnit: String?
    // Any registered format, without a declaration of its own: a new reporter needs no option here.
    @Option(
        name: .customLong("also"),
        help: ArgumentHelp(
            "Also write the report as FORMAT to FILE (FORMAT is any --format name; repeatable). The output options named after a format are shorthands for it.",
            valueName: "format=file"))
    var also: [String] = []

    /// The `--output-NAME` values by format name.
    var alsoWritten: [(format: String, path: String?)] {
        [("json", outputJSON), ("sarif", outputSARIF), ("jsonl", outputJSONL), ("csv", outputCSV), ("junit", outputJUnit)]
    }

    @Option(
        name: .customLong("sarif-root"),
        help: ArgumentHelp(
            "The folder SARIF paths are relative to (SRCROOT). Default: the git top level of the current folder if the inputs are inside it, else the folder the inputs have in common.",
            valueName: "dir"))
    var sarifRoot: String?

    @Option(help: ArgumentHelp("A previous findings JSON: report only findings not in it.", valueName: "file"))
    var baseline: String?
    @Flag(
        name: .customLong("baseline-required"),
        help: "Make a missing --baseline file an error (default: an empty baseline and a note, as on a nightly job's first run).")
    var baselineRequired = false
    @Option(
        name: .customLong("write-baseline"),
        help: ArgumentHelp("Write every finding, new or not, as JSON for the next --baseline.", valueName: "file"))
    var writeBaseline: String?

    @Option(
        help: ArgumentHelp(
            "A suppressions file (repeatable). Default: crmlint-suppressions.yml here and beside the scanned paths.", valueName: "file"))
    var suppressions: [String] = []
    @Flag(name: .customLong("no-suppressions"), help: "Read no suppressions file: report every finding.")
    var noSuppressions = false

    @Flag(
        name: .customLong("no-cache"),
        help:
            "Keep no rule cache: compute every pattern's analysis now, and read and keep no text verdicts of earlier scans (default: kept in $XDG_CACHE_HOME/crmlint or ~/.cache/crmlint, keyed by the rule files' contents; CRMLINT_NO_CACHE=1 also turns it off, CRMLINT_VERDICT_CACHE=off the verdicts alone)."
    )
    var noCache = false

    @Flag(
        name: .customLong("skip-unrecognized"), help: "Pass over files that are not CRM exports instead of reporting them (for pre-commit)."
    )
    var skipUnrecognized = false

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Worker threads for the per-record checks (default: one per core); the report is the same for any number.", valueName: "n"))
    var jobs: Int?

    @Flag(
        name: .customLong("rule-timing"),
        help:
            "After the scan, print to standard error the time each rule's checks took and the records each checked, the slowest first, then the slowest patterns' search times (the report is unchanged)."
    )
    var ruleTiming = false

    @Option(
        name: .customLong("stdin-name"),
        help: ArgumentHelp(
            "Read - (standard input) as if it were this file: findings name it, its extension gives the format.", valueName: "path"))
    var stdinName: String?

    @Flag(
        help:
            "The paths are records streams written by crmlint records (JSON Lines, each record tagged with its file, line and dataset): findings point at the original files. For Spark (README, Scale-out)."
    )
    var records = false

    @Flag(
        help:
            "This scan is one partition of a larger one (with --records): aggregated findings are left ungrouped and in the order found, for --merge-partitions."
    )
    var partition = false

    @Option(
        name: .customLong("merge-partitions"),
        help: ArgumentHelp(
            "Findings JSON of --partition scans, or a folder of them (repeatable): report their findings as one scan of PATH (aggregated rules grouped, counts added up); nothing is read from PATH.",
            valueName: "report"))
    var mergePartitions: [String] = []

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no paths to scan (give files or folders, or - for stdin)") }
        if partition, !records { throw ValidationError("--partition needs --records (a partition of a records stream)") }
        if records, !mergePartitions.isEmpty { throw ValidationError("--records and --merge-partitions contradict each other") }
        if stdinName != nil, !paths.contains("-") { throw ValidationError("--stdin-name names standard input: add - to the paths") }
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256 (got \(jobs))") }
        if noSuppressions, !suppressions.isEmpty { throw ValidationError("--no-suppressions and --suppressions contradict each other") }
        if baselineRequired, baseline == nil { throw ValidationError("--baseline-required needs --baseline FILE") }
        if quiet, format != "text" { throw ValidationError("--quiet applies to --format text, not \(format)") }
    }

    /// `--also FORMAT=FILE`.
    static func destination(_ value: String) throws -> ReportDestination {
        guard let equals = value.firstIndex(of: "="), equals != value.startIndex, value.index(after: equals) != value.endIndex else {
            throw CrmlintError.usage("--also expects FORMAT=FILE (e.g. --also sarif=findings.sarif), not '\(value)'")
        }
        let format = try ReportFormat.parse(String(value[..<equals]))
        return ReportDestination(format: format, path: String(value[value.index(after: equals)...]))
    }

    func run() throws {
        var values = ProblemCollector()
        let format = values.check { try ReportFormat.parse(self.format) }
        let failOn = values.check { try self.failOn.map(FailThreshold.parse) } ?? nil
        let extra = values.check { try self.also.map(Self.destination) } ?? []
        try values.finish()
        var options = rules.scanOptions(paths: paths)
        options.asOf = asOf
        options.timezone = timezone
        options.encoding = encoding
        options.jobs = jobs
        options.stdinName = stdinName
        options.recordStreams = records
        options.partition = partition
        options.partitionReports = try mergePartitions.flatMap(ScanRun.partitionReports(in:))
        options.ruleCacheDirectory = noCache ? nil : ScanOptions.defaultRuleCacheDirectory()
        if ruleTiming { options.ruleTimes = RuleTimes() }
        options.keepsStateUntilExit = true // the process exits after the scan: its memory goes back at once
        var request = ScanRequest(options: options, primary: ReportDestination(format: format!, path: output))
        request.extra =
            alsoWritten.compactMap { name, path in
                path.map { ReportDestination(format: ReportFormat(rawValue: name)!, path: $0) }
            } + extra
        request.failOn = failOn
        request.showExcerpts = showExcerpts
        request.quiet = quiet
        request.sarifRoot = sarifRoot
        request.baselinePath = baseline
        request.baselineRequired = baselineRequired
        request.writeBaselinePath = writeBaseline
        request.suppressionPaths = suppressions
        request.discoverSuppressions = !noSuppressions
        request.skipUnrecognized = skipUnrecognized
        let outcome = try ScanRun.run(request)
        for line in outcome.warnings { AtomicOutput.writeStandardError(line + "\n") }
        if let times = options.ruleTimes { AtomicOutput.writeStandardError(times.table()) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Show how crmlint reads each file: dataset and why, header → field, unmapped and missing columns, channel and direction values.",
        discussion:
            "Example: crmlint inspect exports/ — then map what it lists under 'columns', 'channels' and 'directions' in crmlint.yml.")

    @Argument(help: ArgumentHelp("Files or folders to inspect; - reads standard input.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Output format: text or json.", valueName: "format"), completion: .list(["text", "json"]))
    var format = "text"

    @Option(name: [.short, .long], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no paths to inspect (give files or folders, or - for stdin)") }
    }

    func run() throws {
        let options = rules.scanOptions(paths: paths)
        // Checked here rather than by the parser, so the message lists the values.
        if !["text", "json"].contains(format) {
            throw CrmlintError.usage(Suggestion.unknown("format", format, expected: ["text", "json"]))
        }
        let files = try Inspection.run(options)
        let text: String
        switch format {
        case "text": text = Inspection.text(files)
        default:
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(files), as: UTF8.self) + "\n"
        }
        if let output {
            try AtomicOutput.write(text, to: output)
        } else {
            try AtomicOutput.writeStandardOutput(text)
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine findings JSON reports (shards, several exports) into one, with the summary recomputed.",
        discussion: "Example: crmlint merge shard-1.json shard-2.json -o all.json")

    @Argument(help: ArgumentHelp("Findings JSON files written by crmlint scan --format json or --output-json.", valueName: "report"))
    var reports: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the merged report here instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp("Format of the merged report: \(formatNames.joined(separator: ", ")).", valueName: "format"),
        completion: .list(formatNames))
    var format = "json"

    @Option(
        name: .customLong("sarif-root"),
        help: ArgumentHelp("With --format sarif: the folder paths are relative to (as for scan).", valueName: "dir"))
    var sarifRoot: String?

    func validate() throws {
        if reports.isEmpty { throw ValidationError("no reports to merge (give findings JSON files)") }
    }

    func run() throws {
        _ = try ScanRun.merge(
            paths: reports, to: ReportDestination(format: try ReportFormat.parse(format), path: output), sarifRoot: sarifRoot)
    }
}

struct Records: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract:
            "Write the records of exports as a records stream (JSON Lines, each record tagged with its original file, line and dataset), for crmlint scan --records.",
        discussion: """
            Reads the inputs exactly as scan does (crmlint.yml, header mapping, encodings) and runs no rule. Each line is             {"type":"record","dataset":…,"file":…,"line":…,"position":…,"customer":…,"fields":{…}}, then one "input" line per file             and one "finding" line per row that could not be read. `crmlint records exports/ | crmlint scan --records -` reports             what `crmlint scan exports/` reports; a subset (one partition of customers) reports those customers' findings at             their original files and lines. Used by scripts/spark-scan (README, Scale-out).
            """)

    @Argument(help: ArgumentHelp("Files or folders to read; - reads standard input (see --stdin-name).", valueName: "path"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Config file (default: ./crmlint.yml when present).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Time zone for times without an offset (default Asia/Shanghai).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Text encoding of CSV input: utf-8 or gb18030 (default: detected).", valueName: "name"))
    var encoding: String?

    @Option(
        name: .customLong("stdin-name"),
        help: ArgumentHelp("Read - as if it were this file: records name it, its extension gives the format.", valueName: "path"))
    var stdinName: String?

    @Flag(help: "Only list the files a scan of the paths would read, one {\"type\":\"file\",\"path\":…} line each.")
    var list = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write the stream here instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no paths to read (give files or folders, or - for stdin)") }
        if stdinName != nil, !paths.contains("-") { throw ValidationError("--stdin-name names standard input: add - to the paths") }
    }

    func run() throws {
        if list {
            let text = RecordStream.list(paths)
            if let output { try AtomicOutput.write(text, to: output) } else { try AtomicOutput.writeStandardOutput(text) }
            return
        }
        var options = ScanOptions(paths: paths)
        options.configPath = config
        options.timezone = timezone
        options.encoding = encoding
        options.stdinName = stdinName
        try RecordStream.write(options, to: output)
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List rules or run their examples.",
        subcommands: [List.self, Test.self, Doc.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rules that would run.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let loaded = try RuleCatalog.load(
                paths: rules.rulePaths, select: rules.selectors.select, ignore: rules.selectors.ignore,
                configPath: rules.config, useConfig: true)
            for rule in loaded {
                let meta = rule.metadata
                print("\(meta.id)\t\(meta.kind)\t\(meta.category.rawValue)\t\(meta.severity.rawValue)\t\(meta.message)")
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "Run every rule's examples; exit 1 if any fails.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let catalog = try RuleCatalog.catalog(
                paths: rules.rulePaths, select: rules.selectors.select, ignore: rules.selectors.ignore,
                configPath: rules.config, useConfig: true)
            let result = RuleCatalog.testExamples(catalog.rules, originals: catalog.originals)
            for failure in result.failures { print("FAIL \(failure)") }
            for changed in result.overridden { print("SKIP \(changed) (no longer applies under crmlint.yml override)") }
            print(
                "\(result.passed) passed, \(result.failures.count) failed"
                    + (result.overridden.isEmpty ? "" : ", \(result.overridden.count) no longer apply under crmlint.yml overrides"))
            if !result.failures.isEmpty { throw ExitCode(1) }
        }
    }

    struct Doc: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doc", abstract: "Write the rule reference (Markdown) from rule metadata.")
        @OptionGroup var rules: RuleOptions
        @Option(name: [.short, .long], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            try OutputWriter.write(try RuleCatalog.reference(paths: rules.rulePaths), to: output)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain a rule: what it checks, why, and examples.")
    @Argument(help: ArgumentHelp("A rule id, e.g. conduct.zero-failure.", valueName: "rule"))
    var rule: String
    @OptionGroup var rules: RuleOptions

    func run() throws {
        print(
            RuleCatalog.explain(try RuleCatalog.rule(rule, paths: rules.rulePaths, configPath: rules.config, useConfig: true)),
            terminator: "")
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract:
            "Write a commented crmlint.yml for these exports: datasets and header mapping as inspect sees them, unmapped headers and unknown words to fill in.",
        discussion: "Example: crmlint init exports/ — then edit crmlint.yml (keys: docs/configuration.md) and check it with crmlint config."
    )

    @Argument(help: ArgumentHelp("Export files or folders the config is for.", valueName: "path"))
    var paths: [String] = []

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp("Rule file or folder to judge missing columns by (repeatable). Default: the bundled rules/.", valueName: "dir"))
    var rulePaths: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write it.", valueName: "file"))
    var output = "crmlint.yml"

    @Flag(help: "Replace the file if it exists.")
    var force = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no paths (give the export files or folders the config is for)") }
    }

    func run() throws {
        try ConfigInit.write(paths: paths, to: output, force: force, rulePaths: rulePaths)
        AtomicOutput.writeStandardError(
            "wrote \(output): edit it (keys in docs/configuration.md), then crmlint config shows the settings in effect\n")
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration and where each value came from (file:line, default, or command line).",
        discussion: "Checks crmlint.yml as a scan would (rules, overrides, selectors). Every key is described in docs/configuration.md.")

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Output format: text or json.", valueName: "format"), completion: .list(["text", "json"]))
    var format = "text"

    @Option(help: ArgumentHelp("As for scan: time zone for times without an offset.", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("As for scan: text encoding of CSV input.", valueName: "name"))
    var encoding: String?

    @Option(
        name: .customLong("fail-on"), help: ArgumentHelp("As for scan: \(thresholdNames.joined(separator: ", ")).", valueName: "severity"),
        completion: .list(thresholdNames))
    var failOn: String?

    func run() throws {
        if !["text", "json"].contains(format) {
            throw CrmlintError.usage(Suggestion.unknown("format", format, expected: ["text", "json"]))
        }
        var arguments = ConfigReport.CommandLine()
        arguments.configPath = rules.config
        arguments.rulePaths = rules.rulePaths
        arguments.select = rules.selectors.select
        arguments.ignore = rules.selectors.ignore
        arguments.timezone = timezone
        arguments.encoding = encoding
        arguments.failOn = failOn
        let report = try ConfigReport.make(arguments)
        try AtomicOutput.writeStandardOutput(format == "json" ? report.json : report.text)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version; with --verbose, what a bug report needs.",
        discussion:
            "--verbose adds the git commit, the PCRE2 version and JIT support, and where the default rules come from with the built-in pack's hash."
    )
    @Flag(name: .shortAndLong, help: "Also the commit, PCRE2, rules and platform.")
    var verbose = false

    func run() throws {
        print(BuildInfo.current().text(verbose: verbose), terminator: "")
    }
}
