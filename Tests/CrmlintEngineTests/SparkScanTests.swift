import Foundation
import Testing

/// Where pyspark is importable (python3, or the .spark-venv scripts/spark-scan installs), and Java runs.
let sparkAvailable: Bool = {
    func runs(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
    let venv = repositoryRoot.appendingPathComponent(".spark-venv/bin/python").path
    return runs("java", ["-version"]) && (runs("python3", ["-c", "import pyspark"]) || runs(venv, ["-c", "import pyspark"]))
}()

/// scripts/test proves spark-scan with scripts/check-spark (three exports) and sets CRMLINT_SPARK_CHECKED=1; a plain
/// `swift test` where Spark is installed runs the Done check here: four generated files, --partitions 4, local[2].
@Suite(
    .enabled(if: sparkAvailable, "pyspark or Java not found: Spark test skipped (scripts/check-spark installs them; scripts/test runs it)"),
    .enabled(
        if: ProcessInfo.processInfo.environment["CRMLINT_SPARK_CHECKED"] == nil,
        "scripts/check-spark passed earlier in this scripts/test run"))
struct SparkScanTests {
    @Test func sparkScanOfFourFilesEqualsOnePlainScan() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.environment = ProcessInfo.processInfo.environment.merging(["CRMLINT_BINARY": crmlintBinary.path]) { $1 }
            let log = folder.appendingPathComponent("log-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
        }
        let root = repositoryRoot.path
        let generated = try run(
            "/usr/bin/env", ["python3", root + "/scripts/bench/gen_crm_export.py", "--customers", "20", "--out", "export"])
        #expect(generated.0 == 0, "\(generated.1)")
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("export/LABELS.json"))
        let asOf = ["--as-of", "2024-05-01T01:30:00+08:00", "--fail-on", "never"]
        let plain = try crmlint(["scan", "export", "--output-json", "plain.json", "-q"] + asOf, in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        let spark = try run(
            root + "/scripts/spark-scan", ["export", "--output", "spark.json", "--partitions", "4", "--master", "local[2]"] + asOf)
        #expect(spark.0 == 0, "\(spark.1)")
        let compared = try run("/usr/bin/env", ["python3", root + "/spark/compare_findings.py", "plain.json", "spark.json"])
        #expect(compared.0 == 0, "\(compared.1)")
    }
}
