import Foundation
import Testing

/// Worker threads must not change a report: the same bytes, in the same
/// order, for one job or several, in the sorted JSON and in the JSON Lines
/// written as findings are found.
@Suite struct ParallelScanTests {
    func scan(_ path: String, jobs: Int, format: String, in directory: URL = repositoryRoot) throws -> Data {
        let result = try crmlint(
            [
                "scan", path, "--format", format, "--as-of", "2024-06-01T00:00:00+08:00", "--fail-on", "never",
                "--no-suppressions", "--jobs", "\(jobs)",
            ], in: directory)
        #expect(result.status == 0, "jobs \(jobs): \(result.stderr)")
        return result.stdoutBytes
    }

    @Test(arguments: ["corpus", "corpus/policy", "corpus/pii"])
    func bundledCorporaGiveTheSameReportForAnyNumberOfJobs(path: String) throws {
        for format in ["json", "jsonl"] {
            let one = try scan(path, jobs: 1, format: format)
            #expect(one.count > 1000)
            for jobs in [2, 3, 7] {
                #expect(try scan(path, jobs: jobs, format: format) == one, "\(path), \(format): --jobs \(jobs) differs from --jobs 1")
            }
        }
    }

    /// More records than one batch, with unreadable rows between them (a
    /// problem is emitted between the findings of the records around it) and
    /// stateful rules (late logs, cadence) fed in record order.
    @Test func batchesAndProblemsKeepTheirOrder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let texts = [
            "保证下周一前全部到货，晚一天算我的", "这款设备全网最低价，行业第一", "合同签了以后，给您个人5个点的回扣",
            "您好，资料已发您邮箱，请查收", "我的手机 13812345678，有事打给我", "您家小孩今年中考了吧",
        ]
        var lines = ""
        for index in 0..<1_700 {
            if index % 397 == 5 { lines += "{\"id\": \"broken\n"; continue }
            let record: [String: String] = [
                "id": "M\(index)", "direction": index % 3 == 0 ? "inbound" : "outbound", "recipient_type": "customer",
                "customer_id": "C\(index % 40)", "rep": "R\(index % 7)", "channel": "微信",
                "timestamp": String(format: "2024-05-%02dT%02d:00:00+08:00", 1 + index % 28, index % 24),
                "text": texts[index % texts.count],
            ]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        for format in ["json", "jsonl"] {
            let one = try scan(folder.path, jobs: 1, format: format)
            #expect(String(decoding: one, as: UTF8.self).contains("input-error"))
            #expect(try scan(folder.path, jobs: 2, format: format) == one, "\(format): --jobs 2 differs from --jobs 1")
            #expect(try scan(folder.path, jobs: 5, format: format) == one, "\(format): --jobs 5 differs from --jobs 1")
        }
    }

    @Test func jobsOutOfRangeIsAUsageError() throws {
        let result = try crmlint(["scan", "corpus", "--jobs", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--jobs"))
    }
}
