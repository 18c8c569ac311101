import CrmlintCore
import CrmlintReporters
import Foundation
import TestHelpers
import Testing

@Suite("SARIF reporter")
struct SARIFReporterTests {
    static let schemaPath = "sarif/sarif-schema-2.1.0.json"
    static let schemaMissing = "SARIF schema absent at \(TestPaths.sharedTestDataDescription(schemaPath))"

    func sarif(_ report: ScanReport = SampleReports.report()) throws -> JSONValue {
        try JSONValue.parse(SARIFReporter().render(report))
    }

    @Test(
        "Output validates against the official SARIF 2.1.0 schema",
        .enabled(if: TestPaths.sharedTestData(schemaPath) != nil, Comment(rawValue: schemaMissing)))
    func validatesAgainstSchema() throws {
        let validator = try JSONSchemaValidator(schemaFile: TestPaths.sharedTestData(Self.schemaPath)!)
        let reports = [
            SampleReports.report(),
            SampleReports.report(suppressions: SampleReports.staleSuppressions, baselined: 3),
            SampleReports.report([]),
        ]
        for report in reports {
            let errors = validator.validate(try sarif(report))
            #expect(errors.isEmpty, "SARIF invalid: \(errors.prefix(5))")
        }
    }

    @Test("Every rule carries what GitHub code scanning requires")
    func rulesForGitHub() throws {
        let driver = try #require(try sarif()["runs"]?[0]?["tool"]?["driver"])
        #expect(driver["name"]?.string == "crmlint")
        let rules = try #require(driver["rules"]?.array)
        let ids = rules.compactMap { $0["id"]?.string }
        // Every rule that ran, plus the built-in rule only a finding names.
        #expect(Set(ids) == Set(SampleReports.rules.map(\.id) + ["input.unreadable-file"]))
        #expect(ids.count == Set(ids).count)
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = rule[key]?["text"]?.string ?? ""
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(rule["id"]?.string ?? "?") lacks \(key).text")
                if key != "help" { #expect(text.count <= 1024) }
            }
            #expect(["error", "warning", "note"].contains(rule["defaultConfiguration"]?["level"]?.string ?? ""))
        }
        let zero = try #require(rules.first { $0["id"]?.string == "conduct.zero-failure" })
        #expect(zero["fullDescription"]?["text"]?.string == "Sales staff must not claim the equipment never fails.")
        #expect(zero["help"]?["text"]?.string?.contains("R1") == true)
        #expect(zero["defaultConfiguration"]?["level"]?.string == "error")
    }

    @Test("Every result has ruleId, level, message, location, region and fingerprints")
    func resultsForGitHub() throws {
        let report = SampleReports.report()
        let run = try #require(try sarif(report)["runs"]?[0])
        #expect(run["columnKind"]?.string == "unicodeCodePoints")
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.array)
        let results = try #require(run["results"]?.array)
        #expect(results.count == report.findings.count)
        for (result, finding) in zip(results, report.findings) {
            #expect(result["ruleId"]?.string == finding.rule)
            let index = try #require(result["ruleIndex"]?.int)
            #expect(rules[index]["id"]?.string == finding.rule)
            let expectedLevel = ["error": "error", "warning": "warning", "info": "note"][finding.severity.rawValue]
            #expect(result["level"]?.string == expectedLevel)
            #expect(result["message"]?["text"]?.string?.hasPrefix(finding.message) == true)
            #expect(result["partialFingerprints"]?["primaryLocationLineHash"]?.string == finding.fingerprint)
            let physical = try #require(result["locations"]?[0]?["physicalLocation"])
            let uri = try #require(physical["artifactLocation"]?["uri"]?.string)
            if finding.file.hasPrefix("/") {
                #expect(uri == "file://" + finding.file)
            } else {
                #expect(!uri.hasPrefix("/") && !uri.contains(":"), "relative URI expected, got \(uri)")
                #expect(uri.removingPercentEncoding == finding.file)
            }
            if finding.line > 0 {
                #expect(physical["region"]?["startLine"]?.int == finding.line)
                #expect(physical["region"]?["startColumn"]?.int == finding.column)
            } else {
                #expect(physical["region"] == nil)
            }
            #expect(result["relatedLocations"]?.array?.count == finding.related?.count)
        }
    }

    @Test("Related records become relatedLocations with their lines")
    func relatedLocations() throws {
        let results = try #require(try sarif()["runs"]?[0]?["results"]?.array)
        let result = try #require(results.first { $0["ruleId"]?.string == "cadence.daily-limit" })
        let related = try #require(result["relatedLocations"]?.array)
        #expect(related.compactMap { $0["physicalLocation"]?["region"]?["startLine"]?.int } == [31, 35])
        #expect(related.compactMap { $0["message"]?["text"]?.string } == ["earlier call 1", "record m-8"])
        #expect(related.compactMap { $0["id"]?.int } == [1, 2])
    }

    @Test("Stale suppressions become tool notifications; baselined runs mark results new")
    func notificationsAndBaseline() throws {
        let run = try #require(try sarif(SampleReports.report(suppressions: SampleReports.staleSuppressions, baselined: 2))["runs"]?[0])
        let notifications = try #require(run["invocations"]?[0]?["toolExecutionNotifications"]?.array)
        #expect(notifications.compactMap { $0["locations"]?[0]?["physicalLocation"]?["region"]?["startLine"]?.int } == [4, 8])
        #expect(run["results"]?.array?.allSatisfy { $0["baselineState"]?.string == "new" } == true)
        let plain = try #require(try sarif()["runs"]?[0])
        #expect(plain["invocations"]?[0]?["toolExecutionNotifications"] == nil)
        #expect(plain["results"]?[0]?["baselineState"] == nil)
    }

    @Test("Paths are relative to SRCROOT, whose absolute URI is given; none climbs out with ../")
    func pathsRelativeToTheRoot() throws {
        var outside = SampleReports.zeroFailure
        outside.file = "../elsewhere/m.csv"
        let report = SampleReports.report([SampleReports.zeroFailure, SampleReports.unreadable, outside])
        func locations(_ root: String?) throws -> (root: String?, uris: [String: (uri: String, base: String?)]) {
            let run = try #require(try JSONValue.parse(SARIFReporter(root: root).render(report))["runs"]?[0])
            var uris: [String: (String, String?)] = [:]
            for (result, finding) in zip(run["results"]?.array ?? [], report.findings) {
                let artifact = result["locations"]?[0]?["physicalLocation"]?["artifactLocation"]
                uris[finding.file] = (artifact?["uri"]?.string ?? "", artifact?["uriBaseId"]?.string)
            }
            return (run["originalUriBaseIds"]?["SRCROOT"]?["uri"]?.string, uris)
        }
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        let plain = try locations(nil)
        #expect(plain.root?.hasPrefix("file:///") == true && plain.root?.hasSuffix("/") == true)
        #expect(plain.uris["exports/messages.csv"]?.uri == "exports/messages.csv")
        #expect(plain.uris["exports/messages.csv"]?.base == "SRCROOT")
        // Outside the root: an absolute file URI, not ../elsewhere/m.csv.
        let climbed = try #require(plain.uris["../elsewhere/m.csv"])
        #expect(climbed.uri.hasPrefix("file:///") && climbed.uri.hasSuffix("/elsewhere/m.csv") && climbed.base == nil, "\(climbed)")
        let data = try locations("/data")
        #expect(data.root == "file:///data/")
        #expect(data.uris["/data/exports/locked.csv"]?.uri == "exports/locked.csv")
        #expect(data.uris["/data/exports/locked.csv"]?.base == "SRCROOT")
        #expect(data.uris["exports/messages.csv"]?.uri == "file://" + (here as NSString).appendingPathComponent("exports/messages.csv"))
    }

    @Test("Same report, same bytes")
    func deterministic() {
        #expect(SARIFReporter().render(SampleReports.report()) == SARIFReporter().render(SampleReports.report()))
    }
}

