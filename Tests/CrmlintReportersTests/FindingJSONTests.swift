import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintReporters

/// `FindingJSON` stands in for JSONEncoder on the hot path of writing reports: its bytes must be the encoder's.
@Suite struct FindingJSONTests {
    static func encoded(_ finding: Finding, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(finding), as: UTF8.self)
    }

    static func findings() -> [Finding] {
        var every = RandomFindings.make(1, seed: 1)[0]
        // Every ASCII character, and non-ASCII the encoder might escape (it does not).
        every.message = String(String.UnicodeScalarView((0..<0x80).map { Unicode.Scalar($0)! }))
        every.excerpt = "\u{2028}\u{2029}\u{FEFF}\u{85}😀é\u{301}ǅ"
        every.related = []
        var negative = every
        negative.line = -3
        negative.column = Int.max
        negative.related = [RelatedLocation(file: "a/b.csv", line: 0)]
        // Escapes at both ends and between runs of plain text (the writer copies those runs whole).
        var runs = every
        runs.message = "\"quoted\" and \\ back\nslash 保证\u{1F}\t"
        runs.excerpt = "plain run only, 没有转义"
        return RandomFindings.make(400, seed: 42) + [every, negative, runs]
    }

    @Test func prettyIsTheEncoders() throws {
        for finding in Self.findings() {
            let expected = try Self.encoded(finding, pretty: true)
            #expect(FindingJSON.pretty(finding, indent: "") == expected)
            #expect(FindingJSON.pretty(finding, indent: "    ") == JSONReporter.indented(expected, by: "    ").dropFirst(4))
        }
    }

    @Test func compactIsTheEncoders() throws {
        for finding in Self.findings() {
            #expect(FindingJSON.compact(finding) == (try Self.encoded(finding, pretty: false)))
        }
    }

    @Test func integersAreWrittenAsStringWritesThem() {
        for value in [0, 1, -1, 9, 10, -10, 99, 100, 12_345, Int.max, Int.min, Int.min + 1] {
            var out: [UInt8] = []
            FindingJSON.integer(value, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
    }
}
