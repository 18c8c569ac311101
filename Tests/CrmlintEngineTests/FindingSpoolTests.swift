import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintEngine

/// A scan keeps at most `FindingSpool`'s limit of findings in memory and spills the rest to disk in sorted runs.
/// Spilled or not, the findings, their order, tiers and redaction must be the same, and so must every report.
@Suite struct FindingSpoolTests {
    @Test func codecReadsBackWhatItWrote() throws {
        for finding in RandomFindings.make(500, seed: 21) {
            var bytes: [UInt8] = []
            FindingCodec.encode(finding, into: &bytes)
            let decoded = try bytes.withUnsafeBytes { try FindingCodec.decode($0) }
            #expect(decoded == finding)
            // A record cut short is an error, never a different finding.
            if bytes.count > 1 {
                #expect(throws: FindingCodec.Unreadable.self) { try bytes.dropLast().withUnsafeBytes { try FindingCodec.decode($0) } }
            }
        }
        var extreme = RandomFindings.make(1, seed: 3)[0]
        extreme.line = Int.max
        extreme.column = Int.min
        var bytes: [UInt8] = []
        FindingCodec.encode(extreme, into: &bytes)
        #expect(try bytes.withUnsafeBytes { try FindingCodec.decode($0) } == extreme)
    }

    /// Sorting by place gives what sorting the findings gives, ties (findings equal in report order, told
    /// apart here by their messages) in the order they came.
    @Test func inReportOrderSortsStablyAsTheFindingsWould() {
        var findings = RandomFindings.make(400, seed: 8)
        for index in stride(from: 1, to: findings.count, by: 2) {
            // Equal to the one before in every key of the order, with a message of its own.
            let message = "tie \(index)"
            findings[index] = findings[index - 1]
            findings[index].message = message
        }
        var generator = SeededGenerator(seed: 4)
        findings.shuffle(using: &generator)
        let expected = findings.enumerated().sorted {
            Finding.reportOrder($0.element, $1.element) || (!Finding.reportOrder($1.element, $0.element) && $0.offset < $1.offset)
        }.map(\.element)
        #expect(FindingSpool.inReportOrder(findings) == expected)
    }

    /// Decoding with the strings of the findings before (`RecentStrings`) gives each finding as written, whether
    /// its neighbours share a value, differ in one byte, have it empty or absent.
    @Test func recentStringsChangeNoDecodedFinding() throws {
        var findings = RandomFindings.make(300, seed: 5)
        // Runs of neighbours sharing values, and values that differ from the last in one byte only (same length).
        for index in stride(from: 1, to: findings.count, by: 3) {
            findings[index].rule = findings[index - 1].rule
            findings[index].message = findings[index - 1].message
            findings[index].customerId = findings[index - 1].customerId
            findings[index].day = findings[index - 1].customerId.map { $0 + "" }
        }
        for index in stride(from: 2, to: findings.count, by: 3) {
            findings[index].message = String(findings[index - 1].message.dropLast()) + "x"
            findings[index].rep = ""
        }
        let recent = FindingCodec.RecentStrings()
        for finding in findings {
            var bytes: [UInt8] = []
            FindingCodec.encode(finding, into: &bytes)
            #expect(try bytes.withUnsafeBytes { try FindingCodec.decode($0, recent: recent) } == finding)
        }
    }

    /// `inBackground`: batches spilled on a thread of their own (a scan with more than one job), half the limit each.
    func spooled(
        _ findings: [Finding], limit: Int, sorts: Bool = true, tiers: [String: String] = [:], inBackground: Bool = false
    ) throws -> StoredFindings {
        let spool = FindingSpool(redactor: .shared, sorts: sorts, memoryLimit: limit, inBackground: inBackground)
        findings.forEach(spool.append)
        return try spool.finish(tiers: tiers)
    }

