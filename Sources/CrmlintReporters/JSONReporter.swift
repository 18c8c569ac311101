import CrmlintCore
import Foundation

/// The findings document: sorted keys, snake_case, stable order, so the same
/// input gives byte-identical output. Schema: `docs/findings.schema.json`.
public struct JSONReporter: Reporter {
    public static let formatName = "json"
    public static let alsoWrittenAs: String? = "Also write the findings JSON here."

    public init() {}
    public init(settings: ReportSettings) { self.init() }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// The bytes `encoder()` gives for the whole report, written a finding at a time: `findings` is the first key
    /// (sorted keys), so the document is its opening, each finding encoded alone and indented to its depth, and
    /// the rest of the report encoded with no findings (`FindingJSON` writes each finding as the encoder would).
    public func write(_ report: ScanReport, findings: any FindingSource, to sink: ReportSink) throws {
        let encoder = Self.encoder()
        var rest = report
        rest.findings = []
        let text = String(decoding: (try? encoder.encode(rest)) ?? Data("{}".utf8), as: UTF8.self)
        let empty = "{\n  \"findings\" : [\n\n  ]"
        guard findings.count > 0, text.hasPrefix(empty) else {
            sink.write(text + "\n")
            return
        }
        sink.write("{\n  \"findings\" : [\n")
        var first = true
        // One buffer for every finding, handed to the sink as bytes.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        try findings.forEachFinding { finding in
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: first ? Self.firstSeparator : Self.separator)
            FindingJSON.write(finding, into: &bytes, indent: Self.findingIndent)
            bytes.withUnsafeBufferPointer { sink.write(utf8: $0) }
            first = false
        }
        sink.write("\n  ]" + text.dropFirst(empty.count) + "\n")
    }

    private static let findingIndent = Array("    ".utf8)
    private static let firstSeparator = Array("    ".utf8)
    private static let separator = Array(",\n    ".utf8)

    /// Pretty-printed JSON moved right: every line gets `prefix` but the blank line of an empty list or object,
    /// as the encoder writes it (a line break inside a string is escaped, so every one is between tokens).
    static func indented(_ json: String, by prefix: String) -> String {
        json.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : prefix + $0 }.joined(
            separator: "\n")
    }
}
