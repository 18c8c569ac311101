import CrmlintCore
import Foundation

/// `kind: classifier` — a trained n-gram model (`NgramModel`) reads each
/// text field and reports it when the probability of the rule's label is at
/// least `min_probability`. It catches what the pattern rules of the same
/// category were never written for; with `only_if_unreported` (the default)
/// it stays silent where a rule of its category already reported the record,
/// so a message is not flagged twice for one thing.
public struct ClassifierRule: Rule, RuleKind {
    public static let name = "classifier"
    public static let summary = """
        Scores each text field (`fields`, default the dataset's free text) with a character n-gram model: `model` \
        is the model file's path, relative to the rule file or absolute (written by `crmlint model train` from labelled \
        messages), `label` the model label that means this rule's category (default: the category's name), and \
        `min_probability` (0.5 to 1) the probability at or above which a field is reported. The text is read after \
        the same normalisation as patterns (NFKC, Traditional → Simplified). `only_if_unreported` (default true) \
        drops the finding when another rule of the same category already reported the record. Placeholders: \
        {probability}.
        """

    public let metadata: RuleMetadata
    public let model: NgramModel
    /// The model file's path: the key under which its scores are shared per record.
    let modelKey: String
    /// A hash of the model file's text, when the rules were loaded with a rule cache (which keys the model by it): the
    /// rule files do not hold the model, so the text verdicts kept between runs are named by it too (`TextVerdicts`).
    public let modelFingerprint: String?
    public let labelIndex: Int
    public let minProbability: Float
    public let onlyIfUnreported: Bool
    let message: MessageTemplate
    let exampleLists: ExampleLists<String>
    public var matchExamples: [String] { exampleLists.match }
    public var noMatchExamples: [String] { exampleLists.noMatch }

    public var reportsOnlyIfUnreported: Bool { onlyIfUnreported }

