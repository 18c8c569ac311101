import Foundation
import Testing

/// The text verdicts kept between runs (`TextVerdicts`), end to end: a rescan through them reports exactly what
/// a scan without them reports, in whatever state they are, and other rules or another config never read them.
@Suite struct TextVerdictsScanTests {
    /// `count` outbound messages, each text its own (a first scan learns every one of them): offers of a kickback,
    /// promised returns, long thanks (longer than the run's own text memory keeps) and plain follow-ups.
    static func messages(count: Int) -> String {
        var lines = ["id,customer_id,timestamp,direction,text"]
        for number in 0..<count {
            let text: String
            switch number % 9 {
            case 0: text = "王总您好，给您\(number % 7 + 3)个点的回扣，第\(number)单"
            case 1: text = "我们保证收益翻倍，第\(number)期"
            case 2: text = String(repeating: "感谢您对第\(number)号方案的耐心反馈，我们会尽快整理后回复。", count: 4)
            default: text = "您好，第\(number)次回访，设备运行正常，有问题随时联系。"
            }
            let minute = String(format: "%02d", number % 60)
            lines.append("M\(number),CRM-\(number % 50),2024-03-\(10 + number % 15) 10:\(minute),outbound,\(text)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let arguments = [
        "scan", "messages.csv", "--format", "json", "--as-of", "2024-05-01T00:00:00+08:00", "--no-suppressions", "--fail-on", "never",
    ]

    func fixture() throws -> (folder: URL, environment: [String: String]) {
        let folder = try temporaryFolder()
        try Self.messages(count: 2_400).write(to: folder.appendingPathComponent("messages.csv"), atomically: true, encoding: .utf8)
        return (
            folder, ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path, "CRMLINT_NO_CACHE": "", "CRMLINT_VERDICT_CACHE": ""]
        )
    }

    /// Whether two runs wrote the same report, as a Bool: a failed `==` of two reports would have the test library
    /// work out their difference, which takes minutes for reports this size.
    func same(_ one: CommandResult, _ other: CommandResult) -> Bool { one.stdoutBytes == other.stdoutBytes }

    func verdictFiles(_ folder: URL) -> [String] {
        let cache = folder.appendingPathComponent("cache/crmlint").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasPrefix("verdicts-") }.sorted()
    }

    /// The `--rule-timing` line on the verdicts: texts found, new texts, whether they were kept.
    func verdictUse(_ stderr: String) throws -> (found: Int, new: Int, kept: Bool) {
        let line = try #require(stderr.split(separator: "\n").last { $0.hasPrefix("text verdicts of earlier runs: ") })
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let found = try #require(numbers.first), new = try #require(line.range(of: "; ").map { line[$0.upperBound...] })
        return (found, Int(new.prefix { $0.isNumber }) ?? -1, line.contains(" new texts kept in "))
    }

