import Foundation
import TestHelpers
import Testing

@testable import CrmlintReaders

@Suite struct CSVReaderTests {
    @Test func readsQuotedCommasQuotesAndNewlines() {
        let csv = "id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n4,plain\r\n"
        let read = events(csv, format: .csv)
        #expect(read.count == 4)
        #expect(read[0].dictionary == ["id": "1", "text": "a, b"])
        #expect(read[1].dictionary?["text"] == "say \"hi\"")
        #expect(read[2].dictionary?["text"] == "two\nlines")
        #expect(read.map { $0.record?.line } == [2, 3, 4, 6])
    }

    @Test func stripsUTF8BOM() {
        let read = events([0xEF, 0xBB, 0xBF] + Array("客户编号,客户名称\nCRM-1,华东机械\n".utf8), format: .csv)
        #expect(read.first?.record?.fields.first?.key == "客户编号")
    }

    @Test func detectsGB18030() throws {
        let gb = String.Encoding(rawValue: 0x8000_0632)
        let data = try #require("客户编号,客户名称\r\nCRM-1,华东机械有限公司\r\n".data(using: gb))
        let reader = CSVReader(source: ByteSource(bytes: Array(data)), encoding: nil)
        // The first row with non-ASCII bytes (here the header) settles the encoding.
        #expect(reader.next()?.dictionary == ["客户编号": "CRM-1", "客户名称": "华东机械有限公司"])
        #expect(reader.encoding == .gb18030)
    }

    @Test func aLongValueRepeatedFromTheRowAboveIsReadAsWritten() {
        // Long values (past a small string) equal to the one above in their column share its string: one that
        // differs in its last byte, a shorter or longer one, one equal to the row before a row that failed, one
        // differing from that row's in its last byte, all read as written.
        let time = "2023-11-01 08:00"
        let rows = [
            "\(time),首次联系客户介绍产品", "\(time),首次联系客户介绍产品", "2023-11-01 08:01,首次联系客户介绍产品",
            "2023-11-01 08:01:30,短", "2023-11-01 08:01,\u{FFFD}", "2023-11-01 08:01:30,首次联系客户介绍产品!",
            "2023-11-01 08:01:31,首次联系客户介绍产品?",
        ]
        let bytes = Array("time,text\n\(rows.joined(separator: "\n"))\n".utf8)
        // Row 5's text made invalid UTF-8: a problem, and the rows around it are read as written.
        let broken = bytes.indices.filter { Array(bytes[$0..<min($0 + 3, bytes.count)]) == [0xEF, 0xBF, 0xBD] }
        var hostile = bytes
        if let at = broken.first { hostile.replaceSubrange(at..<at + 3, with: [0xFF]) }
        let read = events(hostile, format: .csv)
        #expect(read.count == rows.count)
        #expect(read[4].problem != nil)
        var expected = rows.map { row -> [String: String] in
            let parts = row.split(separator: ",", maxSplits: 1).map(String.init)
            return ["time": parts[0], "text": parts[1]]
        }
        expected.remove(at: 4)
        #expect(read.compactMap(\.dictionary) == expected)
    }

    @Test func raggedRowIsAProblemAndReadingGoesOn() {
        let read = events("a,b\n1,2\n3\n4,5,6\n7,8\n", format: .csv)
        #expect(read.count == 4)
        #expect(read[1].problem?.line == 3)
        #expect(read[1].problem?.reason.contains("1 fields") == true)
        #expect(read[2].problem?.line == 4)
        #expect(read[3].dictionary == ["a": "7", "b": "8"])
    }

    @Test func unterminatedQuoteAtEndIsAProblemWithItsLineAndLaterRowsAreRead() {
        let read = events("a,b\n1,2\n3,\"never closed\n4,5\n", format: .csv)
        #expect(read.count == 3)
        #expect(read[0].dictionary == ["a": "1", "b": "2"])
        #expect(read[1].problem?.line == 3)
        #expect(read[1].problem?.reason.contains("unterminated") == true)
        #expect(read[2].dictionary == ["a": "4", "b": "5"])
        #expect(read[2].record?.line == 4)
    }

    @Test func unterminatedQuoteOnTheLastLineRunsToTheEnd() {
        let read = events("a,b\n1,2\n3,\"never closed", format: .csv)
        #expect(read.count == 2)
        #expect(read[1].problem?.reason == "unterminated quoted field (opened on line 3) runs to the end of the file")
    }

