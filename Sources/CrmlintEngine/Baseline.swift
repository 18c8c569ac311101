import CrmlintCore
import CrmlintReporters
import Foundation

/// `--baseline FILE`: the findings of an earlier report, so that only new
/// ones are reported. Matching is by content fingerprint (rule, record
/// identity, matched content; never the line number), so rows moving in an
/// export do not make old findings new. Count-aware: if a fingerprint now
/// occurs more often than in the baseline, the extra occurrences are new.
public struct Baseline: Sendable {
    public let path: String
    private var remaining: [String: Int]
    /// Findings hidden so far because the baseline had them.
    public private(set) var absorbed = 0

    public init(path: String, fingerprints: [String]) {
        self.path = path
        remaining = fingerprints.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// Nothing at the path (or a link to nothing): what the first run of a
    /// nightly job sees. A file that exists but cannot be read is not missing.
    public static func isMissing(path: String) -> Bool {
        var status = stat()
        return stat(path, &status) != 0 && (errno == ENOENT || errno == ENOTDIR)
    }

    /// Reads a findings JSON document (`--format json`, `--output-json`,
    /// `crmlint merge`) or a JSON Lines file of findings.
    public static func load(path: String) throws -> Baseline {
        if isMissing(path: path) { throw CrmlintError.input(path: path, reason: "no such baseline file (--baseline-required)") }
        return Baseline(
            path: path,
            fingerprints: try FindingsDocument.fingerprints(try FindingsDocument.read(path: path, standardInput: false), path: path))
    }

    /// True when the baseline already had this finding (it is then used up).
    public mutating func absorbs(_ finding: Finding) -> Bool {
        guard let count = remaining[finding.fingerprint], count > 0 else { return false }
        remaining[finding.fingerprint] = count - 1
        absorbed += 1
        return true
    }
}
