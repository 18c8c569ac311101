import Foundation
import Testing

/// `kind: classifier` through the command: a model trained with `crmlint model
/// train` in the test, beside a pattern rule of the same category, in a rules
/// folder of the test's own.
@Suite struct ClassifierScanTests {
    static let asOf = "2024-06-01T00:00:00+08:00"

    /// Frames shared by both labels: only the cue words tell them apart.
    static let frames = [
        "王总，{}的事我们下周再细聊", "这次合作顺利的话，{}这块您放心", "张经理您好，关于{}我跟领导汇报过了", "{}的安排我晚点发您微信",
        "上次说的{}，您看什么时候方便", "李姐，{}已经准备好了", "项目落地以后{}照常", "您这边确认一下{}", "{}我们一直是这么做的",
        "明天见面时顺便聊聊{}", "周五之前把{}定下来", "老客户都清楚{}",
    ]

    static var trainingTSV: String {
        var lines = ["label\ttext"]
        for frame in frames {
            for cue in ["回扣", "好处费", "红包"] { lines.append("bribery\t" + frame.replacingOccurrences(of: "{}", with: cue)) }
            for cue in ["产品参数", "发票抬头", "会议纪要"] { lines.append("none\t" + frame.replacingOccurrences(of: "{}", with: cue)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The messages: the pattern catches M1; only the model M2, M3 (with a phone number) and M5 (Traditional); M4 neither.
    static let messages: [(id: String, text: String)] = [
        ("M1", "下个月我亲自把回扣送到您办公室"),
        ("M2", "下个月我亲自把好处费送到您办公室"),
        ("M3", "好处费的事打我电话13812345678"),
        ("M4", "下个月我亲自把会议纪要送到您办公室"),
        ("M5", "下個月我親自把好處費送到您辦公室"),
    ]

    static func rulesYAML(onlyIfUnreported: Bool?) -> String {
        """
        - id: t.pattern-bribery
          category: bribery
          severity: error
          message: pattern bribery
          patterns: ['回扣']
        - id: t.model-bribery
          kind: classifier
          category: bribery
          severity: warning
          message: model bribery {probability}
          datasets: [messages]
          fields: [text]
          model: models/bribery.model
          min_probability: 0.8

        """ + (onlyIfUnreported.map { "  only_if_unreported: \($0)\n" } ?? "")
    }

    static func csv(_ rows: [(id: String, text: String)]) -> String {
        var lines = ["id,customer_id,timestamp,direction,text"]
        for (index, row) in rows.enumerated() {
            lines.append(
                "\(row.id),CRM-\(index % 17),2024-03-\(String(format: "%02d", 1 + index % 28)) 10:\(String(format: "%02d", index % 60)),outbound,\(row.text)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A folder with train.tsv, rules/models/bribery.model (trained by the command), rules/bribery.yml and m.csv.
    static func fixture(onlyIfUnreported: Bool? = nil, messages: [(id: String, text: String)] = messages) throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules/models"), withIntermediateDirectories: true)
        try trainingTSV.write(to: folder.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
        let trained = try crmlint(["model", "train", "train.tsv", "-o", "rules/models/bribery.model", "--buckets", "4096"], in: folder)
        try #require(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.isEmpty)
        #expect(trained.stderr == "crmlint: rules/models/bribery.model: 2 labels (none, bribery) from 72 messages\n")
        try rulesYAML(onlyIfUnreported: onlyIfUnreported)
            .write(to: folder.appendingPathComponent("rules/bribery.yml"), atomically: true, encoding: .utf8)
        try csv(messages).write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    static func scan(_ folder: URL, _ extra: [String] = []) throws -> CommandResult {
        try crmlint(
            ["scan", "m.csv", "--rules", "rules", "--as-of", asOf, "--fail-on", "never", "--no-suppressions"] + extra, in: folder,
            environment: ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path, "CRMLINT_NO_CACHE": ""])
    }

    /// record id → rule ids of its findings, from the JSON report.
    static func findings(_ result: CommandResult) throws -> [String: [String]] {
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        var byRecord: [String: [String]] = [:]
        for finding in findings {
            byRecord[finding["record_id"] as? String ?? "?", default: []].append(finding["rule"] as? String ?? "?")
        }
        return byRecord
    }

    // MARK: 5. Scan behaviour

    @Test func classifierReportsOnlyWhatNoRuleOfItsCategoryReported() throws {
        let folder = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.scan(folder, ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let found = try Self.findings(result)
        #expect(found["M1"] == ["t.pattern-bribery"], "the pattern caught M1: the model's finding is dropped")
        #expect(found["M2"] == ["t.model-bribery"], "only the model flags M2")
        #expect(found["M3"] == ["t.model-bribery"])
        #expect(found["M4"] == nil, "M4 is not bribery: \(found)")
        #expect(found["M5"] == ["t.model-bribery"], "the Traditional form of M2 is scored like M2")
        #expect(result.stdout.contains("\"message\" : \"model bribery 0."))
        #expect(result.stdout.contains("\"kind\" : \"classifier\""))
    }

    @Test func withOnlyIfUnreportedFalseBothAreReported() throws {
        let folder = try Self.fixture(onlyIfUnreported: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.scan(folder, ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let found = try Self.findings(result)
        #expect(found["M1"].map(Set.init) == ["t.pattern-bribery", "t.model-bribery"], "\(found)")
        #expect(found["M2"] == ["t.model-bribery"])
        #expect(found["M4"] == nil)

        // `true` written out is the default.
        let explicit = try Self.fixture(onlyIfUnreported: true)
        defer { try? FileManager.default.removeItem(at: explicit) }
        #expect(try Self.findings(Self.scan(explicit, ["--format", "json"]))["M1"] == ["t.pattern-bribery"])
    }

    /// A rule of another category does not silence the model: only its own category does.
    @Test func aFindingOfAnotherCategoryDoesNotDropTheClassifiers() throws {
        let folder = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = """
            - id: t.pattern-promise
              category: overpromise
              severity: error
              message: pattern promise
              patterns: ['办公室']

            """
        try other.write(to: folder.appendingPathComponent("rules/promise.yml"), atomically: true, encoding: .utf8)
        let found = try Self.findings(Self.scan(folder, ["--format", "json"]))
        #expect(found["M2"].map(Set.init) == ["t.model-bribery", "t.pattern-promise"], "\(found)")
        #expect(found["M1"].map(Set.init) == ["t.pattern-bribery", "t.pattern-promise"], "\(found)")
    }

    @Test(arguments: ["text", "json", "sarif", "jsonl", "csv"])
    func phoneNumberInAFlaggedMessageIsNeverShownUnmasked(format: String) throws {
        let folder = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.scan(folder, ["--format", format, "--show-excerpts"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("t.model-bribery"), "\(format): \(result.stdout)")
        #expect(result.stdout.contains("好处费的事打我电话"), "\(format): the excerpt of M3 is shown")
        #expect(result.stdout.contains("138****5678"), "\(format): \(result.stdout)")
        #expect(!result.stdout.contains("13812345678"), "\(format) shows the phone number")
        #expect(!result.stdout.contains("381234"), "\(format) shows part of the phone number")
        #expect(!result.stderr.contains("13812345678"))
    }

    @Test func reportsAreTheSameWithOneOrTwoJobs() throws {
        // More than one batch of records, each kind of message many times.
        let rows = (0..<1_300).map { index in
            (id: "M\(index)", text: Self.messages[index % Self.messages.count].text)
        }
        let folder = try Self.fixture(messages: rows)
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ["json", "text", "sarif"] {
            let one = try Self.scan(folder, ["--format", format, "--jobs", "1", "--show-excerpts"])
            #expect(one.status == 0, "\(one.stderr)")
            #expect(one.stdout.contains("t.model-bribery") && one.stdout.contains("t.pattern-bribery"))
            let two = try Self.scan(folder, ["--format", format, "--jobs", "2", "--show-excerpts"])
            #expect(two.status == 0, "\(two.stderr)")
            #expect(two.stdoutBytes == one.stdoutBytes, "\(format): --jobs 2 differs from --jobs 1")
        }
        let found = try Self.findings(Self.scan(folder, ["--format", "json", "--jobs", "2"]))
        #expect(found.count == 1_300 / 5 * 4, "M1, M2, M3 and M5 of every five")
        #expect(found.values.allSatisfy { $0.count == 1 })
        #expect(found["M1000"] == ["t.pattern-bribery"])
        #expect(found["M1001"] == ["t.model-bribery"])
    }

    // MARK: 4. Rule problems through the command

    @Test func ruleProblemsAreOneLineEachExitTwo() throws {
        let folder = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        func rule(_ id: String, model: String = "models/bribery.model", extra: String) -> String {
            "- id: \(id)\n  kind: classifier\n  category: bribery\n  severity: warning\n  message: m\n  model: \(model)\n\(extra)"
        }
        try rule("x.missing", model: "models/absent.model", extra: "  min_probability: 0.9\n")
            .write(to: folder.appendingPathComponent("rules/a-missing.yml"), atomically: true, encoding: .utf8)
        try rule("x.label", extra: "  label: bribary\n  min_probability: 0.9\n")
            .write(to: folder.appendingPathComponent("rules/b-label.yml"), atomically: true, encoding: .utf8)
        try rule("x.low", extra: "  min_probability: 0.3\n")
            .write(to: folder.appendingPathComponent("rules/c-low.yml"), atomically: true, encoding: .utf8)
        try rule("x.high", extra: "  min_probability: 1.5\n")
            .write(to: folder.appendingPathComponent("rules/d-high.yml"), atomically: true, encoding: .utf8)
        let result = try Self.scan(folder)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "error: rules/a-missing.yml:6:3: rule 'x.missing': cannot read the model file 'rules/models/absent.model'",
                "error: rules/b-label.yml:7:3: rule 'x.label': the model has no label 'bribary' (did you mean 'bribery'?) (none, bribery)",
                "error: rules/c-low.yml:7:3: rule 'x.low': 'min_probability' must be between 0.5 and 1, not 0.3",
                "error: rules/d-high.yml:7:3: rule 'x.high': 'min_probability' must be between 0.5 and 1, not 1.5",
            ], "\(result.stderr)")
        // `rules test` and `rules list` load the same way.
        #expect(try crmlint(["rules", "list", "--rules", "rules"], in: folder).status == 2)
    }

    @Test func corruptModelFileIsOneLineNamingTheModelAndLine() throws {
        let folder = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A first scan warms the rule cache: the model file is still read and checked on the next run.
        let warm = try Self.scan(folder)
        #expect(warm.status == 0, "\(warm.stderr)")
        let modelURL = folder.appendingPathComponent("rules/models/bribery.model")
        let text = try String(contentsOf: modelURL, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let bucketsLine = try #require(lines.firstIndex { $0.hasPrefix("buckets: ") }) + 1
        try text.replacingOccurrences(of: "buckets: 4096\n", with: "buckets: 4000\n").write(to: modelURL, atomically: true, encoding: .utf8)
        let result = try Self.scan(folder)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "error: rules/bribery.yml:13:3: rule 't.model-bribery': model file 'rules/models/bribery.model' line \(bucketsLine): 'buckets' must be a power of two between 2 and 4194304\n"
        )
        // Cut short: the weights no longer fill buckets × labels.
        let cut = lines.dropLast(3).joined(separator: "\n") + "\n"
        try cut.write(to: modelURL, atomically: true, encoding: .utf8)
        let weightsLine = try #require(lines.firstIndex { $0 == "weights:" }) + 1
        let short = try Self.scan(folder)
        #expect(short.status == 2)
        #expect(
            short.stderr
                == "error: rules/bribery.yml:13:3: rule 't.model-bribery': model file 'rules/models/bribery.model' line \(weightsLine): 'weights' must be base64 of 8192 bytes (buckets × labels)\n"
        )
    }

    // MARK: 3. The shipped model, by the command its rule file gives

    @Test func shippedModelIsWhatTheDocumentedCommandWrites() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let committed = try Data(contentsOf: repositoryRoot.appendingPathComponent("rules/models/conduct.model"))
        let header = String(decoding: committed, as: UTF8.self).split(separator: "\n")[1]
        let names = header.split(separator: ": ", maxSplits: 1)[1].split(separator: ", ").map { String($0.split(separator: " ")[0]) }
        #expect(names.count >= 2 && names.allSatisfy { $0.hasSuffix(".tsv") }, "\(header)")
        #expect(!names.contains { $0.hasPrefix("holdout") })
        let output = folder.appendingPathComponent("conduct.model")
        let result = try crmlint(["model", "train"] + names.map { "corpus/conduct/\($0)" } + ["-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: output) == committed)
    }

    // MARK: 6. `crmlint model train` arguments

    @Test func trainArgumentErrorsAreOneLineExitTwo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "label\ttext\nbribery\t回扣\nnone\t你好\n".write(to: folder.appendingPathComponent("ok.tsv"), atomically: true, encoding: .utf8)
        try "label\ttext\nbribery\t回扣\nnone 你好\n".write(to: folder.appendingPathComponent("bad.tsv"), atomically: true, encoding: .utf8)
        try "label\ttext\nnone\t你好\nnone\t您好\n".write(to: folder.appendingPathComponent("one.tsv"), atomically: true, encoding: .utf8)
        let cases: [(arguments: [String], message: String)] = [
            (["-o", "x.model"], "error: no labelled files to train on (give TSV files: label<TAB>text)"),
            (["bad.tsv", "-o", "x.model"], "error: bad.tsv: line 3: expected 'label<TAB>text'"),
            (["ok.tsv", "-o", "x.model", "--buckets", "1000"], "error: --buckets must be a power of two between 2 and 4194304"),
            (["ok.tsv", "-o", "x.model", "--max-gram", "6"], "error: --max-gram must be 1 to 5"),
            (["ok.tsv", "-o", "x.model", "--epochs", "0"], "error: --epochs must be 1 to 200"),
            (["one.tsv", "-o", "x.model"], "error: the labelled files hold 1 label; a model needs at least two (and `none`)"),
        ]
        for (arguments, message) in cases {
            let result = try crmlint(["model", "train"] + arguments, in: folder)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "\(arguments): one line: \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.model").path), "\(arguments) wrote a model")
        }
        let good = try crmlint(["model", "train", "ok.tsv", "-o", "x.model", "--buckets", "1024"], in: folder)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.model").path))
    }

    @Test func trainOnAMissingFileSaysSoInOneLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try crmlint(["model", "train", "absent.tsv", "-o", "x.model"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: absent.tsv: "), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
    }
}
