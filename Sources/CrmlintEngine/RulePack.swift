import CrmlintCore
import CrmlintRules
import Foundation

/// The default rules: the pack compiled into the binary (`builtin:rules`),
/// so a copied binary needs no source tree; `CRMLINT_RULES` points elsewhere
/// (e.g. a rules/ checkout being edited). `--rules` and crmlint.yml's `rules`
/// override both.
public enum RulePack {
    public static func defaultPath() throws -> String {
        if let env = EnvironmentVariable.value("CRMLINT_RULES"), !env.isEmpty { return env }
        return BuiltinRules.root
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
