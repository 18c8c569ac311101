import CrmlintCore
import Foundation
import PatternEngine
import Yams

/// `kind: required` — fields that must be filled in, and values that must be well formed.
public struct RequiredFieldsRule: DatasetExampleRule, RuleKind {
    public static let name = "required"
    public static let summary = """
        `required` maps a dataset to the fields every record of it must fill in (blank counts as missing). \
        `formats` maps a field to the shape its value must have wherever it appears: `time`, `amount`, `boolean`, \
        `channel`, `direction`, `{pattern: '^CRM-\\d{4}-\\d{3,}$'}` (PCRE2, on the trimmed value) or \
        `{tier: [A, B, C]}`. One finding per record and field. Placeholders: {field} {problem}.
        """

    enum Format {
        case time, amount, boolean, channel, direction
        case pattern(Pattern)
        case tier([String])
    }

    public let metadata: RuleMetadata
    let required: [Dataset: [String]]
    let formats: [(field: String, format: Format)]
    let message: MessageTemplate
    public let datasetExamples: DatasetExamples

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var required: [Dataset: [String]] = [:]
        if let node = definition.node("required") {
            guard case let .mapping(mapping) = node else {
                definition.fail("required", "'required' maps datasets to lists of fields")
                return nil
            }
            for (key, value) in mapping {
                guard let dataset = key.string.flatMap(Dataset.init(rawValue:)) else {
                    definition.fail(
                        "required",
                        "unknown dataset '\(key.string ?? "?")' in 'required' (one of: \(Dataset.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                    continue
                }
                guard
                    let fields = NestedKeys.strings(value, name: "required.\(dataset.rawValue)", fail: { definition.fail("required", $0) })
                else { continue }
                for field in fields where !dataset.canonicalFields.contains(field) {
                    definition.fail(
                        "required",
                        "'\(field)' is not a field of \(dataset.rawValue) (one of: \(dataset.canonicalFields.joined(separator: ", ")))")
                }
                required[dataset] = fields
            }
        }
        var formats: [(String, Format)] = []
        if let node = definition.node("formats") {
            guard case let .mapping(mapping) = node else {
                definition.fail("formats", "'formats' maps fields to formats")
                return nil
            }
            for (key, value) in mapping {
                let field = key.string ?? "?"
                if let format = readFormat(value, field: field, definition: definition) { formats.append((field, format)) }
            }
        }
        if required.isEmpty && formats.isEmpty { definition.fail(nil, "a required rule needs 'required' or 'formats'") }
        let message = definition.template(metadata, allowed: ["field", "problem"])
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        return RequiredFieldsRule(
            metadata: metadata, required: required, formats: formats, message: message,
            datasetExamples: examples)
    }

