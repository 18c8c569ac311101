import CrmlintCore
import CrmlintDashboard
import CrmlintEngine
import CrmlintReporters
import Foundation
import Testing

/// crmlint itself must never leak: data full of contact details (every one
/// planted in corpus/pii, in messages, follow-ups and complaints, as JSON
/// Lines, CSV and a JSON array, next to conduct violations so other rules
/// quote them in excerpts) is scanned with every default rule, and no output
/// format may carry any detail in any of its typed forms.
@Suite struct PIILeakTests {
    /// Every registered reporter, excerpts shown where a format can show them.
    static let reporters: [any Reporter] = Reporters.all.map { $0.init(settings: ReportSettings(showExcerpts: true)) }

    struct Detail { let detector: String; let typed: String; var values: [String] = [] }

    /// Every planted detail: the generated corpus's, and those of the hand-written typed forms
    /// (corpus/pii/typed.tsv: spoken digits, halves, spelled e-mails …) with the other forms listed there.
    static func details() throws -> [Detail] {
        try PIIRepo.rows("Tests/CorpusExpectations/pii-details.tsv").map { Detail(detector: $0[1], typed: $0[2]) }
            + typedLines().flatMap(\.details)
    }

    /// Lines of corpus/pii/typed.tsv: the text and its details (`detector:span=value=value | …`).
    static func typedLines() throws -> [(text: String, details: [Detail])] {
        try PIIRepo.rows("corpus/pii/typed.tsv").filter { $0.count == 3 }.map { columns in
            let details =
                columns[2] == "-"
                ? []
                : columns[2].components(separatedBy: " | ").map { item -> Detail in
                    let parts = item.components(separatedBy: "=")
                    let colon = parts[0].firstIndex(of: ":")!
                    return Detail(
                        detector: String(parts[0][..<colon]), typed: String(parts[0][parts[0].index(after: colon)...]),
                        values: Array(parts.dropFirst()))
                }
            return (columns[1], details)
        }
    }

    /// Chinese numerals people type as digits, mapped here independently of crmlint's digit view.
    static let numerals: [Character: Character] = [
        "零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
        "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
    ]

