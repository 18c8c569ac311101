import CrmlintCore
import CrmlintEngine
import Foundation
import TestHelpers
import Testing

/// What a new user sees when something is wrong: one `error:` line per problem,
/// where (file:line:column) and what was expected, the name meant when one is close, exit 2.
@Suite("Error messages")
struct MessagesTests {
    func run(_ arguments: [String], files: [String: String] = [:]) throws -> CLIResult {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try CLI.run(arguments, in: folder)
    }

    func lines(_ result: CLIResult) -> [String] { result.stderr.split(separator: "\n").map(String.init) }

    @Test("Enum-valued options list their values")
    func enumOptions() throws {
        let format = try run(ReportFixtures.scanArguments + ["--format", "xlsx"])
        #expect(format.status == 2)
        #expect(format.stdout.isEmpty)
        #expect(format.stderr == "error: unknown format 'xlsx'; expected one of text, json, jsonl, sarif, csv, junit, github\n")
        let both = try run(["scan", "exports", "--rules", "rules.yml", "--format", "jsn", "--fail-on", "warn"])
        #expect(both.status == 2)
        #expect(
            lines(both) == [
                "error: unknown --fail-on value 'warn' (did you mean 'warning'?); expected one of error, warning, info, never",
                "error: unknown format 'jsn' (did you mean 'json'?); expected one of text, json, jsonl, sarif, csv, junit, github",
            ])
        let merge = try run(["merge", "a.json", "--format", "yaml"])
        #expect(merge.status == 2)
        #expect(merge.stderr == "error: unknown format 'yaml'; expected one of text, json, jsonl, sarif, csv, junit, github\n")
        let encoding = try run(ReportFixtures.scanArguments + ["--encoding", "big5"])
        #expect(encoding.stderr == "error: unknown encoding 'big5'; expected one of utf-8, gb18030\n")
    }

    @Test("Every output problem is reported, one line each, before exit 2")
    func everyOutputProblem() throws {
        let result = try run(
            ReportFixtures.scanArguments + [
                "-o", "/nonexistent-a/r.txt", "--output-json", "/nonexistent-b/r.json",
                "--output-sarif", "/", "--output-csv", "x.csv", "--output-junit", "x.csv",
            ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            lines(result) == [
                "error: cannot write /: it is a folder",
                "error: cannot write /nonexistent-a/r.txt: folder /nonexistent-a does not exist",
                "error: cannot write /nonexistent-b/r.json: folder /nonexistent-b does not exist",
                "error: the csv and junit reports would both be written to x.csv",
            ])
    }

    @Test("A report is never written over an input: a file named as one, or one a scanned folder would read")
    func reportOverAnInput() throws {
        let result = try run(
            ReportFixtures.scanArguments + ["--output-csv", "exports/messages.csv", "--output-json", "./exports/../exports/customers.csv"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            lines(result) == [
                "error: cannot write ./exports/../exports/customers.csv: it is one of the inputs",
                "error: cannot write exports/messages.csv: it is one of the inputs",
            ])
        let named = try run(["scan", "exports/messages.csv", "--rules", "rules.yml", "-o", "exports/messages.csv"])
        #expect(named.status == 2)
        #expect(named.stderr == "error: cannot write exports/messages.csv: it is one of the inputs\n")
        // A file the folder walk would not read (not an export's extension) may be written inside it.
        let beside = try run(ReportFixtures.scanArguments + ["-o", "exports/report.txt"])
        #expect(beside.stderr.isEmpty)
    }

    @Test("Unknown rule ids and categories: one line each, with the one meant")
    func selectorsAndExplain() throws {
        let result = try run(ReportFixtures.scanArguments + ["--select", "conduct.zero-failur,overpromis", "--ignore", "guarantee"])
        #expect(result.status == 2)
        #expect(
            lines(result) == [
                "error: --ignore 'guarantee' names no rule, rule prefix or category (did you mean 'conduct.guarantee'?)",
                "error: --select 'conduct.zero-failur' names no rule, rule prefix or category (did you mean 'conduct.zero-failure'?)",
                "error: --select 'overpromis' names no rule, rule prefix or category (did you mean 'overpromise'?)",
            ])
        let explain = try run(["explain", "conduct.zero-failur", "--rules", "rules.yml"])
        #expect(explain.status == 2)
        #expect(explain.stderr == "error: no rule 'conduct.zero-failur' (did you mean 'conduct.zero-failure'? see crmlint rules list)\n")
        let config = try run(
            ReportFixtures.scanArguments, files: ["crmlint.yml": "timezone: Asia/Shanghai\nignore: [guarante]\ntimezon: UTC\n"])
        #expect(
            lines(config) == [
                "error: crmlint.yml:3:1: unknown key 'timezon' (did you mean 'timezone'?); expected one of timezone, encoding, "
                    + "rules, select, ignore, fail_on, inputs, columns, company_domains, channels, directions, overrides"
            ])
        let configSelector = try run(ReportFixtures.scanArguments, files: ["crmlint.yml": "ignore: [guarante]\n"])
        #expect(
            lines(configSelector) == [
                "error: crmlint.yml:1:1: ignore 'guarante' names no rule, rule prefix or category (did you mean 'conduct.guarantee'?)"
            ])
    }

    @Test("A suppression naming no rule is an error at its line, with the rule meant")
    func suppressionRules() throws {
        let file =
            "- rule: conduct.zero-failur\n  record: m-1\n  reason: ok\n- rule: contact.*\n  path: '*.csv'\n  reason: ok\n- rule: nothing.*\n  path: a.csv\n  reason: r\n"
        let result = try run(ReportFixtures.scanArguments, files: ["crmlint-suppressions.yml": file])
        #expect(result.status == 2)
        #expect(
            lines(result) == [
                "error: crmlint-suppressions.yml:1:9: suppression: rule 'conduct.zero-failur' names no rule (did you mean 'conduct.zero-failure'?)",
                "error: crmlint-suppressions.yml:7:9: suppression: rule 'nothing.*' names no rule",
            ])
        let key = try run(
            ReportFixtures.scanArguments, files: ["crmlint-suppressions.yml": "- rule: conduct.guarantee\n  record: m-4\n  reson: ok\n"])
        #expect(
            lines(key).contains(
                "error: crmlint-suppressions.yml:3:3: suppression: unknown key 'reson' (did you mean 'reason'?); "
                    + "expected one of fingerprint, rule, record, path, reason, owner, expires"), "\(key.stderr)")
    }

    @Test("YAML errors in crmlint.yml and suppressions say where and what was expected")
    func yamlInSettings() throws {
        let config = try run(
            ReportFixtures.scanArguments, files: ["crmlint.yml": "timezone: Asia/Shanghai\nignore: [conduct.guarantee\nfail_on: error\n"])
        #expect(
            lines(config) == [
                "error: crmlint.yml:2:9: invalid YAML: the list opened with '[' here is not closed: expected ',' or ']' before 'fail_on:' at line 3, column 1"
            ])
        let suppressions = try run(
            ReportFixtures.scanArguments, files: ["crmlint-suppressions.yml": "- rule: conduct.guarantee\n  reason: \"ok\n"])
        #expect(
            lines(suppressions) == [
                "error: crmlint-suppressions.yml:2:11: invalid YAML: the quoted text opened with \" here is not closed: expected a closing \" before the end of the file"
            ])
    }

    @Test("Settings, suppressions and outputs are all reported in one run")
    func allTogether() throws {
        let result = try run(
            ReportFixtures.scanArguments + ["-o", "/nonexistent-a/r.txt", "--timezone", "Asia/Shangai"],
            files: ["crmlint-suppressions.yml": "- rule: conduct.guarantee\n  record: m-4\n  reson: ok\n"])
        #expect(result.status == 2)
        #expect(
            lines(result) == [
                "error: cannot write /nonexistent-a/r.txt: folder /nonexistent-a does not exist",
                "error: crmlint-suppressions.yml:1:3: suppression: every entry needs a 'reason' (why the finding is accepted)",
                "error: crmlint-suppressions.yml:3:3: suppression: unknown key 'reson' (did you mean 'reason'?); expected one of fingerprint, rule, record, path, reason, owner, expires",
                "error: unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?); expected an IANA name such as Asia/Shanghai",
            ])
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "pattern", among: ["patterns", "unless", "fields"]) == "patterns")
        #expect(Suggestion.closest(to: "kickback", among: ["conduct.kickback", "conduct.bribe-gift"]) == "conduct.kickback")
        #expect(Suggestion.closest(to: "warn", among: FailThreshold.allCases.map(\.rawValue)) == "warning")
        #expect(Suggestion.closest(to: "xlsx", among: ReportFormat.allCases.map(\.rawValue)) == nil)
        #expect(Suggestion.closest(to: "teh", among: ["the"]) == "the")
    }
}