@Suite("JSON Schema validator (test helper)")
struct JSONSchemaValidatorTests {
    static let missing = "SARIF test data absent at \(TestPaths.sharedTestDataDescription("sarif"))"

    static func validator() throws -> JSONSchemaValidator {
        try JSONSchemaValidator(schemaFile: TestPaths.sharedTestData("sarif/sarif-schema-2.1.0.json")!)
    }

    @Test(
        "Accepts the published SARIF examples", .enabled(if: TestPaths.sharedTestData("sarif/examples") != nil, Comment(rawValue: missing)))
    func acceptsExamples() throws {
        let folder = TestPaths.sharedTestData("sarif/examples")!
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 3)
        let validator = try Self.validator()
        for file in files {
            let errors = validator.validate(try JSONValue.parse(Data(contentsOf: folder.appendingPathComponent(file))))
            #expect(errors.isEmpty, "\(file): \(errors.prefix(3))")
        }
    }

    /// Each mutation of a valid log breaks one schema rule; the validator must say so.
    @Test(
        "Rejects broken SARIF", .enabled(if: TestPaths.sharedTestData("sarif/examples") != nil, Comment(rawValue: missing)),
        arguments: [
            ("\"version\": \"2.1.0\",", "\"version\": \"2.2\",", "is not one of"),
            ("\"version\": \"2.1.0\",", "", "missing required property 'version'"),
            ("\"startLine\": 2,", "\"startLine\": 0,", "below the minimum"),
            ("\"startLine\": 2,", "\"startLine\": 2, \"startColum\": 3,", "'startColum' is not allowed"),
            ("\"startLine\": 2,", "\"startLine\": \"2\",", "expected integer"),
            ("\"ruleId\": \"R01\",", "\"ruleId\": 7,", "expected string"),
            ("\"uri\": \"fileURI\"", "\"uri\": \"src/有 空格.js\"", "is not a valid uri-reference"),
            ("\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",", "\"$schema\": \"sarif 2.1.0\",", "is not a valid uri"),
        ])
    func rejectsBroken(original: String, replacement: String, expected: String) throws {
        let url = TestPaths.sharedTestData("sarif/examples/github-docs-minimum-required.sarif.json")!
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(original), "example no longer contains \(original)")
        let broken = try JSONValue.parse(text.replacingOccurrences(of: original, with: replacement))
        let errors = try Self.validator().validate(broken)
        #expect(errors.contains { $0.contains(expected) }, "expected an error containing '\(expected)', got \(errors)")
    }

    @Test("Refuses schemas with keywords it does not implement")
    func unknownKeyword() throws {
        let schema = try JSONValue.parse(#"{"type": "object", "propertyNames": {"pattern": "^a"}}"#)
        let errors = JSONSchemaValidator(schema: schema).validate(try JSONValue.parse(#"{"b": 1}"#))
        #expect(errors.contains { $0.contains("propertyNames") })
    }

    @Test("oneOf, anyOf, uniqueItems, pattern, date-time")
    func combinators() throws {
        let schema = try JSONValue.parse(
            #"""
            {"type": "object", "properties": {
              "a": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]},
              "b": {"anyOf": [{"type": "string", "pattern": "^x"}, {"type": "null"}]},
              "c": {"type": "array", "uniqueItems": true},
              "d": {"type": "string", "format": "date-time"}}}
            """#)
        let validator = JSONSchemaValidator(schema: schema)
        #expect(
            validator.validate(try JSONValue.parse(#"{"a": -1.5, "b": "xy", "c": [1, "1"], "d": "2024-05-01T00:00:00+08:00"}"#)).isEmpty
                == false)
        #expect(validator.validate(try JSONValue.parse(#"{"a": 0.5, "b": null, "c": [1, "1"], "d": "2024-05-01T00:00:00+08:00"}"#)).isEmpty)
        #expect(validator.validate(try JSONValue.parse(#"{"a": 5}"#)).contains { $0.contains("2 of oneOf") })
        #expect(validator.validate(try JSONValue.parse(#"{"b": "yx"}"#)).contains { $0.contains("none of anyOf") })
        #expect(validator.validate(try JSONValue.parse(#"{"c": [1, 1.0]}"#)).contains { $0.contains("repeats") })
        #expect(validator.validate(try JSONValue.parse(#"{"d": "2024-05-01 00:00"}"#)).contains { $0.contains("date-time") })
    }
}
