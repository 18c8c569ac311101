import CrmlintCore
import Foundation

/// The folder SARIF paths are relative to (`SRCROOT`). Code scanning matches
/// a result to a file of the repository by its path from the repository's
/// top, so the default is the git top level of the current folder when the
/// inputs are inside it; else the folder the inputs have in common, so that
/// an export outside the working folder still gets a path without `../`.
public enum SARIFRoot {
    /// `--sarif-root DIR` checked (an existing folder holding every input), or the default.
    public static func resolve(
        explicit: String?, inputs: [String], workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> String {
        let files = inputs.filter { $0 != "-" }.map { canonical($0, from: workingDirectory) }
        guard let explicit else { return defaultRoot(inputs: files, workingDirectory: workingDirectory) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CrmlintError.usage("--sarif-root \(explicit) is not a folder")
        }
        let root = canonical(explicit, from: workingDirectory)
        let outside = zip(inputs.filter { $0 != "-" }, files).filter { !contains(root, $0.1) }.map(\.0)
        if !outside.isEmpty {
            // SARIF paths would have to climb out of the root with ../, which code scanning cannot place.
            throw CrmlintError.many(outside.map { CrmlintError.usage("--sarif-root \(explicit) does not contain the input \($0)") })
        }
        return root
    }

    static func defaultRoot(inputs: [String], workingDirectory: String) -> String {
        let here = canonical(".", from: workingDirectory)
        if let top = gitTopLevel(from: here), inputs.allSatisfy({ contains(top, $0) }) { return top }
        guard !inputs.isEmpty else { return here }
        // A folder input is its own folder; a file's is the one holding it.
        let folders = inputs.map { path -> [String] in
            var isDirectory: ObjCBool = false
            let folder =
                FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? path : (path as NSString).deletingLastPathComponent
            return (folder as NSString).pathComponents
        }
        var common = folders[0]
        for components in folders.dropFirst() {
            common = Array(zip(common, components).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return common.isEmpty ? "/" : NSString.path(withComponents: common)
    }

    /// The nearest folder at or above `folder` holding `.git` (a folder, or a file in a worktree).
    static func gitTopLevel(from folder: String) -> String? {
        var current = folder
        while true {
            if FileManager.default.fileExists(atPath: (current as NSString).appendingPathComponent(".git")) { return current }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    static func contains(_ root: String, _ path: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    static func canonical(_ path: String, from folder: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
