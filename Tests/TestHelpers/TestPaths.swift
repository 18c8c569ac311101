import Foundation

/// Places tests need: the repository, shared third-party test data, the built binary.
public enum TestPaths {
    /// The repository root, found from this file's path (Tests/TestHelpers/…).
    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `../shared/testdata/<relative>` beside the repository, or nil when absent
    /// (tests then skip with a message naming the path).
    public static func sharedTestData(_ relative: String) -> URL? {
        let url = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata").appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static func sharedTestDataDescription(_ relative: String) -> String {
        repoRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata").appendingPathComponent(relative).path
    }

    /// The `crmlint` executable: beside the test bundle, else `.build/debug`.
    public static var binary: URL {
        let besideBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("crmlint")
        if FileManager.default.isExecutableFile(atPath: besideBundle.path) { return besideBundle }
        for bundle in Bundle.allBundles {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("crmlint")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return repoRoot.appendingPathComponent(".build/debug/crmlint")
    }

    /// A fresh empty folder for one test.
    public static func temporaryFolder(_ name: String = "crmlint-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs the built `crmlint` and captures what it did.
public struct CLIResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data
}

public enum CLI {
    public static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        // stderr goes to a file and stdout is read to the end before waiting,
        // so a large report cannot block the child on a full pipe.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdoutData = readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        let stderrData = (try? Data(contentsOf: errFile)) ?? Data()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self), stdoutData: stdoutData)
    }
}

/// Everything a pipe delivers until it closes. Foundation's
/// `readDataToEndOfFile` traps when read(2) is interrupted by a signal (EINTR,
/// seen under load while other tests start and reap processes); this retries.
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    let descriptor = handle.fileDescriptor
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
        if count < 0 && errno == EINTR { continue }
        return data
    }
}
