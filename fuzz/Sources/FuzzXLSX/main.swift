import CrmlintReaders
import Foundation
import FuzzSupport
import ZIPFoundation

/// The first byte picks the mode: even, the rest is a whole .xlsx (zip)
/// file; odd, it is a sheet's XML, then after a NUL byte the shared
/// strings' XML, zipped here into a workbook, so the fuzzer reaches the XML
/// handling without having to forge deflate streams and checksums. Bit 1
/// sets small limits, so the limit paths are reached with short inputs.
func fuzzXLSX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let control = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    var limits = XLSXReader.Limits()
    if control & 2 != 0 {
        limits.sheetBytes = 4096
        limits.sharedStringsXMLBytes = 4096
        limits.sharedStringBytes = 512
        limits.cellBytes = 64
        limits.columns = 40
    }
    let data: Data
    if control & 1 == 0 {
        data = Data(body)
    } else {
        let split = body.firstIndex(of: 0) ?? body.endIndex
        guard let zipped = try? workbook(sheet: Data(body[..<split]), sharedStrings: split < body.endIndex ? Data(body[(split + 1)...]) : nil) else { return 0 }
        data = zipped
    }
    let book = XLSXReader.Workbook(data: data, limits: limits)
    let reader = XLSXReader(workbook: book, sheet: nil)
    var events = 0
    var previous = 0
    var sheetProblems = 0
    while let event = reader.next() {
        events += 1
        switch event {
        case let .record(record):
            precondition(record.line >= 1 && record.line <= 1_048_576, "row \(record.line) outside a sheet")
            precondition(record.line > previous || previous == 0 || book.sheets.count > 1, "rows go backwards: \(previous) then \(record.line)")
            precondition(record.fields.count <= limits.columns, "more fields than columns")
            previous = record.line
        case let .problem(problem):
            precondition(problem.records >= 0 && problem.records <= 1, "a problem stands for \(problem.records) records")
            precondition(!problem.reason.contains("\n") && !problem.reason.contains("\r"), "a reason must be one line")
            precondition(problem.line >= 1, "problem line \(problem.line)")
            sheetProblems += 1
        }
    }
    if let problem = book.problem { precondition(events == 1 && !problem.contains("\n"), "a workbook problem is one event of one line") }
    return 0
}

func workbook(sheet: Data, sharedStrings: Data?) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    func add(_ path: String, _ data: Data) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    try add("xl/workbook.xml", Data("<workbook xmlns:r=\"\(relationships)\"><sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".utf8))
    try add("xl/_rels/workbook.xml.rels", Data(("<Relationships><Relationship Id=\"rId1\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"\(relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>").utf8))
    try add("xl/worksheets/sheet1.xml", sheet)
    if let sharedStrings { try add("xl/sharedStrings.xml", sharedStrings) }
    return archive.data ?? Data()
}

runFuzzer { fuzzXLSX($0, $1) }
