import CrmlintCore
import CrmlintEngine
import Foundation
import TestHelpers
import Testing

/// crmlint.yml and suppressions files are read by the same strict YAML reader
/// as rule files (CrmlintRulesTests/StrictYAMLTests): an alias bomb is one
/// refusal, and a catastrophic pattern an override sets is rejected like one
/// in a rule file.
@Suite struct StrictYAMLEntryTests {
    static var aliasBomb: String { HostileYAML.aliasBomb }
    static let refusal = HostileYAML.refusal

    @Test func configWithAnAliasBombIsRefused() {
        #expect(throws: CrmlintError.config(file: "crmlint.yml", line: 0, column: 0, reason: Self.refusal)) {
            try Config.parse(Self.aliasBomb, file: "crmlint.yml")
        }
    }

    @Test func suppressionsFileWithAnAliasBombIsRefused() {
        #expect(throws: CrmlintError.config(file: "s.yml", line: 0, column: 0, reason: Self.refusal)) {
            try Suppressions.parse("- " + Self.aliasBomb.replacingOccurrences(of: "\n", with: "\n  "), file: "s.yml")
        }
    }

    @Test func catastrophicPatternInAnOverrideIsRejected() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "overrides:\n  conduct.zero-failure:\n    patterns: ['(a+)+$']\n"
            .write(to: folder.appendingPathComponent("crmlint.yml"), atomically: true, encoding: .utf8)
        try "id,customer_id,timestamp,direction,text\nM1,CRM-1,2024-03-15 10:00,outbound,好\n"
            .write(to: folder.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        let result = try crmlint(["scan", "m.csv"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("crmlint.yml:3:5: rule 'conduct.zero-failure': pattern '(a+)+$' backtracks catastrophically"),
            "\(result.stderr)")
    }
}
