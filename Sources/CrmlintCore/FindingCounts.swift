/// The counts a report's summary gives, added up one finding at a time, so a
/// scan that streams its findings to disk still knows its summary.
public struct FindingCounts: Equatable, Sendable {
    public private(set) var total = 0
    public private(set) var bySeverity: [String: Int] = [:]
    public private(set) var byCategory: [String: Int] = [:]
    public private(set) var byRule: [String: Int] = [:]
    public private(set) var byRep: [String: Int] = [:]
    public private(set) var byTier: [String: Int] = [:]
    public private(set) var byDay: [String: Int] = [:]

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
