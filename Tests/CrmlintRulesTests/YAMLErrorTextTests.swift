import CrmlintCore
import CrmlintRules
import Testing

/// YAML syntax errors say where to look and what was expected, not where libyaml gave up.
@Suite struct YAMLErrorTextTests {
    func error(_ yaml: String) -> String? { RuleLoader.load(yaml: yaml, file: "r.yml").1.first?.description }

    let rule = "- id: t.x\n  category: bribery\n  severity: error\n  message: m\n"

    @Test func anUnclosedListPointsAtItsBracket() {
        // libyaml: "while parsing a flow sequence in line 5, column 13: did not find expected ',' or ']'".
        #expect(
            error(rule + "  datasets: [messages, followups\n  patterns: ['回扣']\n")
                == "error: r.yml:5:13: invalid YAML: the list opened with '[' here is not closed: expected ',' or ']' before 'patterns:' at line 6, column 3"
        )
        #expect(
            error(rule + "  patterns: ['回扣'\n")
                == "error: r.yml:5:13: invalid YAML: the list opened with '[' here is not closed: expected ',' or ']' before the end of the file"
        )
        #expect(
            error(rule + "  unless: {pattern: x\n  skip_quoted: true\n")
                == "error: r.yml:5:11: invalid YAML: the mapping opened with '{' here is not closed: expected ',' or '}' before 'skip_quoted:' at line 6, column 3"
        )
    }

    @Test func anUnclosedQuotePointsAtTheQuote() {
        #expect(
            error(rule + "  patterns: ['回扣]\n")
                == "error: r.yml:5:14: invalid YAML: the quoted text opened with ' here is not closed: expected a closing ' before the end of the file"
        )
    }

    @Test func indentationTabsColonsAndAliases() {
        #expect(
            error("- id: t.x\n  category: bribery\n severity: error\n")
                == "error: r.yml:3:2: invalid YAML: 'severity:' does not fit here: expected '- ' for the next item of the list that starts at line 1, column 1 (check the indentation)"
        )
        #expect(
            error("- id: t.x\n\tcategory: bribery\n")
                == "error: r.yml:2:1: invalid YAML: a tab at line 2, column 1: indent with spaces, not tabs")
        #expect(
            error(rule.replacingOccurrences(of: "message: m", with: "message: 注意: 回扣"))
                == "error: r.yml:4:14: invalid YAML: a ': ' inside a value at line 4, column 14: quote the value (message: 'a: b') or start a new key on its own line"
        )
        #expect(
            error(rule + "  patterns: *words\n")
                == "error: r.yml:5:13: invalid YAML: '*words' names no anchor: an alias (*name) needs an anchor (&name) defined before it")
    }
}
