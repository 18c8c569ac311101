import CrmlintCore
import CrmlintRules
import Foundation
import Yams

/// Accepted findings, kept in `crmlint-suppressions.yml` beside the data.
///
/// Each entry names what it hides — a fingerprint, a rule and a record id,
/// or a rule and a file glob — with a required reason and an optional
/// expiry day (inclusive, judged against the scan's `--as-of`). Expired
/// entries stop hiding; entries that hide nothing are reported, so the
/// file does not rot. Format: README, "Suppressions".
public final class Suppressions {
    public static let fileNames = ["crmlint-suppressions.yml", "crmlint-suppressions.yaml"]

    public struct Entry: Sendable, Equatable {
        public enum Selector: Sendable, Equatable {
            case fingerprint(String)
            case record(rule: String, id: String)
            case path(rule: String, glob: String)
        }

        public var file: String
        public var line: Int
        public var selector: Selector
        /// Limits any entry to files matching this glob (kept in `path` for `.path`).
        public var scope: String?
        public var rule: String?
        public var reason: String
        public var owner: String?
        public var expires: String?
        /// Where `rule` was written (line, column), for a rule id that names no rule.
        public var ruleLine = 0
        public var ruleColumn = 0
    }

    public let entries: [Entry]
    private var hits: [Int]
    private var expiredHits: [Int]
    /// Findings hidden so far.
    public private(set) var suppressed = 0

    public init(entries: [Entry]) {
        self.entries = entries
        hits = Array(repeating: 0, count: entries.count)
        expiredHits = hits
    }

    // MARK: Finding the files

