import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// The rule pack compiled into the binary is rules/, byte for byte.
@Suite struct EmbeddedRulesTests {
    static let stale = "Sources/CrmlintRules/EmbeddedRules.swift is stale: run scripts/embed-rules"

    @Test func embeddedPackEqualsRulesFolder() throws {
        let folder = repositoryRoot.appendingPathComponent("rules")
        let onDisk = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue && !path.split(separator: "/").contains { $0.hasPrefix(".") }
            }
            .sorted()
        let embedded = BuiltinRules.files
        #expect(embedded.map(\.path) == onDisk, "\(Self.stale) (the files differ)")
        for (path, contents) in embedded where onDisk.contains(path) {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(path))
            #expect(Data(contents.utf8) == bytes, "rules/\(path) differs from the embedded copy: \(Self.stale)")
        }
    }

    @Test func builtinPathsLoadTheSameRules() throws {
        let fromDisk = try RuleLoader.load(paths: [repositoryRoot.appendingPathComponent("rules").path], checkExamples: false)
        let builtin = try RuleLoader.load(paths: [BuiltinRules.root], checkExamples: false)
        #expect(builtin.map(\.metadata.id) == fromDisk.map(\.metadata.id))
        let r1 = try #require(builtin.first { $0.metadata.policy == "R1" })
        #expect(r1.metadata.file == "builtin:rules/R1-exaggeration.yml")
    }

    @Test func builtinFileAndFolderPaths() throws {
        // One file needs the word classes it uses, from the terms folder.
        let rules = try RuleLoader.load(paths: ["builtin:rules/R1-exaggeration.yml", "builtin:rules/terms"], checkExamples: false)
        #expect(!rules.isEmpty && rules.allSatisfy { $0.metadata.file == "builtin:rules/R1-exaggeration.yml" })
        #expect(BuiltinRules.contents(of: "builtin:rules/terms/common.yml") != nil)
        #expect(BuiltinRules.contents(of: "builtin:rules/nothing.yml") == nil)
    }

    @Test func unknownBuiltinPathIsAnError() {
        do {
            _ = try RuleLoader.load(paths: ["builtin:rules/R9-nothing.yml"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("builtin:rules/R9-nothing.yml"))
            #expect("\(error)".contains("no such built-in rules file or folder"))
        }
    }

    @Test func fingerprintIsStable() {
        #expect(BuiltinRules.fingerprint.count == 16)
        #expect(BuiltinRules.fingerprint == BuiltinRules.fingerprint)
    }
}
