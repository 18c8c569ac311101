import CrmlintCore
import CrmlintReporters
import Foundation
import TestHelpers
import Testing

/// Reports are never half-written, a failed write is exit 2 with one line,
/// and a reader that stops early or a Ctrl-C ends the run cleanly.
@Suite struct OutputSafetyTests {
    let messages =
        "id,customer_id,timestamp,direction,text\nM1,CRM-1,2024-03-15 10:00,outbound,我们的设备零故障\nM2,CRM-2,2024-03-16 09:00,outbound,老铁放心\n"

    func fixture() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try ruleFixture.write(to: folder.appendingPathComponent("rules/test.yml"), atomically: true, encoding: .utf8)
        try messages.write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        try "yesterday's report".write(to: folder.appendingPathComponent("out.json"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Runs a command with the given standard output; stdin stays open until `closeStdin` says otherwise.
    func run(
        _ executable: String, _ arguments: [String], in folder: URL, stdout: FileHandle? = nil,
        interruptAfterStart: Bool = false
    ) throws -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        if let stdout { process.standardOutput = stdout }
        // Test threads (from the dispatch pool) block signals, and a child inherits the
        // mask: spawn with SIGINT deliverable, as it is under a shell.
        var deliverable = sigset_t(), previous = sigset_t()
        sigemptyset(&deliverable)
        sigaddset(&deliverable, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &deliverable, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        if interruptAfterStart {
            // The scan reads stdin, which stays open: it is blocked, mid-run, when the signal comes.
            kill(process.processIdentifier, SIGINT)
        }
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: readToEnd(errors.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, stderr)
    }

    func leftovers(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("crmlint-") }
    }

    @Test func reportReplacesTheOldOneWholeAndKeepsItsPermissions() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.json")
        chmod(out.path, 0o640)
        let result = try crmlint(["scan", "m.csv", "--rules", "rules", "--format", "json", "-o", "out.json"], in: folder)
        #expect(result.status == 1)
        let report = try JSONReporter.decoder().decode(ScanReport.self, from: Data(contentsOf: out))
        #expect(report.findings.count == 2)
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try leftovers(folder) == [])
    }

    @Test func reportThroughASymbolicLinkReplacesTheFileNotTheLink() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("latest.json").path, withDestinationPath: "out.json")
        #expect(try crmlint(["scan", "m.csv", "--rules", "rules", "--format", "json", "-o", "latest.json"], in: folder).status == 1)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("latest.json").path) == "out.json")
        #expect(try String(contentsOf: folder.appendingPathComponent("out.json"), encoding: .utf8).contains("\"findings\""))
    }

    /// Built with `--sanitize=thread`: its runtime dies of SIGBUS at start under a file size limit.
    static let threadSanitized = dlsym(nil, "__tsan_init") != nil

    /// A disk that fills up mid-write, simulated with a file size limit
    /// (SIGXFSZ ignored, so the write fails with EFBIG as on a full disk).
    @Test(.disabled(if: threadSanitized, "ThreadSanitizer's runtime cannot start under a file size limit"))
    func diskFullMidWriteKeepsYesterdaysReport() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(
            "/bin/sh",
            [
                "-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"", crmlintBinary.path,
                "scan", "m.csv", "--rules", "rules", "--format", "json", "-o", "out.json",
            ], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr == "error: cannot write out.json: File too large\n")
        #expect(try String(contentsOf: folder.appendingPathComponent("out.json"), encoding: .utf8) == "yesterday's report")
        #expect(try leftovers(folder) == [])
    }

    @Test func fullStandardOutputIsExitTwo() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try run(crmlintBinary.path, ["scan", "m.csv", "--rules", "rules"], in: folder, stdout: full)
        #expect(result.status == 2)
        #expect(result.stderr == "error: cannot write standard output: No space left on device\n")
        let toFile = try crmlint(["scan", "m.csv", "--rules", "rules", "-o", "/dev/full"], in: folder)
        #expect(toFile.status == 2)
        #expect(toFile.stderr == "error: cannot write /dev/full: No space left on device\n")
    }

    /// An error message that cannot be written either still ends in exit 2, not a crash.
    @Test func unwritableStandardErrorIsStillExitTwo() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = crmlintBinary
        process.arguments = ["scan", "m.csv", "--rules", "no-such-rules"]
        process.currentDirectoryURL = folder
        process.standardError = FileHandle(forWritingAtPath: "/dev/full")
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 2)
    }

    @Test func deviceOutputIsWrittenNotReplaced() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try crmlint(["scan", "m.csv", "--rules", "rules", "-o", "/dev/null"], in: folder).status == 1)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFCHR)
    }

    /// `crmlint scan … | head`: the reader is gone before crmlint writes.
    @Test func closedPipeOnStandardOutputEndsQuietly() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let result = try run(crmlintBinary.path, ["scan", "m.csv", "--rules", "rules"], in: folder, stdout: pipe.fileHandleForWriting)
        #expect(result.reason == .exit)
        #expect(result.status == 1)
        #expect(result.stderr == "")
    }

    /// A JSON Lines report streams into a temporary file for the whole scan:
    /// Ctrl-C while the scan waits on stdin must remove it.
    @Test func interruptRemovesTheStreamingTemporaryFile() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "yesterday's lines".write(to: folder.appendingPathComponent("out.jsonl"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = crmlintBinary
        process.arguments = ["scan", "-", "--rules", "rules", "--output-jsonl", "out.jsonl"]
        process.currentDirectoryURL = folder
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var deliverable = sigset_t(), previous = sigset_t()
        sigemptyset(&deliverable)
        sigaddset(&deliverable, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &deliverable, &previous)
        try process.run()
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        // Wait (a bounded number of times) for the temporary file: the scan is then blocked on stdin.
        var attempts = 0
        while try leftovers(folder).isEmpty, attempts < 3000 {
            usleep(10_000)
            attempts += 1
        }
        #expect(try leftovers(folder).count == 1)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGINT)
        #expect(try leftovers(folder) == [])
        #expect(try String(contentsOf: folder.appendingPathComponent("out.jsonl"), encoding: .utf8) == "yesterday's lines")
    }

    @Test func interruptedScanLeavesYesterdaysReportAndNoTemporaryFile() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(
            crmlintBinary.path, ["scan", "-", "--rules", "rules", "--format", "json", "-o", "out.json"], in: folder,
            stdout: FileHandle.nullDevice, interruptAfterStart: true)
        #expect(result.reason == .uncaughtSignal)
        #expect(result.status == SIGINT)
        #expect(try String(contentsOf: folder.appendingPathComponent("out.json"), encoding: .utf8) == "yesterday's report")
        #expect(try leftovers(folder) == [])
    }
}
