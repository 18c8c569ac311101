import CrmlintCore
import CrmlintRules
import Foundation

/// What `crmlint inspect` tells about each file: the dataset recognised and
/// why, each header and the field it maps to, the columns crmlint does not
/// know, the fields the enabled rules need that the file lacks, and the
/// channel and direction values with their counts. How a user sets up
/// `columns`, `channels` and `directions` in crmlint.yml.
public struct FileInspection: Codable, Equatable, Sendable {
    public struct Column: Codable, Equatable, Sendable {
        public var header: String
        /// The canonical field, or nil for a column crmlint does not know (read as free text by conduct rules).
        public var field: String?
        /// Whether conduct rules read it (free-text fields and unknown columns).
        public var readAsText: Bool
    }

    public struct ValueCount: Codable, Equatable, Sendable {
        public var value: String
        /// What the vocabulary reads it as (a channel or direction), nil when unknown.
        public var meaning: String?
        public var records: Int
    }

    public var path: String
    public var sheet: String?
    public var dataset: Dataset?
    public var datasetReason: String
    public var format: String
    public var encoding: String?
    public var records: Int
    public var columns: [Column] = []
    public var unmapped: [String] = []
    public var absentFields: [InputSummary.AbsentField] = []
    public var channels: [ValueCount] = []
    public var directions: [ValueCount] = []
}

/// Collects headers and value counts while a scan reads its inputs.
final class InputInspector {
    struct Seen {
        var headers: [String]?
        var names: [String: String] = [:]
        var channels: [String: Int] = [:]
        var directions: [String: Int] = [:]
    }
    private(set) var seen: [String: Seen] = [:]

    static func key(_ path: String, _ sheet: String?) -> String { path + "\u{0}" + (sheet ?? "") }

    func record(_ raw: [(key: String, value: String)], names: [String: String], path: String, sheet: String?) {
        let key = Self.key(path, sheet)
        var entry = seen[key] ?? Seen()
        if entry.headers == nil {
            entry.headers = raw.map(\.key)
            entry.names = names
        }
        for (header, value) in raw where !value.trimmed.isEmpty {
            switch names[header] {
            case "channel": entry.channels[value.trimmed, default: 0] += 1
            case "direction": entry.directions[value.trimmed, default: 0] += 1
            default: break
            }
        }
        seen[key] = entry
    }
}

public enum Inspection {
    /// Reads every input as a scan would (same placement, config and rules) and describes it.
    public static func run(_ options: ScanOptions) throws -> [FileInspection] {
        let inspector = InputInspector()
        var options = options
        // Read once: the scan and the description below use the same settings.
        let config = try ScanSettings.config(for: options)
        options.config = config
        let report = try Scanner.materialized(Scanner.scan(options, inspector: inspector))
        let vocabulary = config.vocabulary
        let redactor = Redactor.shared
        return report.run.inputs.map { input in
            var file = FileInspection(
                path: input.path, sheet: input.sheet, dataset: input.dataset, datasetReason: "",
                format: input.format, encoding: input.encoding, records: input.recordsRead)
            let seen = inspector.seen[InputInspector.key(input.path, input.sheet)]
            file.datasetReason = reason(input, headers: seen?.headers, config: config)
            if let dataset = input.dataset, let seen, let headers = seen.headers {
                let known = Set(dataset.canonicalFields), text = Set(dataset.freeTextFields)
                file.columns = headers.map { header in
                    let name = seen.names[header]
                    let field = name.flatMap { known.contains($0) ? $0 : nil }
                    return FileInspection.Column(header: header, field: field, readAsText: field.map(text.contains) ?? true)
                }
                file.unmapped = file.columns.filter { $0.field == nil }.map(\.header)
                file.channels = counts(seen.channels) { vocabulary.channel($0)?.rawValue }
                file.directions = counts(seen.directions) { vocabulary.direction($0)?.rawValue }
                file.channels = file.channels.map {
                    var count = $0; count.value = redactor.redact(count.value); return count
                }
            }
            file.absentFields = input.absentFields ?? []
            return file
        }
    }

    static func counts(_ values: [String: Int], meaning: (String) -> String?) -> [FileInspection.ValueCount] {
        values.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
            FileInspection.ValueCount(value: $0.key, meaning: meaning($0.key), records: $0.value)
        }
    }

    static func reason(_ input: InputSummary, headers: [String]?, config: Config) -> String {
        guard let dataset = input.dataset else { return "not recognised: name it under 'inputs' in crmlint.yml" }
        if let rule = config.inputRule(for: input.path), rule.dataset != nil { return "named in crmlint.yml (inputs: \(rule.glob))" }
        if let headers {
            let names = FieldMapper(dataset: dataset, config: config).names(for: headers)
            let distinctive = headers.filter { names[$0].map(dataset.distinctiveFields.contains) ?? false }
            if distinctive.count >= 2 { return "header: \(distinctive.joined(separator: ", "))" }
        }
        if input.sheet != nil { return "the sheet's or the workbook's name" }
        return "the file name"
    }

    /// Terminal columns a header takes: CJK and full-width characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) {
            $0
                + ((0x1100...0x115F).contains($1.value) || (0x2E80...0xA4CF).contains($1.value)
                    || (0xAC00...0xD7A3).contains($1.value) || (0xF900...0xFAFF).contains($1.value) || (0xFE30...0xFE4F).contains($1.value)
                    || (0xFF00...0xFF60).contains($1.value) || (0xFFE0...0xFFE6).contains($1.value) ? 2 : 1)
        }
    }

    /// The inspection as people read it.
    public static func text(_ files: [FileInspection]) -> String {
        var out = ""
        for file in files {
            let place = file.sheet.map { "\(file.path) (sheet '\($0)')" } ?? file.path
            guard let dataset = file.dataset else {
                out += "\(place): \(file.datasetReason)\n\n"
                continue
            }
            out +=
                "\(place): \(dataset.rawValue) (\(file.datasetReason)); \(file.format)\(file.encoding.map { " \($0)" } ?? ""), \(file.records) records\n"
            let width = min(28, file.columns.map { displayWidth($0.header) }.max() ?? 0)
            for column in file.columns {
                let padded = column.header + String(repeating: " ", count: max(0, width - displayWidth(column.header)))
                let target = column.field ?? "(unknown column)"
                out += "  \(padded) → \(target)\(column.readAsText ? "  [read as text by conduct and contact rules]" : "")\n"
            }
            if !file.unmapped.isEmpty {
                out +=
                    "  unmapped: \(file.unmapped.joined(separator: ", ")) — map them under 'columns.\(dataset.rawValue)' in crmlint.yml if they hold a known field\n"
            }
            for absent in file.absentFields {
                out += "  missing: \(absent.field) (\(absent.records) records), needed by \(absent.rules.joined(separator: ", "))\n"
            }
            for (name, values) in [("channel", file.channels), ("direction", file.directions)] where !values.isEmpty {
                let shown = values.prefix(12).map { "\($0.value) \($0.records)\($0.meaning.map { " (\($0))" } ?? " (unknown)")" }
                out += "  \(name): \(shown.joined(separator: " · "))\(values.count > 12 ? " · …\(values.count - 12) more" : "")\n"
            }
            out += "\n"
        }
        return out
    }
}
