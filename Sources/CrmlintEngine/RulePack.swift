import CrmlintCore
import CrmlintRules
import Foundation

/// The default rules: the pack compiled into the binary (`builtin:rules`),
/// so a copied binary needs no source tree; `CRMLINT_RULES` points elsewhere
/// (e.g. a rules/ checkout being edited). `--rules` and crmlint.yml's `rules`
/// override both.
public enum RulePack {
    public static func defaultPath() throws -> String {
        if let env = ProcessInfo.processInfo.environment["CRMLINT_RULES"], !env.isEmpty { return env }
        return BuiltinRules.root
    }
}
