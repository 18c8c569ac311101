import ArgumentParser
import CrmlintCore
import CrmlintEngine
import Foundation

// A thin shell: parse arguments, call the library, map errors to exit codes.
// Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage/config/rule/output error.

extension FailThreshold: ExpressibleByArgument {}

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("A rules file or folder (repeatable). Default: the bundled rules/.", valueName: "dir"))
    var rulePaths: [String] = []

    @Option(help: ArgumentHelp("Only these rule ids, id prefixes (conduct.) or categories (repeatable, or comma-separated).", valueName: "rule"))
    var select: [String] = []

    @Option(help: ArgumentHelp("Skip these rule ids, id prefixes or categories (repeatable, or comma-separated).", valueName: "rule"))
    var ignore: [String] = []

    var selectors: (select: [String], ignore: [String]) {
        func split(_ values: [String]) -> [String] { values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } }
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
            Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, config, rule or output error.
            """,
        version: CrmlintVersion.current,
        subcommands: [Scan.self, RulesCommand.self, Explain.self, DashboardCommand.self],
        defaultSubcommand: Scan.self
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CrmlintError {
            for line in error.lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let exitCode = Crmlint.exitCode(for: error)
            if exitCode == .success || error is CleanExit {
                Crmlint.exit(withError: error)   // --help, --version
            }
            let message = Crmlint.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            FileHandle.standardError.write(Data("error: \(message) (see crmlint --help)\n".utf8))
            Foundation.exit(2)
        }
    }
}

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan export files or folders (- for stdin) and report findings.",
        discussion: "Example: crmlint scan corpus/ --format json --as-of 2024-05-01 --output findings.json")

    @Argument(help: ArgumentHelp("Files or folders to scan; - reads standard input.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Config file (default: ./crmlint.yml when present).", valueName: "file"))
    var config: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report here instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity.")
    var failOn: FailThreshold = .error

    @Option(name: .customLong("as-of"), help: ArgumentHelp("\"Now\" for deadline checks, e.g. 2024-05-01 or 2024-05-01T00:00:00+08:00 (default: the scan's start).", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("Time zone for times without an offset (default Asia/Shanghai).", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Text encoding of CSV input: utf-8 or gb18030 (default: detected).", valueName: "name"))
    var encoding: String?

    @Flag(name: .customLong("show-excerpts"), help: "In text output, show the redacted excerpt under each finding.")
    var showExcerpts = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no paths to scan (give files or folders, or - for stdin)") }
    }

    func run() throws {
        var options = ScanOptions(paths: paths)
        options.rulePaths = rules.rulePaths
        options.select = rules.selectors.select
        options.ignore = rules.selectors.ignore
        options.configPath = config
        options.asOf = asOf
        options.timezone = timezone
        options.encoding = encoding
        let report = try Scanner.scan(options)
        let text = switch format {
        case .text: TextReporterFactory.text(report, showExcerpts: showExcerpts)
        case .json: TextReporterFactory.json(report)
        }
        try OutputWriter.write(text, to: output)
        if report.summary.count(atOrAbove: failOn) > 0 { throw ExitCode(1) }
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List rules or run their examples.",
        subcommands: [List.self, Test.self, Doc.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rules that would run.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let loaded = try RuleCatalog.load(paths: rules.rulePaths, select: rules.selectors.select, ignore: rules.selectors.ignore)
            for rule in loaded {
                let meta = rule.metadata
                print("\(meta.id)\t\(meta.kind)\t\(meta.category.rawValue)\t\(meta.severity.rawValue)\t\(meta.message)")
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every rule's examples; exit 1 if any fails.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let loaded = try RuleCatalog.load(paths: rules.rulePaths, select: rules.selectors.select, ignore: rules.selectors.ignore)
            let result = RuleCatalog.testExamples(loaded)
            for failure in result.failures { print("FAIL \(failure)") }
            print("\(result.passed) passed, \(result.failures.count) failed")
            if !result.failures.isEmpty { throw ExitCode(1) }
        }
    }

    struct Doc: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the rule reference (Markdown) from rule metadata.")
        @OptionGroup var rules: RuleOptions
        @Option(name: [.short, .long], help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            let loaded = try RuleCatalog.load(paths: rules.rulePaths, select: [], ignore: [])
            try OutputWriter.write(RuleCatalog.markdown(loaded), to: output)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule: what it checks, why, and examples.")
    @Argument(help: ArgumentHelp("A rule id, e.g. conduct.zero-failure.", valueName: "rule"))
    var rule: String
    @OptionGroup var rules: RuleOptions

    func run() throws {
        let loaded = try RuleCatalog.load(paths: rules.rulePaths, select: [], ignore: [])
        guard let found = loaded.first(where: { $0.metadata.id == rule }) else {
            throw CrmlintError.usage("no rule '\(rule)' (see crmlint rules list)")
        }
        print(RuleCatalog.explain(found), terminator: "")
    }
}
