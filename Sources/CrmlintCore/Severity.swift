/// How serious a finding is. Ordered: info < warning < error.
public enum Severity: String, Codable, CaseIterable, Comparable, Sendable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The `--fail-on` threshold: findings at or above it make the exit status 1.
public enum FailThreshold: String, CaseIterable, Sendable {
    case error, warning, info, never

    /// A threshold named on the command line; an unknown name is an error listing the thresholds.
    public static func parse(_ name: String) throws -> FailThreshold {
        guard let threshold = FailThreshold(rawValue: name) else {
            throw CrmlintError.usage(Suggestion.unknown("--fail-on value", name, expected: allCases.map(\.rawValue)))
        }
        return threshold
    }

    public func isFailing(_ severity: Severity) -> Bool {
        switch self {
        case .never: false
        case .error: severity >= .error
        case .warning: severity >= .warning
        case .info: true
        }
    }
}