    public var examples: RuleExamples { RuleExamples(match: matchExamples, noMatch: noMatchExamples, areTexts: true) }

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        var model: (model: NgramModel, path: String, fingerprint: String?)?
        if let path = definition.string("model", required: true) {
            model = ModelFiles.load(path, from: definition)
        }
        let label = definition.string("label") ?? metadata.category.rawValue
        let minimum = definition.number("min_probability", required: true)
        if let minimum, !(0.5...1).contains(minimum) {
            definition.fail("min_probability", "'min_probability' must be between 0.5 and 1, not \(minimum)")
        }
        let onlyIfUnreported = definition.bool("only_if_unreported") ?? true
        let message = definition.template(metadata, allowed: ["probability"])
        let examples = ExampleStrings.lists(definition, reading: ExampleStrings.read)
        var labelIndex: Int?
        if let model = model?.model {
            labelIndex = model.labels.firstIndex(of: label)
            if labelIndex == nil {
                definition.fail(
                    "label",
                    "the model has no label '\(label)'\(Suggestion.hint(for: label, among: model.labels)) (\(model.labels.joined(separator: ", ")))"
                )
            }
        }
        guard let model, let labelIndex, let minimum, definition.errors.isEmpty else { return nil }
        return ClassifierRule(
            metadata: metadata, model: model.model, modelKey: model.path, modelFingerprint: model.fingerprint, labelIndex: labelIndex,
            minProbability: Float(minimum),
            onlyIfUnreported: onlyIfUnreported,
            message: message, exampleLists: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    public func exampleFailures() -> [String] {
        let dataset = metadata.datasets?.sorted().first ?? .messages
        let field = metadata.fields?.first ?? dataset.freeTextFields.first ?? "text"
        return ExampleStrings.failures(rule: self, dataset: dataset, field: field, match: matchExamples, noMatch: noMatchExamples)
    }

    /// The label's probability for one text (for `crmlint model` and tests).
    public func probability(of text: String, normalizer: TextNormalizer = TextNormalizer()) -> Float {
        var scratch = NgramModel.Scratch()
        return model.probabilities(of: text, normalizer: normalizer, scratch: &scratch)[labelIndex]
    }

    final class Checker: RuleChecker, RemembersNothingFound {
        override var remembersNothingFound: RemembersNothingFound? { self }

        let rule: ClassifierRule
        /// The rule's model, read in place (a copy per record retained and released each of its arrays).
        private let model: NgramModel
        /// The context's number for "this rule found nothing in the text" (resolved on the first record).
        private var foundNothing: Int?
        /// The fields read in records of the last shape (`columns(of:context:)`), and the context's number for the
        /// model with the context it is of (held, not its identity: another context made where a freed one was would
        /// number models its own way): asked by number, not by name, per record.
        @exclusivity(unchecked) private var planKey = ShapeKey()
        @exclusivity(unchecked) private var planFields: [(name: String, number: Int)] = []
        @exclusivity(unchecked) private var modelContext: CheckContext?
        @exclusivity(unchecked) private var modelNumber = 0
        init(rule: ClassifierRule) {
            self.rule = rule
            model = rule.model
        }

        override var isRecordLocal: Bool { true }

        func foundNothingFact(_ context: CheckContext) -> Int { context.textFact("found nothing: " + rule.metadata.id) }

        func columns(of record: Record, context: CheckContext) -> (names: [String], numbers: [Int]) {
            let kept = rule.metadata.textFields(of: record, context: context).filter {
                record.shape.place(ofNumber: FieldNumbers.number(of: $0)) != nil
            }
            return (kept, kept.map(FieldNumbers.number))
        }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            if planKey.differs(from: record) {
                let (names, numbers) = columns(of: record, context: context)
                planFields = Array(zip(names, numbers))
                planKey.note(record)
            }
            if modelContext !== context {
                modelContext = context
                modelNumber = context.modelOrdinal(rule.modelKey)
            }
            let model = modelNumber
            // (The fields the record's shape lacks have no text: `columns` leaves them out.) By index: iterating the
            // plan copied it and each field's name, a reference count apiece per record.
            for position in planFields.indices {
                let number = planFields[position].number
                let index =
                    context.knownFieldIndex(record, number: number)
                    ?? context.fieldIndex(record, field: planFields[position].name, number: number)
                guard
                    let probability = context.modelProbability(
                        record, at: index, model: model, label: rule.labelIndex,
                        score: { text, scratch in
                            text.bytes.withUnsafeBufferPointer { self.model.probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
                        })
                else { continue }
                guard probability >= rule.minProbability else {
                    // Below the threshold: a function of the text alone, which the text memory keeps.
                    let fact = foundNothing ?? foundNothingFact(context)
                    foundNothing = fact
                    context.noteTextHolds(fact, at: index)
                    continue
                }
                let field = planFields[position].name
                guard let text = context.text(at: index) else { continue }
                let shown = Self.twoDecimals(probability)
                emit(
                    Finding(
                        rule: rule.metadata, record: record,
                        message: rule.message.render(["probability": shown], detail: "model probability \(shown)"), field: field,
                        column: 1, excerpt: context.redactor.excerpt(of: text.original, hit: 0..<0, context: 40),
                        fingerprintParts: [field, "model"]))
            }
        }
    }
}

extension ClassifierRule.Checker {
    /// `String(format: "%.2f", probability)` without Foundation's formatter (its first use in a run, the
    /// argument boxing and the format's parsing were ~1 M instructions of a one-file scan). A `Float` has
    /// 24 significant bits, so its hundredfold is exact in a `Double`, and rounding that half to even is
    /// what printf does with the exact value.
    static func twoDecimals(_ probability: Float) -> String {
        let hundredfold = (Double(probability) * 100).rounded(.toNearestOrEven)
        guard hundredfold.isFinite, hundredfold >= 0, hundredfold < 1e15 else { return String(format: "%.2f", probability) }
        let cents = Int64(hundredfold)
        let fraction = cents % 100
        return String(cents / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }
}

/// Model files named by rules, read once per path and content (six rules
/// sharing one model parse it once), from disk or from the binary.
enum ModelFiles {
    nonisolated(unsafe) private static var cache: [String: (text: String, model: NgramModel, path: String, key: CacheKey?)] = [:]
    private static let lock = NSLock()

    /// Forgets the models read (tests: what a new process would find).
    static func forget() {
        lock.lock(); defer { lock.unlock() }
        cache = [:]
    }

    /// The model, its path as first read, and its text's hash when there is a rule cache (`ClassifierRule.modelFingerprint`).
    static func load(_ relative: String, from definition: RuleDefinition) -> (model: NgramModel, path: String, fingerprint: String?)? {
        let folder = (definition.file as NSString).deletingLastPathComponent
        let path = relative.hasPrefix("/") || folder.isEmpty ? relative : folder + "/" + relative
        let text: String
        do {
            text = try RuleLoader.readText(path)
        } catch {
            definition.fail("model", "cannot read the model file '\(path)'")
            return nil
        }
        lock.lock()
        let known = cache[path]
        lock.unlock()
        // The path as first read: the rules sharing a model then share one String, which the context compares
        // on every record (`modelOrdinal`) — equal storage answers at once, equal text only after a comparison.
        if let known, known.text == text, known.key != nil || definition.cache == nil {
            return (known.model, known.path, known.key.map(\.hex))
        }
        let key = definition.cache.map { _ in CacheKey(text) }
        let model: NgramModel
        if let key, let cached = definition.cache?.model(key) {
            model = cached
        } else {
            do {
                model = try NgramModel(serialized: text)
            } catch {
                definition.fail("model", "model file '\(path)' \(error)")
                return nil
            }
            if let key { definition.cache?.setModel(key, model) }
        }
        lock.lock()
        cache[path] = (text, model, path, key)
        lock.unlock()
        return (model, path, key.map(\.hex))
    }
}
