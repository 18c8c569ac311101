import CrmlintCore
import Foundation
import Testing

@testable import CrmlintEngine

/// Records streams (`crmlint records`, `scan --records`) and partitioned scans
/// (`--partition`, `--merge-partitions`): the seam scripts/spark-scan runs
/// crmlint through. Here without Spark: the tests split the stream by customer
/// as the Spark job does, and the merged report must be a plain scan's, byte for byte.
@Suite struct RecordStreamTests {
    static let asOf = "2024-06-01T00:00:00+08:00"
    static let common = ["--as-of", asOf, "--fail-on", "never", "--no-suppressions", "--format", "json"]

    func plain(_ path: String) throws -> Data {
        let result = try crmlint(["scan", path] + Self.common)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutBytes
    }

    func records(_ path: String) throws -> [String] {
        let result = try crmlint(["records", path])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Records of a stream with the same fields share one field shape, as a file's do
    /// (the rules' per-shape caches hold across them); other fields make another.
    @Test func recordsWithTheSameFieldsShareAShape() throws {
        func record(_ fields: [String: String], line: Int) -> String {
            RecordStream.line(Record(dataset: .messages, file: "m.csv", line: line, position: line - 1, fields: fields), sheet: nil)
        }
        var shape: FieldShape?
        var read: [Record] = []
        for (index, fields) in [["text": "您好", "rep": "王五"], ["rep": "赵六", "text": ""], ["text": "再见"]].enumerated() {
            let line = record(fields, line: index + 2)
            guard case let .record(parsed, _) = try #require(try RecordStream.parse(ArraySlice(line.utf8), serial: index, shape: &shape))
            else { Issue.record("not a record: \(line)"); return }
            #expect(parsed.fields == fields)
            read.append(parsed)
        }
        #expect(read[0].shape === read[1].shape)
        #expect(read[2].shape !== read[1].shape && read[2].shape.names == ["text"])
    }

    @Test(arguments: ["corpus", "corpus/policy", "corpus/pii"])
    func aRecordsStreamScansLikeTheFiles(path: String) throws {
        let stream = try records(path)
        #expect(stream.contains { $0.contains("\"type\":\"record\"") })
        let scanned = try crmlint(["scan", "--records", "-"] + Self.common, stdin: Data((stream.joined(separator: "\n") + "\n").utf8))
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stdoutBytes == (try plain(path)), "\(path): scan --records differs from the scan of the files")
    }

    /// Partitions as spark-scan makes them: records by a hash of the customer id, each partition in scan order
    /// (dataset, file, order in the file), the `input` and `finding` lines in partition 0.
    static func partitions(_ stream: [String], count: Int, key: (_ customer: String, _ index: Int) -> Int) throws -> [[String]] {
        let datasets = ["customers": 0, "followups": 1, "messages": 2, "complaints": 3]
        var parts: [[(order: (Int, String, Int), line: String)]] = Array(repeating: [], count: count)
        for (index, line) in stream.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["type"] as? String == "record" else {
                parts[0].append(((-1, "", index), line))
                continue
            }
            let part = key(object["customer"] as? String ?? "", index) % count
            parts[part].append(((datasets[object["dataset"] as! String]!, object["file"] as! String, index), line))
        }
        return parts.map { $0.sorted { $0.order < $1.order }.map(\.line) }
    }

    static func crc(_ text: String) -> Int {
        Int(text.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
    }

    func partitioned(_ path: String, count: Int, key: (String, Int) -> Int) throws -> Data {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parts = try Self.partitions(try records(path), count: count, key: key)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("parts"), withIntermediateDirectories: true)
        for (index, lines) in parts.enumerated() {
            let stream = folder.appendingPathComponent("p\(index).jsonl")
            try (lines.map { $0 + "\n" }.joined()).write(to: stream, atomically: true, encoding: .utf8)
            let result = try crmlint(
                ["scan", "--records", "--partition", stream.path, "-o", folder.appendingPathComponent("parts/p\(index).json").path]
                    + Self.common)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let merged = try crmlint(["scan", path, "--merge-partitions", folder.appendingPathComponent("parts").path] + Self.common)
        #expect(merged.status == 0, "\(merged.stderr)")
        return merged.stdoutBytes
    }

    /// Stateful rules (deadlines, daily counts, cadence, quiet periods) see each customer whole; rules grouped by
    /// rep (data.complete-records) span partitions and are grouped again at the merge, as one scan groups them.
    @Test(arguments: [("corpus", 4), ("corpus/policy", 3), ("corpus/pii", 2)])
    func partitionsByCustomerMergeToThePlainScan(path: String, count: Int) throws {
        let merged = try partitioned(path, count: count) { customer, _ in Self.crc(customer) }
        #expect(merged == (try plain(path)), "\(path), \(count) partitions: the merged report differs from the plain scan")
    }

    /// The control: one customer's records dealt over every partition (round-robin) break the stateful rules — the
    /// reason spark-scan partitions by customer id.
    @Test func aCustomerSplitOverEveryPartitionChangesTheStatefulFindings() throws {
        let merged = try partitioned("corpus/policy", count: 4) { _, index in index }
        #expect(merged != (try plain("corpus/policy")))
    }

    @Test func stdinNameReadsStandardInputAsThatFile() throws {
        let bytes = try Data(contentsOf: repositoryRoot.appendingPathComponent("corpus/messages-hk.csv"))
        let piped = try crmlint(["scan", "-", "--stdin-name", "corpus/messages-hk.csv"] + Self.common, stdin: bytes)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdoutBytes == (try plain("corpus/messages-hk.csv")))
    }

    @Test func listNamesTheFilesAScanReads() throws {
        let listed = try crmlint(["records", "--list", "corpus/policy", "no-such-folder"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("{\"open\":\"corpus/policy/"))
        #expect(listed.stdout.contains("\"type\":\"finding\"") && listed.stdout.contains("no such file or folder"))
    }

    @Test func aLineThatIsNotARecordsStreamIsOneErrorAndExit2() throws {
        let good = try records("corpus/messages-hk.csv")[0]
        let result = try crmlint(["scan", "--records", "-"] + Self.common, stdin: Data((good + "\n{\"type\":\"recrod\"}\n").utf8))
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: <stdin>: line 2: not a crmlint records stream (written by crmlint records): unknown type 'recrod' (expected record, input or finding)\n"
        )
        let misuse = try crmlint(["scan", "corpus", "--partition"])
        #expect(misuse.status == 2)
        #expect(misuse.stderr.hasPrefix("error: --partition needs --records"))
    }

    @Test func helpDescribesTheRecordsStream() throws {
        let scan = try crmlint(["scan", "--help"])
        #expect(scan.stdout.contains("--records") && scan.stdout.contains("--merge-partitions") && scan.stdout.contains("--stdin-name"))
        let records = try crmlint(["records", "--help"])
        #expect(records.status == 0)
        #expect(records.stdout.contains("tagged with its original file, line and dataset"))
    }
}