    /// The forms a detail may take in output: as typed, NFKC-folded (full-width
    /// to ASCII), digits only (Chinese numerals read as digits), digits only
    /// without the country code, and the other forms a labelled line lists.
    static func forms(_ detail: Detail) -> Set<String> {
        let folded = detail.typed.precomposedStringWithCompatibilityMapping
        var forms: Set<String> = [detail.typed, folded]
        if ["mobile-cn", "landline-cn", "resident-id-cn", "bank-card"].contains(detail.detector) {
            let digits = String(folded.map { numerals[$0] ?? $0 }.filter { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") })
            forms.insert(digits)
            if digits.hasPrefix("0086") { forms.insert(String(digits.dropFirst(4))) }
            if digits.hasPrefix("86") { forms.insert(String(digits.dropFirst(2))) }
        }
        forms.formUnion(detail.values)
        return forms.filter { $0.count >= 5 }
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        func quote(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Writes the inputs into a fresh folder and returns it.
    static func writeInputs() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-pii-leak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var lines = try String(contentsOfFile: PIIRepo.path("corpus/pii/messages.jsonl"), encoding: .utf8).split(separator: "\n").map(
            String.init)
        // The typed forms, as messages to a third party.
        for (index, line) in try typedLines().enumerated() {
            let record = [
                "id": "TYPED-\(index + 1)", "customer_id": "C9\(index % 10)", "timestamp": "2024-04-20 10:00", "channel": "微信",
                "direction": "outbound", "recipient_type": "third_party", "rep": "张伟", "text": line.text,
            ]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
        }
        let mobiles = try details().filter { $0.detector == "mobile-cn" }.map(\.typed)
        var jsonl = "", messageRows: [[String]] = [], followupRows: [[String]] = [], complaints: [[String: String]] = []
        for (index, line) in lines.enumerated() {
            var record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            let text = record["text"] ?? ""
            // A conduct violation beside each detail, so conduct rules quote the detail in their excerpts.
            record["text"] = "我们的设备零故障，" + text
            // Some records are keyed by a phone number: identifiers in findings must be masked too.
            if index % 7 == 0 { record["customer_id"] = mobiles[index % mobiles.count] }
            jsonl += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self) + "\n"
            messageRows.append([
                record["id"] ?? "", record["customer_id"] ?? "", record["timestamp"] ?? "", record["recipient_type"] ?? "",
                record["recipient"] ?? "", record["rep"] ?? "", record["text"] ?? "",
            ])
            followupRows.append([
                "F\(index)", record["customer_id"] ?? "", "2024-04-01 10:00", "电话", text, text,
                "我们的设备零故障，" + text, text, record["rep"] ?? "", "2024-04-01 12:00", mobiles[index % mobiles.count],
            ])
            complaints.append([
                "customer_name": "某公司", "complaint_time": "2024-04-02 09:00", "complainant": "王芳",
                "contact_info": mobiles[index % mobiles.count], "content": text, "cause": text,
                "resolution": "我们的设备零故障，" + text, "feedback": "满意", "improvements": "无",
            ])
        }
        try jsonl.write(to: folder.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        try csv(["消息编号", "客户编号", "发送时间", "接收方类型", "接收方", "销售", "内容"], messageRows)
            .write(to: folder.appendingPathComponent("messages.csv"), atomically: true, encoding: .utf8)
        try csv(
            [
                "id", "customer_id", "contact_time", "channel", "needs", "objections", "next_followup_content", "notes", "rep",
                "logged_at", "phone",
            ], followupRows
        )
        .write(to: folder.appendingPathComponent("followups.csv"), atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: complaints, options: [.sortedKeys, .prettyPrinted])
            .write(to: folder.appendingPathComponent("complaints.json"))
        return folder
    }

    @Test func noOutputCarriesARawContactDetail() throws {
        let folder = try Self.writeInputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = ScanOptions(paths: [folder.path])
        options.rulePaths = [PIIRepo.path("rules")]
        options.configPath = PIIRepo.path("Tests/CorpusExpectations/pii-crmlint.yml")
        options.asOf = "2024-05-01"
        let report = try Scanner.scan(options)

        // The scan really read all four files and quoted details: otherwise "nothing leaked" proves nothing.
        #expect(report.run.inputs.count == 4)
        #expect(report.summary.records.rejected == 0)
        let piiFindings = report.findings.filter { $0.category == .piiLeak }
        let otherWithMaskedDetail = report.findings.filter { $0.category != .piiLeak && ($0.excerpt ?? "").contains("****") }
        #expect(piiFindings.count > 600)
        #expect(otherWithMaskedDetail.count > 100)
        #expect(report.findings.contains { ($0.customerId ?? "").contains("****") })

        let details = try Self.details()
        #expect(details.count >= 500)
        #expect(details.contains { $0.typed == "一三九零一二三四五六七" } && details.contains { $0.values.contains("wang.li@qq.com") })
        var forms: [String: String] = [:]
        for detail in details { for form in Self.forms(detail) { forms[form] = detail.detector } }
        var outputs: [(name: String, text: String)] = Self.reporters.map { (type(of: $0).formatName, $0.render(report)) }
        // The dashboard is built from the findings JSON, with rule explanations from the rules.
        let reportFile = folder.appendingPathComponent("findings.json")
        try JSONReporter().render(report).write(to: reportFile, atomically: true, encoding: .utf8)
        outputs.append(("dashboard", try Dashboard.build(paths: [reportFile.path])))
        for (name, output) in outputs {
            #expect(output.utf8.count > 10_000, "\(name)")
            for detector in Self.occurrences(of: forms, in: output) {
                Issue.record("\(name) output carries a raw \(detector) detail")
            }
        }
    }

    /// The labels of the forms found in `text`, by byte search: a sliding
    /// window of 5 bytes looks up candidate forms (String.contains is far too
    /// slow on megabytes of output).
    static func occurrences(of forms: [String: String], in text: String) -> [String] {
        var byPrefix: [UInt64: [([UInt8], String)]] = [:]
        for (form, label) in forms {
            let bytes = Array(form.utf8)
            byPrefix[bytes.prefix(5).reduce(0) { $0 << 8 | UInt64($1) }, default: []].append((bytes, label))
        }
        let haystack = Array(text.utf8)
        var found: [String] = []
        var window: UInt64 = 0
        for index in haystack.indices {
            window = (window << 8 | UInt64(haystack[index])) & 0xFF_FFFF_FFFF
            guard index >= 4, let candidates = byPrefix[window] else { continue }
            let start = index - 4
            for (bytes, label) in candidates
            where start + bytes.count <= haystack.count
                && haystack[start..<(start + bytes.count)].elementsEqual(bytes)
            {
                found.append(label)
            }
        }
        return found
    }

    @Test func formsIncludeSpokenDigitsAndListedValues() {
        let spoken = Self.forms(Detail(detector: "mobile-cn", typed: "幺五八 幺幺零九 三三二六"))
        #expect(spoken.contains("15811093326") && spoken.contains("幺五八 幺幺零九 三三二六"))
        let spelled = Self.forms(Detail(detector: "email", typed: "wang.li at qq dot com", values: ["wang.li@qq.com"]))
        #expect(spelled == ["wang.li at qq dot com", "wang.li@qq.com"])
    }

    @Test func byteSearchFindsPlantedForms() {
        let forms = ["13812345678": "mobile-cn", "１３８１２３４５６７８": "mobile-cn", "wang.fang@example.cn": "email"]
        #expect(Self.occurrences(of: forms, in: "前文13812345678后文").count == 1)
        #expect(Self.occurrences(of: forms, in: "全角１３８１２３４５６７８，邮箱wang.fang@example.cn").sorted() == ["email", "mobile-cn"])
        #expect(Self.occurrences(of: forms, in: "138****5678 *********@example.cn").isEmpty)
    }
}
