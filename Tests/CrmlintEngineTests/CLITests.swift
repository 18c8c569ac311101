import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// End-to-end: the built command, its output and exit status.
@Suite struct CLITests {
    func fixture(_ files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try ruleFixture.write(to: folder.appendingPathComponent("rules/test.yml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    let messages = """
        id,customer_id,timestamp,direction,text
        M1,CRM-1,2024-03-15 10:00,outbound,我们的设备零故障
        M2,CRM-1,2024-03-15 11:00,outbound,我们不能保证零故障
        M3,CRM-2,2024-03-16 09:00,outbound,老铁放心
        M4,CRM-2,2024-03-16 10:00,outbound,"多行
        没问题"
        M5,CRM-3,2024-03-17 10:00,outbound
        """

    @Test func textOutputIsCompilerStyleAndExitIsOneOnErrors() throws {
        let folder = try fixture(["data/messages.csv": messages])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["scan", "data", "--rules", "rules"], in: folder)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("data/messages.csv:2: error: 不得夸大产品功能 — zero-failure claim [t.zero-failure]"))
        #expect(lines.contains("data/messages.csv:4: info: slang [t.slang]"))
        #expect(
            lines.contains { $0.hasPrefix("data/messages.csv:7: error: record could not be read: row has 4 fields but the header has 5") })
        #expect(!lines.contains { $0.hasPrefix("data/messages.csv:3:") })
        #expect(lines.last?.contains("records: 5 read, 4 scanned, 1 rejected") == true)
    }

    @Test func failOnControlsTheExitStatus() throws {
        let folder = try fixture(["m.csv": "id,customer_id,timestamp,direction,text\nM3,CRM-2,2024-03-16 09:00,outbound,老铁放心\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try crmlint(["scan", "m.csv", "--rules", "rules"], in: folder).status == 0)
        #expect(try crmlint(["scan", "m.csv", "--rules", "rules", "--fail-on", "info"], in: folder).status == 1)
        #expect(try crmlint(["scan", "m.csv", "--rules", "rules", "--fail-on", "never", "--select", "t.slang"], in: folder).status == 0)
    }

    @Test func jsonOutputIsDeterministicAndDecodes() throws {
        let folder = try fixture(["data/messages.csv": messages])
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["scan", "data", "--rules", "rules", "--format", "json", "--as-of", "2024-05-01T00:00:00+08:00"]
        let first = try crmlint(arguments, in: folder)
        let second = try crmlint(arguments, in: folder)
        #expect(first.stdoutBytes == second.stdoutBytes)
        let report = try JSONReporter.decoder().decode(ScanReport.self, from: first.stdoutBytes)
        #expect(report.schemaVersion == ScanReport.schemaVersion)
        #expect(report.run.asOf == "2024-05-01T00:00:00+08:00")
        #expect(report.summary.records.read == report.summary.records.scanned + report.summary.records.rejected)
        #expect(report.summary.byCategory["input-error"] == 1)
        let zero = try #require(report.findings.first { $0.rule == "t.zero-failure" })
        #expect(zero.recordId == "M1")
        #expect(zero.customerId == "CRM-1")
        #expect(zero.day == "2024-03-15")
        #expect(zero.dataset == .messages)
    }

    @Test func outputFileIsWrittenAndUnwritablePathIsExitTwo() throws {
        let folder = try fixture(["m.csv": messages])
        defer { try? FileManager.default.removeItem(at: folder) }
        let ok = try crmlint(["scan", "m.csv", "--rules", "rules", "--format", "json", "-o", "out.json"], in: folder)
        #expect(ok.status == 1)
        #expect(ok.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.json").path))
        let bad = try crmlint(["scan", "m.csv", "--rules", "rules", "-o", "/nonexistent-dir/x.json"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.hasPrefix("error: cannot write /nonexistent-dir/x.json"))
    }

    @Test func badRuleFileIsExitTwoWithFileLineAndRule() throws {
        let folder = try fixture([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        try "- id: x.bad\n  category: exaggeration\n  severity: error\n  message: m\n  patterns: ['(']\n  colour: red\n"
            .write(to: folder.appendingPathComponent("rules/bad.yml"), atomically: true, encoding: .utf8)
        let result = try crmlint(["rules", "list", "--rules", "rules"], in: folder)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("error: rules/bad.yml:5:3: rule 'x.bad': bad pattern") })
        #expect(lines.contains("error: rules/bad.yml:6:3: rule 'x.bad': unknown key 'colour'"))
    }

    @Test(arguments: [
        ["scan"],
        ["scan", "x.csv", "--format", "pdf"],
        ["scan", "x.csv", "--fail-on", "sometimes"],
        ["scan", "x.csv", "--timezone", "Mars/Olympus"],
        ["scan", "x.csv", "--as-of", "yesterday-ish"],
        ["scan", "x.csv", "--select", "no.such.rule"],
        ["scan", "x.csv", "--encoding", "ebcdic"],
        ["--no-such-flag"],
        ["explain", "no.such.rule"],
    ])
    func badArgumentsAreOneLineAndExitTwo(arguments: [String]) throws {
        let folder = try fixture(["x.csv": messages])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(
            arguments + (arguments.first == "scan" || arguments.first == "explain" ? ["--rules", "rules"] : []), in: folder)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "))
    }

    @Test func unknownFileTypeAndUnknownDatasetAreInputErrors() throws {
        let folder = try fixture(["notes.txt": "hello", "odd.csv": "sku,price\nA,1\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["scan", "notes.txt", "odd.csv", "--rules", "rules"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("notes.txt:0: error: unknown file type"))
        #expect(result.stdout.contains("odd.csv:1: error: cannot tell which dataset"))
    }

    @Test func readsStandardInput() throws {
        let folder = try fixture([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["scan", "-", "--rules", "rules"], stdin: Data(messages.utf8), in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("<stdin>:2: error:"))
    }

    @Test func versionAndHelp() throws {
        let version = try crmlint(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try crmlint(["scan", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--fail-on"))
    }

    /// `crmlint scan …` in its plain forms is read by `PlainScanArguments`, not
    /// ArgumentParser; the default subcommand (`crmlint …` without `scan`) is
    /// always ArgumentParser's. Both must give the same report, the same errors
    /// and ArgumentParser's help.
    @Test func scanParsedOnItsOwnBehavesAsFromTheRoot() throws {
        let folder = try fixture(["x.csv": messages])
        defer { try? FileManager.default.removeItem(at: folder) }
        // A fixed --as-of: the default is the scan's start, which two runs need not share.
        let scan = ["x.csv", "--rules", "rules", "--as-of", "2024-04-01T00:00:00+08:00"]
        let vectors: [[String]] = [
            scan,
            scan + ["--format", "json", "--fail-on", "never", "-j", "1", "--select", "t.", "--ignore", "t.slang"],
            scan + ["-q", "--timezone", "Asia/Hong_Kong", "--no-suppressions"],
            scan + ["--", "--not-an-option.csv"],
            scan + ["--jobs", "0"],
            scan + ["--no-such-option"],
            scan + ["--format"],
            scan + ["--partition"],
            ["--version"],
        ]
        for arguments in vectors {
            let fromScan = try crmlint(["scan"] + arguments, in: folder)
            let fromRoot = try crmlint(arguments, in: folder)
            #expect(fromScan.status == fromRoot.status, "\(arguments)")
            #expect(fromScan.stdout == fromRoot.stdout, "\(arguments)")
            #expect(fromScan.stderr == fromRoot.stderr, "\(arguments)")
        }
        let help = try crmlint(["help", "scan"]).stdout
        #expect(help.contains("USAGE: crmlint scan"))
        for flag in ["--help", "-h"] { #expect(try crmlint(["scan", flag]).stdout == help, "\(flag)") }
    }

    /// `--output-NAME` exists for exactly the reporters that register `alsoWrittenAs`, with their help.
    @Test func outputOptionsFollowTheReporters() throws {
        let help = try crmlint(["scan", "--help"]).stdout
        let options = Set(
            help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
                .filter { $0.hasPrefix("--output-") }.map { String($0.dropFirst("--output-".count)) })
        let registered = Reporters.all.filter { $0.alsoWrittenAs != nil }
        #expect(options == Set(registered.map { $0.formatName }))
        // Help wraps long lines: compare with white space runs as one space.
        let flat = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for reporter in registered { #expect(flat.contains(reporter.alsoWrittenAs!), "\(reporter.formatName)") }
    }

    /// `--also FORMAT=FILE` writes any registered format, the same bytes as its shorthand.
    @Test func alsoWritesAnyRegisteredFormat() throws {
        let folder = try fixture([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = repositoryRoot.appendingPathComponent("corpus/messages-hk.csv").path
        let arguments = ["scan", corpus, "--as-of", "2024-05-01T00:00:00+08:00", "--fail-on", "never", "-o", "/dev/null"]
        let viaAlso = try crmlint(arguments + ["--also", "sarif=a.sarif", "--also", "junit=a.xml"], in: folder)
        let viaShorthand = try crmlint(arguments + ["--output-sarif", "b.sarif"], in: folder)
        #expect(viaAlso.status == 0 && viaShorthand.status == 0)
        let a = try Data(contentsOf: folder.appendingPathComponent("a.sarif"))
        #expect(a == (try Data(contentsOf: folder.appendingPathComponent("b.sarif"))))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.xml").path))
        for bad in ["sarif", "=x.json", "nosuch=x.json"] {
            let result = try crmlint(arguments + ["--also", bad], in: folder)
            #expect(result.status == 2, "\(bad)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(bad): \(result.stderr)")
        }
    }

    @Test func rulesTestFailsOnABadExample() throws {
        let folder = try fixture([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        try
            "- id: x.ex\n  category: exaggeration\n  severity: error\n  message: m\n  patterns: ['零故障']\n  examples: {match: ['很稳定'], no_match: ['一般']}\n"
            .write(to: folder.appendingPathComponent("rules/ex.yml"), atomically: true, encoding: .utf8)
        let result = try crmlint(["rules", "test", "--rules", "rules/ex.yml"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL x.ex: example should match but does not: 很稳定"))
        #expect(result.stdout.contains("1 passed, 1 failed"))
    }
}

/// Generated docs stay in step with the rules they describe.
@Suite struct GeneratedDocsTests {
    @Test func ruleReferenceIsUpToDate() throws {
        let generated = try crmlint(["rules", "doc"])
        #expect(generated.status == 0)
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(generated.stdout == committed, "docs/rules.md is stale: run crmlint rules doc -o docs/rules.md")
    }

    /// `.crmlintignore` keeps files of a folder walk out of the scan (the labelled
    /// conduct sets beside the sample exports); a file named on the command line is still read.
    @Test func crmlintignoreSkipsMatchingFilesInAFolderWalk() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sets = folder.appendingPathComponent("sets")
        try FileManager.default.createDirectory(at: sets, withIntermediateDirectories: true)
        try "category\ttext\nnone\thello\n".write(to: sets.appendingPathComponent("a.tsv"), atomically: true, encoding: .utf8)
        try "# not exports\n*.tsv\n".write(to: sets.appendingPathComponent(".crmlintignore"), atomically: true, encoding: .utf8)
        try "id,customer_id,timestamp,channel,direction,recipient_type,text\nM1,C1,2024-05-01 10:00,微信,outbound,customer,您好\n"
            .write(to: folder.appendingPathComponent("messages.csv"), atomically: true, encoding: .utf8)
        let walked = try crmlint(["scan", folder.path, "--as-of", "2024-06-01", "--select", "conduct."])
        #expect(walked.status == 0, "\(walked.stdout)\(walked.stderr)")
        #expect(walked.stdout.contains("in 1 file"), "\(walked.stdout)")
        let named = try crmlint(["scan", sets.appendingPathComponent("a.tsv").path, "--as-of", "2024-06-01"])
        #expect(named.stdout.contains("input.unknown-dataset"), "a file named explicitly is read: \(named.stdout)")
    }
}
