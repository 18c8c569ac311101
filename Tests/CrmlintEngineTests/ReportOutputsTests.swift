import CrmlintCore
import CrmlintEngine
import CrmlintReporters
import Foundation
import TestHelpers
import Testing

@Suite("Reports end to end: formats, several outputs, schema, exit codes")
struct ReportOutputsTests {
    static let sarifSchema = "sarif/sarif-schema-2.1.0.json"

    @Test("The JSON findings document validates against docs/findings.schema.json")
    func findingsSchema() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", "json"], in: folder)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let validator = try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema)
        let document = try JSONValue.parse(result.stdoutData)
        #expect(validator.validate(document).isEmpty, "\(validator.validate(document).prefix(5))")
        // It is the real thing, not an empty document that trivially passes.
        #expect(document["findings"]?.array?.count == 3)
        #expect(document["run"]?["rules"]?[0]?["message"]?.string != nil)
    }

    @Test("The schema's vocabularies match the code")
    func schemaVocabulary() throws {
        let schema = try JSONValue.parse(Data(contentsOf: ReportFixtures.findingsSchema))
        let definitions = try #require(schema["definitions"])
        #expect(definitions["category"]?["enum"]?.array?.compactMap(\.string) == Category.allCases.map(\.rawValue))
        #expect(Set(definitions["severity"]?["enum"]?.array?.compactMap(\.string) ?? []) == Set(Severity.allCases.map(\.rawValue)))
        #expect(Set(definitions["dataset"]?["enum"]?.array?.compactMap(\.string) ?? []) == Set(Dataset.allCases.map(\.rawValue)))
        #expect(
            schema["properties"]?["schema_version"]?["pattern"]?.string.map { JSONSchemaValidator.search($0, in: ScanReport.schemaVersion) }
                == true)
    }

    @Test("Each JSON Lines line validates as a finding of the schema")
    func jsonLinesSchema() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", "jsonl"], in: folder)
        let validator = try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let errors = validator.validate(try JSONValue.parse(String(line)), against: "#/definitions/finding")
            #expect(errors.isEmpty, "\(errors)")
        }
    }

    @Test(
        "SARIF from a real scan validates, with columns in characters",
        .enabled(
            if: TestPaths.sharedTestData(sarifSchema) != nil,
            Comment(rawValue: "SARIF schema absent at \(TestPaths.sharedTestDataDescription(sarifSchema))")))
    func sarifEndToEnd() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", "sarif"], in: folder)
        #expect(result.status == 1)
        let sarif = try JSONValue.parse(result.stdoutData)
        let errors = try JSONSchemaValidator(schemaFile: TestPaths.sharedTestData(Self.sarifSchema)!).validate(sarif)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        let results = try #require(sarif["runs"]?[0]?["results"]?.array)
        let zero = try #require(results.first { $0["ruleId"]?.string == "conduct.zero-failure" })
        let region = try #require(zero["locations"]?[0]?["physicalLocation"]?["region"])
        // 零 is the 9th character of the field but starts at its 25th byte.
        let text = "您好，我们的设备零故障，请放心"
        let characterColumn = text.distance(from: text.startIndex, to: text.firstIndex(of: "零")!) + 1
        let byteColumn = text.utf8.distance(from: text.utf8.startIndex, to: text.firstIndex(of: "零")!.samePosition(in: text.utf8)!) + 1
        #expect(characterColumn != byteColumn)
        #expect(region["startColumn"]?.int == characterColumn)
        #expect(region["startLine"]?.int == 2)
        // Outside git, the root is the folder the inputs have in common: exports/.
        #expect(zero["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]?.string == "messages.csv")
    }

    @Test(
        "The bundled corpus with every bundled rule: JSON and SARIF validate",
        .enabled(
            if: TestPaths.sharedTestData(sarifSchema) != nil,
            Comment(rawValue: "SARIF schema absent at \(TestPaths.sharedTestDataDescription(sarifSchema))")))
    func corpusValidates() throws {
        let folder = try TestPaths.temporaryFolder("crmlint-corpus")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(
            [
                "scan", TestPaths.repoRoot.appendingPathComponent("corpus").path, "--as-of", "2024-05-01",
                "--rules", TestPaths.repoRoot.appendingPathComponent("rules").path,
                "--output-json", "c.json", "--output-sarif", "c.sarif",
            ], in: folder)
        #expect(result.status == 1, "\(result.stderr)")
        let json = try JSONValue.parse(Data(contentsOf: folder.appendingPathComponent("c.json")))
        #expect((json["findings"]?.array?.count ?? 0) > 0)
        let jsonErrors = try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema).validate(json)
        #expect(jsonErrors.isEmpty, "\(jsonErrors.prefix(5))")
        let sarif = try JSONValue.parse(Data(contentsOf: folder.appendingPathComponent("c.sarif")))
        let sarifErrors = try JSONSchemaValidator(schemaFile: TestPaths.sharedTestData(Self.sarifSchema)!).validate(sarif)
        #expect(sarifErrors.isEmpty, "\(sarifErrors.prefix(5))")
        #expect(sarif["runs"]?[0]?["results"]?.array?.count == json["findings"]?.array?.count)
    }

    @Test("Several outputs in one run agree with the single-format runs")
    func severalOutputs() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(
            ReportFixtures.scanArguments + [
                "--output-json", "out/f.json", "--output-sarif", "out/f.sarif", "--output-jsonl", "out/f.jsonl",
                "--output-csv", "out/f.csv", "--output-junit", "out/f.xml",
            ], in: folder.creatingFolder("out"))
        #expect(result.status == 1)
        #expect(result.stdout.contains("exports/messages.csv:2: error: ")) // the main report still goes to stdout
        for (format, file) in [("json", "f.json"), ("sarif", "f.sarif"), ("jsonl", "f.jsonl"), ("csv", "f.csv"), ("junit", "f.xml")] {
            let single = try CLI.run(ReportFixtures.scanArguments + ["--format", format], in: folder)
            let written = try Data(contentsOf: folder.appendingPathComponent("out/\(file)"))
            #expect(written == single.stdoutData, "\(format) output differs from --format \(format)")
        }
        // No temporary files are left beside the reports.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
                == ["f.csv", "f.json", "f.jsonl", "f.sarif", "f.xml"])
    }

    @Test(
        "An output that cannot be written stops the run with exit 2 and one line",
        arguments: [
            ["--output-json", "missing/f.json"], ["--output-sarif", "exports"], ["--output", "exports/messages.csv"],
            ["--output-json", "a.json", "--output-sarif", "a.json"], ["--format", "jsonl", "--output-json", "-"],
        ])
    func unwritableOutput(arguments: [String]) throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + arguments, in: folder)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("error: "), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.json").path) == false)
        // The input named as an output is untouched.
        #expect(
            try String(contentsOf: folder.appendingPathComponent("exports/messages.csv"), encoding: .utf8).hasPrefix(ReportFixtures.header))
    }

    @Test("A read-only folder is caught before scanning", .enabled(if: getuid() != 0, "root can write into read-only folders"))
    func readOnlyFolder() throws {
        let folder = try ReportFixtures.folder().creatingFolder("locked")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.appendingPathComponent("locked").path)
        let result = try CLI.run(ReportFixtures.scanArguments + ["--output-json", "locked/f.json"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot write locked/f.json"))
    }

    static let exitCases: [ExitCase] = [
        ExitCase(["--fail-on", "error"], 1), ExitCase(["--fail-on", "warning"], 1), ExitCase(["--fail-on", "never"], 0),
        ExitCase(["--select", "contact.phone-in-text", "--fail-on", "error"], 0),
        ExitCase(["--select", "contact.phone-in-text", "--fail-on", "warning"], 1),
        ExitCase(["--select", "conduct.guarantee", "--fail-on", "warning"], 0),
        ExitCase(["--select", "conduct.guarantee", "--fail-on", "info"], 1),
        ExitCase(["--format", "yaml"], 2), ExitCase(["--baseline", "nope.json", "--baseline-required"], 2),
        ExitCase(["--suppressions", "nope.yml"], 2),
        ExitCase(["--rules", "nope/"], 2),
    ]

    struct ExitCase: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let expected: Int32
        init(_ arguments: [String], _ expected: Int32) {
            self.arguments = arguments
            self.expected = expected
        }
        var testDescription: String { "\(arguments.joined(separator: " ")) → \(expected)" }
    }

    @Test("Exit status: 1 only for findings at or above --fail-on, 2 for errors", arguments: exitCases)
    func exitCodes(case exitCase: ExitCase) throws {
        let arguments = exitCase.arguments, expected = exitCase.expected
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = ["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-05-01"]
        let result = try CLI.run(base + arguments, in: folder)
        #expect(result.status == expected, "stderr: \(result.stderr)")
        if expected == 2 { #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)") }
    }

    @Test("fail_on in crmlint.yml sets the threshold; --fail-on overrides it")
    func failOnFromConfig() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = ["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-05-01", "--select", "contact.phone-in-text"]
        #expect(try CLI.run(base, in: folder).status == 0) // only a warning, default threshold error
        try "fail_on: warning\n".write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(base, in: folder).status == 1)
        #expect(try CLI.run(base + ["--fail-on", "error"], in: folder).status == 0)
        try "fail_on: sometimes\n".write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(base, in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: crmlint.yml:1:10: unknown fail_on 'sometimes'; expected one of error, warning, info, never\n")
    }

    @Test("--skip-unrecognized passes over files that are not exports, and says so on stderr")
    func skipUnrecognized() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{\"name\": \"app\", \"version\": \"1.0.0\"}\n".write(
            to: folder.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        let arguments = [
            "scan", "exports/messages.csv", "package.json", "--rules", "rules.yml", "--as-of", "2024-05-01",
            "--select", "contact.phone-in-text", "--format", "json",
        ]
        let plain = try CLI.run(arguments, in: folder)
        #expect(plain.status == 1)
        #expect(try ReportFixtures.decode(plain.stdout).findings.contains { $0.file == "package.json" && $0.category == .inputError })
        let skipping = try CLI.run(arguments + ["--skip-unrecognized"], in: folder)
        #expect(skipping.status == 0, "\(skipping.stderr)")
        let report = try ReportFixtures.decode(skipping.stdout)
        #expect(report.findings.map(\.recordId) == ["m-2"])
        #expect(report.run.inputs.map(\.path) == ["exports/messages.csv"])
        #expect(skipping.stderr == "package.json: note: skipped, not a CRM export crmlint recognises\n")
    }

    @Test("No output format carries a contact detail unmasked", arguments: ReportFormat.allCases)
    func redactedEverywhere(format: ReportFormat) throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(ReportFixtures.scanArguments + ["--format", format.rawValue, "--show-excerpts"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("5678"), "the masked excerpt should still be there")
        #expect(!result.stdout.contains(ReportFixtures.phone))
        #expect(!result.stdout.contains("1381234"))
    }

    @Test("JSON Lines are written while the scan runs, not after it")
    func jsonLinesStream() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "inputs:\n  - path: \"<stdin>\"\n    dataset: messages\n".write(
            to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = ["scan", "-", "--rules", "rules.yml", "--as-of", "2024-05-01", "--format", "jsonl"]
        process.currentDirectoryURL = folder
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Our copy of the write end goes, so the read side sees the end when crmlint exits.
        try output.fileHandleForWriting.close()
        defer { if process.isRunning { process.terminate() } }
        input.fileHandleForWriting.write(Data((ReportFixtures.header + ReportFixtures.rows[0]).utf8))
        // Standard input is still open, so the scan cannot have finished.
        let first = Self.readLine(output.fileHandleForReading)
        #expect(process.isRunning)
        #expect(first.contains("\"record_id\":\"m-1\""))
        input.fileHandleForWriting.write(Data(ReportFixtures.rows[3].utf8))
        let second = Self.readLine(output.fileHandleForReading)
        #expect(second.contains("\"record_id\":\"m-4\""))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
    }

    /// One line of output. Waits at most two minutes for each byte: a hang
    /// guard, not a timing assertion — if lines only came at the end of the
    /// scan this would otherwise wait forever; it returns what it has instead.
    static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while poll(&descriptor, 1, 120_000) > 0, let chunk = try? handle.read(upToCount: 1), let byte = chunk.first {
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension URL {
    /// Creates a subfolder and returns self, for fluent fixture setup.
    func creatingFolder(_ name: String) throws -> URL {
        try FileManager.default.createDirectory(at: appendingPathComponent(name), withIntermediateDirectories: true)
        return self
    }
}
