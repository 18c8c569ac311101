import Foundation
import TestHelpers
import Testing

/// The conduct rules (R1–R7) measured on labelled messages they were not
/// written from, as a user would run them: each line becomes an outbound
/// message to a customer, `crmlint scan` runs with the bundled rules, and a
/// finding of category C on a line labelled C is a true positive, on a `none`
/// line a false positive (a line labelled with another category may hold a
/// second violation and is not counted). Prints precision / recall / F1 per
/// category and fails below the floor.
@Suite struct ConductScoreTests {
    static let categories = ["exaggeration", "overpromise", "bribery", "gift-limit", "sensitive-topic", "assumption", "cancellation"]

    struct Score {
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
        var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// Reads `category<TAB>text` lines (header first).
    static func labelled(_ url: URL) throws -> [(label: String, text: String)] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            guard let tab = line.firstIndex(of: "\t") else { return nil }
            return (String(line[..<tab]), String(line[line.index(after: tab)...]))
        }
    }

    /// Scans the messages with the bundled rules; category → score.
    static func score(_ rows: [(label: String, text: String)]) throws -> [String: Score] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = ""
        for (index, row) in rows.enumerated() {
            let record: [String: String] = [
                "id": String(format: "M%04d", index + 1), "customer_id": String(format: "CRM-2024-%03d", index + 1),
                "timestamp": String(format: "2024-05-%02dT10:%02d:00+08:00", 1 + (index + 1) % 27, (index + 1) % 60),
                "channel": "微信", "direction": "outbound", "recipient_type": "customer", "recipient": "客户", "rep": "张明", "text": row.text,
            ]
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        try lines.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.json")
        let result = try crmlint([
            "scan", folder.path, "--format", "json", "-o", output.path, "--as-of", "2024-06-01T00:00:00+08:00",
            "--fail-on", "never", "--no-suppressions",
        ])
        #expect(result.status == 0, "scan failed: \(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        let findings = report?["findings"] as? [[String: Any]] ?? []
        var predicted: [Int: Set<String>] = [:]
        for finding in findings {
            guard let id = finding["record_id"] as? String, id.hasPrefix("M"), let number = Int(id.dropFirst()),
                let category = finding["category"] as? String
            else { continue }
            predicted[number - 1, default: []].insert(category)
        }
        var scores: [String: Score] = [:]
        for category in categories {
            var score = Score()
            for (index, row) in rows.enumerated() {
                let hit = predicted[index]?.contains(category) ?? false
                if row.label == category {
                    if hit { score.truePositives += 1 } else { score.falseNegatives += 1 }
                } else if row.label == "none", hit {
                    score.falsePositives += 1
                }
            }
            scores[category] = score
        }
        return scores
    }

    static func table(_ name: String, _ scores: [String: Score]) -> String {
        var out = "conduct scores on \(name):\n"
        for category in categories {
            let score = scores[category]!
            out +=
                "  " + category.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(
                    format: " P=%.2f R=%.2f F1=%.2f  (tp %d, fp %d, fn %d)\n", score.precision, score.recall, score.f1,
                    score.truePositives, score.falsePositives, score.falseNegatives)
        }
        return out
    }

    static let devSet = "conduct/dev.tsv"

    /// The misses and false positive the conduct-recall issue was filed with,
    /// as a user scans them: each violation is reported in its category, and
    /// the relayed question, quoted policy and negated claim are not reported.
    @Test func issueExamplesBehave() throws {
        let rows: [(label: String, text: String)] = [
            ("exaggeration", "这款泵的密封性能在国内找不出第二家"),
            ("overpromise", "跟您打包票，周五前货一定到齐，晚一天算我的"),
            ("bribery", "合同签了以后，年底那部分我单独打到您卡上"),
            ("gift-limit", "给您带了两瓶酒，一瓶六百出头，过节喝"),
            ("sensitive-topic", "您家小孩今年中考了吧，成绩怎么样"),
            ("assumption", "贵厂这条线明摆着该换了，我先按三台给您报"),
            ("cancellation", "怎么说不来就不来了，是不是有别家在谈？"),
            ("none", "您问的为什么取消调试费——这次订满二十台，按政策免收。"),
            ("none", "公司规定不得承诺“零故障”，我们只写实测的故障率。"),
            ("none", "我们不敢保证零故障，但故障率低于行业平均。"),
        ]
        let scores = try Self.score(rows)
        for category in Self.categories {
            #expect(scores[category]!.truePositives == 1, "\(category): the issue's example is not reported")
            #expect(scores[category]!.falsePositives == 0, "\(category): a compliant example is reported")
        }
    }

    /// The literal prefilter only skips patterns that cannot match: the bundled
    /// corpus and every conduct set give byte-identical reports with it off.
    @Test func prefilterChangesNoFinding() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var rows: [(label: String, text: String)] = []
        for name in ["tune", "holdout", "holdout-2", "holdout-3", "fresh-a", "fresh-b", "fresh-l", "fresh-r"] {
            rows += try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/\(name).tsv"))
        }
        var lines = ""
        for (index, row) in rows.enumerated() {
            let record = [
                "id": "M\(index)", "direction": "outbound", "recipient_type": "customer", "customer_id": "C1",
                "timestamp": "2024-05-01T10:00:00+08:00", "channel": "微信", "text": row.text,
            ]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        for path in ["corpus", folder.path] {
            let arguments = [
                "scan", path, "--format", "json", "--as-of", "2024-06-01T00:00:00+08:00", "--fail-on", "never", "--no-suppressions",
            ]
            // Both forced: small inputs would otherwise go without the prefilter anyway.
            let filtered = try crmlint(arguments, environment: ["CRMLINT_PREFILTER": "on"])
            let unfiltered = try crmlint(arguments, environment: ["CRMLINT_PREFILTER": "off"])
            #expect(filtered.status == 0 && unfiltered.status == 0)
            #expect(filtered.stdout.contains("\"findings\""))
            #expect(filtered.stdoutBytes == unfiltered.stdoutBytes, "the prefilter changed findings on \(path)")
            // Patterns searched through their alternatives (`TextMatcher.alternation`) or whole.
            let whole = try crmlint(arguments, environment: ["CRMLINT_PREFILTER": "on", "CRMLINT_PART_SEARCH": "off"])
            #expect(whole.status == 0)
            #expect(filtered.stdoutBytes == whole.stdoutBytes, "searching patterns through their parts changed findings on \(path)")
        }
    }

    /// Rules skip texts they found nothing in before, and a model reuses its scores of a text
    /// (`TextMemo`): byte-identical reports with that memory off, on the bundled corpus and on
    /// every conduct set's texts repeated in a scrambled order, in two fields and two directions.
    @Test func rememberingTextsChangesNoFinding() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var texts: [String] = []
        for name in ["tune", "holdout", "fresh-a", "fresh-b"] {
            texts += try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/\(name).tsv")).map(\.text)
        }
        var lines = ""
        for index in 0..<(3 * texts.count) {
            // A fixed scramble: each text three times, far apart, in either field.
            let text = texts[(index &* 7919) % texts.count]
            let record = [
                "id": "M\(index)", "direction": index % 4 == 3 ? "inbound" : "outbound", "recipient_type": "customer",
                "customer_id": "C\(index % 9)", "timestamp": "2024-05-01T10:00:00+08:00", "channel": "微信",
                index % 2 == 0 ? "text" : "notes": text, "rep": "李娜",
            ]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        for path in ["corpus", "corpus/pii", folder.path] {
            let arguments = [
                "scan", path, "--format", "json", "--as-of", "2024-06-01T00:00:00+08:00", "--fail-on", "never", "--no-suppressions",
            ]
            let remembering = try crmlint(arguments, environment: ["CRMLINT_PREFILTER": "on"])
            let forgetting = try crmlint(arguments, environment: ["CRMLINT_PREFILTER": "on", "CRMLINT_TEXT_MEMO": "off"])
            #expect(remembering.status == 0 && forgetting.status == 0)
            #expect(remembering.stdout.contains("\"conduct."))
            #expect(remembering.stdoutBytes == forgetting.stdoutBytes, "remembering texts changed findings on \(path)")
        }
    }

    /// PCRE2's interpreter first (small inputs) and the JIT alone give
    /// byte-identical reports on every bundled corpus and conduct set.
    @Test func interpreterChangesNoFinding() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = ""
        for name in ["tune", "holdout", "fresh-a", "fresh-b", "fresh-c"] {
            for (index, row) in try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/\(name).tsv")).enumerated() {
                let record = [
                    "id": "\(name)-\(index)", "direction": "outbound", "recipient_type": "customer", "customer_id": "C1",
                    "timestamp": "2024-05-01T10:00:00+08:00", "channel": "微信", "text": row.text,
                ]
                lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
            }
        }
        try lines.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        for path in ["corpus", "corpus/policy", "corpus/pii", "corpus/messages-hk.csv", folder.path] {
            for format in ["json", "sarif"] {
                let arguments = [
                    "scan", path, "--format", format, "--as-of", "2024-06-01T00:00:00+08:00", "--fail-on", "never", "--no-suppressions",
                ]
                let interpreted = try crmlint(arguments, environment: ["CRMLINT_INTERPRETER": "on"])
                let jitOnly = try crmlint(arguments, environment: ["CRMLINT_INTERPRETER": "off", "CRMLINT_JIT_AFTER": "0"])
                // Each anchored pattern's first three searches interpreted, the rest JIT-compiled: both engines in one scan.
                let tiered = try crmlint(arguments, environment: ["CRMLINT_INTERPRETER": "off", "CRMLINT_JIT_AFTER": "3"])
                #expect(interpreted.status == 0 && jitOnly.status == 0 && tiered.status == 0)
                #expect(interpreted.stdout.contains("rule"))
                #expect(interpreted.stdoutBytes == jitOnly.stdoutBytes, "the interpreter changed the \(format) report on \(path)")
                #expect(tiered.stdoutBytes == jitOnly.stdoutBytes, "interpreting first searches changed the \(format) report on \(path)")
            }
        }
    }

    /// The third-party development set (../shared/testdata, absent from a fresh clone).
    @Test(
        .enabled(
            if: TestPaths.sharedTestData(devSet) != nil, "\(TestPaths.sharedTestDataDescription(devSet)) is absent: dev-set score skipped"))
    func developmentSetScore() throws {
        let rows = try Self.labelled(try #require(TestPaths.sharedTestData(Self.devSet)))
        #expect(rows.count > 600)
        let scores = try Self.score(rows)
        print(Self.table("../shared/testdata/conduct/dev.tsv", scores))
        for category in Self.categories {
            let score = scores[category]!
            #expect(score.f1 >= 0.95, "\(category): F1 \(score.f1) below 0.95 on the dev set")
            #expect(score.precision >= 0.97, "\(category): precision \(score.precision) below 0.97 on the dev set")
        }
    }

    /// The project's own hand-written hold-out (corpus/conduct/holdout.tsv),
    /// split from tune.tsv before the rules were tuned, never read while
    /// tuning and never trained on (the conduct model learns from fresh-*.tsv
    /// and tune.tsv only). Issue #10's target: F1 0.90 in every category.
    @Test func projectHoldoutScore() throws {
        try expectHoldout("holdout.tsv", name: "hold-out", minimumRows: 200, f1Floor: 0.90, precisionFloor: 0.95)
    }

    /// A second hold-out (corpus/conduct/holdout-2.tsv), written on 2026-11-30
    /// by a writer who saw neither rules nor sets, and only ever scored, never
    /// read or trained on. It is harder than the first (Hong Kong and Taiwan
    /// vocabulary, hints); the floors hold the line where rules and model stand
    /// (overpromise and bribery 0.89 today), the 0.90 target is printed.
    @Test func secondHoldoutScore() throws {
        try expectHoldout("holdout-2.tsv", name: "second hold-out", minimumRows: 300, f1Floor: 0.85, precisionFloor: 0.90)
    }

    /// A third hold-out (corpus/conduct/holdout-3.tsv), written in session 5 for
    /// measuring only: scored before and after round 10 and the conduct model,
    /// never read or trained on. Floors below where they stand (0.91 and up).
    @Test func thirdHoldoutScore() throws {
        try expectHoldout("holdout-3.tsv", name: "third hold-out", minimumRows: 300, f1Floor: 0.85, precisionFloor: 0.95)
    }

    /// Scores a hold-out, prints the table and the categories below the 0.90
    /// target, and fails below the floors (where the rules stand, against regressions).
    private func expectHoldout(_ file: String, name: String, minimumRows: Int, f1Floor: Double, precisionFloor: Double) throws {
        let rows = try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/\(file)"))
        #expect(rows.count > minimumRows)
        let scores = try Self.score(rows)
        print(Self.table("corpus/conduct/\(file)", scores))
        for category in Self.categories {
            let score = scores[category]!
            if score.f1 < 0.90 { print("\(name): \(category) F1 \(String(format: "%.2f", score.f1)) is below the 0.90 target") }
            #expect(score.f1 >= f1Floor, "\(category): F1 \(score.f1) fell below \(f1Floor) on the \(name)")
            #expect(
                score.precision >= precisionFloor, "\(category): precision \(score.precision) fell below \(precisionFloor) on the \(name)")
        }
    }

    /// Sets written by two further writers and used to tune in rounds
    /// (fresh-a, then fresh-b): guards against regressions.
    @Test func freshSetsScore() throws {
        for name in ["fresh-a", "fresh-b"] {
            let scores = try Self.score(try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/\(name).tsv")))
            print(Self.table("corpus/conduct/\(name).tsv", scores))
            for category in Self.categories {
                #expect(scores[category]!.f1 >= 0.90, "\(category): F1 \(scores[category]!.f1) below 0.90 on \(name)")
            }
        }
    }

    /// The tuning half: the rules were written against it, so the floor is only
    /// a guard against regressions.
    @Test func projectTuneScore() throws {
        let rows = try Self.labelled(repositoryRoot.appendingPathComponent("corpus/conduct/tune.tsv"))
        let scores = try Self.score(rows)
        print(Self.table("corpus/conduct/tune.tsv", scores))
        for category in Self.categories {
            #expect(scores[category]!.f1 >= 0.90, "\(category): F1 \(scores[category]!.f1) below 0.90 on the tuning set")
        }
    }
}
