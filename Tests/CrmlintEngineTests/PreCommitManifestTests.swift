import Foundation
import TestHelpers
import Testing
import Yams

/// The `.pre-commit-hooks.yaml` manifest, checked against what pre-commit
/// requires. `scripts/check-pre-commit` proves it with the real pre-commit.
@Suite("pre-commit manifest")
struct PreCommitManifestTests {
    static func hooks() throws -> [[String: Any]] {
        let text = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [[String: Any]])
    }

    @Test("Every hook has the required keys and runs the crmlint executable")
    func requiredKeys() throws {
        let hooks = try Self.hooks()
        #expect(!hooks.isEmpty)
        let package = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        for hook in hooks {
            for key in ["id", "name", "entry", "language"] { #expect(hook[key] is String, "hook lacks \(key)") }
            let entry = try #require(hook["entry"] as? String)
            let executable = try #require(entry.split(separator: " ").first)
            // language: swift puts the package's products on PATH: the entry must be one of them.
            #expect(package.contains(".executable(name: \"\(executable)\""))
            #expect(["swift", "system", "unsupported"].contains(hook["language"] as? String ?? ""))
        }
        #expect(Set(hooks.compactMap { $0["id"] as? String }).count == hooks.count)
    }

    @Test(
        "Hooks run on CSV, JSON Lines and JSON files only",
        arguments: [
            ("exports/messages.csv", true), ("a/b/客户.jsonl", true), ("x.ndjson", true), ("data/followups.json", true),
            ("notes.md", false), ("crmlint.yml", false), ("a.csv.bak", false), ("csv", false),
        ])
    func files(path: String, expected: Bool) throws {
        for hook in try Self.hooks() {
            let pattern = try #require(hook["files"] as? String)
            // pre-commit applies `files` with Python's re.search.
            let regex = try NSRegularExpression(pattern: pattern)
            let found = regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
            #expect(found == expected, "\(hook["id"] ?? "?"): \(path)")
        }
    }
}
