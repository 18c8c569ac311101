import Foundation
import TestHelpers
import Testing

@testable import CrmlintReaders

@Suite struct JSONReaderTests {
    /// Objects decoded one after another with the keys of the last remembered (`KeyMemory`) give the fields
    /// each gives alone, whatever changes from one to the next: the keys' order, their number, a key written
    /// twice, a key written with an escape; and the same keys written the same way, without an escape, hand
    /// over one keys array. Values are remembered too (a long one equal to the last object's at its place).
    @Test func rememberedKeysChangeNoRecord() throws {
        var generator = SystemRandomNumberGenerator()
        let keys = ["id", "客户编号", "text", "渠道", "a\\u0062", "\\u6e20\\u9053", "text"]
        // Long strings too (past a small string), two of one length: one equal to the last object's at its place is
        // handed over again (`KeyMemory.values`), which must still be the value written.
        let values = [
            "\"x\"", "\"保证下周到货\"", "1.5", "null", "true", "\"a\\\"b\"", "\"\\u4fdd\"", "[1, {\"k\": 2}]", "\"\"",
            "\"2023-11-01 08:00\"", "\"2023-11-01 08:01\"", "\"2023-11-01 08:01:30\"",
        ]
        let memory = JSONRecordDecoder.KeyMemory()
        var last: (text: String, escaped: Bool, keys: [String])?
        var shared = 0
        for _ in 0..<3_000 {
            // Mostly the last object's keys again, as a file's lines are; sometimes others.
            let text: String
            let escaped: Bool
            if let last, Int.random(in: 0..<3, using: &generator) > 0 {
                (text, escaped) = (last.text, last.escaped)
            } else {
                let chosen = (0..<Int.random(in: 0...5, using: &generator)).map { _ in keys.randomElement(using: &generator)! }
                let members = chosen.map { "\"\($0)\": \(values.randomElement(using: &generator)!)" }
                (text, escaped) = ("{" + members.joined(separator: ", ") + "}", chosen.contains { $0.contains("\\") })
            }
            // Other values each time: only the keys repeat.
            var line = text
            for value in values where Bool.random(using: &generator) {
                line = line.replacingOccurrences(of: ": \(value)", with: ": \(values.randomElement(using: &generator)!)")
            }
            let bytes = Array(line.utf8)
            let alone = try bytes.withUnsafeBufferPointer { JSONRecordDecoder.fields(from: $0, keys: JSONRecordDecoder.KeyMemory()) }.get()
            let remembered = try bytes.withUnsafeBufferPointer { JSONRecordDecoder.fields(from: $0, keys: memory) }.get()
            #expect(remembered.keys == alone.keys && remembered.values == alone.values, "\(line)")
            if let last, last.text == text, !escaped, !remembered.keys.isEmpty {
                let same = remembered.keys.withUnsafeBufferPointer { a in
                    last.keys.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
                }
                #expect(same, "the same keys hand over the same array: \(line)")
                shared += 1
            }
            last = (text, escaped, remembered.keys)
        }
        #expect(shared > 300)
    }

    /// Strings of every length with escapes anywhere (quotes, backslashes, line breaks, `\u` escapes, a pair for
    /// a character past the BMP) decode to the text Foundation encoded: the decoder copies the plain runs between
    /// escapes sixteen bytes a step.
    @Test func escapedStringsOfEveryLengthDecodeToTheirText() throws {
        var generator = SeededGenerator(seed: 1_207)
        let pieces = ["a", "7", " ", "中文", "，", "\"", "\\", "\n", "\t", "/", "é", "😀", "\u{1}", "\u{7F}"]
        let memory = JSONRecordDecoder.KeyMemory()
        var escaped = 0
        for _ in 0..<2_000 {
            let texts = (0..<3).map { _ in
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            }
            let object = ["text": texts[0], "note": texts[1], "客户": texts[2]]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            escaped += data.contains(0x5C) ? 1 : 0
            let decoded = Array(data).withUnsafeBufferPointer { JSONRecordDecoder.fields(from: $0, keys: memory) }
            guard case let .success(fields) = decoded else {
                Issue.record("not decoded: \(String(decoding: data, as: UTF8.self))")
                continue
            }
            let read = Dictionary(uniqueKeysWithValues: zip(fields.keys, fields.values))
            #expect(read == object, "\(String(decoding: data, as: UTF8.self))")
        }
        #expect(escaped > 1_500)
    }

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
