import CrmlintCore
import CrmlintEngine
import Foundation
import Testing

/// `--rule-timing`: each rule's time and the records it checked, without changing the report.
@Suite struct RuleTimingTests {
    static let rules = """
        - id: t.outbound-claim
          category: exaggeration
          severity: error
          message: claim
          direction: outbound
          patterns: ['零\\\\s*故障']
        - id: t.any-slang
          category: sensitive-topic
          severity: info
          message: slang
          patterns: ['老铁']
        """

    /// A messages file of `outbound` rep messages and `inbound` customer replies, with its rules.
    static func folder(outbound: Int, inbound: Int) throws -> URL {
        let folder = try temporaryFolder()
        var csv = "id,customer_id,timestamp,channel,direction,text\n"
        for index in 0..<(outbound + inbound) {
            let direction = index < outbound ? "outbound" : "inbound"
            csv += "M\(index),CRM-\(index % 7),2024-03-0\(1 + index % 9) 10:00,微信,\(direction),老铁放心，零故障\n"
        }
        try csv.write(to: folder.appendingPathComponent("messages.csv"), atomically: true, encoding: .utf8)
        try rules.write(to: folder.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    static func options(_ folder: URL, jobs: Int) -> ScanOptions {
        var options = ScanOptions(paths: [folder.appendingPathComponent("messages.csv").path])
        options.rulePaths = [folder.appendingPathComponent("rules.yml").path]
        options.readsConfig = false
        options.asOf = "2024-06-01T00:00:00+08:00"
        options.jobs = jobs
        return options
    }

    @Test(arguments: [1, 2, 3])
    func recordsCheckedFollowEachRulesDirectionForAnyNumberOfJobs(jobs: Int) throws {
        let folder = try Self.folder(outbound: 1_100, inbound: 300) // more than one batch of the workers
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.options(folder, jobs: jobs)
        let plain = try Scanner.scan(options)
        let times = RuleTimes()
        options.ruleTimes = times
        let timed = try Scanner.scan(options)
        #expect(timed.findings.map(\.fingerprint) == plain.findings.map(\.fingerprint))
        let records = Dictionary(uniqueKeysWithValues: times.entries.map { ($0.rule, $0.records) })
        #expect(records["t.outbound-claim"] == 1_100)
        #expect(records["t.any-slang"] == 1_400)
        #expect(times.entries.map(\.nanoseconds) == times.entries.map(\.nanoseconds).sorted(by: >))
        #expect(times.sharedNanoseconds > 0) // every text was normalised and passed through the prefilter
        // The slang rule's pattern, named by its rule, searched at least once (a text seen before is remembered,
        // not searched); the claim's pattern (a literal backslash: no text has its words) need never run.
        let patterns = times.patternEntries
        #expect(patterns.allSatisfy { $0.rules == ["t.any-slang"] || $0.rules == ["t.outbound-claim"] })
        let slang = try #require(patterns.first { $0.rules == ["t.any-slang"] })
        #expect(slang.source == "老铁" && slang.searches >= 1)
        #expect(patterns.map(\.nanoseconds) == patterns.map(\.nanoseconds).sorted(by: >))
    }

    /// With the bundled rules, every anchored pattern searched (the prefilter's twins: of an entry as written,
    /// of a piece of a split word class, of an `unless`) is named by the rules it belongs to.
    @Test func everyAnchoredPatternOfTheBundledRulesIsNamed() throws {
        var options = ScanOptions(
            paths: ["corpus/messages.jsonl", "corpus/messages-hk.csv"].map { repositoryRoot.appendingPathComponent($0).path })
        options.rulePaths = [repositoryRoot.appendingPathComponent("rules").path]
        options.readsConfig = false
        options.asOf = "2024-05-01T00:00:00+08:00"
        options.jobs = 2
        let times = RuleTimes()
        options.ruleTimes = times
        _ = try Scanner.scan(options)
        let anchored = times.patternEntries.filter(\.anchored)
        #expect(!anchored.isEmpty)
        for entry in anchored { #expect(!entry.rules.isEmpty, "\(entry.source.prefix(80))") }
    }

    @Test func cliPrintsTheTableOnStandardErrorAndTheSameReport() throws {
        let folder = try Self.folder(outbound: 3, inbound: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = [
            "scan", "messages.csv", "--rules", "rules.yml", "--format", "json", "--as-of", "2024-06-01T00:00:00+08:00",
            "--fail-on", "never", "--no-suppressions",
        ]
        let plain = try crmlint(arguments, in: folder)
        let timed = try crmlint(arguments + ["--rule-timing"], in: folder)
        #expect(timed.status == 0, "\(timed.stderr)")
        #expect(timed.stdoutBytes == plain.stdoutBytes)
        #expect(!plain.stderr.contains("rule timing"))
        let lines = timed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "rule timing (time in each rule's checks, summed over threads):")
        #expect(lines.contains { $0.contains("(shared: normalising fields") })
        #expect(lines.contains { $0.hasSuffix("3  t.outbound-claim (pattern)") })
        #expect(lines.contains { $0.hasSuffix("5  t.any-slang (pattern)") })
        #expect(lines.contains { $0.hasSuffix("ms in 2 rules and the shared work") })
        // Then the patterns, slowest first: each with its searches, its rule and its text.
        let header = try #require(lines.firstIndex { $0.hasPrefix("slowest patterns (time in PCRE2 searches") })
        #expect(header > lines.firstIndex { $0.hasSuffix("ms in 2 rules and the shared work") }!)
        #expect(lines[(header + 2)...].contains { $0.contains("t.any-slang") && $0.hasSuffix(": 老铁") })
        #expect(lines.dropLast().last?.contains("patterns' searches") == true)
        // Last, what the verdicts kept between runs did (`TextVerdicts`).
        #expect(lines.last?.hasPrefix("text verdicts of earlier runs: ") == true, "\(lines.last ?? "")")
    }
}