    @Test func invalidUTF8IsAProblemForThatRowOnly() {
        let bytes = Array("a,b\n1,ok\n2,".utf8) + [0xC3, 0x28] + Array("\n3,fine\n".utf8)
        let read = events(bytes, format: .csv, encoding: .utf8)
        #expect(read.count == 3)
        #expect(read[1].problem?.line == 3)
        #expect(read[1].problem?.reason.contains("not valid utf-8") == true)
        #expect(read[2].dictionary == ["a": "3", "b": "fine"])
    }

    /// Two quoted fields whose bytes would make one character together but are each cut short: a problem
    /// for the first field, as when each field was checked alone (the row is also checked as a whole).
    @Test func aCharacterSplitAcrossTwoQuotedFieldsIsAProblem() {
        let bytes = Array("a,b\n\"".utf8) + [0xE4] + Array("\",\"".utf8) + [0xB8, 0x80] + Array("\"\n\"一\",\"二\"\n".utf8)
        let read = events(bytes, format: .csv, encoding: .utf8)
        #expect(read.count == 2)
        #expect(read[0].problem?.reason.contains("field 'a' is not valid utf-8") == true, "\(read)")
        #expect(read[1].dictionary == ["a": "一", "b": "二"])
    }

    /// `isValidUTF8Row` accepts a row only when each of its fields is valid UTF-8 without a NUL byte, so
    /// copying the fields unchecked is sound; and it accepts the usual row (valid fields between ASCII delimiters).
    @Test func aRowIsAcceptedWholeOnlyWhenEachFieldIsValid() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [[UInt8]] = [
            [0x61], [0x2C], [0x00], [0xE4], [0xB8], [0x80], [0xE4, 0xB8, 0x80], [0xC3, 0xA9], [0xFF], [0xF0, 0x9F, 0x98, 0x80],
        ]
        var accepted = 0
        for round in 0..<4000 {
            let clean = round % 2 == 0
            // Fields of random pieces (valid characters only, for half the rounds), joined by commas.
            var bytes: [UInt8] = []
            var fields: [Range<Int>] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let start = bytes.count
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    let piece =
                        clean
                        ? [[0x61], [0xE4, 0xB8, 0x80], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80]].randomElement(using: &generator)!
                        : alphabet.randomElement(using: &generator)!
                    bytes += piece
                }
                fields.append(start..<bytes.count)
                // Between fields: a comma; or, for the other rounds, nothing (quoted fields are kept side by
                // side) or any piece, a character's tail too.
                bytes +=
                    clean || Bool.random(using: &generator)
                    ? [0x2C] : [[], alphabet.randomElement(using: &generator)!].randomElement(using: &generator)!
            }
            let whole = bytes.withUnsafeBufferPointer { CSVReader.isValidUTF8Row($0, fields: fields[...]) }
            let eachValid = fields.allSatisfy { range in
                !bytes[range].contains(0) && String(validating: bytes[range], as: UTF8.self) != nil
            }
            if whole { #expect(eachValid, "\(bytes) \(fields)") }
            if clean { #expect(whole, "\(bytes) \(fields)") }
            accepted += whole ? 1 : 0
        }
        #expect(accepted > 2000)
    }

    /// `splitPlainLine` (sixteen bytes a step, validating from bit masks) answers as a byte-by-byte reading
    /// does: nil when the line holds a quote or a carriage return; else the fields between delimiters, and
    /// whether the line is valid UTF-8 (the standard library's verdict) without a NUL byte. Lines of random
    /// characters, valid and not, of every length around the steps' edges.
    @Test func splitPlainLineAgreesWithAByteWiseReading() {
        var generator = SeededGenerator(seed: 20_261_207)
        let valid: [[UInt8]] = [
            [0x61], [0x37], [0x20], [0xE4, 0xB8, 0x80], [0xEF, 0xBC, 0x8C], [0xE9, 0xBE, 0x99], [0xC3, 0xA9], [0xE0, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        let invalid: [[UInt8]] = [
            [0x00], [0x80], [0xBF], [0xE4], [0xE4, 0xB8], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xC3], [0xFF],
            [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF5, 0x80, 0x80, 0x80], [0xF0, 0x9F, 0x98],
        ]
        var splitCount = 0, validCount = 0
        for round in 0..<20_000 {
            let delimiter: UInt8 = round % 5 == 0 ? 0x09 : 0x2C
            var line: [UInt8] = []
            let target = Int.random(in: 0...70, using: &generator)
            while line.count < target {
                let roll = Int.random(in: 0..<100, using: &generator)
                switch roll {
                case 0..<12: line.append(delimiter)
                case 12: line.append(round % 3 == 0 ? 0x22 : 0x0D)
                case 13..<16 where round % 4 == 0: line += invalid.randomElement(using: &generator)!
                default: line += valid.randomElement(using: &generator)!
                }
            }
            var ranges: [Range<Int>] = []
            let answer = line.withUnsafeBufferPointer { bytes in
                CSVReader.splitPlainLine(
                    bytes.baseAddress ?? UnsafePointer([UInt8](repeating: 0, count: 1)), count: bytes.count, delimiter: delimiter,
                    into: &ranges)
            }
            if line.contains(0x22) || line.contains(0x0D) {
                #expect(answer == nil, "\(line)")
                continue
            }
            var expected: [Range<Int>] = []
            var start = 0
            for (index, byte) in line.enumerated() where byte == delimiter {
                expected.append(start..<index)
                start = index + 1
            }
            expected.append(start..<line.count)
            let expectedValid = !line.contains(0) && String(validating: line, as: UTF8.self) != nil
            #expect(ranges == expected, "\(line)")
            #expect(answer == expectedValid, "\(line)")
            splitCount += 1
            validCount += expectedValid ? 1 : 0
        }
        // Both verdicts were asked of many lines.
        #expect(splitCount > 10_000 && validCount > 5_000 && splitCount - validCount > 1_000, "\(splitCount) \(validCount)")
    }

    @Test func nulByteIsAProblem() {
        let read = events(Array("a,b\n1,x".utf8) + [0] + Array("y\n2,z\n".utf8), format: .csv)
        #expect(read[0].problem?.reason.contains("NUL") == true)
        #expect(read[1].dictionary == ["a": "2", "b": "z"])
    }

    @Test func blankLinesAreNotRecordsButCountLines() {
        let read = events("a\n\n1\n\r\n2\n", format: .csv)
        #expect(read.map { $0.record?.line } == [3, 5])
    }

    @Test func tabSeparatedIsDetected() {
        #expect(events("a\tb\n1\t2\n", format: .csv).first?.dictionary == ["a": "1", "b": "2"])
    }

    @Test func oversizedFieldIsAProblem() {
        let reader = CSVReader(
            source: ByteSource(bytes: Array(("a,b\n1," + String(repeating: "x", count: 5000) + "\n2,3\n").utf8)), encoding: nil)
        reader.maxFieldBytes = 1000
        #expect(reader.next()?.problem?.line == 2)
        #expect(reader.next()?.dictionary == ["a": "2", "b": "3"])
    }

    /// The csv-spectrum conformance suite (third-party; skipped when absent).
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: sharedTestData.appendingPathComponent("csv-spectrum").path),
            "../shared/testdata/csv-spectrum is absent"))
    func csvSpectrumConformance() throws {
        let folder = sharedTestData.appendingPathComponent("csv-spectrum")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("csvs").path).filter {
            $0.hasSuffix(".csv")
        }.sorted()
        #expect(names.count >= 10)
        for name in names {
            if name == "location_coordinates.csv" {
                // Upstream's expectation is one object, not a list, and names
                // another phone number than its CSV holds: compare the rest.
                let read = events(Array(try Data(contentsOf: folder.appendingPathComponent("csvs/\(name)"))), format: .csv)
                let expected = try #require(
                    try JSONSerialization.jsonObject(
                        with: Data(contentsOf: folder.appendingPathComponent("json/location_coordinates.json"))) as? [String: String])
                var got = try #require(read.first?.dictionary)
                #expect(read.count == 1)
                #expect(got.removeValue(forKey: "Contact Phone Number") == "2095257564")
                #expect(got == expected.filter { $0.key != "Contact Phone Number" })
                continue
            }
            let csv = try Data(contentsOf: folder.appendingPathComponent("csvs/\(name)"))
            let jsonURL = folder.appendingPathComponent("json/\(name.dropLast(4)).json")
            // Expected values are strings, except where the suite writes numbers.
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL)) as? [[String: Any]])
            let expected = parsed.map { $0.mapValues { "\($0)" } }
            let read = events(Array(csv), format: .csv)
            #expect(read.compactMap(\.problem).isEmpty, "\(name): unexpected problems")
            #expect(read.compactMap(\.dictionary) == expected, "\(name)")
        }
    }
}
