import CrmlintCore
import CrmlintRules

/// Findings of rules reported by group (`aggregate` in YAML): each group —
/// rule, customer / rep / file, field, window — becomes one finding, the
/// first met, with the count in `occurrences` and the other records under
/// `related` (the first `relatedLimit`). Groups are folded as findings come,
/// so memory grows with groups, not findings.
final class FindingGroups {
    static let relatedLimit = 50

    private struct Group {
        var first: Finding
        var count: Int
        var related: [RelatedLocation]
        let who: String
        let window: String
    }
    private let specs: [String: Aggregation]
    /// The groups in the order they were met, and each one's place there by key. (Kept in an array and
    /// changed in place: copying a group out of a dictionary and back copied its first finding and its
    /// related locations on every finding it took, ~4 % of scanning a whole export.)
    @exclusivity(unchecked) private var groups: [Group] = []
    @exclusivity(unchecked) private var places: [GroupKey: Int] = [:]

    /// What makes a group: rule, whose (customer, rep or file), field, window. (Hashed as four strings: joined
    /// into one with separators, the key cost an allocation per finding.)
    private struct GroupKey: Hashable {
        let rule: String
        let who: String
        let field: String
        let window: String
    }

    init(rules: [Rule]) {
        var specs: [String: Aggregation] = [:]
        for rule in rules { if let aggregate = rule.metadata.aggregate { specs[rule.metadata.id] = aggregate } }
        self.specs = specs
    }

    /// True when the finding was taken into a group (it is reported by `finish`).
    func take(_ finding: Finding) -> Bool {
        guard let spec = specs[finding.rule] else { return false }
        let (who, window) = spec.key(of: finding)
        let key = GroupKey(rule: finding.rule, who: who, field: finding.field ?? "", window: window)
        if let place = places[key] {
            groups[place].count += 1
            if groups[place].related.count < Self.relatedLimit {
                groups[place].related.append(
                    RelatedLocation(
                        file: finding.file, line: finding.line, recordId: finding.recordId,
                        note: finding.day.map { "also on \($0)" }))
            }
        } else {
            places[key] = groups.count
            groups.append(Group(first: finding, count: 1, related: finding.related ?? [], who: who, window: window))
        }
        return true
    }

    /// One finding per group, in the order groups were met.
    func finish() -> [Finding] {
        groups.map { group in
            var finding = group.first
            let spec = specs[finding.rule]!
            finding.fingerprint = Fingerprint.make([finding.rule, "group", spec.by.rawValue, group.who, finding.field ?? "", group.window])
            finding.occurrences = group.count
            if group.count > 1 {
                let whom: String
                switch spec.by {
                case .customer: whom = "customer \(group.who)"
                case .rep: whom = "rep \(group.who)"
                case .file: whom = "this file"
                }
                let window = group.window.isEmpty ? "" : " in \(group.window)"
                finding.message += " (\(group.count) records like this for \(whom)\(window); the others under related)"
                finding.related = group.related
            }
            return finding
        }
    }
}
