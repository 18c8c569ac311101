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

    /// Two passes over the findings: the first counts each file's tests and failures (the suite's attributes come
    /// before its cases), the second writes the suites, files without findings in their sorted place. Findings not
    /// in file order (a partition's) are grouped in memory instead.
    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        var counts: [String: (findings: Int, failures: Int)] = [:]
        var lastFile: String?
        var inFileOrder = true
        try findings.forEachFinding { finding in
            if let lastFile, finding.file < lastFile { inFileOrder = false }
            lastFile = finding.file
            counts[finding.file, default: (0, 0)].findings += 1
            if failOn.isFailing(finding.severity) { counts[finding.file, default: (0, 0)].failures += 1 }
        }
        let files = Set(report.run.inputs.map(\.path)).union(counts.keys).sorted()
        let totalTests = files.map { max(counts[$0]?.findings ?? 0, 1) }.reduce(0, +)
        let totalFailures = counts.values.map(\.failures).reduce(0, +)
        sink.write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuites name=\"crmlint\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\">\n")
        func open(_ file: String) {
            let count = counts[file] ?? (0, 0)
            sink.write(
                "  <testsuite name=\"\(Self.escape(file))\" tests=\"\(max(count.findings, 1))\" failures=\"\(count.failures)\" errors=\"0\" skipped=\"0\">\n"
            )
            if count.findings == 0 {
                sink.write("    <testcase classname=\"\(Self.escape(file))\" name=\"no findings\" file=\"\(Self.escape(file))\"/>\n")
            }
        }
        let close = "  </testsuite>\n"
        if inFileOrder {
            var next = 0
            try findings.forEachFinding { finding in
                guard next == 0 || files[next - 1] != finding.file else { return sink.write(testCase(finding)) }
                if next > 0 { sink.write(close) }
                // Files before this one have no findings: a passing suite each.
                while files[next] != finding.file {
                    open(files[next])
                    sink.write(close)
                    next += 1
                }
                open(finding.file)
                next += 1
                sink.write(testCase(finding))
            }
            if next > 0 { sink.write(close) }
            for file in files[next...] {
                open(file)
                sink.write(close)
            }
        } else {
            var byFile: [String: [Finding]] = [:]
            try findings.forEachFinding { byFile[$0.file, default: []].append($0) }
            for file in files {
                open(file)
                for finding in byFile[file] ?? [] { sink.write(testCase(finding)) }
                sink.write(close)
            }
        }
        sink.write("</testsuites>\n")
    }

    func testCase(_ finding: Finding) -> String {
        let file = Self.escape(finding.file)
        let name = "\(finding.rule) line \(finding.line)" + (finding.recordId.map { " record \($0)" } ?? "")
        var out = "    <testcase classname=\"\(file)\" name=\"\(Self.escape(name))\" file=\"\(file)\" line=\"\(finding.line)\">\n"
        let detail = Self.escape(Self.detail(finding), attribute: false)
        if failOn.isFailing(finding.severity) {
            out += "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(Self.escape(finding.message))\">\(detail)</failure>\n"
        } else {
            out += "      <system-out>\(detail)</system-out>\n"
        }
        return out + "    </testcase>\n"
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
        // Most texts need nothing escaped or dropped: returned as they are, told from their bytes (rebuilt a scalar at a
        // time, three texts a finding took 20 µs). Controls are the bytes below 0x20 (a line break and a tab stay as they
        // are in element text: a finding's detail has several lines); U+FFFE and U+FFFF are EF BF BE/BF.
        let plain = text.withUTF8InPlace { bytes in
            for index in bytes.indices {
                switch bytes[index] {
                case 0x09, 0x0A: if attribute { return false }
                case 0..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                    return false
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE: return false
                default: continue
                }
            }
            return true
        }
        return plain ? text : escapedEach(text, attribute: attribute)
    }

    /// `escape` for any text, a scalar at a time.
    static func escapedEach(_ text: String, attribute: Bool) -> String {
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