    /// Counted as they are spilled, tiers known only at the end included, the counts are those of the findings read.
    /// A scan under the limit keeps its findings in memory with any number of jobs (1,000: spilling at half the limit
    /// with more than one job would not).
    @Test(arguments: [1, 2, 7, 64, 1_000, 10_000], [false, true])
    func spilledFindingsComeBackInReportOrder(limit: Int, inBackground: Bool) throws {
        let findings = RandomFindings.make(700, seed: UInt64(limit))
        var tiers: [String: String] = [:]
        for finding in findings.prefix(40) { if let customer = finding.customerId { tiers[customer] = "B" } }
        #expect(findings.contains { $0.tier == nil && $0.customerId.flatMap { tiers[$0] } != nil })
        let stored = try spooled(findings, limit: limit, tiers: tiers, inBackground: inBackground)
        let expected = findings.map { finding -> Finding in
            var finding = finding
            if finding.tier == nil, let customer = finding.customerId { finding.tier = tiers[customer] }
            return Redactor.shared.redact(finding)
        }.sorted(by: Finding.reportOrder)
        #expect(stored.inMemory == (limit > findings.count ? expected : nil))
        #expect(try stored.allFindings() == expected)
        // Read twice (SARIF and JUnit take two passes): the same both times.
        #expect(try stored.allFindings() == expected)
        #expect(stored.count == expected.count)
        #expect(stored.counts == FindingCounts(expected))
        // The first finding of each rule, in the order the rules first appear: noted while merging when spilled,
        // the same as reading every finding finds (an array has none noted, so it reads them).
        #expect((stored.firstOfEachRule == nil) == (limit > findings.count))
        #expect(try stored.firstFindingOfEachRule() == expected.firstFindingOfEachRule())
        var seen = Set<String>()
        #expect(try expected.firstFindingOfEachRule() == expected.filter { seen.insert($0.rule).inserted })
    }

    /// A CRM that keys its customers by mobile number: the customer id is masked in every finding (a validated
    /// phone), and its tier, known only at the end, is still the customer's, spilled or not — the tier is found by the
    /// id as read, not as redacted (a spilled finding looked it up by `138****0001`, found none, and was counted and
    /// reported as "unknown" where one kept in memory had its tier).
    @Test(arguments: [1, 7, 1_000], [false, true])
    func tiersOfCustomersKeyedByPhoneSurviveSpilling(limit: Int, inBackground: Bool) throws {
        var findings = RandomFindings.make(300, seed: 31)
        var tiers: [String: String] = [:]
        for index in findings.indices {
            let customer = "1381234" + String(format: "%04d", index % 40)
            findings[index].customerId = customer
            if index % 3 == 0 { findings[index].tier = nil }
            if index % 40 < 30 { tiers[customer] = index % 2 == 0 ? "A" : "B" }
        }
        let expected = findings.map { finding -> Finding in
            var finding = finding
            if finding.tier == nil, let customer = finding.customerId { finding.tier = tiers[customer] }
            return Redactor.shared.redact(finding)
        }.sorted(by: Finding.reportOrder)
        // The ids are masked, and some findings' tiers come from the end's table.
        #expect(expected.allSatisfy { $0.customerId?.contains("****") == true })
        #expect(findings.contains { $0.tier == nil && tiers[$0.customerId!] != nil })
        let stored = try spooled(findings, limit: limit, tiers: tiers, inBackground: inBackground)
        #expect(try stored.allFindings() == expected)
        #expect(stored.counts == FindingCounts(expected))
        #expect(try stored.firstFindingOfEachRule() == expected.firstFindingOfEachRule())
    }

    /// A tier as found that starts with a NUL (the JSON and XLSX readers keep one) is never taken for the key a spilled
    /// finding carries until the end: it comes back as it was, counted as it was, however it looks (`\0` and digits, a
    /// sign, nothing after). 2,900 findings under a limit of 2,000: the last 900 are spilled at the end, in two halves
    /// on two threads in the background.
    @Test(arguments: [false, true])
    func tiersStartingWithANULAreNotTakenForKeys(inBackground: Bool) throws {
        var findings = RandomFindings.make(2_900, seed: 37)
        let lookalikes = ["\u{0}0", "\u{0}5", "\u{0}", "\u{0}\u{0}x", "\u{0}+1", "\u{0}-1", "\u{0}99999999999999999999"]
        var tiers: [String: String] = [:]
        for index in findings.indices {
            let customer = "1391234" + String(format: "%04d", index % 50)
            findings[index].customerId = customer
            if index % 3 == 0 { findings[index].tier = nil }
            if index % 3 == 1 { findings[index].tier = lookalikes[index % lookalikes.count] }
            if index % 50 < 40 { tiers[customer] = "C" }
        }
        let expected = findings.map { finding -> Finding in
            var finding = finding
            if finding.tier == nil, let customer = finding.customerId { finding.tier = tiers[customer] }
            return Redactor.shared.redact(finding)
        }.sorted(by: Finding.reportOrder)
        let stored = try spooled(findings, limit: 2_000, tiers: tiers, inBackground: inBackground)
        #expect(stored.inMemory == nil)
        #expect(try stored.allFindings() == expected)
        #expect(stored.counts == FindingCounts(expected))
        #expect(try stored.firstFindingOfEachRule() == expected.firstFindingOfEachRule())
        #expect(FindingSpool.spilledTier("\u{0}12") == .pending(12))
        #expect(FindingSpool.spilledTier("\u{0}\u{0}12") == .found("\u{0}12"))
        #expect(FindingSpool.spilledTier("\u{0}+1") == .found("\u{0}+1"))
        #expect(FindingSpool.spilledTier("A") == .found("A"))
    }

