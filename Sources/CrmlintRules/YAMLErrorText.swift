import Yams

/// A YAML syntax error as one line a person can act on, with the line and
/// column to go to. libyaml (through Yams) says where it gave up and what it
/// was in the middle of ("while parsing a flow sequence in line 5, column 13
/// … did not find expected ',' or ']'"); this says what is wrong ("the list
/// opened with '[' is not closed") and points at the construct to fix, which
/// for an unclosed bracket or quote is where it opens, not where the parser
/// noticed.
public enum YAMLErrorText {
    public struct Problem: Equatable, Sendable {
        /// 1-based; 0 when unknown.
        public var line: Int
        /// 1-based, in characters; 0 when unknown.
        public var column: Int
        public var reason: String

        public init(line: Int, column: Int, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }
    }

    public static func describe(_ error: Error, yaml: String) -> Problem {
        guard let error = error as? YamlError else { return Problem(line: 0, column: 0, reason: "invalid YAML") }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return explain(context: context.map { ($0.text, $0.mark) }, problem: problem, at: mark, lines: lines(yaml))
        case let .reader(problem, offset, _, _):
            var line = 0, column = 0
            if let offset, offset >= 0 {
                let before = yaml.prefix(offset)
                line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                column = before.reversed().prefix { $0 != "\n" }.count + 1
            }
            return Problem(line: line, column: column, reason: "invalid YAML: the text cannot be read (\(problem))")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return Problem(
                line: context.mark.line, column: context.mark.column, reason: "invalid YAML: key \(keys) is given twice in one mapping")
        default:
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            return Problem(line: 0, column: 0, reason: "invalid YAML: \(first)")
        }
    }

    static func lines(_ yaml: String) -> [Substring] {
        yaml.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// What stands at a mark: `'patterns'`, `a tab`, `the end of the file`,
    /// and the column it starts at.
    static func found(at mark: Mark, lines: [Substring]) -> (text: String, column: Int) {
        guard mark.line >= 1, mark.line <= lines.count else { return ("the end of the file", mark.column) }
        let line = Array(lines[mark.line - 1].unicodeScalars)
        let start = mark.column - 1
        guard start >= 0, start < line.count else {
            let last = mark.line == lines.count || (mark.line == lines.count - 1 && lines.last?.isEmpty == true)
            return (last ? "the end of the file" : "the end of line \(mark.line)", mark.column)
        }
        if line[start] == "\t" { return ("a tab", mark.column) }
        var token = String.UnicodeScalarView()
        // A ':' alone says little: show the key it ends ('patterns:').
        var from = start
        if line[start] == ":" { while from > 0, line[from - 1] != " ", line[from - 1] != "\t", start - from < 24 { from -= 1 } }
        for scalar in line[from...] {
            if scalar == " " || scalar == "\t" || scalar == "\r" || token.count >= 24 { break }
            token.append(scalar)
        }
        return ("'\(String(token))'", from + 1)
    }

    static func explain(context: (text: String, mark: Mark)?, problem: String, at mark: Mark, lines: [Substring]) -> Problem {
        let (found, foundColumn) = found(at: mark, lines: lines)
        let atEnd = found == "the end of the file"
        let noticed = atEnd ? "at the end of the file" : "at line \(mark.line), column \(foundColumn) (\(found))"
        let before = atEnd ? "before the end of the file" : "before \(found) at line \(mark.line), column \(foundColumn)"
        func at(_ place: Mark, _ reason: String) -> Problem {
            Problem(line: place.line, column: place.column, reason: "invalid YAML: " + reason)
        }
        let contextText = context?.text ?? ""
        let contextMark = context?.mark ?? mark
        let opened = "line \(contextMark.line), column \(contextMark.column)"

        switch (contextText, problem) {
        case ("while parsing a flow sequence", _) where problem.contains("expected ',' or ']'"):
            return at(contextMark, "the list opened with '[' here is not closed: expected ',' or ']' \(before)")
        case ("while parsing a flow mapping", _) where problem.contains("expected ',' or '}'"):
            return at(contextMark, "the mapping opened with '{' here is not closed: expected ',' or '}' \(before)")
        case ("while parsing a flow mapping", _), ("while parsing a flow sequence", _):
            return at(
                mark,
                "\(problem) \(noticed), inside the \(contextText.hasSuffix("mapping") ? "mapping '{'" : "list '['") opened at \(opened)")
        case ("while scanning a quoted scalar", "found unexpected end of stream"):
            let quote = character(at: contextMark, lines: lines) ?? "'"
            return at(
                contextMark,
                "the quoted text opened with \(quote) here is not closed: expected a closing \(quote) before the end of the file")
        case ("while scanning a quoted scalar", _):
            return at(mark, "\(problem) \(noticed), in the quoted text opened at \(opened)")
        case ("while parsing a block mapping", _) where problem.contains("expected key"):
            return at(
                mark,
                "\(found) does not fit here: expected a key lined up with the mapping that starts at \(opened) (check the indentation)")
        case ("while parsing a block collection", _) where problem.contains("'-' indicator"):
            return at(
                mark,
                "\(found) does not fit here: expected '- ' for the next item of the list that starts at \(opened) (check the indentation)")
        case (_, "mapping values are not allowed in this context"):
            return at(
                mark,
                "a ': ' inside a value at line \(mark.line), column \(mark.column): quote the value (message: 'a: b') or start a new key on its own line"
            )
        case (_, _) where problem.contains("tab character"):
            return at(mark, "a tab at line \(mark.line), column \(mark.column): indent with spaces, not tabs")
        case (_, "found character that cannot start any token"):
            if found == "a tab" { return at(mark, "a tab at line \(mark.line), column \(mark.column): indent with spaces, not tabs") }
            return at(mark, "\(found) cannot start a value: quote the value ('\(found.trimmingCharacters(in: ["'"]))…')")
        case (_, "did not find expected node content"):
            return at(mark, "expected a value \(noticed)")
        case (_, "found undefined alias"):
            return at(mark, "\(found) names no anchor: an alias (*name) needs an anchor (&name) defined before it")
        case ("while scanning a simple key", _):
            return at(contextMark, "expected ':' after the key that starts here (noticed \(noticed))")
        case ("while scanning an anchor", _), ("while scanning an alias", _):
            return at(mark, "an anchor or alias name (&name, *name) needs letters or digits \(noticed)")
        default:
            let during = context.map { " (\($0.text) that starts at \(opened))" } ?? ""
            return at(mark, "\(problem) \(noticed)\(during)")
        }
    }

    static func character(at mark: Mark, lines: [Substring]) -> String? {
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column >= 1, mark.column <= line.count else { return nil }
        return String(line[mark.column - 1])
    }
}

private extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
