import CrmlintReaders
import Foundation
import Testing
import ZIPFoundation

/// Workbooks written by openpyxl and LibreOffice (committed under
/// Tests/Fixtures/xlsx by scripts/make-xlsx-fixtures.py), and workbooks
/// written here, part by part, for what those tools never write: inline
/// strings, sparse rows without references, zip bombs, broken XML, DTDs.
@Suite struct XLSXReaderTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/xlsx")

    func read(_ workbook: XLSXReader.Workbook, sheet: String? = nil) -> [ReaderEvent] {
        let chosen = sheet.flatMap { name in workbook.sheets.first { $0.name == name } }
        let reader = XLSXReader(workbook: workbook, sheet: chosen)
        var out: [ReaderEvent] = []
        while let event = reader.next() { out.append(event) }
        return out
    }

    func read(fixture: String, sheet: String? = nil) -> [ReaderEvent] {
        read(XLSXReader.Workbook(path: Self.fixtures.appendingPathComponent(fixture).path), sheet: sheet)
    }

    // MARK: Workbooks from openpyxl and LibreOffice

    static let typesHeader = ["记录编号", "客户编号", "沟通时间", "跟进时间", "录入时间", "金额", "战略合作", "跟进内容", "需协助事项"]

    @Test(arguments: ["openpyxl/types.xlsx", "openpyxl/date1904.xlsx", "libreoffice/types.xlsx"])
    func cellsReadAsACSVExportWouldHoldThem(fixture: String) throws {
        let workbook = XLSXReader.Workbook(path: Self.fixtures.appendingPathComponent(fixture).path)
        #expect(workbook.problem == nil)
        #expect(workbook.sheets.map(\.name) == ["跟进记录", "说明", "Sheet3"])
        let events = read(workbook, sheet: "跟进记录")
        let records = events.compactMap(\.record)
        #expect(records.map(\.line) == [2, 3, 5])
        #expect(records.first?.fields.map(\.key) == Self.typesHeader)
        // Dates before 1904 have negative serials in the 1904 system: Excel shows ####, the reader the number.
        let early = fixture.contains("1904") ? ["-1459.625", "-1401"] : ["1900-01-01 09:00", "1900-03-01"]
        // openpyxl stores a formula without its value; LibreOffice computes and stores it.
        let formula = fixture.hasPrefix("libreoffice") ? "3" : ""
        #expect(
            records.map { $0.fields.map(\.value) } == [
                ["FU-1", "CRM-1", "2024-03-15 14:30", "2024-03-16", "2024-03-15 18:05:09", "2200000", "TRUE", "第一行\n第二行", "无"],
                ["FU-2", "CRM-2"] + early + ["08:15", "3.25", "FALSE", "  前后空格  ", ""],
                ["FU-3", "", "", "", "", "", "", formula, ""],
            ])
        // The #DIV/0! in F5: read as empty, with a note that rejects nothing.
        let notes = events.compactMap(\.problem)
        #expect(notes.count == 1)
        #expect(notes.first?.line == 5 && notes.first?.records == 0)
        #expect(notes.first?.reason.contains("sheet '跟进记录'") == true && notes.first?.reason.contains("F5") == true)
    }

    @Test func everySheetInTurnWhenNoneIsChosen() {
        let events = read(fixture: "openpyxl/types.xlsx")
        // 说明 has a header of its own (one column) and one record; Sheet3 is empty.
        #expect(events.compactMap(\.record).count == 4)
        #expect(events.compactMap(\.problem).contains { $0.reason == "sheet 'Sheet3' is empty: no header row" })
    }

    @Test func columnLetters() {
        #expect([0, 25, 26, 51, 701, 702, 16383].map(XLSXReader.columnLetters) == ["A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"])
    }

    // MARK: Workbooks written here

    @Test func inlineStringsSparseRowsNumbersAndEscapes() throws {
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="3"><c r="A3" t="inlineStr"><is><t>customer_id</t></is></c><c r="B3" t="inlineStr"><is><r><t>customer</t></r><r><t>_name</t></r></is></c><c r="D3" t="s"><v>0</v></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>C-1</t></is></c><c r="D4"><v>2200000.0</v></c></row>
            <row><c t="inlineStr"><is><t>C-2</t></is></c><c t="inlineStr"><is><t>a_x000D_b</t></is></c><c/><c><v>1.5E-3</v></c></row>
            <row r="9"><c r="A9" t="b"><v>1</v></c><c r="C9" t="str"><v>formula text</v></c><c r="D9"><v>0.30000000000000004</v></c></row>
            <row r="10"><c r="A10"/></row>
            </sheetData></worksheet>
            """
        let shared = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>tier</t></r><rPh><t>ティア</t></rPh></si></sst>
            """
        let workbook = XLSXReader.Workbook(data: try makeWorkbook(sheets: [("客户", sheet)], sharedStrings: shared))
        #expect(workbook.problem == nil)
        let records = read(workbook).compactMap(\.record)
        #expect(records.first?.fields.map(\.key) == ["customer_id", "customer_name", "column 3", "tier"])
        #expect(records.map(\.line) == [4, 5, 9])
        #expect(
            records.map { $0.fields.map(\.value) } == [
                ["C-1", "", "", "2200000"],
                ["C-2", "a\rb", "", "0.0015"],
                ["TRUE", "", "formula text", "0.3"],
            ])
    }

    @Test func dateFormatsAndSystems() throws {
        let styles = """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            <numFmts><numFmt numFmtId="164" formatCode="yyyy/m/d\\ h:mm;@"/><numFmt numFmtId="165" formatCode="&quot;day&quot;0"/><numFmt numFmtId="166" formatCode="[Red]#,##0.00"/></numFmts>
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="21"/><xf numFmtId="31"/><xf numFmtId="166"/></cellXfs>
            </styleSheet>
            """
        let sheet = """
            <worksheet><sheetData>
            <row r="1"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c><c t="inlineStr"><is><t>c</t></is></c><c t="inlineStr"><is><t>d</t></is></c><c t="inlineStr"><is><t>e</t></is></c><c t="inlineStr"><is><t>f</t></is></c></row>
            <row r="2"><c s="1"><v>45366</v></c><c s="2"><v>45366.604166666664</v></c><c s="3"><v>45366</v></c><c s="4"><v>0.5</v></c><c s="5"><v>45366</v></c><c s="6"><v>1234.5</v></c></row>
            <row r="3"><c s="1"><v>60</v></c><c s="1"><v>59</v></c><c s="1"><v>61</v></c><c s="1"><v>-1</v></c><c s="2"><v>not a number</v></c></row>
            </sheetData></worksheet>
            """
        for date1904 in [false, true] {
            let data = try makeWorkbook(sheets: [("s", sheet)], styles: styles, date1904: date1904)
            let records = read(XLSXReader.Workbook(data: data)).compactMap(\.record).map { $0.fields.map(\.value) }
            if date1904 {
                #expect(records.first == ["2028-03-16", "2028-03-16 14:30", "45366", "12:00:00", "2028-03-16", "1234.5"])
            } else {
                #expect(
                    records == [
                        ["2024-03-15", "2024-03-15 14:30", "45366", "12:00:00", "2024-03-15", "1234.5"],
                        ["1900-02-29", "1900-02-28", "1900-03-01", "-1", "not a number", ""],
                    ])
            }
        }
    }

    @Test func headerRulesMatchTheCSVReader() throws {
        let sheet = """
            <worksheet><sheetData>
            <row r="2"><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>id</t></is></c><c r="D2" t="inlineStr"><is><t>text</t></is></c></row>
            <row r="3"><c t="inlineStr"><is><t>1</t></is></c><c r="F3" t="inlineStr"><is><t>beyond</t></is></c></row>
            <row r="4"><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>id</t></is></c><c r="D4" t="inlineStr"><is><t>text</t></is></c></row>
            <row r="5"><c t="s"><v>7</v></c></row>
            </sheetData></worksheet>
            """
        let events = read(XLSXReader.Workbook(data: try makeWorkbook(sheets: [("Data", sheet)])))
        let problems = events.compactMap(\.problem)
        #expect(problems.map(\.line) == [2, 3, 4, 5])
        #expect(problems.map(\.records) == [0, 1, 0, 1])
        #expect(problems[0].reason.hasPrefix("sheet 'Data': header: column 3 has no name"))
        #expect(problems[1].reason == "sheet 'Data': row has a value in column F, right of the header's last column D")
        #expect(problems[2].reason.contains("header row is repeated"))
        #expect(problems[3].reason.contains("shared string 7"))
        #expect(problems.allSatisfy { !$0.reason.contains("\n") })
    }

    // MARK: Hostile workbooks

    func onlyProblem(_ workbook: XLSXReader.Workbook) -> String? { workbook.problem }

    @Test func notAWorkbook() throws {
        #expect(XLSXReader.Workbook(data: Data()).problem == "the file is empty: not an .xlsx workbook")
        #expect(XLSXReader.Workbook(data: Data("id,name\n1,a\n".utf8)).problem == "not an .xlsx workbook (not a zip archive)")
        let ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))
        #expect(XLSXReader.Workbook(data: ole).problem == "encrypted or legacy .xls workbook; save as .xlsx without a password")
        #expect(XLSXReader.Workbook(data: Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3])).problem?.contains("damaged or not a zip") == true)
        let other = try zip([("mimetype", Data("application/vnd.oasis.opendocument.spreadsheet".utf8))])
        #expect(XLSXReader.Workbook(data: other).problem?.contains("has no xl/workbook.xml") == true)
        // The reader says it once, and ends.
        let reader = XLSXReader(workbook: XLSXReader.Workbook(data: ole), sheet: nil)
        #expect(reader.next()?.problem?.reason.contains("encrypted") == true)
        #expect(reader.next() == nil)
    }

    @Test func truncatedWorkbooksNeverCrash() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("openpyxl/types.xlsx"))
        for cut in stride(from: 0, to: data.count, by: max(1, data.count / 97)) {
            let workbook = XLSXReader.Workbook(data: data.prefix(cut))
            if workbook.problem == nil { _ = read(workbook) }
        }
        // A byte flipped in every stretch of the file.
        for position in stride(from: 0, to: data.count, by: max(1, data.count / 61)) {
            var damaged = data
            damaged[position] ^= 0x5A
            let workbook = XLSXReader.Workbook(data: damaged)
            if workbook.problem == nil {
                let events = read(workbook)
                #expect(events.compactMap(\.problem).allSatisfy { !$0.reason.contains("\n") })
            }
        }
    }

    @Test func anEntryDeclaredLongerThanTheFileIsRefusedNotReadForEver() throws {
        let data = try makeWorkbook(sheets: [("s", "<worksheet><sheetData/></worksheet>")])
        // Every part's compressed size forged to 1 GiB, in the central directory (offset 20).
        var bytes = [UInt8](data)
        var index = 0
        while index + 46 < bytes.count {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] == 1, bytes[index + 3] == 2 {
                bytes[index + 20] = 0; bytes[index + 21] = 0; bytes[index + 22] = 0; bytes[index + 23] = 0x40
            }
            index += 1
        }
        let problem = XLSXReader.Workbook(data: Data(bytes)).problem
        #expect(problem?.contains("runs past the end of the file") == true, "\(problem ?? "no problem")")
    }

    @Test func brokenXMLKeepsTheRowsBeforeIt() throws {
        let sheet = """
            <worksheet><sheetData>
            <row r="1"><c t="inlineStr"><is><t>id</t></is></c></row>
            <row r="2"><c t="inlineStr"><is><t>a</t></is></c></row>
            <row r="3"><c t="inlineStr"><is><t>b</t></is></c></row>
            <row r="4"><c t="inlineStr"><is><t>c</t></c></row>
            <row r="5"><c t="inlineStr"><is><t>d</t></is></c></row>
            </sheetData></worksheet>
            """
        let events = read(XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", sheet)])))
        #expect(events.compactMap(\.record).map(\.line) == [2, 3])
        let problem = try #require(events.compactMap(\.problem).first)
        #expect(problem.line == 4)
        #expect(problem.reason.hasPrefix("sheet 's': the sheet's XML is broken near row 4"))
    }

    @Test func entityDeclarationsAreRefused() throws {
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>
            """
        let events = read(XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", laughs)])))
        #expect(events.compactMap(\.record).isEmpty)
        #expect(events.compactMap(\.problem).first?.reason.contains("declares a DTD") == true)
        let badShared = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><sst><si><t>&e;</t></si></sst>"
        #expect(
            XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", laughs)], sharedStrings: badShared)).problem?.contains("DTD") == true)
    }

    @Test func zipBombStopsAtTheLimitWhileStreaming() throws {
        // 64 MiB of rows that deflate to well under 1 MiB; the limit here is 4 MiB.
        let row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>"
        var sheet = Data("<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>id</t></is></c></row>".utf8)
        let block = Data(String(repeating: row, count: 1 << 14).utf8)
        while sheet.count < 64 << 20 { sheet.append(block) }
        let honest = try zip(workbookParts(sheets: [("bomb", sheet)]))
        #expect(honest.count < 1 << 20)
        var limits = XLSXReader.Limits()
        limits.sheetBytes = 4 << 20
        // Its declared size is over the limit: refused before inflating anything.
        let declared = read(XLSXReader.Workbook(data: honest, limits: limits))
        #expect(declared.compactMap(\.record).isEmpty)
        #expect(declared.last?.problem?.reason.contains("is larger than 4 MiB uncompressed (a zip bomb?)") == true)
        // A bomb that lies about its size is stopped while it streams, the rows before the limit kept.
        let lying = lieAboutSizes(honest, of: "xl/worksheets/sheet1.xml", size: 1000)
        let events = read(XLSXReader.Workbook(data: lying, limits: limits))
        let last = try #require(events.last?.problem)
        #expect(last.reason.contains("is larger than 4 MiB uncompressed (a zip bomb?)"))
        let records = events.compactMap(\.record).count
        #expect(records > 1000 && records < 4 << 20 / row.utf8.count)
    }

    @Test func sharedStringsOverTheLimitRefuseTheWorkbook() throws {
        let shared = "<sst>" + String(repeating: "<si><t>" + String(repeating: "长", count: 100) + "</t></si>", count: 5000) + "</sst>"
        var limits = XLSXReader.Limits()
        limits.sharedStringBytes = 1 << 20
        let workbook = XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", "<worksheet/>")], sharedStrings: shared), limits: limits)
        #expect(workbook.problem == "xl/sharedStrings.xml holds more than 1 MiB of text: the workbook is not read")
    }

    @Test func aReaderLeftMidSheetStopsItsThreads() throws {
        let row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>"
        let sheet =
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>id</t></is></c></row>" + String(repeating: row, count: 200_000)
            + "</sheetData></worksheet>"
        let workbook = XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", sheet)]))
        for _ in 0..<20 {
            let reader = XLSXReader(workbook: workbook, sheet: workbook.sheets[0])
            #expect(reader.next()?.record != nil)
        }
        // Had the abandoned readers' threads kept running (or waiting), the whole sheet would still read.
        #expect(read(workbook).compactMap(\.record).count == 200_000)
    }

    @Test func missingSheetPartAndHugeReferences() throws {
        var parts = workbookParts(sheets: [("gone", Data())])
        parts.removeAll { $0.path == "xl/worksheets/sheet1.xml" }
        let events = read(XLSXReader.Workbook(data: try zip(parts)))
        #expect(events.compactMap(\.problem).first?.reason.contains("xl/worksheets/sheet1.xml is missing") == true)
        let far =
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>id</t></is></c></row><row r=\"2\"><c r=\"ZZZZZZZZ2\"><v>1</v></c></row></sheetData></worksheet>"
        let farEvents = read(XLSXReader.Workbook(data: try makeWorkbook(sheets: [("s", far)])))
        #expect(farEvents.compactMap(\.problem).first?.reason.contains("beyond column XFD") == true)
    }
}

// MARK: - Writing workbooks part by part

/// The zip with `size` written as the uncompressed size of `path` in its
/// local and central headers, as a zip bomb would declare.
func lieAboutSizes(_ data: Data, of path: String, size: UInt32) -> Data {
    var bytes = [UInt8](data)
    let name = Array(path.utf8)
    func put(_ at: Int) { for i in 0..<4 { bytes[at + i] = UInt8((size >> (8 * UInt32(i))) & 0xFF) } }
    var index = 0
    while index + 46 < bytes.count {
        if bytes[index] == 0x50, bytes[index + 1] == 0x4B {
            if bytes[index + 2] == 3, bytes[index + 3] == 4, Array(bytes[(index + 30)..<min(bytes.count, index + 30 + name.count)]) == name
            {
                put(index + 22)
            }
            if bytes[index + 2] == 1, bytes[index + 3] == 2, Array(bytes[(index + 46)..<min(bytes.count, index + 46 + name.count)]) == name
            {
                put(index + 24)
            }
        }
        index += 1
    }
    return Data(bytes)
}

func zip(_ parts: [(path: String, data: Data)]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for part in parts {
        try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(part.data.count), compressionMethod: .deflate) {
            position, size in
            part.data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return archive.data!
}

func workbookParts(
    sheets: [(name: String, xml: Data)], sharedStrings: String? = nil, styles: String? = nil, date1904: Bool = false
) -> [(path: String, data: Data)] {
    var rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    var list = ""
    for (index, sheet) in sheets.enumerated() {
        rels +=
            "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        list += "<sheet name=\"\(sheet.name)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
    }
    if sharedStrings != nil {
        rels +=
            "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    }
    if styles != nil {
        rels +=
            "<Relationship Id=\"rIdT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
    }
    rels += "</Relationships>"
    let workbook =
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        + (date1904 ? "<workbookPr date1904=\"1\"/>" : "") + "<sheets>\(list)</sheets></workbook>"
    var parts: [(path: String, data: Data)] = [
        (
            "_rels/.rels",
            Data(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
                    .utf8)
        ),
        ("xl/workbook.xml", Data(workbook.utf8)),
        ("xl/_rels/workbook.xml.rels", Data(rels.utf8)),
    ]
    for (index, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", sheet.xml)) }
    if let sharedStrings { parts.append(("xl/sharedStrings.xml", Data(sharedStrings.utf8))) }
    if let styles { parts.append(("xl/styles.xml", Data(styles.utf8))) }
    return parts
}

func makeWorkbook(sheets: [(String, String)], sharedStrings: String? = nil, styles: String? = nil, date1904: Bool = false) throws -> Data {
    try zip(workbookParts(sheets: sheets.map { ($0.0, Data($0.1.utf8)) }, sharedStrings: sharedStrings, styles: styles, date1904: date1904))
}
