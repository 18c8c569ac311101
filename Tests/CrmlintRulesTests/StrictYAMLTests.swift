import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

/// Every place a rule file holds YAML or a pattern goes through one reader
/// (`StrictYAML`) and one pattern compiler (`RuleDefinition.compile`): an
/// alias bomb is refused and `(a+)+$` is rejected wherever it is written.
/// crmlint.yml and suppressions files: CrmlintEngineTests/StrictYAMLEntryTests.
@Suite struct StrictYAMLTests {
    static var aliasBomb: String { HostileYAML.aliasBomb }
    static let refusal = HostileYAML.refusal

    /// A required-fields rule whose `formats.customer_id` is `format` (a nested entry).
    static func requiredRule(customerIdFormat format: String) -> String {
        """
        - id: x.complete
          kind: required
          category: incomplete-record
          severity: warning
          message: m
          required: {followups: [customer_id]}
          formats:
            customer_id: \(format)

        """
    }

    func errors(_ yaml: String) -> [String] { RuleLoader.load(yaml: yaml, file: "rules/x.yml").1.map(\.description) }

    @Test func readerRefusesAnAliasBombAndPlacesSyntaxErrors() throws {
        #expect(throws: StrictYAML.Problem(line: 0, column: 0, reason: Self.refusal)) { try StrictYAML.compose(Self.aliasBomb) }
        #expect(throws: StrictYAML.Problem.self) { try StrictYAML.compose("a: [1, 2\nb: 3\n") }
        #expect(try StrictYAML.compose("") == nil)
    }

    @Test func ruleFileWithAnAliasBombIsOneError() {
        #expect(errors(Self.aliasBomb) == ["error: rules/x.yml: \(Self.refusal)"])
    }

    @Test func inlineRuleDefinitionGoesThroughTheGuardToo() {
        #expect(throws: CrmlintError.self) { try RuleDefinition(yaml: Self.aliasBomb) }
    }

    @Test func topLevelPatternIsProbed() {
        let found = errors("- id: x.slow\n  category: exaggeration\n  severity: error\n  message: m\n  patterns: ['(a+)+$']\n")
        #expect(found.count == 1 && found[0].contains("rule 'x.slow': pattern '(a+)+$' backtracks catastrophically"), "\(found)")
    }

    /// `trigger.text.patterns` of a quiet-period rule: nested, and probed like a top-level one.
    @Test func nestedEventPatternIsProbed() {
        let yaml = """
            - id: x.quiet
              kind: quiet_period
              category: quiet-period
              severity: warning
              message: m
              datasets: [messages]
              trigger:
                datasets: [messages]
                direction: inbound
                text: {field: text, patterns: ['(a+)+$']}
              contacts: {direction: outbound}
              pause: 30d

            """
        let found = errors(yaml)
        #expect(found.contains { $0.contains("rules/x.yml:7:3: rule 'x.quiet': pattern '(a+)+$' backtracks catastrophically") }, "\(found)")
    }

    /// `formats.FIELD.pattern` of a required-fields rule.
    @Test func nestedFormatPatternIsProbed() {
        let yaml = Self.requiredRule(customerIdFormat: "{pattern: '(a+)+$'}")
        let found = errors(yaml)
        #expect(found.contains { $0.contains("rule 'x.complete': pattern '(a+)+$' backtracks catastrophically") }, "\(found)")
    }

    @Test func nestedBadPatternNamesItsPath() {
        let yaml = Self.requiredRule(customerIdFormat: "{pattern: '(unclosed'}")
        let found = errors(yaml)
        #expect(found.contains { $0.contains("bad pattern in 'formats.customer_id.pattern'") }, "\(found)")
    }

    /// A key that is a list is named `[list]`, never printed (it could expand aliases without end).
    @Test func collectionKeysAreNamedNotPrinted() {
        let yaml = Self.requiredRule(customerIdFormat: "{[a, b]: c, pattern: '^C'}")
        let found = errors(yaml)
        #expect(found.contains { $0.contains("unknown key '[list]' in 'formats.customer_id'") }, "\(found)")
    }
}
