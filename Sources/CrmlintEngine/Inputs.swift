import CrmlintCore
import CrmlintReaders
import Foundation

/// One input to scan: a file (or stdin), how to read it, and which dataset it holds.
struct InputFile {
    let path: String // as shown in findings
    let openPath: String? // nil for stdin
    var format: InputFormat?
    var encoding: TextEncoding?
    var dataset: Dataset?
    /// Named explicitly on the command line (an unknown type is then an error, not skipped).
    let explicit: Bool
    /// Standard input, or a pipe named on the command line, is read once:
    /// the source used for detection is the one scanned.
    var stdinSource: ByteSource? = nil
    /// A workbook (.xlsx) is scanned a sheet at a time: one input a sheet
    /// whose header names a dataset, all sharing the workbook read once.
    var workbook: XLSXReader.Workbook? = nil
    var sheet: XLSXReader.Workbook.Sheet? = nil
}

/// An input ready to scan: format and dataset decided, so the scan has
/// nothing optional to unwrap. A workbook gives one per sheet it scans.
struct PreparedInput {
    let path: String
    let openPath: String?
    let format: InputFormat
    let encoding: TextEncoding?
    let dataset: Dataset
    /// Standard input or a pipe, read once (nil for a workbook's sheet: the workbook was read).
    let stdinSource: ByteSource?
    let workbook: XLSXReader.Workbook?
    let sheet: XLSXReader.Workbook.Sheet?

    init(
        _ input: InputFile, format: InputFormat, dataset: Dataset, workbook: XLSXReader.Workbook? = nil,
        sheet: XLSXReader.Workbook.Sheet? = nil
    ) {
        path = input.path
        openPath = input.openPath
        self.format = format
        encoding = input.encoding
        self.dataset = dataset
        stdinSource = workbook == nil ? input.stdinSource : nil
        self.workbook = workbook
        self.sheet = sheet
    }
}

