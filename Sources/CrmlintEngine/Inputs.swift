import CrmlintCore
import CrmlintReaders
import Foundation

/// One input to scan: a file (or stdin), how to read it, and which dataset it holds.
struct InputFile {
    let path: String          // as shown in findings
    let openPath: String?     // nil for stdin
    var format: InputFormat?
    var encoding: TextEncoding?
    var dataset: Dataset?
    /// Named explicitly on the command line (an unknown type is then an error, not skipped).
    let explicit: Bool
    /// Standard input is read once: the source used for detection is the one scanned.
    var stdinSource: ByteSource? = nil
}

/// Expands command-line paths into input files: folders recursively (hidden
/// entries skipped, symlink loops cut), sorted for a stable order.
enum InputDiscovery {
    static func expand(_ paths: [String], problems: inout [Finding]) -> [InputFile] {
        var files: [InputFile] = []
        var seenReal: Set<String> = []
        for path in paths {
            if path == "-" {
                files.append(InputFile(path: "<stdin>", openPath: nil, format: nil, encoding: nil, dataset: nil, explicit: true))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(InputErrors.finding(file: path, line: 0, rule: InputErrors.unreadableFile, reason: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                walk(path, display: path.hasSuffix("/") ? String(path.dropLast()) : path, into: &files, seenReal: &seenReal, problems: &problems)
            } else {
                files.append(InputFile(path: path, openPath: path, format: InputFormat.from(path: path), encoding: nil, dataset: nil, explicit: true))
            }
        }
        return files
    }

    private static func walk(_ directory: String, display: String, into files: inout [InputFile], seenReal: inout Set<String>, problems: inout [Finding]) {
        let real = (directory as NSString).resolvingSymlinksInPath
        guard seenReal.insert(real).inserted else { return }   // symlink loop or repeat
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            problems.append(InputErrors.finding(file: display, line: 0, rule: InputErrors.unreadableFile, reason: "cannot list folder"))
            return
        }
        for name in entries.sorted() where !name.hasPrefix(".") {
            let full = (directory as NSString).appendingPathComponent(name)
            let shown = display.isEmpty || display == "." ? name : display + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }   // dangling link
            if isDirectory.boolValue {
                walk(full, display: shown, into: &files, seenReal: &seenReal, problems: &problems)
            } else if let format = InputFormat.from(path: name) {
                files.append(InputFile(path: shown, openPath: full, format: format, encoding: nil, dataset: nil, explicit: false))
            }
        }
    }
}

/// The built-in rules that report unreadable input.
enum InputErrors {
    static let unreadableRecord = "input.unreadable-record"
    static let unreadableFile = "input.unreadable-file"
    static let unknownFileType = "input.unknown-file-type"
    static let unknownDataset = "input.unknown-dataset"

    static func finding(file: String, line: Int, rule: String, reason: String, dataset: Dataset? = nil) -> Finding {
        Finding(rule: rule, category: .inputError, severity: .error, message: reason, file: file, line: line, dataset: dataset,
                recordId: nil, fingerprint: Fingerprint.make([rule, file, reason]))
    }
}
