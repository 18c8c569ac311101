import CrmlintCore
import Foundation
import TestHelpers
import Testing

/// SARIF paths: relative to one root (`SRCROOT`), never climbing out of it with `../`.
@Suite("SARIF paths and --sarif-root")
struct SARIFPathTests {
    static let sarifSchema = "sarif/sarif-schema-2.1.0.json"

    /// A repository (with `.git`) holding a subfolder to run from, and an export folder outside it.
    func layout() throws -> (repo: URL, export: URL, cleanup: () -> Void) {
        let repo = try TestPaths.temporaryFolder("crmlint-sarif-repo")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("work"), withIntermediateDirectories: true)
        try ReportFixtures.rules.write(to: repo.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let exportRoot = try ReportFixtures.folder()
        return (
            repo, exportRoot.appendingPathComponent("exports"),
            {
                try? FileManager.default.removeItem(at: repo)
                try? FileManager.default.removeItem(at: exportRoot)
            }
        )
    }

    func sarif(_ arguments: [String], in folder: URL) throws -> (result: CLIResult, log: JSONValue) {
        let result = try CLI.run(arguments + ["--rules", "../rules.yml", "--as-of", "2024-05-01", "--format", "sarif"], in: folder)
        #expect(result.status == 1, "\(result.stderr)")
        let log = try JSONValue.parse(result.stdoutData)
        if let schema = TestPaths.sharedTestData(Self.sarifSchema) {
            let errors = try JSONSchemaValidator(schemaFile: schema).validate(log)
            #expect(errors.isEmpty, "\(errors.prefix(5))")
        }
        return (result, log)
    }

    /// Every artifact location of results and related locations.
    func locations(_ log: JSONValue) -> [(uri: String, base: String?)] {
        let results = log["runs"]?[0]?["results"]?.array ?? []
        return results.flatMap { result in
            ((result["locations"]?.array ?? []) + (result["relatedLocations"]?.array ?? [])).compactMap { location in
                let artifact = location["physicalLocation"]?["artifactLocation"]
                return artifact?["uri"]?.string.map { ($0, artifact?["uriBaseId"]?.string) }
            }
        }
    }

    func root(_ log: JSONValue) -> String? { log["runs"]?[0]?["originalUriBaseIds"]?["SRCROOT"]?["uri"]?.string }

    func fileURI(_ url: URL) -> String { "file://" + url.standardizedFileURL.resolvingSymlinksInPath().path + "/" }

    @Test("An export outside the working folder: paths from the folder the inputs share")
    func exportOutsideTheWorkingFolder() throws {
        let (repo, export, cleanup) = try layout()
        defer { cleanup() }
        let (_, log) = try sarif(["scan", export.path], in: repo.appendingPathComponent("work"))
        #expect(root(log) == fileURI(export))
        let found = locations(log)
        #expect(!found.isEmpty)
        #expect(Set(found.map(\.uri)) == ["messages.csv"])
        #expect(found.allSatisfy { $0.base == "SRCROOT" })
    }

    @Test("Inside a repository, from a subfolder: paths from the repository's top, no ../")
    func insideTheRepositoryFromASubfolder() throws {
        let (repo, export, cleanup) = try layout()
        defer { cleanup() }
        let inside = repo.appendingPathComponent("exports")
        try FileManager.default.copyItem(at: export, to: inside)
        let (_, log) = try sarif(["scan", "../exports"], in: repo.appendingPathComponent("work"))
        #expect(root(log) == fileURI(repo))
        #expect(Set(locations(log).map(\.uri)) == ["exports/messages.csv"])
    }

    @Test("--sarif-root names the root; it must be a folder holding every input")
    func explicitRoot() throws {
        let (repo, export, cleanup) = try layout()
        defer { cleanup() }
        let parent = export.deletingLastPathComponent()
        let (_, log) = try sarif(["scan", export.path, "--sarif-root", parent.path], in: repo.appendingPathComponent("work"))
        #expect(root(log) == fileURI(parent))
        #expect(Set(locations(log).map(\.uri)) == ["exports/messages.csv"])

        let base = ["scan", export.path, "--rules", "../rules.yml", "--as-of", "2024-05-01"]
        let outside = try CLI.run(base + ["--format", "sarif", "--sarif-root", repo.path], in: repo.appendingPathComponent("work"))
        #expect(outside.status == 2)
        #expect(outside.stdout.isEmpty)
        #expect(outside.stderr == "error: --sarif-root \(repo.path) does not contain the input \(export.path)\n")
        let noSARIF = try CLI.run(base + ["--sarif-root", parent.path], in: repo.appendingPathComponent("work"))
        #expect(noSARIF.status == 2)
        #expect(noSARIF.stderr == "error: --sarif-root applies to SARIF output: add --format sarif or --output-sarif FILE\n")
        let missing = try CLI.run(base + ["--format", "sarif", "--sarif-root", "nowhere"], in: repo.appendingPathComponent("work"))
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: --sarif-root nowhere is not a folder\n")
    }
}
