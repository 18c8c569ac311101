import CrmlintReaders
import Foundation
import Testing

/// Every input the fuzzers (scripts/fuzz) found a problem with, kept in
/// fuzz/regressions/TARGET/ and replayed the way its fuzz target reads it.
@Suite struct FuzzRegressionTests {
    static func inputs(_ target: String) -> [URL] {
        let folder = repositoryRoot.appendingPathComponent("fuzz/regressions/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: inputs("csv"))
    func csv(input: URL) throws {
        // As in fuzz/Sources/FuzzCSV: the first byte picks the encoding and small limits.
        let bytes = try Array(Data(contentsOf: input))
        let control = try #require(bytes.first)
        let encoding: TextEncoding? = [nil, .utf8, .gb18030][Int(control % 3)]
        let problem = brokenInvariant(Array(bytes.dropFirst()), format: .csv, encoding: encoding) { reader in
            guard control & 0x80 != 0, let csv = reader as? CSVReader else { return }
            csv.maxQuotedLines = 3
            csv.maxFieldBytes = 64
            csv.maxFields = 8
        }
        #expect(problem == nil, "\(input.lastPathComponent)")
    }

    @Test(arguments: inputs("jsonl"))
    func jsonLines(input: URL) throws {
        #expect(brokenInvariant(try Array(Data(contentsOf: input)), format: .jsonl, encoding: nil) == nil, "\(input.lastPathComponent)")
    }

    @Test(arguments: inputs("json"))
    func jsonArray(input: URL) throws {
        #expect(brokenInvariant(try Array(Data(contentsOf: input)), format: .json, encoding: nil) == nil, "\(input.lastPathComponent)")
    }

    @Test(arguments: inputs("xlsx"))
    func xlsx(input: URL) throws {
        // As in fuzz/Sources/FuzzXLSX: even first byte, a whole zip; odd, sheet XML NUL shared strings XML; bit 1, small limits.
        let bytes = try Array(Data(contentsOf: input))
        let control = try #require(bytes.first)
        let body = Array(bytes.dropFirst())
        var limits = XLSXReader.Limits()
        if control & 2 != 0 {
            limits.sheetBytes = 4096
            limits.sharedStringsXMLBytes = 4096
            limits.sharedStringBytes = 512
            limits.cellBytes = 64
            limits.columns = 40
        }
        var data = Data(body)
        if control & 1 != 0 {
            let split = body.firstIndex(of: 0) ?? body.endIndex
            var parts = workbookParts(sheets: [("s", Data(body[..<split]))])
            if split < body.endIndex {
                parts.append(("xl/sharedStrings.xml", Data(body[(split + 1)...])))
                parts[2].data = Data(
                    String(decoding: parts[2].data, as: UTF8.self).replacingOccurrences(
                        of: "</Relationships>",
                        with:
                            "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"
                    ).utf8)
            }
            data = try zip(parts)
        }
        let reader = XLSXReader(workbook: XLSXReader.Workbook(data: data, limits: limits), sheet: nil)
        while let event = reader.next() {
            if case let .problem(problem) = event { #expect(!problem.reason.contains("\n") && problem.line >= 1) }
        }
    }

    @Test func headerNamesInReasonsAreQuotedOnlyWhenTheyReadAsNames() {
        let read = events("id,\"te\nxt\",13812345678,note\n1,\u{0},a,b\n2,b,\u{0},c\n3,b,c,\u{0}\n", format: .csv)
        #expect(
            read.map { $0.problem?.reason } == [
                "field in column 2 contains a NUL byte", "field in column 3 contains a NUL byte", "field 'note' contains a NUL byte",
            ])
    }
}
