import CrmlintCore
import CrmlintRules
import Foundation
import Testing

@Suite struct RuleLoaderTests {
    func load(_ yaml: String) -> ([Rule], [CrmlintError]) { RuleLoader.load(yaml: yaml, file: "rules/test.yml") }

    let valid = """
        - id: conduct.zero-failure
          category: exaggeration
          severity: error
          message: 不得夸大产品功能
          patterns: ['零\\s*故障']
        """

    @Test func loadsAValidRuleWithPatternKindByDefault() {
        let (rules, errors) = load(valid)
        #expect(errors.isEmpty)
        #expect(rules.count == 1)
        #expect(rules.first?.metadata.kind == "pattern")
        #expect(rules.first?.metadata.line == 1)
    }

    @Test func unknownKeyIsAnErrorWithLineAndRuleID() {
        let (rules, errors) = load(valid + "\n  pattern: oops\n")
        #expect(rules.isEmpty)
        // 'patterns' is there too: 'pattern' is not taken for it.
        #expect(errors.map(\.description) == ["error: rules/test.yml:6:3: rule 'conduct.zero-failure': unknown key 'pattern'"])
    }

    @Test func unknownKeysSayWhichKeyWasMeant() {
        let (_, errors) = load(
            valid.replacingOccurrences(of: "patterns:", with: "pattern:").replacingOccurrences(of: "severity:", with: "severty:")
                .replacingOccurrences(of: "category: exaggeration", with: "category: exagerration"))
        #expect(
            errors.map(\.description).sorted() == [
                "error: rules/test.yml:1:3: rule 'conduct.zero-failure': missing required key 'patterns'",
                "error: rules/test.yml:1:3: rule 'conduct.zero-failure': missing required key 'severity'",
                "error: rules/test.yml:2:3: rule 'conduct.zero-failure': unknown category 'exagerration' (did you mean 'exaggeration'?); expected one of "
                    + Category.allCases.map(\.rawValue).joined(separator: ", "),
                "error: rules/test.yml:3:3: rule 'conduct.zero-failure': unknown key 'severty' (did you mean 'severity'?)",
                "error: rules/test.yml:5:3: rule 'conduct.zero-failure': unknown key 'pattern' (did you mean 'patterns'?)",
            ])
    }

    @Test func badPatternReportsOffset() {
        let (_, errors) = load(valid.replacingOccurrences(of: "['零\\s*故障']", with: "['零(故障']"))
        #expect(errors.count == 1)
        #expect(errors.first?.description.contains("rules/test.yml:5") == true)
        #expect(errors.first?.description.contains("at character 4") == true)
    }

    @Test func allProblemsOfALoadAreReportedTogether() {
        let yaml = """
            - id: a.one
              category: nonsense
              severity: fatal
              message: x
              patterns: ['x']
            - id: a.two
              category: bribery
              severity: error
              patterns: ['y']
            - id: Bad Id
              category: bribery
              severity: error
              message: z
              patterns: ['(']
            """
        let (rules, errors) = load(yaml)
        #expect(rules.isEmpty)
        let text = errors.map(\.description)
        #expect(text.contains { $0.contains(":2:3: rule 'a.one': unknown category 'nonsense'") })
        #expect(text.contains { $0.contains(":3:3: rule 'a.one': unknown severity 'fatal'") })
        #expect(text.contains { $0.contains(":6:3: rule 'a.two': missing required key 'message'") })
        #expect(text.contains { $0.contains("rule 'Bad Id': id 'Bad Id' must be lowercase") })
        #expect(text.contains { $0.contains("rule 'Bad Id': bad pattern") })
    }

    @Test func invalidYAMLIsOneErrorWithALine() {
        let (_, errors) = load("- id: x\n  patterns: [unclosed\n")
        #expect(errors.count == 1)
        #expect(errors.first?.description.hasPrefix("error: rules/test.yml:") == true)
        #expect(errors.first?.description.contains("invalid YAML") == true)
    }

    @Test func fileMustBeAList() {
        let (_, errors) = load("id: x\n")
        #expect(errors.first?.description.contains("must be a YAML list") == true)
    }

    @Test func unknownKindIsAnError() {
        let (_, errors) = load(valid + "\n  kind: telepathy\n")
        #expect(errors.contains { $0.description.contains("unknown kind 'telepathy'") })
    }

    @Test func duplicateIDsAcrossFilesAreAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try valid.write(to: folder.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        try valid.write(to: folder.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        #expect {
            _ = try RuleLoader.load(paths: [folder.path])
        } throws: { error in
            "\(error)".contains("duplicate rule id (first defined at \(folder.path)/a.yml:1)")
        }
    }

    @Test func filterSelectsByIdPrefixAndCategory() throws {
        let (rules, _) = load(valid)
        let meta = try #require(rules.first?.metadata)
        #expect(RuleFilter(select: ["conduct."]).includes(meta))
        #expect(RuleFilter(select: ["exaggeration"]).includes(meta))
        #expect(!RuleFilter(ignore: ["exaggeration"]).includes(meta))
        #expect(!RuleFilter(select: ["bribery"]).includes(meta))
        #expect(RuleFilter(select: ["nope"]).unknownSelectors(in: rules) == ["nope"])
    }
}
