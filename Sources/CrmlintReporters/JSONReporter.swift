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

    public func render(_ report: ScanReport) -> String {
        let data = (try? Self.encoder().encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
