import CrmlintCore

/// A finding message from the rule file with `{placeholders}` the kind fills
/// in (how late, how many, which tier), so wording stays in YAML and numbers
/// come from the data. A template without placeholders gets the kind's
/// default detail appended, so a finding always says by how much.
public struct MessageTemplate: Sendable {
    public let text: String
    private let parts: [Part]

    private enum Part: Sendable {
        case literal(String)
        case value(String)
    }

    /// Parses `text`; unknown placeholders are reported on `key` and left as written.
    public init(_ text: String, allowed: [String], definition: RuleDefinition?, key: String = "message") {
        self.text = text
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = String(rest[afterOpen..<close])
            if allowed.contains(name) {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.value(name))
            } else {
                definition?.fail(
                    key, "unknown placeholder '{\(name)}' in \(key) (one of: \(allowed.map { "{\($0)}" }.joined(separator: ", ")))")
                literal += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    public var hasPlaceholders: Bool { parts.contains { if case .value = $0 { true } else { false } } }

    /// The message with values filled in; `detail` is appended when the
    /// template names no value.
    public func render(_ values: [String: String], detail: String) -> String {
        guard hasPlaceholders else { return detail.isEmpty ? text : "\(text) (\(detail))" }
        return parts.map { part -> String in
            switch part {
            case let .literal(text): text
            case let .value(name): values[name] ?? "—"
            }
        }.joined()
    }
}
