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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CrmlintError.input(path: path, reason: "cannot read the baseline (not a readable file)")
        }
        if let document = try? JSONReporter.decoder().decode(Document.self, from: data) {
            guard ReportMerger.isSupported(schemaVersion: document.schemaVersion) else {
                throw CrmlintError.input(path: path, reason: "baseline has findings schema version \(document.schemaVersion); this crmlint reads \(ScanReport.schemaVersion.prefix { $0 != "." }).x")
            }
            return Baseline(path: path, fingerprints: document.findings.map(\.fingerprint))
        }
        var fingerprints: [String] = []
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let entry = try? JSONReporter.decoder().decode(Entry.self, from: Data(line.utf8)) else {
                throw CrmlintError.input(path: path, reason: "not a crmlint findings report (JSON document or JSON Lines; line \(index + 1) is neither)")
            }
            fingerprints.append(entry.fingerprint)
        }
        return Baseline(path: path, fingerprints: fingerprints)
    }

    /// True when the baseline already had this finding (it is then used up).
    public mutating func absorbs(_ finding: Finding) -> Bool {
        guard let count = remaining[finding.fingerprint], count > 0 else { return false }
        remaining[finding.fingerprint] = count - 1
        absorbed += 1
        return true
    }

    // Only what matching needs, so baselines from older or merged reports load too.
    private struct Document: Decodable {
        let schemaVersion: String
        let findings: [Entry]
    }

    private struct Entry: Decodable {
        let fingerprint: String
    }
}
