/// Every user-facing problem that stops a run (exit 2), with where and why.
/// Messages are written here, in one place, one line each, in one format:
/// `error: FILE:LINE:COLUMN: [rule 'ID': ]reason` (line and column left out
/// when unknown), `error: reason` for arguments.
public enum CrmlintError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A rule file problem: file, line and column (0 when unknown), rule id when known.
    case rule(file: String, line: Int, column: Int = 0, ruleID: String?, reason: String)
    /// A settings file problem (crmlint.yml, a suppressions file).
    case config(file: String, line: Int, column: Int = 0, reason: String)
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
        case let .rule(file, line, column, ruleID, reason):
            let place = Self.place(file, line, column)
            if let ruleID { return ["error: \(place): rule '\(ruleID)': \(reason)"] }
            return ["error: \(place): \(reason)"]
        case let .config(file, line, column, reason):
            return ["error: \(Self.place(file, line, column)): \(reason)"]
        case let .usage(reason):
            return ["error: \(reason)"]
        case let .input(path, reason):
            return ["error: \(path): \(reason)"]
        case let .output(path, reason):
            return ["error: cannot write \(path): \(reason)"]
        case let .many(errors):
            // A problem noticed twice (settings read by two steps of a run) is said once.
            return Array(Set(errors.flatMap(\.unescapedLines))).sorted()
        }
    }

    /// `file:line:column`, as compilers and editors write it.
    static func place(_ file: String, _ line: Int, _ column: Int) -> String {
        guard line > 0 else { return file }
        return column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
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
