/// What one suppression entry did in a run, for reports: an audit trail of
/// every accepted finding, and the way stale entries are found.
public struct SuppressionStatus: Codable, Equatable, Hashable, Sendable {
    public enum State: String, Codable, Sendable {
        /// In force and hid at least one finding.
        case active
        /// Past its expiry date: it no longer hides anything.
        case expired
        /// In force but matched no finding: the entry can be removed.
        case unused
        /// Limited to files none of which this run scanned: nothing to judge.
        case outOfScope = "out-of-scope"
    }

    /// The suppressions file and the line where the entry starts.
    public var file: String
    public var line: Int
    public var rule: String?
    public var fingerprint: String?
    public var recordId: String?
    public var path: String?
    public var reason: String
    public var owner: String?
    /// Last day (YYYY-MM-DD) the entry is in force.
    public var expires: String?
    public var state: State
    /// Findings it hid (for an expired entry: findings it would have hidden).
    public var matched: Int

    public init(
        file: String, line: Int, rule: String? = nil, fingerprint: String? = nil, recordId: String? = nil,
        path: String? = nil, reason: String, owner: String? = nil, expires: String? = nil, state: State, matched: Int
    ) {
        self.file = file
        self.line = line
        self.rule = rule
        self.fingerprint = fingerprint
        self.recordId = recordId
        self.path = path
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.state = state
        self.matched = matched
    }

    /// One line for people, `file:line: warning: …`, for entries that need attention.
    public var warning: String? {
        switch state {
        case .active, .outOfScope: nil
        case .expired where matched == 0:
            "\(file):\(line): warning: suppression expired on \(expires ?? "?") and matches no finding; remove it (reason was: \(reason))"
        case .expired:
            "\(file):\(line): warning: suppression expired on \(expires ?? "?"); \(matched) finding\(matched == 1 ? " is" : "s are") reported again (reason was: \(reason))"
        case .unused:
            "\(file):\(line): warning: suppression matched no finding; remove it or fix its selector (reason: \(reason))"
        }
    }
}
