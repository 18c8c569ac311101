import CrmlintCore
import Foundation

/// The one way crmlint reads a findings document back: `crmlint merge`,
/// `crmlint dashboard` and `--baseline` all load reports here, so they
/// accept the same schema versions and word their errors the same way —
/// one line that says what was expected, never the file's content.
public enum FindingsDocument {
    static let notFindings = "not a crmlint findings document (expected the JSON of crmlint scan --format json)"

    /// Reports with the same major schema version as this crmlint writes can be read.
    public static func isSupported(schemaVersion: String) -> Bool {
        schemaVersion.prefix { $0 != "." } == ScanReport.schemaVersion.prefix { $0 != "." }
    }

    /// One findings document from a file (`-` reads standard input).
    public static func load(path: String) throws -> ScanReport {
        try decode(try read(path: path), path: path)
    }

    /// The bytes of a file (`-`: standard input, unless `standardInput` is false), with the same errors for every reader.
    public static func read(path: String, standardInput: Bool = true) throws -> Data {
        if path == "-", standardInput { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CrmlintError.input(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw CrmlintError.input(path: path, reason: "is a folder, not a findings JSON file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CrmlintError.input(path: path, reason: "cannot read file")
        }
        return data
    }

    /// Decodes a findings document, its schema version checked before the rest is read.
    public static func decode(_ data: Data, path: String) throws -> ScanReport {
        try checkVersion(data, path: path)
        do {
            return try decoder().decode(ScanReport.self, from: data)
        } catch let error as DecodingError {
            throw CrmlintError.input(path: path, reason: "\(notFindings): \(describe(error))")
        }
    }

    /// Only the findings' fingerprints (what a baseline matches on), from a
    /// findings document or a JSON Lines report (one finding a line). Older
    /// and merged documents load too: nothing else is read.
    public static func fingerprints(_ data: Data, path: String) throws -> [String] {
        struct Document: Decodable { let schemaVersion: String; let findings: [Entry] }
        struct Entry: Decodable { let fingerprint: String }
        if let document = try? decoder().decode(Document.self, from: data) {
            try checkVersion(data, path: path)
            return document.findings.map(\.fingerprint)
        }
        var fingerprints: [String] = []
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let entry = try? decoder().decode(Entry.self, from: Data(line.utf8)) else {
                throw CrmlintError.input(path: path, reason: "\(notFindings), or its JSON Lines: line \(index + 1) is neither")
            }
            fingerprints.append(entry.fingerprint)
        }
        return fingerprints
    }

    private static func checkVersion(_ data: Data, path: String) throws {
        struct Version: Decodable { var schemaVersion: String? }
        guard let version = try? decoder().decode(Version.self, from: data) else {
            throw CrmlintError.input(path: path, reason: "\(notFindings): not a JSON object")
        }
        guard let schema = version.schemaVersion else { throw CrmlintError.input(path: path, reason: "\(notFindings): no schema_version") }
        guard isSupported(schemaVersion: schema) else {
            throw CrmlintError.input(
                path: path, reason: "unsupported schema_version \(schema) (this crmlint reads \(ScanReport.schemaVersion))")
        }
    }

    /// `JSONReporter.decoder()` with a cheaper key conversion: Foundation's
    /// snake-case strategy splits every key of every object, a third of the
    /// decoding time of a 100,000-finding report (perf); most keys have no
    /// underscore and pass through unchanged here.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONReporter.decoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path[path.count - 1]
            guard key.intValue == nil, key.stringValue.utf8.contains(UInt8(ascii: "_")) else { return key }
            let parts = key.stringValue.split(separator: "_", omittingEmptySubsequences: false)
            let camel = parts.enumerated().map {
                $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst()
            }.joined()
            return NamedKey(stringValue: camel)
        }
        return decoder
    }

    private struct NamedKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A decoding error in a few words: which key, as the document spells it, and what was wrong.
    public static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\(snake($0.stringValue))" }.joined().trimmingCharacters(
                in: CharacterSet(charactersIn: "."))
        }
        // The decoder reports keys in their Swift spelling; the file has snake_case.
        func snake(_ key: String) -> String {
            key.reduce(into: "") { out, character in
                if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            let at = place(context.codingPath)
            return "missing '\(snake(key.stringValue))'" + (at.isEmpty ? "" : " in \(at)")
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "unexpected value at \(place(context.codingPath))"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "invalid JSON" : "invalid value at \(place(context.codingPath))"
        @unknown default:
            return "unreadable"
        }
    }
}
