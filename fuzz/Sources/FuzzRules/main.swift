import CrmlintCore
import CrmlintRules
import FuzzSupport

/// Any text as a rule file: the loader returns rules or errors, each error one
/// line; loaded rules run their own examples (patterns under PCRE2 limits).
func fuzzRules(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let (rules, errors) = RuleLoader.load(yaml: text, file: "fuzz.yml")
    for error in errors {
        let lines = error.lines
        precondition(!lines.isEmpty && lines.allSatisfy { !$0.contains("\n") && $0.hasPrefix("error: ") }, "an error must be one line")
    }
    for rule in rules { _ = rule.exampleFailures() }
    return 0
}

runFuzzer { fuzzRules($0, $1) }
