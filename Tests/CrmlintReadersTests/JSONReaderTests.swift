import CrmlintReaders
import Foundation
import Testing

@Suite struct JSONReaderTests {
    @Test func jsonLinesReadsObjectsAndRejectsBadLines() {
        let text = "{\"id\":\"M1\",\"n\":3,\"ok\":true,\"x\":null}\n\nnot json\n[1,2]\n{\"id\":\"M2\",\"nested\":{\"b\":1,\"a\":\"x\"}}\n"
        let read = events(text, format: .jsonl)
        #expect(read.count == 4)
        #expect(read[0].dictionary == ["id": "M1", "n": "3", "ok": "true", "x": ""])
        #expect(read[1].problem?.line == 3)
        #expect(read[2].problem?.line == 4)
        #expect(read[2].problem?.reason.contains("object") == true)
        #expect(read[3].record?.line == 5)
        #expect(read[3].dictionary?["nested"] == "{\"b\":1,\"a\":\"x\"}")
    }

    @Test func jsonLinesInvalidUTF8() {
        let read = events(Array("{\"a\":\"".utf8) + [0xFF] + Array("\"}\n{\"a\":\"b\"}\n".utf8), format: .jsonl)
        #expect(read[0].problem?.reason.contains("UTF-8") == true)
        #expect(read[1].dictionary == ["a": "b"])
    }

    @Test func jsonArrayStreamsElementsWithLines() {
        let text = "[\n  {\"id\": \"A\", \"text\": \"a, ] b\"},\n  {\"id\": \"B\"},\n  42,\n  {\"id\": \"C\"}\n]\n"
        let read = events(text, format: .json)
        #expect(read.count == 4)
        #expect(read[0].dictionary == ["id": "A", "text": "a, ] b"])
        #expect(read[1].record?.line == 3)
        #expect(read[2].problem?.line == 4)
        #expect(read[3].dictionary == ["id": "C"])
    }

    @Test func unclosedArrayIsAProblemAfterItsRecords() {
        let read = events("[{\"id\":\"A\"}, {\"id\":\"B\"}", format: .json)
        #expect(read.compactMap(\.dictionary) == [["id": "A"], ["id": "B"]])
        #expect(read.last?.problem != nil)
    }

    @Test func singleObjectDocumentIsOneRecord() {
        #expect(events("{\"id\":\"A\"}", format: .json).first?.dictionary == ["id": "A"])
    }

    /// JSONTestSuite files on lines of their own: every n_* line is rejected
    /// and its neighbours are still read (skipped when the suite is absent).
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: sharedTestData.appendingPathComponent("json-test-suite").path),
            "../shared/testdata/json-test-suite is absent"))
    func jsonTestSuiteRejectsEveryInvalidDocument() throws {
        let folder = sharedTestData.appendingPathComponent("json-test-suite")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("n_") }.sorted()
        #expect(names.count > 100)
        var accepted: [String] = [], neighboursLost: [String] = []
        for name in names {
            var bytes = try Array(Data(contentsOf: folder.appendingPathComponent(name)))
            // A test document that spans lines cannot be "one line"; flatten it.
            bytes = bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            let input = Array("{\"before\":1}\n".utf8) + bytes + Array("\n{\"after\":2}\n".utf8)
            let read = events(input, format: .jsonl)
            if read.first?.dictionary != ["before": "1"] || read.last?.dictionary != ["after": "2"] { neighboursLost.append(name) }
            let middle = read.dropFirst().dropLast()
            // A line of only white space holds no record: JSON Lines readers
            // skip it, and nothing is lost. Every other document must be rejected.
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if middle.isEmpty || !middle.allSatisfy({ $0.problem != nil }) { accepted.append(name) }
        }
        #expect(accepted == [], "invalid JSON documents accepted")
        #expect(neighboursLost == [], "neighbouring lines lost")
    }

    /// Every valid JSONTestSuite document that is an object is read as a record.
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: sharedTestData.appendingPathComponent("json-test-suite").path),
            "../shared/testdata/json-test-suite is absent"))
    func jsonTestSuiteReadsEveryValidObject() throws {
        let folder = sharedTestData.appendingPathComponent("json-test-suite")
        var rejected: [String] = []
        var objects = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasPrefix("y_") }).sorted() {
            let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(name)))
            guard bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") else { continue }
            objects += 1
            let flat = bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            let read = events(flat + [0x0A], format: .jsonl)
            if read.count != 1 || read[0].record == nil { rejected.append(name) }
        }
        #expect(objects > 10)
        #expect(rejected == [])
    }
}

/// JSON arrays broken the ways real exports break them.
@Suite struct HostileJSONArrayTests {
    @Test func unterminatedStringResumesAtTheNextElementOfTheSameIndentation() {
        let text =
            "[\n  {\"id\": \"A\", \"text\": \"never closed},\n  {\"id\": \"B\",\n   \"nested\": {\"x\": [1, 2]}},\n  {\"id\": \"C\"}\n]\n"
        let read = events(text, format: .json)
        #expect(read.count == 3)
        #expect(read[0].problem?.line == 2)
        #expect(read[0].problem?.reason == "array element is not closed (an unterminated string or bracket?); reading resumes on line 3")
        #expect(read[1].dictionary == ["id": "B", "nested": "{\"x\": [1, 2]}"])
        #expect(read[1].record?.line == 3)
        #expect(read[2].dictionary == ["id": "C"])
    }

    @Test func compactArrayWithAnUnterminatedStringEndsWithOneProblem() {
        let read = events("[{\"id\":\"A\"},{\"id\":\"B\",\"t\":\"open},{\"id\":\"C\"}]", format: .json)
        #expect(read.count == 2)
        #expect(read[1].problem?.reason == "JSON value is not closed before the end of the file")
    }

    @Test func strayClosingBraceIsOneProblemNotTheRestOfTheArray() {
        let read = events("[}, {\"id\":\"A\"}]", format: .json)
        #expect(read.count == 2)
        #expect(read[0].problem?.reason.contains("closing bracket") == true)
        #expect(read[1].dictionary == ["id": "A"])
    }

    @Test func joinedArraysAreBothRead() {
        let read = events("[{\"id\":\"A\"}]\n[{\"id\":\"B\"}]\n", format: .json)
        #expect(read.compactMap(\.dictionary) == [["id": "A"], ["id": "B"]])
        #expect(read[1].problem?.records == 0)
        #expect(read[1].problem?.line == 2)
    }

    @Test func unclosedArrayIsANoteNotALostRecord() {
        let read = events("[{\"id\":\"A\"}", format: .json)
        #expect(read.last?.problem?.records == 0)
    }

    @Test func byteOrderMarkOpeningALaterJSONLinesLineIsDropped() {
        let read = events("{\"id\":\"A\"}\n\u{FEFF}{\"id\":\"B\"}\r\n", format: .jsonl)
        #expect(read.compactMap(\.dictionary) == [["id": "A"], ["id": "B"]])
    }
}