    /// With more than one job full batches are spilled in the background (the first at the limit, the others at
    /// half of it) and the last batch is redacted in two halves on two threads, written as two runs: the findings,
    /// their order (ties by arrival), counts and each rule's first are as one thread has them.
    @Test func theLastBatchInHalvesChangesNothing() throws {
        var findings = RandomFindings.make(3_900, seed: 23)
        // Ties: equal in report order, told apart by their messages; across batches, and across the last batch's
        // halves (3,000–3,449 and 3,450–3,899).
        for index in stride(from: 1_600, to: 3_900, by: 50) {
            findings[index] = findings[index - 1_300]
            findings[index].message = "twin of \(index - 1_300)"
        }
        for index in stride(from: 3_460, to: 3_900, by: 25) {
            findings[index] = findings[index - 400]
            findings[index].message = "late twin of \(index - 400)"
        }
        var tiers: [String: String] = [:]
        for finding in findings.suffix(30) { if let customer = finding.customerId { tiers[customer] = "A" } }
        // 2,000 in memory: 0–1,999 and 2,000–2,999 spilled in the background, the last 900 in halves; one thread
        // spills 0–1,999 and the last 1,900 whole.
        let halves = try spooled(findings, limit: 2_000, tiers: tiers, inBackground: true)
        let whole = try spooled(findings, limit: 2_000, tiers: tiers)
        #expect(try halves.allFindings() == whole.allFindings())
        #expect(halves.counts == whole.counts)
        #expect(halves.firstOfEachRule == whole.firstOfEachRule)
        #expect(try halves.allFindings().count == 3_900)
    }