    private static func readFormat(_ node: Node, field: String, definition: RuleDefinition) -> Format? {
        let shapes = "time, amount, boolean, channel, direction, {pattern: ...} or {tier: [...]}"
        switch node {
        case let .scalar(scalar):
            switch scalar.string {
            case "time": return .time
            case "amount": return .amount
            case "boolean": return .boolean
            case "channel": return .channel
            case "direction": return .direction
            default:
                definition.fail("formats", "unknown format '\(scalar.string)' for '\(field)' (\(shapes))")
                return nil
            }
        case .mapping:
            guard let keys = NestedKeys(node, path: "formats.\(field)", topKey: "formats", definition: definition) else { return nil }
            defer { keys.finish() }
            if let patterns = keys.patterns("pattern") {
                guard patterns.count == 1 else {
                    keys.fail("'formats.\(field).pattern' must be one pattern")
                    return nil
                }
                return .pattern(patterns[0])
            }
            if let tiers = keys.strings("tier") { return .tier(tiers.compactMap(TierLabel.parse)) }
            keys.fail("'formats.\(field)' must be \(shapes)")
            return nil
        default:
            definition.fail("formats", "'formats.\(field)' must be \(shapes)")
            return nil
        }
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    final class Checker: RuleChecker {
        let rule: RequiredFieldsRule
        /// `required` and `formats` with each field's number (`FieldNumbers`): read by number per record.
        private let required: [Dataset: [(field: String, number: Int)]]
        private let formats: [(field: String, number: Int, format: Format)]

        init(rule: RequiredFieldsRule) {
            self.rule = rule
            required = rule.required.mapValues { $0.map { ($0, FieldNumbers.number(of: $0)) } }
            formats = rule.formats.map { ($0.field, FieldNumbers.number(of: $0.field), $0.format) }
            formatKinds = rule.formats.map {
                switch $0.format {
                case .time: .time
                case .amount: .amount
                case .boolean: .boolean
                case .channel: .channel
                case .direction: .direction
                case .pattern: .pattern
                case .tier: .tier
                }
            }
            patternVerdicts = Array(repeating: [], count: formats.count)
        }

        /// Per entry of `formats`, its format without the payload, read per record: switching on the format itself
        /// copied its pattern or tier list (a reference count and its release each), though a pattern is read only
        /// for a value not seen before and a tier list only for a tier field.
        private let formatKinds: [FormatKind]
        private enum FormatKind { case time, amount, boolean, channel, direction, pattern, tier }

        /// Per entry of `formats` with a pattern, whether a value as written matched it, by the value's index in its
        /// column (`CheckContext.columnValueIndex`; 0 not known yet, 1 matched, 2 did not): a column of customer ids
        /// repeats each id on every message of its customer, and trimming, folding and matching it anew cost ~1,600
        /// instructions a record. Canonically equal spellings share an index, and they fold to one text, so they match alike.
        @exclusivity(unchecked) private var patternVerdicts: [[UInt8]]
        /// For the last record's shape and dataset (a file's records share both): its dataset's required
        /// fields, and the entries of `formats` whose field is one of its columns. A messages file has four
        /// of the twelve format fields: looking up the other eight per record (copying each format, a
        /// reference count apiece) and the required list by dataset was half of this rule's time.
        @exclusivity(unchecked) private var planKey = ShapeKey()
        @exclusivity(unchecked) private var planRequired: [(field: String, number: Int)] = []
        @exclusivity(unchecked) private var planFormats: [Int] = []
        /// Where the plan's shape keeps each field: per entry of `planRequired` its place among a record's
        /// values (-1: not a column), and per entry of `planFormats` its place and the first entry of
        /// `planRequired` with the same field (-1: none). A record's value read at its place, once: asking
        /// `hasText` of a required field, then `value` and `isBlank` again of it as a format's field, looked its
        /// place up twice and its blankness twice (~400 instructions a message of the ~2,150 this rule took).
        @exclusivity(unchecked) private var planRequiredPlaces: [Int] = []
        @exclusivity(unchecked) private var planFormatPlaces: [(place: Int, required: Int)] = []

        private func plan(for record: Record) {
            planKey.note(record)
            planRequired = required[record.dataset] ?? []
            planFormats = formats.indices.filter { record.shape.place(ofNumber: formats[$0].number) != nil }
            planRequiredPlaces = planRequired.map { record.shape.place(ofNumber: $0.number) ?? -1 }
            planFormatPlaces = planFormats.map { position in
                let number = formats[position].number
                return (record.shape.place(ofNumber: number)!, planRequired.firstIndex { $0.number == number } ?? -1)
            }
        }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            if planKey.differs(from: record) { plan(for: record) }
            // The entries of `planRequired` found blank, as bits (the first 64; a longer list, only a user's rule
            // could have one, asks its later entries again below).
            var missing: UInt64 = 0
            // By index, reading the place alone: iterating the (field, number) pairs copied each name,
            // a reference count and its release per field and record.
            for index in planRequired.indices {
                let place = planRequiredPlaces[index]
                guard place < 0 || record.isBlank(atPlace: place) else { continue }
                if index < 64 { missing |= 1 << UInt64(index) }
                // (An absent column becomes one note per file: ValueProblems.report.)
                report(
                    record, field: planRequired[index].field, number: planRequired[index].number, problem: "is missing",
                    context: context, emit: emit)
            }
            for (entry, position) in planFormats.enumerated() {
                let (place, required) = planFormatPlaces[entry]
                let raw: String
                if required >= 0 {
                    // A required field: blank, it was reported missing; else it holds text.
                    let blank = required < 64 ? missing & (1 << UInt64(required)) != 0 : !record.hasText(number: formats[position].number)
                    if blank { continue }
                    raw = record.values[place]
                } else {
                    if record.isBlank(atPlace: place) { continue }
                    raw = record.values[place]
                }
                // A channel or direction word the vocabulary lacks is the vocabulary's gap, not the
                // record's: one note per file and value (add it in crmlint.yml), not a finding per record.
                switch formatKinds[position] {
                case .channel:
                    if context.channel(of: record, value: raw) == nil {
                        context.noteUnknownValue(record, field: formats[position].field, value: raw)
                    }
                    continue
                case .direction:
                    if context.direction(of: record, value: raw) == nil {
                        context.noteUnknownValue(record, field: formats[position].field, value: raw)
                    }
                    continue
                default: break
                }
                let field = formats[position].field
                if let problem = problem(raw, position: position, record: record, field: field, context: context) {
                    report(
                        record, field: field, problem: "\(ValueProblems.shown(raw, context: context)) \(problem)", context: context,
                        emit: emit)
                }
            }
        }

        private func problem(_ raw: String, position: Int, record: Record, field: String, context: CheckContext) -> String? {
            switch formatKinds[position] {
            case .time: return context.time(record, field: field) == nil ? "is not a time" : nil
            case .amount: return Amount.parse(raw) == nil ? "is not an amount" : nil
            case .boolean: return BooleanValue.parse(raw) == nil ? "is not yes or no (是/否, Y/N)" : nil
            case .channel, .direction: return nil // unknown words are noted above
            case .pattern:
                let index = context.columnValueIndex(record, number: formats[position].number).map(Int.init)
                let matched: Bool
                if let index, index < patternVerdicts[position].count, patternVerdicts[position][index] != 0 {
                    matched = patternVerdicts[position][index] == 1
                } else {
                    guard case let .pattern(pattern) = formats[position].format else { return nil }
                    var value = raw.trimmed.compatibilityFolded
                    matched = value.withUTF8 { (try? pattern.firstMatch(in: $0, scratch: context.scratch)) != nil }
                    if let index {
                        if index >= patternVerdicts[position].count {
                            patternVerdicts[position] += repeatElement(0, count: index + 1 - patternVerdicts[position].count)
                        }
                        patternVerdicts[position][index] = matched ? 1 : 2
                    }
                }
                guard !matched, case let .pattern(pattern) = formats[position].format else { return nil }
                return "does not have the required format \(pattern.source)"
            case .tier:
                guard case let .tier(tiers) = formats[position].format else { return nil }
                guard let label = TierLabel.parse(raw), tiers.contains(label) else {
                    return "is not a tier (\(tiers.joined(separator: ", ")))"
                }
                return nil
            }
        }

        private func report(
            _ record: Record, field: String, number: Int? = nil, problem: String, context: CheckContext, emit: (Finding) -> Void
        ) {
            ValueProblems.report(
                record, field: field, number: number, problem: problem, rule: rule.metadata, context: context,
                message: message(field: field, problem: problem, dataset: record.dataset), emit: emit)
        }

        /// The rule's message for a problem with `field` (made only when it is reported: `ValueProblems.report`).
        /// Remembered by dataset, field and problem: an export with a column often empty reports "is missing"
        /// in it on record after record, and labelling and rendering it was ~9,500 instructions a finding.
        private func message(field: String, problem: String, dataset: Dataset) -> String {
            let key = MessageKey(dataset: dataset, field: field, problem: problem)
            if let known = messages[key] { return known }
            let label = ValueProblems.label(field, in: dataset)
            let message = rule.message.render(["field": label, "problem": problem], detail: "\(label) \(problem)")
            // Bounded: problems that quote a value can be as many as the records.
            if messages.count >= 1_024 { messages.removeAll(keepingCapacity: true) }
            messages[key] = message
            return message
        }

        private struct MessageKey: Hashable {
            let dataset: Dataset
            let field: String
            let problem: String
        }
        @exclusivity(unchecked) private var messages: [MessageKey: String] = [:]
    }
}
