import CrmlintCore

/// JUnit XML for CI test views: one test suite per input file, one test
/// case per finding. Findings at or above the failing threshold (the
/// scan's `--fail-on`) are failures; those below pass with the finding in
/// `system-out`, so the XML agrees with the exit status. A file without
/// findings is one passing case, so clean files show as tests too.
public struct JUnitReporter: Reporter {
    public static let formatName = "junit"
    public static let alsoWrittenAs: String? = "Also write JUnit XML here."
    public var failOn: FailThreshold

    public init(failOn: FailThreshold = .error) { self.failOn = failOn }
    public init(settings: ReportSettings) { self.init(failOn: settings.failOn) }

    public func render(_ report: ScanReport) -> String {
        var files = Set(report.run.inputs.map(\.path))
        var byFile: [String: [Finding]] = [:]
        for finding in report.findings {
            files.insert(finding.file)
            byFile[finding.file, default: []].append(finding)
        }
        var suites = ""
        var totalTests = 0, totalFailures = 0
        for file in files.sorted() {
            let findings = byFile[file] ?? []
            let failures = findings.filter { failOn.isFailing($0.severity) }.count
            let tests = max(findings.count, 1)
            totalTests += tests
            totalFailures += failures
            suites += "  <testsuite name=\"\(Self.escape(file))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
            if findings.isEmpty {
                suites += "    <testcase classname=\"\(Self.escape(file))\" name=\"no findings\" file=\"\(Self.escape(file))\"/>\n"
            }
            for finding in findings {
                let name = "\(finding.rule) line \(finding.line)" + (finding.recordId.map { " record \($0)" } ?? "")
                suites +=
                    "    <testcase classname=\"\(Self.escape(file))\" name=\"\(Self.escape(name))\" file=\"\(Self.escape(file))\" line=\"\(finding.line)\">\n"
                let detail = Self.escape(Self.detail(finding), attribute: false)
                if failOn.isFailing(finding.severity) {
                    suites +=
                        "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(Self.escape(finding.message))\">\(detail)</failure>\n"
                } else {
                    suites += "      <system-out>\(detail)</system-out>\n"
                }
                suites += "    </testcase>\n"
            }
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"crmlint\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\">\n"
            + suites + "</testsuites>\n"
    }

    static func detail(_ finding: Finding) -> String {
        var text = "\(finding.file):\(finding.line): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]"
        if let field = finding.field { text += "\nfield: \(field)" + (finding.column.map { ", column \($0)" } ?? "") }
        if let excerpt = finding.excerpt { text += "\nexcerpt: \(excerpt)" }
        text += "\nfingerprint: \(finding.fingerprint)"
        return text
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold are
    /// dropped. Line breaks stay literal in element text only (attributes
    /// would normalise them to spaces).
    static func escape(_ text: String, attribute: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            case "\t": out += attribute ? "&#9;" : "\t"
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xD800...0xDFFF).contains(value) && value != 0xFFFE && value != 0xFFFF
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
