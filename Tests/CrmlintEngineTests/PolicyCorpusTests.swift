import CrmlintCore
import CrmlintEngine
import Foundation
import Testing

/// The policy corpus (`corpus/policy/`, written by `scripts/gen_policy_corpus.py`)
/// against the labels its generator wrote for what it injected: a scan with the
/// policy rules must find exactly those, no more, no fewer.
@Suite struct PolicyCorpusTests {
    static let policyCategories: [Category] = [
        .lateLog, .lateFollowup, .overContact, .underContact, .quietPeriod, .tierMismatch, .incompleteRecord, .giftLimit,
    ]

    func scan(timezone: String? = nil) throws -> ScanReport {
        var options = ScanOptions(paths: [repositoryRoot.appendingPathComponent("corpus/policy").path])
        options.rulePaths = [repositoryRoot.appendingPathComponent("rules").path]
        options.asOf = "2024-05-01T00:00:00+08:00"
        options.timezone = timezone
        options.select = Self.policyCategories.map(\.rawValue)
        return try Scanner.scan(options)
    }

    func triples(_ report: ScanReport) -> Set<String> {
        let prefix = repositoryRoot.path + "/"
        return Set(
            report.findings.map { finding in
                let file = finding.file.hasPrefix(prefix) ? String(finding.file.dropFirst(prefix.count)) : finding.file
                return "\(file)\t\(finding.recordId ?? "")\t\(finding.rule)"
            })
    }

    @Test func findingsEqualTheGeneratorsLabels() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/CorpusExpectations/policy.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "file\trecord_id\trule")
        let expected = Set(lines.dropFirst())
        #expect(expected.count >= 30)
        let found = triples(try scan())
        #expect(found.subtracting(expected).sorted() == [], "findings the labels do not expect (false positives)")
        #expect(expected.subtracting(found).sorted() == [], "labelled violations not found (misses)")
    }

    @Test func everyPolicyRuleFileIsExercised() throws {
        let report = try scan()
        let rules = Set(report.findings.map(\.rule))
        for id in [
            "timing.late-log", "timing.thank-you", "timing.phone-followup", "timing.overdue-plan", "frequency.daily-calls",
            "frequency.cadence-gap", "frequency.cadence-excess", "quiet.not-needed", "tier.standard", "data.complete-records",
            "conduct.gift-limit",
        ] {
            #expect(rules.contains(id), "\(id) finds nothing in the corpus")
        }
        #expect(report.summary.records.rejected == 0)
    }

    @Test func findingsSayHowMuchAndCarryNoContactDetails() throws {
        let report = try scan()
        let late = try #require(report.findings.first { $0.rule == "timing.late-log" })
        #expect(late.message.contains("26h10m") && late.message.contains("limit 24h"))
        let calls = try #require(report.findings.first { $0.rule == "frequency.daily-calls" })
        #expect(!(calls.related ?? []).isEmpty)
        #expect(calls.day != nil)
        // Eleven or more digits in a row, or an e-mail address, would be contact details.
        let leak = try Regex(#"\d{11,}|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}"#)
        for finding in report.findings {
            #expect(finding.message.firstMatch(of: leak) == nil, "\(finding.message)")
            #expect((finding.excerpt ?? "").firstMatch(of: leak) == nil)
        }
    }

    @Test func aDifferentTimeZoneMovesTheDayBoundary() throws {
        // Two customers' calls straddle midnight: 00:30 and 23:30 (+08:00) on 10 April
        // are one day in Shanghai and two in UTC; 23:30 on 9 April and 00:30 on 10 April
        // (+08:00) are two days in Shanghai and one (15:30Z, 16:30Z) in UTC.
        func calls(_ report: ScanReport) -> Set<String> {
            Set(report.findings.filter { $0.rule == "frequency.daily-calls" }.compactMap(\.customerId))
        }
        let shanghai = calls(try scan()), utc = calls(try scan(timezone: "UTC"))
        #expect(shanghai.count == 3)
        #expect(utc.count == 3)
        #expect(shanghai.subtracting(utc).count == 1)
        #expect(utc.subtracting(shanghai).count == 1)
    }
}
