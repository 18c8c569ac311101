import CrmlintCore
import Foundation
import Yams

/// `aggregate: {by: rep, per: month}` — how a rule that can fire on every
/// record or contact is reported: one finding per group (rule, who, field,
/// window) with the number of records and the others under `related`, so a
/// report stays readable on a real export. The rule's examples show its
/// findings before grouping.
public struct Aggregation: Sendable, Equatable {
    public enum By: String, CaseIterable, Sendable { case customer, rep, file }
    public enum Per: String, CaseIterable, Sendable { case day, week, month, scan }

    public let by: By
    public let per: Per

    public init(by: By, per: Per) {
        self.by = by
        self.per = per
    }

    /// The finding's group within its rule: who, field and window.
    public func key(of finding: Finding) -> (who: String, window: String) {
        let who: String
        switch by {
        case .customer: who = finding.customerId ?? "(no customer)"
        case .rep: who = finding.rep ?? "(no rep)"
        case .file: who = finding.file
        }
        return (who, window(of: finding.day))
    }

    /// The window a day (YYYY-MM-DD) falls in: the day, the Monday of its week, its month, or the whole scan.
    public func window(of day: String?) -> String {
        guard let day, per != .scan else { return per == .scan ? "" : "(no date)" }
        switch per {
        case .day, .scan: return day
        case .month: return String(day.prefix(7))
        case .week:
            let parts = day.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return day }
            let number = CivilDate.days(parts[0], parts[1], parts[2])
            // Day 0 (1970-01-01) was a Thursday: Monday-based weeks start 3 days before it.
            let monday = number - ((number + 3) % 7 + 7) % 7
            let (year, month, dayOfMonth) = CivilDate.civil(monday)
            return "week of " + CivilDate.isoDay(year, month, dayOfMonth)
        }
    }

    static func read(_ definition: RuleDefinition) -> Aggregation? {
        guard let node = definition.node("aggregate") else { return nil }
        let shape = "'aggregate' is {by: customer|rep|file, per: day|week|month|scan}"
        guard case .mapping = node, let keys = NestedKeys(node, path: "aggregate", topKey: "aggregate", definition: definition) else {
            definition.fail("aggregate", shape)
            return nil
        }
        defer { keys.finish() }
        let byText = keys.string("by"), perText = keys.string("per")
        guard let byText, let by = By(rawValue: byText) else {
            keys.fail("\(shape): 'by' \(byText.map { "'\($0)' is not one of customer, rep, file" } ?? "is missing")")
            return nil
        }
        guard let perText, let per = Per(rawValue: perText) else {
            keys.fail("\(shape): 'per' \(perText.map { "'\($0)' is not one of day, week, month, scan" } ?? "is missing")")
            return nil
        }
        return Aggregation(by: by, per: per)
    }
}