    /// `crmlint-suppressions.yml` in the current folder and beside each
    /// scanned path (a folder's own, a file's folder), each file once.
    public static func discover(scanPaths: [String]) -> [String] {
        var folders = ["."]
        for path in scanPaths where path != "-" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            folders.append(isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent)
        }
        var seen: Set<String> = []
        var found: [String] = []
        for folder in folders {
            for name in fileNames {
                let candidate = folder.isEmpty || folder == "." ? name : (folder as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: candidate) else { continue }
                let real = URL(fileURLWithPath: candidate).standardizedFileURL.resolvingSymlinksInPath().path
                if seen.insert(real).inserted { found.append(candidate) }
            }
        }
        return found
    }

    // MARK: Reading

    public static func load(paths: [String]) throws -> Suppressions {
        var entries: [Entry] = []
        var errors: [CrmlintError] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append(.config(file: path, line: 0, reason: "cannot read the suppressions file"))
                continue
            }
            do {
                entries += try parse(String(decoding: data, as: UTF8.self), file: path)
            } catch let error as CrmlintError {
                errors.append(error)
            }
        }
        if let error = CrmlintError.combine(errors) { throw error }
        return Suppressions(entries: entries)
    }

    static let keys = ["fingerprint", "rule", "record", "path", "reason", "owner", "expires"]

    public static func parse(_ text: String, file: String) throws -> [Entry] {
        let root: Node?
        do { root = try StrictYAML.compose(text) } catch {
            throw CrmlintError.config(file: file, line: error.line, column: error.column, reason: error.reason)
        }
        guard let root else { return [] }
        guard case let .sequence(items) = root else {
            throw CrmlintError.config(
                file: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 0,
                reason: "a suppressions file must be a YAML list of entries")
        }
        var entries: [Entry] = []
        var errors: [CrmlintError] = []
        for item in items {
            let line = item.mark?.line ?? 0
            func fail(_ reason: String, at node: Node? = nil) {
                let mark = (node ?? item).mark
                errors.append(.config(file: file, line: mark?.line ?? line, column: mark?.column ?? 0, reason: "suppression: \(reason)"))
            }
            guard case let .mapping(mapping) = item else {
                fail("each entry must be a mapping (fingerprint/rule/record/path, reason, expires)")
                continue
            }
            var values: [String: String] = [:]
            var ruleMark: Mark?
            for (key, value) in mapping {
                let name = StrictYAML.keyName(key)
                if name == "rule" { ruleMark = value.mark }
                guard keys.contains(name) else {
                    fail(
                        "unknown key '\(name)'\(Suggestion.hint(for: name, among: keys)); expected one of \(keys.joined(separator: ", "))",
                        at: key)
                    continue
                }
                guard let text = value.scalar?.string, !text.trimmed.isEmpty else {
                    fail("'\(name)' must be a non-empty text value", at: value)
                    continue
                }
                values[name] = text.trimmed
            }
            guard let reason = values["reason"] else {
                fail("every entry needs a 'reason' (why the finding is accepted)")
                continue
            }
            let selector: Entry.Selector
            var scope = values["path"]
            if let fingerprint = values["fingerprint"] {
                guard fingerprint.count >= 8, fingerprint.allSatisfy(\.isHexDigit) else {
                    fail("fingerprint '\(fingerprint)' is not a finding fingerprint (hex, as in the JSON report)")
                    continue
                }
                if values["record"] != nil { fail("give either 'fingerprint' or 'record', not both"); continue }
                selector = .fingerprint(fingerprint.lowercased())
            } else if let rule = values["rule"], let record = values["record"] {
                selector = .record(rule: rule, id: record)
            } else if let rule = values["rule"], let glob = values["path"] {
                selector = .path(rule: rule, glob: glob)
                scope = nil
            } else {
                fail("an entry needs 'fingerprint', or 'rule' with 'record' or 'path' (to silence a rule everywhere, use --ignore)")
                continue
            }
            if let expires = values["expires"], !isDay(expires) {
                fail("expires '\(expires)' is not a date (YYYY-MM-DD)")
                continue
            }
            // Reasons and owners are free text written out in reports: masked like any other output.
            entries.append(
                Entry(
                    file: file, line: line, selector: selector, scope: scope, rule: values["rule"],
                    reason: Redactor.shared.redact(reason), owner: values["owner"].map { Redactor.shared.redact($0) },
                    expires: values["expires"], ruleLine: ruleMark?.line ?? line, ruleColumn: ruleMark?.column ?? 0))
        }
        if let error = CrmlintError.combine(errors) { throw error }
        return entries
    }

    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return false }
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        return check.year == year && check.month == month && check.day == day
    }

    /// Entries whose `rule` names no rule of `known` (every rule loaded, and the
    /// built-in `input.*` ones): a typo would silently hide nothing, so it is an error,
    /// with the id meant when one is close.
    public func unknownRules(_ known: [String]) -> [CrmlintError] {
        entries.compactMap { entry in
            guard let rule = entry.rule, !known.contains(where: { Self.ruleMatches(rule, $0) }) else { return nil }
            let hint = Suggestion.hint(for: rule, among: known)
            return .config(
                file: entry.file, line: entry.ruleLine, column: entry.ruleColumn,
                reason: "suppression: rule '\(rule)' names no rule\(hint)")
        }
    }

    // MARK: Matching

    /// True when an entry in force hides the finding. `today` is the scan's
    /// as-of day (YYYY-MM-DD); an entry is in force through its `expires` day.
    public func suppresses(_ finding: Finding, today: String) -> Bool {
        for (index, entry) in entries.enumerated() where !isExpired(entry, today: today) && matches(entry, finding) {
            hits[index] += 1
            suppressed += 1
            return true
        }
        for (index, entry) in entries.enumerated() where isExpired(entry, today: today) && matches(entry, finding) {
            expiredHits[index] += 1
        }
        return false
    }

    func isExpired(_ entry: Entry, today: String) -> Bool {
        guard let expires = entry.expires else { return false }
        return today > expires
    }

    func matches(_ entry: Entry, _ finding: Finding) -> Bool {
        if let rule = entry.rule, !Self.ruleMatches(rule, finding.rule) { return false }
        if let scope = entry.scope, !pathMatches(scope, finding.file, entry: entry) { return false }
        switch entry.selector {
        case let .fingerprint(fingerprint): return finding.fingerprint == fingerprint
        case let .record(_, id): return finding.recordId == id
        case let .path(_, glob): return pathMatches(glob, finding.file, entry: entry)
        }
    }

    /// An exact rule id, or a prefix ending in `*` (`contact.*`).
    static func ruleMatches(_ pattern: String, _ rule: String) -> Bool {
        pattern.hasSuffix("*") ? rule.hasPrefix(pattern.dropLast()) : pattern == rule
    }

    /// Globs are read as written from where crmlint runs, or relative to the
    /// folder of the suppressions file (so a file beside the data can say `*.csv`).
    func pathMatches(_ glob: String, _ path: String, entry: Entry) -> Bool {
        if Glob.matches(glob, path) { return true }
        let folder = (entry.file as NSString).deletingLastPathComponent
        guard !folder.isEmpty, folder != ".", path.hasPrefix(folder + "/") else { return false }
        return Glob.matches(glob, String(path.dropFirst(folder.count + 1)))
    }

    // MARK: Reporting

    /// Every entry with what became of it. `scannedFiles` are the input
    /// paths of the run: an entry limited to files none of which was
    /// scanned is `outOfScope`, not unused (pre-commit scans a few files).
    public func statuses(today: String, scannedFiles: [String]) -> [SuppressionStatus] {
        entries.enumerated().map { index, entry in
            let expired = isExpired(entry, today: today)
            let state: SuppressionStatus.State
            if expired {
                state = .expired
            } else if hits[index] > 0 {
                state = .active
            } else {
                let glob: String? = if case let .path(_, glob) = entry.selector { glob } else { entry.scope }
                let inScope = glob.map { glob in scannedFiles.contains { pathMatches(glob, $0, entry: entry) } } ?? true
                state = inScope ? .unused : .outOfScope
            }
            var status = SuppressionStatus(
                file: entry.file, line: entry.line, rule: entry.rule, reason: entry.reason, owner: entry.owner,
                expires: entry.expires, state: state, matched: expired ? expiredHits[index] : hits[index])
            switch entry.selector {
            case let .fingerprint(fingerprint): status.fingerprint = fingerprint
            case let .record(_, id): status.recordId = id
            case let .path(_, glob): status.path = glob
            }
            if status.path == nil { status.path = entry.scope }
            return status
        }
    }
}
