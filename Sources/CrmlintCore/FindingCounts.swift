/// The counts a report's summary gives, added up one finding at a time, so a
/// scan that streams its findings to disk still knows its summary.
public struct FindingCounts: Equatable, Sendable {
    public internal(set) var total = 0
    public internal(set) var bySeverity: [String: Int] = [:]
    public internal(set) var byCategory: [String: Int] = [:]
    public internal(set) var byRule: [String: Int] = [:]
    public internal(set) var byRep: [String: Int] = [:]
    public internal(set) var byTier: [String: Int] = [:]
    public internal(set) var byDay: [String: Int] = [:]

    public init() {}

    public init(_ findings: [Finding]) {
        for finding in findings { add(finding) }
    }

    public mutating func add(_ finding: Finding) {
        total += 1
        bySeverity[finding.severity.rawValue, default: 0] += 1
        byCategory[finding.category.rawValue, default: 0] += 1
        byRule[finding.rule, default: 0] += 1
        byRep[finding.rep ?? "unknown", default: 0] += 1
        byTier[finding.tier ?? "unknown", default: 0] += 1
        byDay[finding.day ?? "unknown", default: 0] += 1
    }
}

/// `FindingCounts` of findings that come in report order, where neighbours share most values:
/// per dimension the last key and how many in a row, added to its dictionary when the key changes
/// (hashing six keys a finding, Chinese names through Unicode normalisation, was most of counting a
/// spilled scan's findings). The counts are those `FindingCounts.add` gives, in any order.
public struct FindingCounter {
    private struct Run {
        var key: String?
        var count = 0

        /// Counts `key`; returns the finished run (its key and count) when `key` starts a new one.
        @inline(__always) mutating func add(_ key: String) -> (key: String, count: Int)? {
            if count > 0, key == self.key {
                count += 1
                return nil
            }
            defer { (self.key, count) = (key, 1) }
            return count > 0 ? (self.key!, count) : nil
        }

        mutating func take() -> (key: String, count: Int)? {
            defer { (key, count) = (nil, 0) }
            return count > 0 ? (key!, count) : nil
        }
    }

    private var counts = FindingCounts()
    private var severity = Run(), category = Run(), rule = Run(), rep = Run(), tier = Run(), day = Run()

    public init() {}

    public mutating func add(_ finding: Finding) {
        counts.total += 1
        if let run = severity.add(finding.severity.rawValue) { counts.bySeverity[run.key, default: 0] += run.count }
        if let run = category.add(finding.category.rawValue) { counts.byCategory[run.key, default: 0] += run.count }
        if let run = rule.add(finding.rule) { counts.byRule[run.key, default: 0] += run.count }
        if let run = rep.add(finding.rep ?? "unknown") { counts.byRep[run.key, default: 0] += run.count }
        if let run = tier.add(finding.tier ?? "unknown") { counts.byTier[run.key, default: 0] += run.count }
        if let run = day.add(finding.day ?? "unknown") { counts.byDay[run.key, default: 0] += run.count }
    }

    /// The counts of every finding added.
    public mutating func finish() -> FindingCounts {
        if let run = severity.take() { counts.bySeverity[run.key, default: 0] += run.count }
        if let run = category.take() { counts.byCategory[run.key, default: 0] += run.count }
        if let run = rule.take() { counts.byRule[run.key, default: 0] += run.count }
        if let run = rep.take() { counts.byRep[run.key, default: 0] += run.count }
        if let run = tier.take() { counts.byTier[run.key, default: 0] += run.count }
        if let run = day.take() { counts.byDay[run.key, default: 0] += run.count }
        return counts
    }
}
