import Foundation
import Testing

@testable import CrmlintReaders

/// CSV as real exports break it: every problem is one event with its line,
/// and every other row is still read.
@Suite struct HostileCSVTests {
    func read(_ text: String, encoding: TextEncoding? = nil, configure: (CSVReader) -> Void = { _ in }) -> [ReaderEvent] {
        let reader = CSVReader(source: ByteSource(bytes: Array(text.utf8)), encoding: encoding)
        configure(reader)
        var out: [ReaderEvent] = []
        while let event = reader.next() { out.append(event) }
        return out
    }

    @Test func unterminatedQuoteMidFileClosingOnTheNextQuotedFieldResumesOnTheNextLine() {
        let read = read("id,text\n1,\"ok\"\n2,\"broken\n3,\"fine\"\n4,plain\n")
        #expect(read.count == 4)
        #expect(read[0].dictionary == ["id": "1", "text": "ok"])
        #expect(read[1].problem?.line == 3)
        #expect(
            read[1].problem?.reason
                == "quoted field opened on line 3 is followed by text after its closing quote on line 4 (an unterminated quote?); reading resumes on line 4"
        )
        #expect(read[2].dictionary == ["id": "3", "text": "fine"])
        #expect(read[2].record?.line == 4)
        #expect(read[3].dictionary == ["id": "4", "text": "plain"])
        #expect(read[3].record?.line == 5)
    }

    @Test func unterminatedQuoteWithoutLaterQuotesLosesOnlyItsRow() {
        let rows = (3...50).map { "\($0),row \($0)" }.joined(separator: "\n")
        let read = read("id,text\n1,fine\n2,\"never closed\n" + rows + "\n")
        #expect(read.count == 50)
        #expect(read[1].problem?.line == 3)
        #expect(read[1].problem?.reason.contains("is not closed before the end of the file") == true)
        #expect(read.dropFirst(2).map { $0.record?.line } == (4...51).map { $0 })
        #expect(read.last?.dictionary == ["id": "50", "text": "row 50"])
    }

    @Test func quotedFieldOverTheLineLimitIsTakenForAnUnterminatedQuote() {
        let read = read("a,b\n1,\"x\n2,y\n3,z\n4,w\n5,v\n") { $0.maxQuotedLines = 3 }
        #expect(
            read.first?.problem?.reason
                == "quoted field opened on line 2 runs over 3 lines without closing (an unterminated quote?); reading resumes on line 3")
        #expect(
            read.dropFirst().map(\.dictionary) == [
                ["a": "2", "b": "y"], ["a": "3", "b": "z"], ["a": "4", "b": "w"], ["a": "5", "b": "v"],
            ])
    }

    /// A doubled quote keeps both its quotes for a re-read and checks the limit after the first: the kept
    /// bytes may stand one past it when the file ends there. That is the end of the file, as when the
    /// reader takes the quoted lines a byte at a time (taking them in runs once said "runs over" here).
    @Test func quotedFieldEndingOnADoubledQuoteAtTheLimitIsNotClosed() {
        let read = read("a\n\"\n\"\"\"\"\"\"") { $0.maxFieldBytes = 5 }
        #expect(
            read.first?.problem?.reason
                == "quoted field opened on line 2 is not closed before the end of the file (an unterminated quote?); reading resumes on line 3"
        )
    }

    @Test func quotedFieldOverTheByteLimitResumesAfterItsFirstLine() {
        let read = read("a,b\n1,\"x\n2,yyyyyyyyyyyyyyyyyyyyyyyy\n3,z\n") { $0.maxFieldBytes = 10 }
        #expect(read.first?.problem?.line == 2)
        #expect(read.first?.problem?.reason.contains("runs over 10 bytes without closing") == true)
        #expect(read.dropFirst().first?.problem?.line == 3) // the long row itself is too large
        #expect(read.last?.dictionary == ["a": "3", "b": "z"])
    }

    @Test func multiLineQuotedFieldsThatCloseProperlyAreKept() {
        let read = read("a,b\n1,\"two\nlines\"\n2,\"a \"\"quoted\"\"\nword\"\n")
        #expect(read.map(\.dictionary) == [["a": "1", "b": "two\nlines"], ["a": "2", "b": "a \"quoted\"\nword"]])
        #expect(read.map { $0.record?.line } == [2, 4])
    }

    /// What follows a broken row reads exactly as if the broken row were not there.
    @Test func resumedRowsReadAsTheyWouldAlone() {
        let tail = "2,\"\"\"q\"\"\",x\n3,\"multi\nline\",y\n4,plain,z\n"
        let broken = read("a,b,c\n1,\"oops,w\n" + tail)
        let alone = read("a,b,c\n" + tail)
        #expect(broken.first?.problem?.line == 2)
        #expect(broken.dropFirst().map(\.dictionary) == alone.map(\.dictionary))
        #expect(broken.dropFirst().map { $0.record?.line } == alone.map { $0.record.map { $0.line + 1 } })
    }

    @Test func raggedRowsEitherWayAreProblemsButTrailingEmptyFieldsAreNot() {
        let read = read("a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3\n")
        #expect(read[0].problem?.reason == "row has 2 fields but the header has 3")
        #expect(read[1].problem?.reason == "row has 4 fields but the header has 3")
        #expect(read[2].dictionary == ["a": "1", "b": "2", "c": "3"])
        #expect(read[3].dictionary == ["a": "1", "b": "2", "c": "3"])
    }

    @Test func duplicateAndEmptyHeaderNamesAreReportedOnceAndTheirValuesKept() {
        let read = read("id,text,,Text\n1,a,b,c\n")
        #expect(read.count == 2)
        let note = read[0].problem
        #expect(note?.line == 1)
        #expect(note?.records == 0)
        #expect(
            note?.reason
                == "header: column 3 has no name (read as 'column 3'); 'Text' names columns 2 and 4 (column 4 is read as 'Text (column 4)')"
        )
        #expect(read[1].record?.fields.map(\.key) == ["id", "text", "column 3", "Text (column 4)"])
        #expect(read[1].record?.fields.map(\.value) == ["1", "a", "b", "c"])
    }

    @Test func headerOnlyHasNoEventsAndAnEmptyFileIsANote() {
        #expect(read("id,text\n").isEmpty)
        for empty in ["", "\n\n", "\r\n"] {
            let read = read(empty)
            #expect(read.count == 1)
            #expect(read.first?.problem?.records == 0)
            #expect(read.first?.problem?.reason == "the file is empty: no header row")
        }
    }

    @Test func unreadableHeaderAccountsForEveryRowAfterIt() {
        let read = read("id,te\u{0}xt\n1,a\n\n2,b\n3,\"c\nd\"\n")
        #expect(read.count == 2)
        #expect(read[0].problem?.reason == "the header row could not be read: column 2 contains a NUL byte")
        #expect(read[0].problem?.records == 0)
        #expect(read[1].problem?.records == 3)
        #expect(read[1].problem?.line == 2)
        #expect(read[1].problem?.reason == "3 records not read: the header row could not be read")
    }

    @Test func nulBytesRejectOnlyTheirRow() {
        let read = read("a,b\n1,x\u{0}y\n2,\"q\u{0}\"\n3,z\n")
        #expect(read[0].problem?.reason == "field 'b' contains a NUL byte")
        #expect(read[1].problem?.line == 3)
        #expect(read[2].dictionary == ["a": "3", "b": "z"])
    }

    @Test func mixedLineEndingsCountLines() {
        let read = read("a,b\r\n1,2\n3,4\r5,6\r\n\r\n7,\"x\r\ny\"\n8,9")
        #expect(read.map { $0.record?.line } == [2, 3, 4, 6, 8])
        #expect(read[3].dictionary == ["a": "7", "b": "x\r\ny"])
        #expect(read[4].dictionary == ["a": "8", "b": "9"])
    }

    @Test func byteOrderMarkInTheMiddleIsStrippedAndARepeatedHeaderSkipped() {
        let read = read("id,text\n1,a\n\u{FEFF}id,text\n2,b\n\u{FEFF}3,c\n\u{FEFF}\"id\",\"text\"\n4,d\nid,text\n")
        #expect(
            read.compactMap(\.dictionary) == [
                ["id": "1", "text": "a"], ["id": "2", "text": "b"], ["id": "3", "text": "c"], ["id": "4", "text": "d"],
            ])
        let notes = read.compactMap(\.problem)
        #expect(notes.map(\.line) == [3, 6, 8])
        #expect(notes.allSatisfy { $0.records == 0 && $0.reason.contains("header row is repeated") })
    }

    /// A repeated header is recognised as `String` equality recognises it, also where a header of Chinese or
    /// other non-ASCII names meets ASCII values (an id column): the shortcut that answers "not the header"
    /// without comparing must never miss an equal header, such as one written with the Kelvin sign.
    @Test func aRepeatedHeaderIsFoundAsStringsCompare() {
        let chinese = read("消息ID,内容\nMSG1,好的\n消息ID,内容\nMSG2,收到\n")
        #expect(chinese.compactMap(\.dictionary).count == 2)
        #expect(chinese.compactMap(\.problem).map(\.line) == [3])
        // U+212A KELVIN SIGN is canonically "K": the ASCII row repeats the header as Strings compare.
        let kelvin = read("\u{212A}ey,text\n1,a\nKey,text\n2,b\n")
        #expect("\u{212A}ey" == "Key")
        #expect(kelvin.compactMap(\.problem).map(\.line) == [3])
        #expect(kelvin.compactMap(\.dictionary).count == 2)
        let question = read("a\u{037E},b\n1,2\na;,b\n")
        #expect(question.compactMap(\.problem).map(\.line) == [3])
    }

    /// `mayEqualASCII` against Foundation's canonical decomposition: a name can equal some ASCII text exactly
    /// when every scalar of it decomposes to ASCII.
    @Test func namesThatMayEqualASCIIAreThoseDecomposingToASCII() {
        var scalars = (0x80...0xFFFF).compactMap(Unicode.Scalar.init)
        scalars += (0x1_D100...0x1_D1FF).compactMap(Unicode.Scalar.init) + (0x2_F800...0x2_FA1F).compactMap(Unicode.Scalar.init)
        var mayEqual: [UInt32] = []
        for scalar in scalars {
            let name = String(scalar)
            let decomposesToASCII = name.decomposedStringWithCanonicalMapping.unicodeScalars.allSatisfy(\.isASCII)
            #expect(CSVReader.mayEqualASCII(name) == decomposesToASCII, "U+\(String(scalar.value, radix: 16))")
            if decomposesToASCII { mayEqual.append(scalar.value) }
        }
        #expect(mayEqual == [0x037E, 0x1FEF, 0x212A])
        #expect(CSVReader.mayEqualASCII("id") && !CSVReader.mayEqualASCII("消息ID") && !CSVReader.mayEqualASCII("e\u{301}"))
    }

    @Test func byteOrderMarkInsideAFieldIsText() {
        #expect(read("a,b\n1,x\u{FEFF}y\n").first?.dictionary == ["a": "1", "b": "x\u{FEFF}y"])
    }

    static let gb = String.Encoding(rawValue: 0x8000_0632)

    @Test func gb18030ReadAsUTF8IsAProblemPerRowWithAHint() throws {
        let body = try #require("1,华东机械\n2,ok\n3,老客户\n".data(using: Self.gb))
        let reader = CSVReader(source: ByteSource(bytes: Array("id,text\n".utf8) + Array(body)), encoding: .utf8)
        var read: [ReaderEvent] = []
        while let event = reader.next() { read.append(event) }
        #expect(read.count == 3)
        #expect(read[0].problem?.reason == "field 'text' is not valid utf-8 text (the file may be GB18030: try --encoding gb18030)")
        #expect(read[1].dictionary == ["id": "2", "text": "ok"])
        #expect(read[2].problem?.line == 4)
    }

    @Test func gb18030HeaderReadAsUTF8StopsWithOneCountedProblem() throws {
        let data = try #require("客户编号,客户名称\n1,华东\n2,华南\n".data(using: Self.gb))
        let reader = CSVReader(source: ByteSource(bytes: Array(data)), encoding: .utf8)
        let first = reader.next()?.problem
        #expect(
            first?.reason
                == "the header row could not be read: column 1 is not valid utf-8 text (the file may be GB18030: try --encoding gb18030)")
        #expect(reader.next()?.problem?.records == 2)
        #expect(reader.next() == nil)
    }

    @Test func utf8ReadAsGB18030IsCaughtNotDecodedToNonsense() {
        let read = read("id,text\n1,华东机械有限公司\n2,ok\n3,“老客户”，你好\n", encoding: .gb18030)
        #expect(read.count == 3)
        #expect(read[0].problem?.reason == "field 'text' is UTF-8 text, not gb18030 (try --encoding utf-8)")
        #expect(read[1].dictionary == ["id": "2", "text": "ok"])
        #expect(read[2].problem?.line == 4)
        let header = self.read("客户编号,客户名称\n1,x\n", encoding: .gb18030)
        #expect(
            header.first?.problem?.reason == "the header row could not be read: column 1 is UTF-8 text, not gb18030 (try --encoding utf-8)")
    }

    @Test func realGB18030IsNotMistakenForUTF8() throws {
        // Every common Chinese character in GB2312, two at a time: none must look like UTF-8.
        var mistaken: [String] = []
        for lead in UInt8(0xB0)...0xF7 {
            for trail in stride(from: UInt8(0xA1), through: 0xFE, by: 7) {
                let pair = [lead, trail, lead, UInt8(0xA1)]
                if TextEncoding.looksLikeUTF8Chinese(pair), let text = TextEncoding.gb18030.decode(pair) { mistaken.append(text) }
            }
        }
        #expect(mistaken == [])
        let data = try #require("id,text\n1,张三\n2,联通\n3,华东机械有限公司，零故障\n".data(using: Self.gb))
        let reader = CSVReader(source: ByteSource(bytes: Array(data)), encoding: .gb18030)
        var values: [String] = []
        while let event = reader.next() { values.append(event.dictionary?["text"] ?? "problem") }
        #expect(values == ["张三", "联通", "华东机械有限公司，零故障"])
    }

    @Test func firstNonASCIIRowSettlesTheEncodingWhateverFollows() throws {
        let gbRow = try #require("2,华南\n".data(using: Self.gb))
        let bytes = Array("id,text\n1,ok\n".utf8) + Array(gbRow) + Array("3,华东\n".utf8)
        let reader = CSVReader(source: ByteSource(bytes: bytes, chunk: 5), encoding: nil)
        var read: [ReaderEvent] = []
        while let event = reader.next() { read.append(event) }
        #expect(reader.encoding == .gb18030)
        #expect(read.map(\.dictionary?["text"]) == ["ok", "华南", nil])
        #expect(read[2].problem?.reason == "field 'text' is UTF-8 text, not gb18030 (try --encoding utf-8)")
    }

    @Test func tooManyFieldsIsAProblemNotAnArrayPerComma() {
        let read = read("a,b\n" + String(repeating: ",", count: 50) + "\n1,2\n") { $0.maxFields = 20 }
        #expect(read[0].problem?.reason == "the row has more than 20 fields")
        #expect(read[1].dictionary == ["a": "1", "b": "2"])
    }

    /// Every sample above, handed over in chunks of 1 to 7 bytes, reads the same.
    /// The reader copies a field's plain bytes in runs from what is buffered
    /// (`ByteSource.takeRun`); fed one byte at a time it has nothing buffered to
    /// copy and takes the byte-by-byte path. Both read random CSV the same,
    /// also at tiny field and line limits where rows are cut and re-read.
    /// Whole lines buffered without quotes or carriage returns are split at
    /// once (`ByteSource.takeLine`): half the rounds are mostly such lines, some
    /// with more fields than a lowered field limit allows.
    @Test func runsOfPlainBytesReadAsByteByByte() {
        let alphabet: [[UInt8]] = ["a", "b", ",", ",", "\"", "\"", "\n", "\r", "\r\n", "\t", "中", "\u{FEFF}"].map { Array($0.utf8) }
        let plainer: [[UInt8]] = ["a", "bc", ",", ",", ",", "\n", "\n", "\r\n", "\t", "中", "\u{FEFF}", "\"", "\r"].map { Array($0.utf8) }
        var generator = SystemRandomNumberGenerator()
        func read(_ source: ByteSource, limits: (fieldBytes: Int, lines: Int, fields: Int)) -> [ReaderEvent] {
            let reader = CSVReader(source: source, encoding: nil)
            reader.maxFieldBytes = limits.fieldBytes
            reader.maxQuotedLines = limits.lines
            reader.maxFields = limits.fields
            var out: [ReaderEvent] = []
            while let event = reader.next() { out.append(event) }
            return out
        }
        var plainRows = 0
        for round in 0..<1_200 {
            var bytes = Array("id,text,note\n".utf8)
            // The plainer rounds draw a quote or a lone carriage return one time in thirteen.
            let letters = round % 2 == 0 ? alphabet : plainer
            for _ in 0..<Int.random(in: 0...80, using: &generator) { bytes += letters.randomElement(using: &generator)! }
            let fields = round % 4 == 1 ? Int.random(in: 1...4, using: &generator) : 10_000
            let limits =
                round % 3 == 0
                ? (fieldBytes: 32 << 20, lines: 10_000, fields: fields)
                : (fieldBytes: Int.random(in: 1...12, using: &generator), lines: 2, fields: fields)
            let whole = read(ByteSource(bytes: bytes), limits: limits)
            #expect(
                read(ByteSource(bytes: bytes, chunk: 1), limits: limits) == whole,
                "\(String(decoding: bytes, as: UTF8.self).debugDescription) \(limits)")
            plainRows += whole.filter { if case .record = $0 { return true } else { return false } }.count
        }
        #expect(plainRows > 200, "the rounds hold rows to read")
    }

    @Test func chunkBoundariesChangeNothing() {
        let samples = [
            "id,text\n1,\"ok\"\n2,\"broken\n3,\"fine\"\n4,plain\n", "a,b\r\n1,2\n3,4\r5,6\r\n\r\n7,\"x\r\ny\"\n8,9",
            "id,text\n1,a\n\u{FEFF}id,text\n2,b\n\u{FEFF}3,c\n\u{FEFF}\"id\",\"text\"\n4,d\n", "a,b,c\n1,\"oops,w\n2,\"\"\"q\"\"\",x\n",
            "\u{FEFF}a,b\n1,2\n3,\"x\r", "id,text,,Text\n1,a,b,c\n", "a,b\n1,x\u{0}y\n2,\"q\u{0}\"\n3,z\n",
        ]
        for sample in samples {
            let whole = events(Array(sample.utf8), format: .csv)
            for chunk in 1...7 {
                #expect(events(Array(sample.utf8), format: .csv, chunk: chunk) == whole, "\(sample.debugDescription) in chunks of \(chunk)")
            }
        }
    }
}
