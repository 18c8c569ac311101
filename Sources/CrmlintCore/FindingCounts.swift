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
    /// One dimension's counts, and the run of equal keys not yet added to them.
    private struct Tally {
        private var counts: [String: Int] = [:]
        private var key: String?
        private var run = 0

        @inline(__always) mutating func add(_ key: String, count: Int = 1) {
            if run > 0, key == self.key {
                run += count
                return
            }
            flush()
            (self.key, run) = (key, count)
        }

        mutating func finish() -> [String: Int] {
            flush()
            return counts
        }

        private mutating func flush() {
            if run > 0, let key { counts[key, default: 0] += run }
            (key, run) = (nil, 0)
        }
    }

    private var total = 0
    private var severity = Tally(), category = Tally(), rule = Tally(), rep = Tally(), tier = Tally(), day = Tally()

    public init() {}

    public mutating func add(_ finding: Finding) {
        addUntiered(finding)
        tier.add(finding.tier ?? "unknown")
    }

    /// Adds `finding` but for its tier, for a finding whose tier is not known yet: `addTier` adds it once it is.
    public mutating func addUntiered(_ finding: Finding) {
        total += 1
        severity.add(finding.severity.rawValue)
        category.add(finding.category.rawValue)
        rule.add(finding.rule)
        rep.add(finding.rep ?? "unknown")
        day.add(finding.day ?? "unknown")
    }

    /// Adds `count` findings' tier, `label`, for findings added with `addUntiered`.
    public mutating func addTier(_ label: String, count: Int) {
        tier.add(label, count: count)
    }

    /// The counts of every finding added.
    public mutating func finish() -> FindingCounts {
        var counts = FindingCounts()
        counts.total = total
        counts.bySeverity = severity.finish()
        counts.byCategory = category.finish()
        counts.byRule = rule.finish()
        counts.byRep = rep.finish()
        counts.byTier = tier.finish()
        counts.byDay = day.finish()
        return counts
    }
}
