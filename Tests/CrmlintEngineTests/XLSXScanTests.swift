import CrmlintCore
import CrmlintEngine
import CrmlintReaders
import CrmlintReporters
import Foundation
import Testing

/// Workbooks through the whole scan: every CSV of the corpus, converted to
/// .xlsx by openpyxl and by LibreOffice (Tests/Fixtures/xlsx/corpus, written
/// by scripts/make-xlsx-fixtures.py), gives the CSV's findings; several
/// sheets in one workbook; hostile workbooks among good files.
@Suite struct XLSXScanTests {
    static let asOf = "2024-05-01T00:00:00+08:00"
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/xlsx")

    func scan(_ paths: [String]) throws -> ScanReport {
        var options = ScanOptions(paths: paths)
        options.rulePaths = [repositoryRoot.appendingPathComponent("rules").path]
        options.asOf = Self.asOf
        return try Scanner.scan(options)
    }

    /// corpus/**/*.csv, relative to corpus/, sorted.
    static func corpusCSVs() throws -> [String] {
        let corpus = repositoryRoot.appendingPathComponent("corpus")
        let walker = FileManager.default.enumerator(atPath: corpus.path)!
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".csv") }.sorted()
    }

    /// Record start lines of a CSV and record rows of its workbook, in order:
    /// a CSV record whose quoted field spans lines starts on a later line
    /// than its row number in a workbook, where it is one row.
    static func lineMap(csv: String, xlsx: String) -> [Int: Int] {
        let reader = ReaderFactory.open(try! ByteSource(path: csv), format: .csv, encoding: nil)
        var csvLines: [Int] = []
        while let event = reader.next() { if case let .record(raw) = event { csvLines.append(raw.line) } }
        let workbook = XLSXReader.Workbook(path: xlsx)
        let sheetReader = XLSXReader(workbook: workbook, sheet: workbook.sheets.first)
        var rows: [Int] = []
        while let event = sheetReader.next() { if case let .record(raw) = event { rows.append(raw.line) } }
        #expect(csvLines.count == rows.count, "\(xlsx): \(rows.count) records, the CSV has \(csvLines.count)")
        return Dictionary(zip(csvLines, rows), uniquingKeysWith: { a, _ in a })
    }

    struct Comparable: Hashable, CustomStringConvertible {
        var file, rule, recordId, category, message, excerpt: String
        var line: Int
        var description: String { "\(file):\(line) \(rule) \(recordId) \(category) \(message) | \(excerpt)" }
    }

    @Test(arguments: ["openpyxl", "libreoffice"])
    func everyCorpusCSVReadAsXLSXGivesTheSameFindings(writer: String) throws {
        let csvs = try Self.corpusCSVs()
        #expect(csvs.count >= 6)
        let corpus = repositoryRoot.appendingPathComponent("corpus")
        let books = Self.fixtures.appendingPathComponent("corpus/\(writer)")
        var lineMaps: [String: [Int: Int]] = [:]
        for csv in csvs {
            let stem = String(csv.dropLast(4))
            let book = books.appendingPathComponent(stem + ".xlsx").path
            #expect(FileManager.default.fileExists(atPath: book), "\(book) missing: run scripts/make-xlsx-fixtures.py")
            lineMaps[stem] = Self.lineMap(csv: corpus.appendingPathComponent(csv).path, xlsx: book)
        }
        let fromCSV = try scan(csvs.map { corpus.appendingPathComponent($0).path })
        let fromXLSX = try scan(csvs.map { books.appendingPathComponent(String($0.dropLast(4)) + ".xlsx").path })
        func stem(_ file: String, under root: URL) -> String {
            let relative = file.hasPrefix(root.path + "/") ? String(file.dropFirst(root.path.count + 1)) : file
            return (relative as NSString).deletingPathExtension
        }
        func comparable(_ finding: Finding, stem: String, line: Int) -> Comparable {
            Comparable(
                file: stem, rule: finding.rule, recordId: finding.recordId ?? "", category: finding.category.rawValue,
                message: finding.message, excerpt: finding.excerpt ?? "", line: line)
        }
        let expected = fromCSV.findings.map { finding -> Comparable in
            let name = stem(finding.file, under: corpus)
            return comparable(finding, stem: name, line: lineMaps[name]?[finding.line] ?? finding.line)
        }
        let found = fromXLSX.findings.map { comparable($0, stem: stem($0.file, under: books), line: $0.line) }
        #expect(expected.count > 100)
        let missing = Set(expected).subtracting(found).map(\.description).sorted()
        let extra = Set(found).subtracting(expected).map(\.description).sorted()
        #expect(missing == [], "findings of the CSVs not found in the workbooks")
        #expect(extra == [], "findings of the workbooks that the CSVs do not give")
        #expect(expected.count == found.count)
        #expect(fromXLSX.summary.records == fromCSV.summary.records)
        // Every finding of a workbook names its sheet; those about a field name its cell.
        #expect(fromXLSX.findings.allSatisfy { $0.sheet != nil })
        #expect(fromXLSX.findings.contains { $0.cell != nil })
        #expect(fromXLSX.findings.filter { $0.cell != nil }.allSatisfy { $0.cell!.hasSuffix(String($0.line)) })
    }

    @Test func sheetsOfOneWorkbookAreScannedEachAsItsDataset() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // customers and followups of the policy corpus as two sheets of one workbook, beside an instructions sheet.
        let script = """
            import openpyxl, sys
            out = openpyxl.Workbook()
            out.remove(out.active)
            for name, path in [("说明", None), ("客户", sys.argv[1]), ("跟进记录", sys.argv[2])]:
                ws = out.create_sheet(name)
                if path is None:
                    ws.append(["This workbook holds two exports"]); continue
                for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True):
                    ws.append(list(row))
            out.save(sys.argv[3])
            """
        let book = folder.appendingPathComponent("export.xlsx")
        let policy = Self.fixtures.appendingPathComponent("corpus/openpyxl/policy")
        guard
            runPython(
                script,
                arguments: [
                    policy.appendingPathComponent("customers.xlsx").path,
                    policy.appendingPathComponent("followups.xlsx").path, book.path,
                ])
        else {
            print("skipped: python3 with openpyxl is not installed (pip install openpyxl)")
            return
        }
        let report = try scan([book.path])
        let separate = try scan([
            policy.appendingPathComponent("customers.xlsx").path, policy.appendingPathComponent("followups.xlsx").path,
        ])
        #expect(Set(report.run.inputs.compactMap(\.sheet)) == ["说明", "客户", "跟进记录"])
        #expect(report.run.inputs.first { $0.sheet == "客户" }?.dataset == .customers)
        #expect(report.run.inputs.first { $0.sheet == "跟进记录" }?.dataset == .followups)
        let note = report.findings.filter { $0.category == .inputError }
        #expect(note.count == 1)
        #expect(note.first?.severity == .info && note.first?.sheet == "说明" && note.first?.message.contains("skipped") == true)
        // The same findings as two workbooks of one sheet each, now told apart by sheet.
        func key(_ f: Finding) -> String { "\(f.rule)\t\(f.recordId ?? "")\t\(f.line)\t\(f.message)" }
        #expect(report.findings.filter { $0.category != .inputError }.map(key).sorted() == separate.findings.map(key).sorted())
        #expect(report.findings.filter { $0.dataset == .followups }.allSatisfy { $0.sheet == "跟进记录" })
    }

    @Test func hostileWorkbooksAreInputErrorsAndTheScanGoesOn() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = Self.fixtures.appendingPathComponent("corpus/openpyxl/complaints.xlsx")
        try FileManager.default.copyItem(at: good, to: folder.appendingPathComponent("a-good.xlsx"))
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1000)).write(
            to: folder.appendingPathComponent("encrypted.xlsx"))
        try Data("客户名称,投诉时间\n".utf8).write(to: folder.appendingPathComponent("renamed-csv.xlsx"))
        let data = try Data(contentsOf: good)
        try data.prefix(data.count / 2).write(to: folder.appendingPathComponent("truncated.xlsx"))
        let report = try scan([folder.path])
        let errors = Dictionary(grouping: report.findings.filter { $0.category == .inputError }) { ($0.file as NSString).lastPathComponent }
        #expect(errors["encrypted.xlsx"]?.first?.message == "encrypted or legacy .xls workbook; save as .xlsx without a password")
        #expect(errors["renamed-csv.xlsx"]?.first?.message == "not an .xlsx workbook (not a zip archive)")
        #expect(errors["truncated.xlsx"]?.isEmpty == false)
        #expect(errors["a-good.xlsx"] == nil)
        #expect(report.run.inputs.first { $0.path.hasSuffix("a-good.xlsx") }?.recordsScanned ?? 0 > 10)
    }

    @Test func aWorkbookOnStandardInput() throws {
        let book = try Data(contentsOf: Self.fixtures.appendingPathComponent("corpus/openpyxl/complaints.xlsx"))
        let piped = try crmlint(["scan", "-", "--format", "json", "--as-of", Self.asOf, "--no-suppressions"], stdin: book)
        let named = try crmlint([
            "scan", Self.fixtures.appendingPathComponent("corpus/openpyxl/complaints.xlsx").path, "--format", "json",
            "--as-of", Self.asOf, "--no-suppressions",
        ])
        let a = try JSONReporter.decoder().decode(ScanReport.self, from: piped.stdoutBytes)
        let b = try JSONReporter.decoder().decode(ScanReport.self, from: named.stdoutBytes)
        #expect(a.findings.map(\.fingerprint) == b.findings.map(\.fingerprint))
        #expect(a.run.inputs.first?.format == "xlsx")
    }
}

/// Runs a Python script; false when python3 or the script's imports are missing.
func runPython(_ script: String, arguments: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}
