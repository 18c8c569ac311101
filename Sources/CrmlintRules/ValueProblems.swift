import CrmlintCore
import Foundation

/// A field a rule needs that is missing or cannot be read becomes an
/// `incomplete-record` finding for that field — never a crash, never a silent
/// skip. Several rules may need the same field; the first to notice claims it
/// (`CheckContext.claimProblem`), so the record gets one finding per field.
enum ValueProblems {
    /// `logged_at (录入时间)`: the canonical name and the template header.
    static func label(_ field: String, in dataset: Dataset) -> String {
        guard
            let alias = DatasetSchema.fields[dataset]?.first(where: { $0.name == field })?.aliases.first(where: {
                $0.unicodeScalars.contains { !$0.isASCII }
            })
        else {
            return field
        }
        return "\(field) (\(alias))"
    }

    /// The value as shown in a message: redacted, one line, at most 30 characters.
    static func shown(_ value: String, context: CheckContext) -> String {
        let line = value.replacingOccurrences(of: "\n", with: " ").trimmed
        let clipped = line.count > 30 ? String(line.prefix(30)) + "…" : line
        return "'" + context.redactor.redact(clipped) + "'"
    }

    /// Reports a problem once per record and field. `message` is the whole
    /// message when the rule words it (D1); otherwise a standard one is built.
    /// `number`: the field's number (`FieldNumbers`) when the caller knows it (the field is then found without hashing its name).
    static func report(
        _ record: Record, field: String, number: Int? = nil, problem: String, rule: RuleMetadata, context: CheckContext,
        message: @autoclosure () -> String? = nil, emit: (Finding) -> Void
    ) {
        // `message` is made only for a finding: most calls are about a column the file lacks, or a field
        // already reported (rendering the message first was a fifth of the required-fields rule's time).
        // A column the file does not have is a fact about the file: one note, not a finding per record.
        if !(number.map { record.has(number: $0) } ?? record.has(field)) {
            context.noteAbsent(record, field: field, rule: rule.id)
            return
        }
        guard context.claimProblem(record, key: field) else { return }
        let text = message() ?? "记录不完整 — \(label(field, in: record.dataset)) \(problem); \(rule.id) cannot check this record"
        var finding = Finding(
            rule: rule, record: record, message: text, field: field,
            excerpt: record[field].map { context.redactor.excerpt(of: $0, hit: 0..<0, context: 40) },
            fingerprintParts: [field, "value-problem"])
        finding.category = .incompleteRecord
        emit(finding)
    }

    /// A required time: nil (after reporting) when missing or unreadable.
    static func time(_ record: Record, field: String, rule: RuleMetadata, context: CheckContext, emit: (Finding) -> Void) -> TimeValue? {
        // A time read is a value there (blank reads as none): the field is looked at again only to say why
        // there is none (the rules ask on every record, and the value read by name cost more than the time
        // the context already holds).
        if let time = context.time(record, field: field) { return time }
        guard let raw = context.value(record, named: field), !raw.isBlank else {
            report(record, field: field, problem: "is missing", rule: rule, context: context, emit: emit)
            return nil
        }
        report(record, field: field, problem: "\(shown(raw, context: context)) is not a time", rule: rule, context: context, emit: emit)
        return nil
    }
}
