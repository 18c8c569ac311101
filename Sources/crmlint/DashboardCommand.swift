import ArgumentParser
import CrmlintCore
import CrmlintDashboard
import CrmlintEngine
import Foundation

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Write a self-contained HTML dashboard (no network needed) from findings JSON.",
        discussion: """
            Give one findings document (crmlint scan --format json), or several nightly ones: they are ordered by \
            run.as_of, and the latest is compared with the one before it (new, resolved, still open, by fingerprint).
            Example: crmlint dashboard reports/*.json -o dashboard.html
            """)

    @Argument(help: ArgumentHelp("Findings JSON files (crmlint scan --format json); - reads standard input.", valueName: "findings.json"))
    var paths: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the page here instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "Rule files or folders for the rules' explanations (repeatable). Default: the bundled rules/ when found.", valueName: "dir"))
    var rulePaths: [String] = []

    func validate() throws {
        if paths.isEmpty { throw ValidationError("no findings files (give one or more findings JSON files, or - for stdin)") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be given only once") }
    }

    func run() throws {
        let page = try Dashboard.build(paths: paths, rules: try ruleTexts())
        try OutputWriter.write(page, to: output)
    }

    /// Explanations from rule files: the ones named (errors stop the run), or
    /// the bundled pack when it can be found (else the findings' messages).
    private func ruleTexts() throws -> [String: RuleText] {
        let rules =
            rulePaths.isEmpty
            ? (try? RuleCatalog.load(paths: [], select: [], ignore: [])) ?? []
            : try RuleCatalog.load(paths: rulePaths, select: [], ignore: [])
        var texts: [String: RuleText] = [:]
        for rule in rules {
            let meta = rule.metadata
            texts[meta.id] = RuleText(message: meta.message, description: meta.description, policy: meta.policy)
        }
        return texts
    }
}
