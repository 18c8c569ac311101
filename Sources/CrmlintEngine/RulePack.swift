import CrmlintCore
import Foundation

/// Where the bundled rules live: `./rules` when run from the repository,
/// else the `rules/` folder of the source tree this binary was built from.
public enum RulePack {
    public static func defaultPath() throws -> String {
        if let env = ProcessInfo.processInfo.environment["CRMLINT_RULES"], !env.isEmpty { return env }
        let candidates = [
            "rules",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("rules").path,
        ]
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue { return candidate }
        }
        throw CrmlintError.usage("cannot find the bundled rules/ folder; pass --rules DIR")
    }

    /// The rule sources of a run: `--rules` when given, else `rules` in
    /// crmlint.yml (relative to its folder), else the bundled pack alone.
    /// `bundled` names the bundled pack in either.
    public static func sources(explicit: [String], config: Config) throws -> [String] {
        if !explicit.isEmpty { return try explicit.map { $0 == Config.bundledRules ? try defaultPath() : $0 } }
        if !config.rules.isEmpty { return try config.rulePaths() }
        return [try defaultPath()]
    }
}
