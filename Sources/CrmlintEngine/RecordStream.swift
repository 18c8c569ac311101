import CrmlintCore
import CrmlintReporters
import Foundation

/// The records stream: an export's records as `crmlint records` writes them,
/// one JSON object a line, each tagged with where it came from, so a later
/// `crmlint scan --records` of any subset — a partition of customers under
/// Spark — reports findings at the original file and line, with the same
/// record ids and fingerprints as a scan of the files themselves.
///
/// ```
/// {"type":"record","dataset":"messages","file":"exports/聊天记录.csv","line":12,"position":11,"customer":"C-0007","fields":{"customer_id":"C-0007","text":"…"}}
/// {"type":"input","input":{…an entry of run.inputs…}}
/// {"type":"finding","finding":{…an input-error finding…}}
/// ```
///
/// `fields` hold the record's values under their canonical names, as read
/// (the header mapping is already applied); `position` is the record's
/// 1-based position in its file (its id when it has none); `customer` is the
/// trimmed customer id, for partitioning (ignored when read); `sheet` names a
/// workbook's sheet. `input` lines carry a file's format, encoding and record
/// counts; `finding` lines the problems met reading it.
public enum RecordStream {
    public enum Item {
        case record(Record, sheet: String?)
        case input(InputSummary)
        case finding(Finding)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    public static func line(_ record: Record, sheet: String?) -> String {
        // Written by hand, keys sorted: JSONSerialization took twice as long as reading the export itself.
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func key(_ name: StaticString) {
            out.append(out.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let customer = record.customerId {
            key("customer")
            appendJSON(customer, to: &out)
        }
        key("dataset")
        appendJSON(record.dataset.rawValue, to: &out)
        key("fields")
        out.append(UInt8(ascii: "{"))
        for (index, place) in record.shape.names.indices.sorted(by: { record.shape.names[$0] < record.shape.names[$1] }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSON(record.shape.names[place], to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSON(record.values[place], to: &out)
        }
        out.append(UInt8(ascii: "}"))
        key("file")
        appendJSON(record.file, to: &out)
        key("line")
        out.append(contentsOf: String(record.line).utf8)
        key("position")
        out.append(contentsOf: String(record.position).utf8)
        if let sheet {
            key("sheet")
            appendJSON(sheet, to: &out)
        }
        key("type")
        appendJSON("record", to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string: quote, backslash and control characters escaped, the rest as UTF-8.
    static func appendJSON(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)],
                ])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func line(_ input: InputSummary) -> String {
        "{\"input\":" + String(decoding: (try? encoder.encode(input)) ?? Data("{}".utf8), as: UTF8.self) + ",\"type\":\"input\"}"
    }

    public static func line(_ finding: Finding) -> String {
        "{\"finding\":" + String(decoding: (try? encoder.encode(finding)) ?? Data("{}".utf8), as: UTF8.self) + ",\"type\":\"finding\"}"
    }

    /// One line of a stream; `serial` numbers the record within the scan. `shape` is the
    /// field shape of the record before: a record with the same fields shares it (as a
    /// file's records do: the rules' per-shape caches then hold), else it becomes the new one.
    static func parse(_ bytes: ArraySlice<UInt8>, serial: Int, shape: inout FieldShape?) throws -> Item? {
        guard bytes.contains(where: { !InputDiscovery.isBlankByte($0) }) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let type = object["type"] as? String
        else {
            throw Problem("not a JSON object with a 'type'")
        }
        switch type {
        case "record":
            guard let datasetName = object["dataset"] as? String, let dataset = Dataset(rawValue: datasetName) else {
                throw Problem("'dataset' is not one of \(Dataset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let file = object["file"] as? String else { throw Problem("'file' is missing") }
            guard let line = (object["line"] as? NSNumber)?.intValue, let position = (object["position"] as? NSNumber)?.intValue else {
                throw Problem("'line' and 'position' must be numbers")
            }
            guard let raw = object["fields"] as? [String: Any] else { throw Problem("'fields' must be an object of strings") }
            let names = raw.keys.sorted()
            var values: [String] = []
            values.reserveCapacity(names.count)
            for key in names {
                guard let text = raw[key] as? String else { throw Problem("field '\(key)' is not a string") }
                values.append(text)
            }
            if shape?.names != names { shape = FieldShape(names: names) }
            return .record(
                Record(dataset: dataset, file: file, line: line, position: position, shape: shape!, values: values, serial: serial),
                sheet: object["sheet"] as? String)
        case "input", "finding":
            guard let inner = object[type], let data = try? JSONSerialization.data(withJSONObject: inner) else {
                throw Problem("'\(type)' is missing")
            }
            do {
                if type == "input" { return .input(try JSONReporter.decoder().decode(InputSummary.self, from: data)) }
                return .finding(try JSONReporter.decoder().decode(Finding.self, from: data))
            } catch {
                throw Problem(
                    "'\(type)' is not a crmlint \(type) (\((error as? DecodingError).map(FindingsDocument.describe) ?? "invalid JSON"))")
            }
        default:
            throw Problem("unknown type '\(type)' (expected record, input or finding)")
        }
    }

    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Reads a stream (a file, or standard input for `-`) line by line, a
    /// megabyte at a time; stops with one clear error on a line that is not
    /// part of a records stream.
    final class Reader {
        let path: String
        private let descriptor: Int32
        private var buffer: [UInt8] = []
        private var start = 0
        private var atEnd = false
        private(set) var lineNumber = 0
        private var pending: Item?
        /// The last record's field shape (`parse`).
        private var shape: FieldShape?

        init(path: String) throws {
            self.path = path
            if path == "-" {
                descriptor = 0
            } else {
                descriptor = open(path, O_RDONLY)
                if descriptor < 0 {
                    throw CrmlintError.input(path: path, reason: "cannot open the records stream: \(String(cString: strerror(errno)))")
                }
            }
        }

        deinit { if descriptor > 0 { close(descriptor) } }

        /// The next item without taking it.
        func peek(serial: Int) throws -> Item? {
            if pending == nil { pending = try read(serial: serial) }
            return pending
        }

        func take() { pending = nil }

        private func read(serial: Int) throws -> Item? {
            while let line = nextLine() {
                do {
                    if let item = try RecordStream.parse(line, serial: serial, shape: &shape) { return item }
                } catch let problem as Problem {
                    throw CrmlintError.input(
                        path: path == "-" ? "<stdin>" : path,
                        reason: "line \(lineNumber): not a crmlint records stream (written by crmlint records): \(problem.reason)")
                }
            }
            return nil
        }

        private func nextLine() -> ArraySlice<UInt8>? {
            while true {
                if let newline = buffer[start...].firstIndex(of: 0x0A) {
                    let line = buffer[start..<newline]
                    start = newline + 1
                    lineNumber += 1
                    return line
                }
                if atEnd {
                    guard start < buffer.count else { return nil }
                    let line = buffer[start...]
                    start = buffer.count
                    lineNumber += 1
                    return line
                }
                buffer.removeFirst(start)
                start = 0
                var chunk = [UInt8](repeating: 0, count: 1 << 20)
                let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { atEnd = true } else { buffer.append(contentsOf: chunk[0..<count]) }
            }
        }
    }
}

extension InputSummary {
    /// Entries of `run.inputs` for the same file (and sheet) from several
    /// partial scans — the `input` line of a records stream, the partitions
    /// that scanned its records — as one: counts add up, the file's format
    /// and encoding come from the entry that read it, notes are summed per
    /// field (and value).
    static func combine(_ entries: [InputSummary]) -> [InputSummary] {
        var order: [String] = []
        var byKey: [String: [InputSummary]] = [:]
        for entry in entries {
            let key = entry.path + "\u{0}" + (entry.sheet ?? "")
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(entry)
        }
        return order.map { key in
            let parts = byKey[key]!
            guard parts.count > 1 else { return parts[0] }
            var merged = parts.first { !$0.format.isEmpty } ?? parts[0]
            merged.recordsRead = parts.map(\.recordsRead).reduce(0, +)
            merged.recordsScanned = parts.map(\.recordsScanned).reduce(0, +)
            merged.recordsRejected = parts.map(\.recordsRejected).reduce(0, +)
            merged.dataset = merged.dataset ?? parts.compactMap(\.dataset).first
            var absent: [String: AbsentField] = [:]
            var unknown: [String: [String: Int]] = [:]
            for part in parts {
                for field in part.absentFields ?? [] {
                    var sum = absent[field.field] ?? AbsentField(field: field.field, records: 0, rules: [])
                    sum.records += field.records
                    sum.rules = Array(Set(sum.rules + field.rules)).sorted()
                    absent[field.field] = sum
                }
                for value in part.unknownValues ?? [] { unknown[value.field, default: [:]][value.value, default: 0] += value.records }
            }
            merged.absentFields = absent.isEmpty ? nil : absent.keys.sorted().map { absent[$0]! }
            // As the scanner orders them: by field, then most frequent first, then by value.
            merged.unknownValues =
                unknown.isEmpty
                ? nil
                : unknown.keys.sorted().flatMap { field in
                    unknown[field]!.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
                        UnknownValue(field: field, value: $0.key, records: $0.value)
                    }
                }
            return merged
        }
    }
}

extension RecordStream {
    /// `crmlint records`: the inputs' records as a stream, written as they are
    /// read (to standard output when `path` is nil), then one `input` line per
    /// file read and one `finding` line per problem reading them. Records are
    /// counted by the scan that reads the stream, so an `input` line counts only
    /// the rows that could not be read (`records_read` = `records_rejected`).
    public static func write(_ options: ScanOptions, to path: String?) throws {
        let destination = ReportDestination(format: .jsonl, path: path)
        try OutputWriter.check([destination], inputs: options.paths)
        let output = try ReportFile(path: path)
        do {
            let report = try Scanner.readRecords(options) { record, sheet in output.write(line(record, sheet: sheet) + "\n") }
            for var input in report.run.inputs {
                input.recordsRead = input.recordsRejected
                input.recordsScanned = 0
                output.write(line(input) + "\n")
            }
            for finding in report.findings { output.write(line(finding) + "\n") }
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// `crmlint records --list`: the files a scan of `paths` would read (folders expanded as a scan expands them,
    /// `.crmlintignore` applied), one `{"type":"file","path":…}` line each, then a `finding` line per path that cannot be read.
    public static func list(_ paths: [String]) -> String {
        var problems: [Finding] = []
        let files = InputDiscovery.expand(paths, problems: &problems)
        var text = ""
        for file in files where file.openPath != nil {
            let object: [String: Any] = ["type": "file", "path": file.path, "open": file.openPath!]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        for problem in problems { text += line(problem) + "\n" }
        return text
    }
}
