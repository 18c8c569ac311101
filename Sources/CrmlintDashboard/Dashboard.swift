import CrmlintCore
import CrmlintReporters
import Foundation

/// The library entry point of `crmlint dashboard`: findings documents in,
/// one self-contained HTML page out.
public enum Dashboard {
    /// Reads and decodes findings documents, then renders the page.
    public static func build(paths: [String], rules: [String: RuleText] = [:]) throws -> String {
        let results = loadAll(paths)
        var reports: [LoadedReport] = []
        var errors: [CrmlintError] = []
        for result in results {
            switch result {
            case let .success(report): reports.append(report)
            case let .failure(error): errors.append(error)
            }
        }
        if let error = CrmlintError.combine(errors) { throw error }
        return DashboardPage.render(DashboardModel(reports: reports, rules: rules))
    }

    /// Decodes the reports side by side: decoding is most of the run time
    /// (a 50 MB, 100,000-finding report takes seconds), and nightly reports
    /// are independent.
    static func loadAll(_ paths: [String]) -> [Result<LoadedReport, CrmlintError>] {
        final class Slots: @unchecked Sendable {
            private let lock = NSLock()
            private var results: [Result<LoadedReport, CrmlintError>?]
            init(_ count: Int) { results = Array(repeating: nil, count: count) }
            func set(_ index: Int, _ result: Result<LoadedReport, CrmlintError>) { lock.lock(); results[index] = result; lock.unlock() }
            var all: [Result<LoadedReport, CrmlintError>] { results.map { $0! } }
        }
        let slots = Slots(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                slots.set(index, .success(try load(path: paths[index])))
            } catch let error as CrmlintError {
                slots.set(index, .failure(error))
            } catch {
                slots.set(index, .failure(.input(path: paths[index], reason: "cannot read file")))
            }
        }
        return slots.all
    }

    /// One findings document (`-` reads standard input).
    public static func load(path: String) throws -> LoadedReport {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CrmlintError.input(path: path, reason: "no such file")
            }
            if isDirectory.boolValue { throw CrmlintError.input(path: path, reason: "is a folder, not a findings JSON file") }
            guard let read = FileManager.default.contents(atPath: path) else { throw CrmlintError.input(path: path, reason: "cannot read file") }
            data = read
        }
        return LoadedReport(path: path, report: try decode(data, path: path))
    }

    /// Decodes a findings document; anything else is one error line that says
    /// what was expected, never the file's content.
    static func decode(_ data: Data, path: String) throws -> ScanReport {
        let notFindings = "not a crmlint findings document (expected the JSON of crmlint scan --format json)"
        struct Version: Decodable { var schemaVersion: String? }
        guard let version = try? JSONReporter.decoder().decode(Version.self, from: data) else {
            throw CrmlintError.input(path: path, reason: "\(notFindings): not a JSON object")
        }
        guard let schema = version.schemaVersion else { throw CrmlintError.input(path: path, reason: "\(notFindings): no schema_version") }
        guard schema.split(separator: ".").first == ScanReport.schemaVersion.split(separator: ".").first else {
            throw CrmlintError.input(path: path, reason: "unsupported schema_version \(schema) (this crmlint reads \(ScanReport.schemaVersion))")
        }
        do {
            return try decoder().decode(ScanReport.self, from: data)
        } catch let error as DecodingError {
            throw CrmlintError.input(path: path, reason: "\(notFindings): \(describe(error))")
        }
    }

    /// `JSONReporter.decoder()` with a cheaper key conversion: Foundation's
    /// snake-case strategy splits every key of every object, a third of the
    /// decoding time of a 100,000-finding report (perf); most keys have no
    /// underscore and pass through unchanged here.
    static func decoder() -> JSONDecoder {
        let decoder = JSONReporter.decoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path[path.count - 1]
            guard key.intValue == nil, key.stringValue.utf8.contains(UInt8(ascii: "_")) else { return key }
            let parts = key.stringValue.split(separator: "_", omittingEmptySubsequences: false)
            let camel = parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
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

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\(snake($0.stringValue))" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
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
