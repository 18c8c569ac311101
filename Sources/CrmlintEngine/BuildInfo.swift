import CBuildInfo
import CrmlintRules
import Foundation
import PatternEngine

/// What a bug report needs to know about this binary (`crmlint version --verbose`).
public struct BuildInfo: Sendable, Equatable {
    public var version: String
    public var commit: String
    public var pcre2Version: String
    public var pcre2JIT: Bool
    /// Where the default rules come from: `builtin:rules`, or `CRMLINT_RULES`.
    public var defaultRules: String
    public var builtinRuleFiles: Int
    /// FNV-1a over the embedded rule files' paths and contents.
    public var builtinRulesHash: String
    public var platform: String
    /// `debug`, `release`, or `release, profile-guided` (scripts/package's, trained on its own scans).
    public var optimization: String

    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> BuildInfo {
        let fromEnvironment = environment["CRMLINT_RULES"].flatMap { $0.isEmpty ? nil : $0 }
        return BuildInfo(
            version: CrmlintVersion.current, commit: String(cString: crmlint_git_commit()),
            pcre2Version: PCRE2Library.version, pcre2JIT: PCRE2Library.jitAvailable,
            defaultRules: fromEnvironment.map { "\($0) (from CRMLINT_RULES)" } ?? BuiltinRules.root,
            builtinRuleFiles: BuiltinRules.files.count, builtinRulesHash: BuiltinRules.fingerprint,
            platform: Self.platform, optimization: Self.optimization)
    }

    static var optimization: String {
        #if DEBUG
            return "debug"
        #else
            let how = String(cString: crmlint_build_optimization())
            return how == "standard" ? "release" : "release, " + how
        #endif
    }

    /// What names this build in the rule cache's key: crmlint's version and
    /// commit, PCRE2's version, the executable's size and time.
    static let cacheIdentity = "crmlint \(CrmlintVersion.current) \(String(cString: crmlint_git_commit()))|" + RuleCache.buildIdentity

    static var platform: String {
        #if os(Linux)
            let os = "linux"
        #elseif os(macOS)
            let os = "macos"
        #else
            let os = "unknown-os"
        #endif
        #if arch(x86_64)
            return os + "-x86_64"
        #elseif arch(arm64)
            return os + "-aarch64"
        #else
            return os + "-unknown-arch"
        #endif
    }

    /// `crmlint 0.1.0`, or with `verbose` one `key: value` line per fact.
    public func text(verbose: Bool) -> String {
        guard verbose else { return "crmlint \(version)\n" }
        return """
            crmlint \(version)
            commit: \(commit)
            pcre2: \(pcre2Version), JIT \(pcre2JIT ? "available" : "not available")
            default rules: \(defaultRules)
            built-in rules: \(builtinRuleFiles) files, fnv1a \(builtinRulesHash)
            platform: \(platform)
            build: \(optimization)

            """
    }
}
