import CrmlintCore

/// A rule kind: its YAML name and how to build an instance from a definition.
/// Each kind is one type in one file; this list is the only place that names them all.
public protocol RuleKind {
    static var name: String { get }
    /// A one-paragraph description for `docs/rules.md` and `crmlint explain`.
    static var summary: String { get }
    /// Reads the kind's own keys; returns nil after recording errors.
    static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule?
}

public enum RuleKinds {
    public static let all: [RuleKind.Type] = [
        PatternRule.self,
        DeadlineRule.self,
        FrequencyRule.self,
        CadenceRule.self,
        QuietPeriodRule.self,
        TierRule.self,
        RequiredFieldsRule.self,
        ContactDetailRule.self,
        ClassifierRule.self,
    ]

    public static func kind(named name: String) -> RuleKind.Type? { all.first { $0.name == name } }
}
