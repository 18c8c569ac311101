/// A rule's examples as people read them: one line each, for `crmlint
/// explain` and docs/rules.md. Every kind describes its own (SwiftLint's
/// `RuleDescription`), so the catalog renders any rule without knowing its
/// kind; the examples are run by the kind's `exampleFailures()`.
public struct RuleExamples: Sendable {
    /// What reads the examples, when the kind names it (a contact rule's detector and its check).
    public var detector: (name: String, summary: String)?
    /// Examples that must be reported.
    public var match: [String]
    /// Examples that must not be reported.
    public var noMatch: [String]
    /// True when each line is text the rule reads (shown as code in docs);
    /// false when it describes a small dataset (its note, or its records' ids).
    public var areTexts: Bool

    public init(detector: (name: String, summary: String)? = nil, match: [String], noMatch: [String], areTexts: Bool) {
        self.detector = detector
        self.match = match
        self.noMatch = noMatch
        self.areTexts = areTexts
    }
}
