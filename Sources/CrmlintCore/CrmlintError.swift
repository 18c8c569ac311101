/// Every user-facing problem that stops a run (exit 2), with where and why.
/// Messages are written here, in one place, one line each.
public enum CrmlintError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A rule file problem: file, line (0 when unknown), rule id when known.
    case rule(file: String, line: Int, ruleID: String?, reason: String)
    case config(file: String, line: Int, reason: String)
    case usage(String)
    case input(path: String, reason: String)
    case output(path: String, reason: String)
    /// Several problems found in one load, reported together in sorted order.
    case many([CrmlintError])

    public var description: String { lines.joined(separator: "\n") }

    /// One line per problem, always: text quoted from a rule or config file
    /// (a pattern, a key) may hold line breaks, and they are shown escaped.
    public var lines: [String] { unescapedLines.map(Self.oneLine) }

    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where needsEscape(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.properties.generalCategory == .control && scalar != "\t") || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private var unescapedLines: [String] {
        switch self {
        case let .rule(file, line, ruleID, reason):
            let place = line > 0 ? "\(file):\(line)" : file
            if let ruleID { return ["error: \(place): rule '\(ruleID)': \(reason)"] }
            return ["error: \(place): \(reason)"]
        case let .config(file, line, reason):
            return ["error: \(line > 0 ? "\(file):\(line)" : file): config: \(reason)"]
        case let .usage(reason):
            return ["error: \(reason)"]
        case let .input(path, reason):
            return ["error: \(path): \(reason)"]
        case let .output(path, reason):
            return ["error: cannot write \(path): \(reason)"]
        case let .many(errors):
            return errors.flatMap(\.unescapedLines).sorted()
        }
    }

    /// Collapses a list into one error (or none).
    public static func combine(_ errors: [CrmlintError]) -> CrmlintError? {
        switch errors.count {
        case 0: nil
        case 1: errors[0]
        default: .many(errors)
        }
    }
}