/// Expands command-line paths into input files: folders recursively (hidden
/// entries skipped, symlink loops cut), sorted for a stable order.
enum InputDiscovery {
    /// `stdinName`: the file standard input stands for (`--stdin-name`): findings name it, its extension gives the format.
    static func expand(_ paths: [String], stdinName: String? = nil, problems: inout [Finding]) -> [InputFile] {
        var files: [InputFile] = []
        var seenReal: Set<String> = []
        for path in paths {
            if path == "-" {
                files.append(
                    InputFile(
                        path: stdinName ?? "<stdin>", openPath: nil, format: stdinName.flatMap(InputFormat.from(path:)),
                        encoding: nil, dataset: nil, explicit: true))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(
                    InputErrors.finding(file: path, line: 0, rule: InputErrors.unreadableFile, reason: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                walk(
                    path, display: path.hasSuffix("/") ? String(path.dropLast()) : path, ignores: [], into: &files, seenReal: &seenReal,
                    problems: &problems)
            } else {
                files.append(
                    InputFile(path: path, openPath: path, format: InputFormat.from(path: path), encoding: nil, dataset: nil, explicit: true)
                )
            }
        }
        return files
    }

    /// Globs from `.crmlintignore` files met on the way down, each with the folder it sits in.
    typealias Ignores = [(folder: String, globs: [String])]

    /// `.crmlintignore` in a folder: one glob a line (`*.tsv`, `fixtures/**`), `#` comments;
    /// files and folders below it that match are not scanned (like `.gitignore`, without negation).
    static func ignoreGlobs(in directory: String) -> [String] {
        guard let text = try? String(contentsOfFile: (directory as NSString).appendingPathComponent(".crmlintignore"), encoding: .utf8)
        else { return [] }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    static func ignored(_ full: String, by ignores: Ignores) -> Bool {
        ignores.contains { folder, globs in
            let relative = String(full.dropFirst(folder.count + 1))
            return globs.contains { Glob.matches($0, relative) }
        }
    }

    private static func walk(
        _ directory: String, display: String, ignores inherited: Ignores, into files: inout [InputFile],
        seenReal: inout Set<String>, problems: inout [Finding]
    ) {
        // realpath(3), not NSString.resolvingSymlinksInPath: Foundation resolves a relative
        // link such as `up -> ..` against the wrong folder, so loops were not cut.
        guard let resolved = realpath(directory, nil) else {
            problems.append(InputErrors.finding(file: display, line: 0, rule: InputErrors.unreadableFile, reason: "cannot list folder"))
            return
        }
        let real = String(cString: resolved)
        free(resolved)
        guard seenReal.insert(real).inserted else { return } // symlink loop or repeat
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            problems.append(InputErrors.finding(file: display, line: 0, rule: InputErrors.unreadableFile, reason: "cannot list folder"))
            return
        }
        var ignores = inherited
        let own = ignoreGlobs(in: directory)
        if !own.isEmpty { ignores.append((directory, own)) }
        for name in entries.sorted() where !name.hasPrefix(".") {
            let full = (directory as NSString).appendingPathComponent(name)
            if ignored(full, by: ignores) { continue }
            let shown = display.isEmpty || display == "." ? name : display + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                // A link to nothing, or links in a loop: an export named here cannot be read, and saying so beats silence.
                if InputFormat.from(path: name) != nil {
                    problems.append(
                        InputErrors.finding(
                            file: shown, line: 0, rule: InputErrors.unreadableFile,
                            reason: "cannot open: a symbolic link to a file that does not exist (or links in a loop)"))
                }
                continue
            }
            if isDirectory.boolValue {
                walk(full, display: shown, ignores: ignores, into: &files, seenReal: &seenReal, problems: &problems)
            } else if let format = InputFormat.from(path: name) {
                // Opening a FIFO found in a folder would wait for a writer for ever; only files named explicitly may be pipes.
                guard isRegularFile(full) else {
                    problems.append(
                        InputErrors.finding(
                            file: shown, line: 0, rule: InputErrors.unreadableFile,
                            reason: "not a regular file (a pipe, socket or device): skipped; name it on the command line to read it"))
                    continue
                }
                files.append(InputFile(path: shown, openPath: full, format: format, encoding: nil, dataset: nil, explicit: false))
            }
        }
    }
}

extension InputDiscovery {
    /// A regular file (after following links), which can be read twice: once
    /// to detect its dataset, once to scan it.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The format of an input without a telling name (stdin, a pipe) from its
    /// first non-blank byte, reading on (up to 1 MiB) past leading blank lines.
    static func sniffFormat(_ source: ByteSource) -> InputFormat {
        let sample = source.lookahead(minimum: 1 << 20) { $0.contains { !isBlankByte($0) } }
        if sample.starts(with: [0x50, 0x4B, 0x03, 0x04]) || sample.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return .xlsx }
        let first = sample.first { !isBlankByte($0) }
        return first == UInt8(ascii: "{") ? .jsonl : first == UInt8(ascii: "[") ? .json : .csv
    }

    /// An input holding nothing but white space (or nothing at all).
    static func isBlank(_ input: InputFile) -> Bool {
        guard let source = input.stdinSource ?? input.openPath.flatMap({ try? ByteSource(path: $0) }) else { return false }
        let sample = source.lookahead(minimum: 4096) { $0.contains { !isBlankByte($0) } }
        return sample.count < 4096 && sample.allSatisfy(isBlankByte)
    }

    /// White space, or a byte of the UTF-8 byte-order mark.
    static func isBlankByte(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0xEF || byte == 0xBB || byte == 0xBF
    }
}

/// The built-in rules that report unreadable input.
enum InputErrors {
    static let unreadableRecord = "input.unreadable-record"
    static let unreadableFile = "input.unreadable-file"
    /// Notes about a file's structure that reject no record: header names
    /// missing or repeated, a repeated header row, an empty file.
    static let malformedFile = "input.malformed-file"
    static let unknownFileType = "input.unknown-file-type"
    static let unknownDataset = "input.unknown-dataset"
    /// Every built-in rule id (suppressions may name them).
    static let all = [unreadableRecord, unreadableFile, malformedFile, unknownFileType, unknownDataset]

    /// Why an input stopped short, after its last record: a read error, or
    /// a size that changed while it was read.
    static func endOfInput(_ source: ByteSource) -> String? {
        if let error = source.readError {
            return "read failed after \(source.bytesRead) bytes: \(error); the rest of the file was not read"
        }
        return source.sizeChange
    }

    static func finding(file: String, line: Int, rule: String, reason: String, dataset: Dataset? = nil) -> Finding {
        Finding(
            rule: rule, category: .inputError, severity: .error, message: reason, file: file, line: line, dataset: dataset,
            recordId: nil, fingerprint: Fingerprint.make([rule, file, reason]))
    }
}