    /// A pass whose writing fails (its body throws) gets that error, the thread merging for it stops (it would
    /// wait forever on a full pipe), and the findings read again in full.
    @Test func aPassThatFailsStopsItsMergingThread() throws {
        let findings = RandomFindings.make(3_000, seed: 17)
        let stored = try spooled(findings, limit: 64, inBackground: true)
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try stored.forEachFinding { _ in
                seen += 1
                if seen == 700 { throw Stop() }
            }
        }
        #expect(seen == 700)
        #expect(try stored.allFindings() == spooled(findings, limit: 64).allFindings())
    }

    /// The pipe between the merging thread and the writer: batches in the order put, a producer held while it is
    /// full, its failure thrown after the batches before it, and a producer let go when the reader stops.
    @Test func aPipeKeepsOrderBoundsItsBatchesAndPassesOnAFailure() throws {
        struct Broken: Error {}
        let findings = RandomFindings.make(40, seed: 2)
        let pipe = FindingPipe(capacity: 2)
        let produced = DispatchSemaphore(value: 0)
        let producer = Thread {
            for index in 0..<10 { _ = pipe.put([findings[index]]) }
            pipe.close(failure: Broken())
            produced.signal()
        }
        producer.start()
        // Full after two batches: the producer waits for the reader.
        #expect(produced.wait(timeout: .now() + 0.2) == .timedOut)
        var read: [Finding] = []
        #expect(throws: Broken.self) { while let batch = try pipe.take() { read += batch } }
        #expect(read == Array(findings.prefix(10)))
        produced.wait()

        let stopped = FindingPipe(capacity: 1)
        let released = DispatchSemaphore(value: 0)
        let blocked = Thread {
            var accepted = 0
            while stopped.put([findings[0]]) { accepted += 1 }
            #expect((1...2).contains(accepted))
            released.signal()
        }
        blocked.start()
        _ = try stopped.take()
        stopped.cancel()
        #expect(released.wait(timeout: .now() + 10) == .success)
    }

    /// Findings equal in report order (same file, line, rule, field, column and fingerprint) keep the order
    /// they came in, in memory and spilled (the runs are sorted by position, ties by arrival).
    @Test(arguments: [3, 10_000], [false, true])
    func tiesKeepTheOrderTheyCameIn(limit: Int, inBackground: Bool) throws {
        var findings = RandomFindings.make(200, seed: 9)
        for index in findings.indices {
            let twin = findings[index % 7]
            findings[index].file = twin.file
            findings[index].line = twin.line
            findings[index].rule = twin.rule
            findings[index].field = twin.field
            findings[index].column = twin.column
            findings[index].fingerprint = twin.fingerprint
            findings[index].message = "finding \(index)"
        }
        let expected = findings.map(Redactor.shared.redact).sorted(by: Finding.reportOrder)
        let stored = try spooled(findings, limit: limit, inBackground: inBackground)
        #expect(try stored.allFindings() == expected)
        // Within each group of equals, the order of arrival.
        let numbers = try stored.allFindings().map { Int($0.message.split(separator: " ").last!)! }
        for group in 0..<7 {
            let members = numbers.filter { $0 % 7 == group }
            #expect(members == members.sorted())
        }
    }

    @Test(arguments: [false, true])
    func aPartitionKeepsTheOrderFound(inBackground: Bool) throws {
        let findings = RandomFindings.make(100, seed: 5)
        let stored = try spooled(findings, limit: 9, sorts: false, inBackground: inBackground)
        #expect(try stored.allFindings() == findings.map(Redactor.shared.redact))
        // Each rule's first in the order found, as reading them finds.
        #expect(stored.firstOfEachRule != nil)
        #expect(try stored.firstFindingOfEachRule() == findings.map(Redactor.shared.redact).firstFindingOfEachRule())
    }

    /// Contact details never reach the temporary file: findings are redacted before they are spilled.
    @Test func spilledFindingsAreRedactedFirst() throws {
        var finding = RandomFindings.make(1, seed: 9)[0]
        finding.message = "客户手机 13812345678"
        finding.excerpt = "邮箱 zhang.san@example.com"
        let stored = try spooled([finding, finding], limit: 1)
        for back in try stored.allFindings() {
            #expect(!(back.message.contains("13812345678")))
            #expect(!(back.excerpt ?? "").contains("zhang.san"))
        }
    }

    /// Every report format, byte for byte, whether the scan kept its findings in memory or spilled each one.
    @Test(arguments: ["corpus", "corpus/policy"])
    func spillingChangesNoReport(path: String) throws {
        let folder = try TestPaths.temporaryFolder("crmlint-spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        func scan(_ name: String, environment: [String: String]) throws -> [String: Data] {
            let out = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            var outputs: [String: Data] = [:]
            let files = ["json", "sarif", "csv", "junit", "jsonl"].map { ($0, out.appendingPathComponent("report.\($0)").path) }
            let result = try crmlint(
                [
                    "scan", path, "--as-of", "2024-05-01T00:00:00+08:00", "--no-suppressions", "--fail-on", "never",
                    "--write-baseline", out.appendingPathComponent("baseline.json").path,
                ] + files.flatMap { ["--output-\($0.0)", $0.1] }, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            outputs["text"] = result.stdoutBytes
            for (format, file) in files + [("baseline", out.appendingPathComponent("baseline.json").path)] {
                outputs[format] = try Data(contentsOf: URL(fileURLWithPath: file))
            }
            return outputs
        }
        let held = try scan("held", environment: [:])
        let spilled = try scan("spilled", environment: ["CRMLINT_FINDINGS_IN_MEMORY": "1"])
        let some = try scan("some", environment: ["CRMLINT_FINDINGS_IN_MEMORY": "37"])
        // No temporary folder to spill to: the findings stay in memory and the scan goes on.
        let nowhere = try scan("nowhere", environment: ["CRMLINT_FINDINGS_IN_MEMORY": "1", "TMPDIR": "/nonexistent-crmlint-tmp"])
        #expect(held["json"]!.count > 10_000)
        for format in held.keys.sorted() {
            #expect(spilled[format] == held[format], "\(path) \(format): every finding spilled differs")
            #expect(some[format] == held[format], "\(path) \(format): runs of 37 differ")
            #expect(nowhere[format] == held[format], "\(path) \(format): no temporary folder differs")
        }
    }
}
