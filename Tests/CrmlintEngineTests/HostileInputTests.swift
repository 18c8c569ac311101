import CrmlintCore
import CrmlintReporters
import Foundation
import Testing

/// Hostile input end to end: whatever a file holds, the scan finishes, each
/// problem is an input-error finding with its file and line, the other
/// records are scanned, and the counts add up.
@Suite struct HostileInputTests {
    /// Third-party test data beside the repository (tests using it skip when it is absent).
    static let testData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    static let header = "id,customer_id,timestamp,direction,text\n"
    static func row(_ id: String, _ text: String = "老铁放心") -> String { "\(id),CRM-1,2024-03-15 10:00,outbound,\(text)\n" }

    func scan(_ folder: URL, _ arguments: [String] = ["data"], stdin: Data? = nil) throws -> (CommandResult, ScanReport) {
        let result = try crmlint(
            ["scan"] + arguments + ["--rules", "rules", "--format", "json", "--as-of", "2024-05-01"], stdin: stdin, in: folder)
        let report = try JSONReporter.decoder().decode(ScanReport.self, from: result.stdoutBytes)
        return (result, report)
    }

    func fixture() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        try ruleFixture.write(to: folder.appendingPathComponent("rules/test.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func inputErrors(_ report: ScanReport, _ file: String) -> [String] {
        report.findings.filter { $0.file == file && $0.category == .inputError }.map { "\($0.line): \($0.message)" }
    }

    @Test func everyBrokenCSVShapeIsAFindingAndTheCountsAddUp() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let h = Self.header
        func r(_ id: String, _ text: String = "老铁放心") -> String { Self.row(id, text) }
        let gb = String.Encoding(rawValue: 0x8000_0632)
        let files: [String: [UInt8]] = [
            "data/unterminated-mid.csv": Array(
                (h + r("A1") + "A2,CRM-1,2024-03-15 10:00,outbound,\"never closed\n" + r("A3")
                    + "A4,CRM-1,2024-03-15 10:00,outbound,\"ok\"\n").utf8),
            "data/unterminated-end.csv": Array((h + r("B1") + "B2,CRM-1,2024-03-15 10:00,outbound,\"never closed\n").utf8),
            "data/ragged.csv": Array((h + r("C1") + "C2,CRM-1\n" + "C3,CRM-1,2024-03-15 10:00,outbound,x,extra\n" + r("C4")).utf8),
            "data/header-names.csv": Array(
                ("id,customer_id,timestamp,direction,text,text,\n" + "D1,CRM-1,2024-03-15 10:00,outbound,好,老铁,\n").utf8),
            "data/messages-header-only.csv": Array(h.utf8),
            "data/messages-empty.csv": [],
            "data/nul.csv": Array((h + r("E1")).utf8) + Array("E2,CRM-1,2024-03-15 10:00,outbound,a".utf8) + [0] + Array("b\n".utf8)
                + Array(r("E3").utf8),
            "data/line-endings.csv": Array(
                (h.replacingOccurrences(of: "\n", with: "\r\n") + r("F1").replacingOccurrences(of: "\n", with: "\r")
                    + r("F2") + r("F3").replacingOccurrences(of: "\n", with: "\r\n")).utf8),
            "data/bom-mid.csv": Array(("\u{FEFF}" + h + r("G1") + "\u{FEFF}" + h + r("G2")).utf8),
            "data/invalid-utf8.csv": Array((h + r("H1") + "H2,CRM-1,2024-03-15 10:00,outbound,").utf8) + [0xC3, 0x28, 0x0A]
                + Array(r("H3").utf8),
            "data/gb-as-utf8.csv": Array((h + r("I1")).utf8) + Array(r("I2", "华东机械").data(using: gb)!),
        ]
        for (name, bytes) in files { try write(bytes, name, in: folder) }
        let (result, report) = try scan(folder)
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty)
        for input in report.run.inputs { #expect(input.recordsRead == input.recordsScanned + input.recordsRejected, "\(input.path)") }
        #expect(report.summary.records.read == report.summary.records.scanned + report.summary.records.rejected)
        func scanned(_ path: String) -> Int? { report.run.inputs.first { $0.path == path }?.recordsScanned }

        #expect(
            inputErrors(report, "data/unterminated-mid.csv") == [
                "3: record could not be read: quoted field opened on line 3 is followed by text after its closing quote on line 5 (an unterminated quote?); reading resumes on line 4"
            ])
        #expect(scanned("data/unterminated-mid.csv") == 3)
        #expect(
            inputErrors(report, "data/unterminated-end.csv") == [
                "3: record could not be read: unterminated quoted field (opened on line 3) runs to the end of the file"
            ])
        #expect(
            inputErrors(report, "data/ragged.csv") == [
                "3: record could not be read: row has 2 fields but the header has 5",
                "4: record could not be read: row has 6 fields but the header has 5",
            ])
        #expect(scanned("data/ragged.csv") == 2)
        #expect(
            inputErrors(report, "data/header-names.csv") == [
                "1: header: column 7 has no name (read as 'column 7'); 'text' names columns 5 and 6 (column 6 is read as 'text (column 6)')"
            ])
        // The renamed duplicate column is still scanned: its 老铁 is found.
        #expect(report.findings.contains { $0.file == "data/header-names.csv" && $0.rule == "t.slang" && $0.field == "text_(column_6)" })
        #expect(inputErrors(report, "data/messages-header-only.csv") == [])
        #expect(inputErrors(report, "data/messages-empty.csv") == ["1: the file is empty: no header row"])
        #expect(inputErrors(report, "data/nul.csv") == ["3: record could not be read: field 'text' contains a NUL byte"])
        #expect(scanned("data/nul.csv") == 2)
        #expect(inputErrors(report, "data/line-endings.csv") == [])
        #expect(scanned("data/line-endings.csv") == 3)
        #expect(inputErrors(report, "data/bom-mid.csv") == ["3: the header row is repeated here (files joined together?); it is skipped"])
        #expect(scanned("data/bom-mid.csv") == 2)
        #expect(
            inputErrors(report, "data/invalid-utf8.csv") == [
                "3: record could not be read: field 'text' is not valid utf-8 text (the file may be GB18030: try --encoding gb18030)"
            ])
        #expect(
            inputErrors(report, "data/gb-as-utf8.csv") == [
                "3: record could not be read: field 'text' is not valid utf-8 text (the file may be GB18030: try --encoding gb18030)"
            ])
        // No reason quotes record content.
        for finding in report.findings where finding.category == .inputError {
            #expect(!finding.message.contains("never closed") && !finding.message.contains("华东"), "\(finding.message)")
        }
    }

    @Test func utf8ReadAsGB18030IsAFindingPerRow() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Array((Self.header + Self.row("J1", "ok") + Self.row("J2", "华东机械有限公司")).utf8), "data/m.csv", in: folder)
        let (_, report) = try scan(folder, ["data", "--encoding", "gb18030"])
        #expect(
            inputErrors(report, "data/m.csv") == [
                "3: record could not be read: field 'text' is UTF-8 text, not gb18030 (try --encoding utf-8)"
            ])
        #expect(report.run.inputs.first?.recordsScanned == 1)
    }

    /// A field far larger than any real one: rejected, and the rows around it still scanned.
    @Test func hugeFieldIsRejectedAndItsNeighboursScanned() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = Array((Self.header + Self.row("K1") + "K2,CRM-1,2024-03-15 10:00,outbound,\"").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 33 << 20)
        bytes += Array(("\"\n" + Self.row("K3")).utf8)
        try write(bytes, "data/m.csv", in: folder)
        let (_, report) = try scan(folder)
        #expect(inputErrors(report, "data/m.csv") == ["3: record could not be read: the row is larger than 32 MiB"])
        #expect(report.run.inputs.first?.recordsScanned == 2)
    }

    /// Times whose offset no time zone has (past ±18:00) are not times; the scan goes on (such a time crashed it).
    @Test func timesWithImpossibleOffsetsAreNotTimesAndTheScanGoesOn() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        var csv = Self.header
        for (index, time) in ["2024-03-15 14:00 +18:30", "2024-03-15T14:00:00+18:59", "2024-03-15 14:00-1901", "2024-03-15T14:00:00+08:00"]
            .enumerated()
        {
            csv += "T\(index),CRM-1,\(time),outbound,老铁放心\n"
        }
        try write(Array(csv.utf8), "data/m.csv", in: folder)
        let (result, report) = try scan(folder)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        #expect(report.run.inputs.first?.recordsScanned == 4)
        #expect(report.findings.filter { $0.rule == "t.slang" }.count == 4)
        let asOf = try crmlint(["scan", "data", "--rules", "rules", "--as-of", "2024-05-01T00:00:00+18:30"], in: folder)
        #expect(asOf.status == 2)
        #expect(asOf.stderr.hasPrefix("error: cannot read --as-of '2024-05-01T00:00:00+18:30'"))
    }

    /// JSONTestSuite's invalid documents, one a line between valid records:
    /// each is an input error at its line, every valid line is scanned.
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: Self.testData.appendingPathComponent("json-test-suite").path),
            "../shared/testdata/json-test-suite is absent"))
    func jsonTestSuiteThroughTheCommand() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let suite = Self.testData.appendingPathComponent("json-test-suite")
        let names = try FileManager.default.contentsOfDirectory(atPath: suite.path).sorted()
        var bytes: [UInt8] = []
        var line = 0
        var invalidLines: [Int] = [], validRecords = 0
        func add(_ content: [UInt8]) { bytes += content + [0x0A]; line += 1 }
        func record() {
            add(Array("{\"id\":\"M\(line)\",\"customer_id\":\"CRM-1\",\"timestamp\":\"2024-03-15 10:00\",\"text\":\"好\"}".utf8));
            validRecords += 1
        }
        record()
        for name in names where name.hasPrefix("n_") || name.hasPrefix("y_") {
            let flat = try Array(Data(contentsOf: suite.appendingPathComponent(name))).map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            if name.hasPrefix("n_") {
                if flat.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue } // a blank line holds no record
                add(flat)
                invalidLines.append(line)
            } else {
                guard flat.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{") else { continue }
                add(flat)
                validRecords += 1
            }
            record()
        }
        try write(bytes, "data/messages.jsonl", in: folder)
        let (result, report) = try scan(folder)
        #expect(result.status == 1)
        let input = try #require(report.run.inputs.first)
        #expect(input.recordsRejected == invalidLines.count)
        #expect(input.recordsScanned == validRecords)
        #expect(input.recordsRead == input.recordsScanned + input.recordsRejected)
        let errorLines = report.findings.filter { $0.category == .inputError }.map(\.line).sorted()
        #expect(errorLines == invalidLines)
        #expect(invalidLines.count > 150)
    }

    @Test func foldersWithLinkLoopsPipesDanglingLinksAndChineseNames() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("a"), withIntermediateDirectories: true)
        try write(Array((Self.header + Self.row("L1")).utf8), "data/客户 跟进 2024 (副本).csv", in: folder)
        try write(Array((Self.header + Self.row("L2")).utf8), "data/a/more messages.csv", in: folder)
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("a/up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("self.csv").path, withDestinationPath: "self.csv")
        try FileManager.default.createSymbolicLink(
            atPath: data.appendingPathComponent("gone.csv").path, withDestinationPath: "vanished.csv")
        #expect(mkfifo(data.appendingPathComponent("pipe.csv").path, 0o600) == 0)
        let (result, report) = try scan(folder)
        #expect(result.status == 1)
        #expect(report.run.inputs.map(\.path).sorted() == ["data/a/more messages.csv", "data/客户 跟进 2024 (副本).csv"])
        #expect(report.findings.contains { $0.file == "data/客户 跟进 2024 (副本).csv" && $0.line == 2 && $0.rule == "t.slang" })
        #expect(
            inputErrors(report, "data/gone.csv") == ["0: cannot open: a symbolic link to a file that does not exist (or links in a loop)"])
        #expect(
            inputErrors(report, "data/self.csv") == ["0: cannot open: a symbolic link to a file that does not exist (or links in a loop)"])
        #expect(
            inputErrors(report, "data/pipe.csv") == [
                "0: not a regular file (a pipe, socket or device): skipped; name it on the command line to read it"
            ])
        let text = try crmlint(["scan", "data", "--rules", "rules"], in: folder)
        #expect(text.stdout.contains("data/客户 跟进 2024 (副本).csv:2: info: slang [t.slang]"))
    }

    /// A pipe named on the command line is read once: detection and the scan share its start.
    @Test func namedPipeIsReadWhole() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("data/live.csv")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        let rows = (1...3000).map { Self.row("P\($0)") }.joined()
        let writer = Thread {
            // Opening blocks until crmlint opens the other end.
            if let handle = FileHandle(forWritingAtPath: pipe.path) {
                handle.write(Data((Self.header + rows).utf8))
                try? handle.close()
            }
        }
        writer.start()
        let (_, report) = try scan(folder, ["data/live.csv"])
        #expect(report.run.inputs.first?.recordsScanned == 3000)
        #expect(report.summary.records.rejected == 0)
    }

    @Test func standardInputFormatIsSniffedPastLongBlankStart() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blank = String(repeating: "\n", count: 100_000)
        let line = "{\"id\":\"S1\",\"customer_id\":\"CRM-1\",\"timestamp\":\"2024-03-15 10:00\",\"direction\":\"out\",\"text\":\"老铁\"}\n"
        let (result, report) = try scan(folder, ["-"], stdin: Data((blank + line).utf8))
        #expect(result.status == 0)
        #expect(report.run.inputs.first?.format == "jsonl")
        #expect(report.findings.map(\.line) == [100_001])
    }

    /// /proc/self/mem fails to read at offset 0 (EIO): a read error mid-scan.
    @Test func readErrorIsAFindingAndTheScanGoesOn() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("data/messages.csv").path, withDestinationPath: "/proc/self/mem")
        try write(Array((Self.header + Self.row("R1")).utf8), "data/other.csv", in: folder)
        let (result, report) = try scan(folder)
        #expect(result.status == 1)
        #expect(inputErrors(report, "data/messages.csv").first?.hasPrefix("0: read failed after 0 bytes: ") == true)
        #expect(report.run.inputs.first { $0.path == "data/other.csv" }?.recordsScanned == 1)
    }

    @Test(.enabled(if: getuid() != 0, "root reads files whatever their permissions"))
    func unreadableFileIsAFinding() throws {
        let folder = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Array((Self.header + Self.row("U1")).utf8), "data/messages.csv", in: folder)
        chmod(folder.appendingPathComponent("data/messages.csv").path, 0)
        let (_, report) = try scan(folder)
        #expect(inputErrors(report, "data/messages.csv") == ["0: cannot open: Permission denied"])
    }
}
