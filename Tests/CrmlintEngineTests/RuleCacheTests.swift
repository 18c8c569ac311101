import CrmlintRules
import Foundation
import Testing

/// The rule cache (`RuleCache`, `LiteralPrefilter.cached`): a scan through it
/// reports exactly what a scan without it reports, whatever state the cache is in.
@Suite struct RuleCacheTests {
    static let scanArguments = [
        "scan", "corpus/messages-hk.csv", "corpus/messages.jsonl", "--format", "json", "--as-of", "2024-05-01T00:00:00+08:00",
        "--no-suppressions", "--fail-on", "never",
    ]

    func cacheFiles(_ home: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.appendingPathComponent("crmlint").path)) ?? []).sorted()
    }

    @Test func aCacheHitReportsWhatAColdRunReports() throws {
        let home = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["XDG_CACHE_HOME": home.path, "CRMLINT_NO_CACHE": ""]
        let uncached = try crmlint(Self.scanArguments + ["--no-cache"], environment: environment)
        #expect(uncached.status == 0)
        #expect(cacheFiles(home).isEmpty, "--no-cache wrote a cache")
        let cold = try crmlint(Self.scanArguments, environment: environment)
        let files = cacheFiles(home)
        #expect(files.contains { $0.hasPrefix("rules-") } && files.contains { $0.hasPrefix("prefilter-") }, "\(files)")
        let warm = try crmlint(Self.scanArguments, environment: environment)
        // The patterns compiled on first use keep their code (the cold run's too: it scans with the rules read
        // again from the cache it wrote); the next run decodes it.
        let codes = try #require(cacheFiles(home).first { $0.hasPrefix("codes-") })
        #expect(cacheFiles(home) == Set(files + [codes]).sorted(), "a cache hit rewrote the cache")
        let codesURL = home.appendingPathComponent("crmlint/\(codes)")
        let codesBytes = try Data(contentsOf: codesURL)
        let decoded = try crmlint(Self.scanArguments, environment: environment)
        #expect(try Data(contentsOf: codesURL) == codesBytes, "a run that compiled nothing new rewrote the codes")
        #expect(cold.status == 0 && warm.status == 0 && decoded.status == 0)
        #expect(uncached.stdout.contains("\"findings\""))
        #expect(cold.stdoutBytes == uncached.stdoutBytes)
        #expect(warm.stdoutBytes == uncached.stdoutBytes)
        #expect(decoded.stdoutBytes == uncached.stdoutBytes)
        // The environment switch too.
        let off = try crmlint(Self.scanArguments, environment: ["XDG_CACHE_HOME": home.path + "/other", "CRMLINT_NO_CACHE": "1"])
        #expect(off.stdoutBytes == uncached.stdoutBytes)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/other"))
    }

    @Test func aChangedRuleFileIsReadAgainAndItsProblemsReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("cache")
        let environment = ["XDG_CACHE_HOME": home.path, "CRMLINT_NO_CACHE": ""]
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "id,customer_id,timestamp,direction,text\nM1,CRM-1,2024-03-15 10:00,outbound,给您回扣\nM2,CRM-1,2024-03-15 11:00,outbound,保证到货\n"
            .write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        func write(_ pattern: String) throws {
            try "- id: x.rule\n  category: bribery\n  severity: error\n  message: m\n  patterns: ['\(pattern)']\n"
                .write(to: folder.appendingPathComponent("rules/x.yml"), atomically: true, encoding: .utf8)
        }
        let arguments = ["scan", "m.csv", "--rules", "rules", "--fail-on", "never", "--as-of", "2024-05-01T00:00:00+08:00"]
        try write("回扣")
        let first = try crmlint(arguments, in: folder, environment: environment)
        #expect(first.status == 0)
        #expect(first.stdout.contains("m.csv:2:") && !first.stdout.contains("m.csv:3:"), "\(first.stdout)")
        #expect(try crmlint(arguments, in: folder, environment: environment).stdoutBytes == first.stdoutBytes)
        // Another pattern: its findings, not the cached rules'.
        try write("保证")
        let second = try crmlint(arguments, in: folder, environment: environment)
        #expect(second.stdout.contains("m.csv:3:") && !second.stdout.contains("m.csv:2:"), "\(second.stdout)")
        // A broken pattern and a catastrophic one are reported as without a cache, each time.
        for bad in ["保证(", "(a+)+$"] {
            try write(bad)
            let stderr = try cachedRunsStopAsUncached(arguments, in: folder, environment: environment)
            #expect(stderr.contains("error: rules/x.yml:5:3: rule 'x.rule':"), "\(stderr)")
        }
    }

    /// Runs `arguments` once without the cache, then twice through it: each stops (exit 2) with the
    /// same error lines; returns them.
    func cachedRunsStopAsUncached(_ arguments: [String], in folder: URL, environment: [String: String]) throws -> String {
        let uncached = try crmlint(arguments + ["--no-cache"], in: folder, environment: environment)
        #expect(uncached.status == 2)
        for _ in 0..<2 {
            let cached = try crmlint(arguments, in: folder, environment: environment)
            #expect(cached.status == 2)
            #expect(cached.stderr == uncached.stderr)
        }
        return uncached.stderr
    }

    /// A folder with one message (`m.csv`, a kickback offer) and a rules file `rules/x.yml` of one
    /// pattern rule finding it (`extra` lines appended), and a cache of its own: the folder and the
    /// environment that uses that cache.
    func ruleFileFixture(extra: String = "") throws -> (folder: URL, environment: [String: String]) {
        let folder = try temporaryFolder()
        let home = folder.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "id,customer_id,timestamp,direction,text\nM1,CRM-1,2024-03-15 10:00,outbound,给您回扣\n"
            .write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        try ("- id: x.rule\n  category: bribery\n  severity: error\n  message: m\n  patterns: ['回扣']\n" + extra)
            .write(to: folder.appendingPathComponent("rules/x.yml"), atomically: true, encoding: .utf8)
        return (folder, ["XDG_CACHE_HOME": home.path, "CRMLINT_NO_CACHE": ""])
    }

    /// `rules list` and `explain` load the rules through the cache without running their examples;
    /// a scan after them still runs a rule file's failing example and stops with it.
    @Test func listingRulesLeavesAFailingExampleToTheScan() throws {
        let (folder, environment) = try ruleFileFixture(extra: "  examples: {match: ['很好']}\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("cache")
        let list = try crmlint(["rules", "list", "--rules", "rules"], in: folder, environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("x.rule\tpattern\tbribery"), "\(list.stdout)")
        #expect(cacheFiles(home).contains { $0.hasPrefix("rules-") }, "rules list wrote no cache")
        let explain = try crmlint(["explain", "x.rule", "--rules", "rules"], in: folder, environment: environment)
        #expect(explain.status == 0 && explain.stdout.contains("x.rule"), "\(explain.stderr)")
        let arguments = ["scan", "m.csv", "--rules", "rules", "--as-of", "2024-05-01T00:00:00+08:00"]
        let stderr = try cachedRunsStopAsUncached(arguments, in: folder, environment: environment)
        #expect(stderr.contains("example should match but does not: 很好"), "\(stderr)")
        #expect(try crmlint(["rules", "list", "--rules", "rules"], in: folder, environment: environment).stdoutBytes == list.stdoutBytes)
    }

    /// The rule files' YAML comes from the cache on a warm run; overrides in
    /// crmlint.yml are not part of the cache's name, so a broken one meets
    /// cached documents, and every message keeps its file, line and rule id.
    @Test func problemsMetOnCachedYAMLAreReportedAsWithout() throws {
        let (folder, environment) = try ruleFileFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = [
            "scan", "m.csv", "--rules", "bundled", "--rules", "rules", "--fail-on", "never", "--as-of", "2024-05-01T00:00:00+08:00",
        ]
        let first = try crmlint(arguments, in: folder, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try crmlint(arguments, in: folder, environment: environment).stdoutBytes == first.stdoutBytes)
        try """
        overrides:
          x.rule:
            patterns: ['回扣(']
          timing.late-log:
            within: banana
          data.complete-records:
            requird: {followups: [id]}

        """.write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let stderr = try cachedRunsStopAsUncached(arguments, in: folder, environment: environment)
        #expect(stderr.contains("crmlint.yml:3:") && stderr.contains("rule 'x.rule'"), "\(stderr)")
        #expect(stderr.contains("rule 'timing.late-log'") && stderr.contains("'requird'"), "\(stderr)")
    }

    @Test func aCorruptCacheIsIgnored() throws {
        let home = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["XDG_CACHE_HOME": home.path, "CRMLINT_NO_CACHE": ""]
        let cold = try crmlint(Self.scanArguments, environment: environment)
        #expect(try crmlint(Self.scanArguments, environment: environment).stdoutBytes == cold.stdoutBytes)
        let files = cacheFiles(home)
        #expect(files.count == 3, "\(files)")
        for (index, name) in files.enumerated() {
            let url = home.appendingPathComponent("crmlint/\(name)")
            let data = try Data(contentsOf: url)
            // One file cut short, the other's middle overwritten.
            let damaged =
                index == 0
                ? data.prefix(data.count / 2)
                : data.prefix(data.count / 3) + Data(repeating: 0xFF, count: 64) + data.dropFirst(data.count / 3 + 64)
            try damaged.write(to: url)
        }
        let damaged = try crmlint(Self.scanArguments, environment: environment)
        #expect(damaged.status == 0)
        #expect(damaged.stdoutBytes == cold.stdoutBytes)
        #expect(damaged.stderr.isEmpty, "\(damaged.stderr)")
        // Rewritten whole: the next runs read them again.
        for _ in 0..<2 { #expect(try crmlint(Self.scanArguments, environment: environment).stdoutBytes == cold.stdoutBytes) }
        #expect(cacheFiles(home) == files)
    }

    /// A run that writes its cache files removes the folder's stale ones (`CacheFolder`), and
    /// leaves alone what is not the cache's.
    @Test func aColdRunPrunesStaleCacheFiles() throws {
        let home = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent("crmlint")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stale = folder.appendingPathComponent("rules-\(String(repeating: "ab", count: 16)).bin")
        let foreign = folder.appendingPathComponent("README.txt")
        for url in [stale, foreign] {
            try Data("old".utf8).write(to: url)
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-CacheFolder.maxAge - 86_400)], ofItemAtPath: url.path)
        }
        let environment = ["XDG_CACHE_HOME": home.path, "CRMLINT_NO_CACHE": ""]
        let cold = try crmlint(Self.scanArguments, environment: environment)
        #expect(cold.status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: foreign.path))
        // The run's own new file is there.
        #expect(cacheFiles(home).contains { $0.hasPrefix("rules-") && $0.hasSuffix(".bin") }, "\(cacheFiles(home))")
    }

    @Test func anUnwritableCacheFolderStillScans() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A file where the folder should be: no cache can be written under it (even as root).
        let blocked = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocked)
        let uncached = try crmlint(Self.scanArguments + ["--no-cache"], environment: ["CRMLINT_NO_CACHE": ""])
        for _ in 0..<2 {
            let result = try crmlint(Self.scanArguments, environment: ["XDG_CACHE_HOME": blocked.path, "CRMLINT_NO_CACHE": ""])
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            #expect(result.stdoutBytes == uncached.stdoutBytes)
        }
    }
}