    @Test func aRescanThroughTheVerdictsReportsWhatAScanWithoutThemReports() throws {
        let (folder, environment) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try crmlint(Self.arguments + ["--no-cache"], in: folder, environment: environment)
        #expect(uncached.status == 0, "\(uncached.stderr)")
        #expect(uncached.stdout.contains("conduct.kickback") && uncached.stdout.contains("\"findings\""), "the fixture has findings")
        #expect(verdictFiles(folder).isEmpty, "--no-cache kept verdicts")

        let cold = try crmlint(Self.arguments + ["--rule-timing"], in: folder, environment: environment)
        #expect(same(cold, uncached))
        let coldUse = try verdictUse(cold.stderr)
        #expect(coldUse.found == 0 && coldUse.new > 1_024 && coldUse.kept, "\(cold.stderr)")
        let file = try #require(verdictFiles(folder).first)
        #expect(verdictFiles(folder).count == 1)
        let path = folder.appendingPathComponent("cache/crmlint/\(file)").path
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))

        // The rescan finds the texts, learns nothing new and leaves the file as it was; its report is the same,
        // on one thread or two.
        for jobs in ["1", "2"] {
            let warm = try crmlint(Self.arguments + ["--rule-timing", "--jobs", jobs], in: folder, environment: environment)
            #expect(same(warm, uncached), "--jobs \(jobs)")
            let use = try verdictUse(warm.stderr)
            #expect(use.found > 1_000 && use.new == 0 && !use.kept, "\(warm.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == written)
        #expect(same(try crmlint(Self.arguments, in: folder, environment: environment), uncached))

        // Turned off, they are neither read nor written; with the text memory off, neither.
        for switchedOff in [["CRMLINT_VERDICT_CACHE": "off"], ["CRMLINT_TEXT_MEMO": "off"]] {
            let off = try crmlint(
                Self.arguments + ["--rule-timing"], in: folder, environment: environment.merging(switchedOff) { $1 })
            #expect(same(off, uncached))
            #expect(off.stderr.contains("text verdicts of earlier runs: none kept"), "\(off.stderr)")
        }
    }

    /// Verdicts name the rules they were learnt with: a changed rule file, or a config with overrides, reads
    /// a file of its own, so a text a rule found nothing in before is searched again by the changed rule.
    @Test func otherRulesOrAnotherConfigNeverReadTheVerdicts() throws {
        let (folder, environment) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        func rule(_ pattern: String) throws {
            try "- id: x.rule\n  category: bribery\n  severity: error\n  message: m\n  patterns: ['\(pattern)']\n"
                .write(to: folder.appendingPathComponent("rules/x.yml"), atomically: true, encoding: .utf8)
        }
        let arguments = Self.arguments + ["--rules", "rules"]
        try rule("回扣")
        let kickback = try crmlint(arguments, in: folder, environment: environment)
        #expect(kickback.stdout.contains("x.rule") && kickback.stdout.contains("回扣"), "\(kickback.stderr)")
        #expect(same(try crmlint(arguments, in: folder, environment: environment), kickback))
        #expect(verdictFiles(folder).count == 1)

        // The same texts, another pattern: a text the first rule found nothing in holds its finding now.
        try rule("第102次回访")
        let changed = try crmlint(arguments, in: folder, environment: environment)
        let changedUncached = try crmlint(arguments + ["--no-cache"], in: folder, environment: environment)
        #expect(same(changed, changedUncached))
        #expect(changed.stdout.contains("第102次回访"))
        #expect(verdictFiles(folder).count == 2, "\(verdictFiles(folder))")

        // A config whose override changes the rule: a file of its own, and the rule as overridden.
        try "overrides:\n  x.rule:\n    patterns: ['保证收益']\n"
            .write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let overridden = try crmlint(arguments, in: folder, environment: environment)
        let overriddenUncached = try crmlint(arguments + ["--no-cache"], in: folder, environment: environment)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(same(overridden, overriddenUncached))
        #expect(overridden.stdout.contains("保证收益"), "\(overridden.stdout.prefix(400))")
        #expect(verdictFiles(folder).count == 3, "\(verdictFiles(folder))")
    }

    /// A classifier rule's model file is not part of the rule files: a model trained again, the rule file
    /// unchanged, reads verdicts of its own, so the texts the first model found nothing in are scored again.
    @Test func aRetrainedModelReadsVerdictsOfItsOwn() throws {
        let messages = (0..<1_300).map { (id: "N\($0)", text: "第\($0)份会议纪要下个月我亲自送到您办公室") }
        let folder = try ClassifierScanTests.fixture(messages: messages)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try ClassifierScanTests.scan(folder, ["--format", "json", "--rule-timing"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try ClassifierScanTests.findings(first).isEmpty, "the first model finds no bribery in minutes of a meeting")
        #expect(try verdictUse(first.stderr).kept, "\(first.stderr)")
        // The same frames with the labels the other way round: minutes of a meeting are what the model calls bribery now.
        let swapped =
            ClassifierScanTests.trainingTSV.split(separator: "\n").map { line in
                line.hasPrefix("bribery\t")
                    ? "none\t" + line.dropFirst(8) : line.hasPrefix("none\t") ? "bribery\t" + line.dropFirst(5) : line
            }.joined(separator: "\n") + "\n"
        try swapped.write(to: folder.appendingPathComponent("train-b.tsv"), atomically: true, encoding: .utf8)
        let trained = try crmlint(["model", "train", "train-b.tsv", "-o", "rules/models/bribery.model", "--buckets", "4096"], in: folder)
        try #require(trained.status == 0, "\(trained.stderr)")
        let second = try ClassifierScanTests.scan(folder, ["--format", "json", "--rule-timing"])
        let uncached = try ClassifierScanTests.scan(folder, ["--format", "json", "--no-cache"])
        #expect(same(second, uncached))
        #expect(try ClassifierScanTests.findings(second).count == messages.count, "the retrained model flags every message")
        #expect(try verdictUse(second.stderr).found == 0, "\(second.stderr)")
    }

    /// A damaged verdict file changes nothing a scan reports.
    @Test func aDamagedVerdictFileChangesNoFinding() throws {
        let (folder, environment) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try crmlint(Self.arguments + ["--no-cache"], in: folder, environment: environment)
        _ = try crmlint(Self.arguments, in: folder, environment: environment)
        let file = try #require(verdictFiles(folder).first)
        let url = folder.appendingPathComponent("cache/crmlint/\(file)")
        let good = try Data(contentsOf: url)
        // Every byte of every slot's facts and check flipped in turn, then the header's first bytes.
        var damaged = good
        for index in stride(from: good.count - 1, to: good.count / 2, by: -7) { damaged[index] ^= 0xFF }
        try damaged.write(to: url)
        #expect(same(try crmlint(Self.arguments, in: folder, environment: environment), uncached))
        var header = good
        for index in 0..<16 { header[index] ^= 0x5A }
        try header.write(to: url)
        #expect(same(try crmlint(Self.arguments, in: folder, environment: environment), uncached))
    }
}
