import ArgumentParser
import CrmlintCore
import CrmlintEngine
import CrmlintRules
import Foundation

/// `crmlint model train`: the model file a `kind: classifier` rule reads,
/// from labelled messages (a team can train one on its own reviewed messages).
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Train the n-gram model a classifier rule reads.",
        subcommands: [Train.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a model from labelled messages (TSV: header, then label<TAB>text).",
            discussion: """
                Labels are the categories a classifier rule names (overpromise, bribery, …) and `none` for compliant \
                messages. Training is deterministic: the same files, options and crmlint give the same model. \
                Keep some labelled messages out of training to measure it (score-conduct, crmlint scan).
                Example: crmlint model train corpus/conduct/fresh-*.tsv -o rules/models/conduct.model
                """)

        @Argument(help: ArgumentHelp("Labelled TSV files.", valueName: "cases"))
        var cases: [String] = []

        @Option(name: [.short, .long], help: ArgumentHelp("Write the model file here.", valueName: "file"))
        var output: String

        @Option(help: "Hash slots for the n-grams (a power of two).")
        var buckets = 32_768

        @Option(name: .customLong("max-gram"), help: "Longest character n-gram (1 to 5).")
        var maxGram = 3

        @Option(help: "Passes over the examples.")
        var epochs = 15

        @Option(help: "Seed of the example order.")
        var seed: UInt64 = 1

        @Option(
            help: ArgumentHelp(
                "Also cross-validate in this many folds and print precision and recall per label at thresholds 0.5 to 0.95 "
                    + "(to choose min_probability without touching the messages kept out to measure).", valueName: "k"))
        var folds: Int?

        func validate() throws {
            if cases.isEmpty { throw ValidationError("no labelled files to train on (give TSV files: label<TAB>text)") }
            if buckets < 2 || buckets > 1 << 22 || buckets & (buckets - 1) != 0 {
                throw ValidationError("--buckets must be a power of two between 2 and 4194304")
            }
            if !(1...5).contains(maxGram) { throw ValidationError("--max-gram must be 1 to 5") }
            if !(1...200).contains(epochs) { throw ValidationError("--epochs must be 1 to 200") }
            if let folds, !(2...20).contains(folds) { throw ValidationError("--folds must be 2 to 20") }
        }

        func run() throws {
            var examples: [(label: String, text: String)] = []
            var sources: [String] = []
            for path in cases {
                let read = try NgramModelTraining.readCases(path)
                examples += read
                sources.append("\((path as NSString).lastPathComponent) (\(read.count))")
            }
            let labels = Set(examples.map(\.label))
            guard labels.count >= 2 else {
                throw CrmlintError.usage("the labelled files hold \(labels.count) label; a model needs at least two (and `none`)")
            }
            var options = NgramModelTraining.Options()
            options.buckets = buckets
            options.maxGram = maxGram
            options.epochs = epochs
            options.seed = seed
            let notes = [
                "trained on \(examples.count) messages: " + sources.joined(separator: ", "),
                "options: --buckets \(buckets) --max-gram \(maxGram) --epochs \(epochs) --seed \(seed)",
            ]
            let model = NgramModelTraining.train(examples, options: options, notes: notes)
            try AtomicOutput.write(model.serialized, to: output)
            if let folds {
                let thresholds: [Float] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
                var table = "label            " + thresholds.map { String(format: "  p>=%.2f P/R  ", $0) }.joined() + "\n"
                let scores = NgramModelTraining.crossValidate(examples, folds: folds, thresholds: thresholds, options: options)
                for label in Set(scores.map(\.label)).sorted() {
                    table += label.padding(toLength: 17, withPad: " ", startingAt: 0)
                    for score in scores where score.label == label {
                        table += String(format: "  %.3f / %.2f  ", score.precision, score.recall)
                    }
                    table += "\n"
                }
                AtomicOutput.writeStandardError(
                    "crmlint: \(folds)-fold cross-validation (precision / recall, false positives on none):\n" + table)
            }
            AtomicOutput.writeStandardError(
                "crmlint: \(output): \(model.labels.count) labels (\(model.labels.joined(separator: ", "))) from \(examples.count) messages\n"
            )
        }
    }
}
