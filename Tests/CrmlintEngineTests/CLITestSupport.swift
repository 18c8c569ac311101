import Foundation
import TestHelpers

let repositoryRoot = TestPaths.repoRoot

/// The built `crmlint` next to the test bundle (the test target depends on it).
let crmlintBinary = TestPaths.binary

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let stdoutBytes: Data
}

/// Runs crmlint with arguments (in the repository root unless told otherwise).
func crmlint(
    _ arguments: [String], stdin: Data? = nil, in directory: URL = repositoryRoot,
    environment extra: [String: String] = [:]
) throws -> CommandResult {
    let process = Process()
    process.executableURL = crmlintBinary
    process.arguments = arguments
    if !extra.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 } }
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read before waiting so a large report cannot fill the pipe and block.
    let outData = readToEnd(out.fileHandleForReading)
    let errData = readToEnd(err.fileHandleForReading)
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

let ruleFixture = """
    - id: t.zero-failure
      category: exaggeration
      severity: error
      message: 不得夸大产品功能 — zero-failure claim
      patterns: ['零\\s*故障']
      unless: ['不能保证']
    - id: t.slang
      category: sensitive-topic
      severity: info
      message: slang
      patterns: ['老铁']
    """
