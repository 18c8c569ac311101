import CrmlintEngine
import CrmlintRules
import Foundation
import Testing

/// `crmlint version --verbose`: what a bug report needs, from the library and the binary.
@Suite struct VersionTests {
    @Test func buildInfoNamesPCRE2AndTheRulePack() {
        let info = BuildInfo.current(environment: [:])
        #expect(info.version == CrmlintVersion.current)
        #expect(info.pcre2Version.range(of: #"^10\.\d+"#, options: .regularExpression) != nil, "\(info.pcre2Version)")
        #expect(info.defaultRules == "builtin:rules")
        #expect(info.builtinRuleFiles == BuiltinRules.files.count)
        #expect(info.builtinRulesHash == BuiltinRules.fingerprint)
        #expect(!info.commit.isEmpty)
        // The tests' build is a debug one; scripts/check-package checks the release package's line.
        #if DEBUG
            #expect(info.optimization == "debug")
        #else
            #expect(info.optimization.hasPrefix("release"))
        #endif
        #expect(info.text(verbose: true).contains("\nbuild: \(info.optimization)\n"))
    }

    @Test func rulesFromTheEnvironmentAreNamed() {
        let info = BuildInfo.current(environment: ["CRMLINT_RULES": "/srv/rules"])
        #expect(info.defaultRules == "/srv/rules (from CRMLINT_RULES)")
        #expect(info.text(verbose: true).contains("default rules: /srv/rules (from CRMLINT_RULES)\n"))
    }

    @Test func verboseCommandPrintsEveryFact() throws {
        let result = try crmlint(["version", "--verbose"], in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "crmlint \(CrmlintVersion.current)")
        for key in [
            "commit: ", "pcre2: 10.", "default rules: ",
            "built-in rules: \(BuiltinRules.files.count) files, fnv1a \(BuiltinRules.fingerprint)", "platform: ", "build: ",
        ] {
            #expect(lines.contains { $0.hasPrefix(key) }, "no line starting '\(key)' in \(result.stdout)")
        }
        #expect(result.stdout.contains("JIT available") || result.stdout.contains("JIT not available"))
    }

    @Test func plainVersionIsOneLine() throws {
        let result = try crmlint(["version"])
        #expect(result.status == 0)
        #expect(result.stdout == "crmlint \(CrmlintVersion.current)\n")
    }
}
