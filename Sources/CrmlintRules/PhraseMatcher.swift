import CrmlintCore
import PatternEngine
import Yams

/// "Does this field say X?" for rules that use text as a condition (the
/// customer said 暂时不需要; the visit got no clear answer), with the same
/// normalisation, `unless` clauses and quotation handling as pattern rules.
/// YAML: `{field: text, patterns: [...], unless: [...], unless_window: 20, empty: false}`.
struct PhraseMatcher {
    let field: String
    /// `field`'s number (`FieldNumbers`): the record's value found by it, not by hashing the name (the first
    /// rule to ask for an inbound message's text is a matcher's: ~500 instructions a message by name).
    private let number: Int
    let patterns: [Pattern]
    let unless: [Pattern]
    let unlessWindow: Int
    let skipQuoted: Bool
    /// An empty or missing field counts as a match (e.g. no commitment written down).
    let matchesEmpty: Bool
    /// This matcher's identity in `CheckContext.textFacts(of:)`: whether a text holds the phrase
    /// depends on the text alone, and is remembered for texts that repeat (`TextMemo`).
    private let identity = Identity()
    private final class Identity: Sendable {}

    init(field: String, patterns: [Pattern], unless: [Pattern], unlessWindow: Int, skipQuoted: Bool, matchesEmpty: Bool) {
        (self.field, number) = (field, FieldNumbers.number(of: field))
        (self.patterns, self.unless, self.unlessWindow, self.skipQuoted, self.matchesEmpty) =
            (patterns, unless, unlessWindow, skipQuoted, matchesEmpty)
    }

    static func read(_ keys: NestedKeys) -> PhraseMatcher? {
        let field = keys.string("field") ?? "text"
        let patterns = keys.patterns("patterns") ?? []
        let unless = keys.patterns("unless") ?? []
        let window = keys.int("unless_window") ?? 20
        if window < 0 || window > 500 { keys.fail("'\(keys.path).unless_window' must be between 0 and 500") }
        let skipQuoted = keys.bool("skip_quoted") ?? true
        let empty = keys.bool("empty") ?? false
        if patterns.isEmpty && !empty { keys.fail("'\(keys.path)' needs 'patterns' (or empty: true)") }
        keys.finish()
        return PhraseMatcher(
            field: field, patterns: patterns, unless: unless, unlessWindow: window, skipQuoted: skipQuoted, matchesEmpty: empty)
    }

    /// True when an uncancelled hit of any pattern is in the record's field.
    func matches(_ record: Record, context: CheckContext) -> Bool {
        let index = context.fieldIndex(record, field: field, number: number)
        guard let value = context.value(at: index), !value.isBlank else { return matchesEmpty }
        // Two facts: the text holds the phrase, and it does not.
        let holds = context.textFacts(of: identity)
        if context.textHolds(holds, at: index) { return true }
        if context.textHolds(holds + 1, at: index) { return false }
        guard let text = context.text(at: index) else { return matchesEmpty }
        let found = text.bytes.withUnsafeBufferPointer { buffer in
            for pattern in patterns {
                guard let hits = try? pattern.allMatches(in: buffer, scratch: context.scratch) else { continue }
                for hit in hits where !hit.range.isEmpty && !cancelled(hit.range, buffer, context: context) { return true }
            }
            return false
        }
        context.noteTextHolds(found ? holds : holds + 1, at: index)
        return found
    }

    private func cancelled(_ hit: Range<Int>, _ buffer: UnsafeBufferPointer<UInt8>, context: CheckContext) -> Bool {
        if skipQuoted, Quotes.encloses(hit, in: buffer) { return true }
        guard !unless.isEmpty else { return false }
        let window = Clause.window(around: hit, in: buffer, limit: unlessWindow)
        let slice = UnsafeBufferPointer(rebasing: buffer[window])
        return unless.contains { (try? $0.firstMatch(in: slice, scratch: context.scratch)) != nil }
    }
}
