import CrmlintCore
import Foundation

/// Trains an `NgramModel` (softmax regression, stochastic gradient descent)
/// on labelled messages. Deterministic: the same examples, options and
/// crmlint build give the same model byte for byte, so a test can check that
/// a shipped model is exactly what its listed training sets make.
public enum NgramModelTraining {
    public struct Options: Sendable {
        public var buckets = 32_768
        public var maxGram = 3
        public var epochs = 15
        public var learningRate: Float = 0.5
        public var seed: UInt64 = 1
        public init() {}
    }

    /// `examples` are (label, text); the labels become the model's, `none`
    /// (or else the first in sorted order) first.
    public static func train(
        _ examples: [(label: String, text: String)], options: Options = Options(), notes: [String] = []
    )
        -> NgramModel
    {
        let labels = modelLabels(examples)
        return fit(features(examples, labels: labels, options: options), labels: labels, options: options, notes: notes)
    }

    /// The model's labels: every label of the examples, sorted, `none` first.
    static func modelLabels(_ examples: [(label: String, text: String)]) -> [String] {
        var labels = Array(Set(examples.map(\.label))).sorted()
        if let none = labels.firstIndex(of: "none") { labels.insert(labels.remove(at: none), at: 0) }
        return labels
    }

    /// Each example as its label's index and its distinct slots, normalised as a scan reads a field.
    static func features(_ examples: [(label: String, text: String)], labels: [String], options: Options) -> [(label: Int, slots: [Int])] {
        let normalizer = TextNormalizer()
        return examples.map { example in
            (
                label: labels.firstIndex(of: example.label)!,
                slots: normalizer.normalize(example.text).bytes.withUnsafeBufferPointer {
                    NgramModel.slots(ofNormalizedUTF8: $0, buckets: options.buckets, maxGram: options.maxGram)
                }
            )
        }
    }

    /// Stochastic gradient descent over featured rows, then the weights quantised to int8.
    static func fit(_ rows: [(label: Int, slots: [Int])], labels: [String], options: Options, notes: [String] = []) -> NgramModel {
        let width = labels.count
        var weights = [Float](repeating: 0, count: options.buckets * width)
        var bias = [Float](repeating: 0, count: width)
        var order = Array(rows.indices)
        var random = SplitMix64(seed: options.seed)
        var probabilities = [Float](repeating: 0, count: width)
        weights.withUnsafeMutableBufferPointer { table in
            for epoch in 0..<options.epochs {
                // Fisher–Yates with our own generator: the order is part of the result.
                for index in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
                let step = options.learningRate / Float(1 + epoch)
                for index in order {
                    let row = rows[index]
                    for label in 0..<width {
                        var sum = bias[label]
                        for slot in row.slots { sum += table[slot * width + label] }
                        probabilities[label] = sum
                    }
                    let top = probabilities.max() ?? 0
                    var total: Float = 0
                    for label in 0..<width {
                        probabilities[label] = exp(probabilities[label] - top)
                        total += probabilities[label]
                    }
                    let spread = step / Float(max(1, row.slots.count)).squareRoot()
                    for label in 0..<width {
                        let gradient = probabilities[label] / total - (label == row.label ? 1 : 0)
                        bias[label] -= step * gradient
                        for slot in row.slots { table[slot * width + label] -= spread * gradient }
                    }
                }
            }
        }
        let largest = weights.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 ? largest / 127 : 1
        let quantized = weights.map { Int8(max(-127, min(127, ($0 / scale).rounded()))) }
        return NgramModel(
            labels: labels, buckets: options.buckets, maxGram: options.maxGram, scale: scale, bias: bias, weights: quantized,
            notes: notes)
    }

    /// Labelled messages from TSV files with a header and `label<TAB>text` lines
    /// (the format of corpus/conduct/*.tsv).
    public static func readCases(_ path: String) throws -> [(label: String, text: String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CrmlintError.input(path: path, reason: exists ? "cannot be read as UTF-8 text" : "no such file")
        }
        var cases: [(label: String, text: String)] = []
        // "\r\n" is one Character: split on both, so a file saved on Windows reads the same.
        for (offset, trimmed) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated() where offset > 0
        {
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CrmlintError.input(path: path, reason: "line \(offset + 1): expected 'label<TAB>text'")
            }
            cases.append((String(parts[0]), String(parts[1])))
        }
        return cases
    }
}

/// A small seeded generator (SplitMix64), so training does not depend on the
/// platform's random numbers.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalized(state)
    }

    /// SplitMix64's finaliser: every bit of `value` reaches every bit of the result (also a hash's last step:
    /// `EntryVerdictMemo.key`).
    @inline(__always) static func finalized(_ value: UInt64) -> UInt64 {
        var value = value
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension NgramModelTraining {
    /// Precision and recall of one label at one threshold, from cross-validation.
    public struct FoldScore: Sendable, Equatable {
        public let label: String
        public let threshold: Float
        public let truePositives: Int
        public let falsePositives: Int
        public let falseNegatives: Int
        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    /// k-fold cross-validation on the training examples: each fold scored by a
    /// model trained on the others, as a classifier rule reports (probability
    /// at or above the threshold; false positives counted on `none` only, as
    /// score-conduct does). How to choose `min_probability` without touching
    /// the messages kept out to measure the model.
    public static func crossValidate(
        _ examples: [(label: String, text: String)], folds: Int, thresholds: [Float], options: Options = Options()
    ) -> [FoldScore] {
        var order = Array(examples.indices)
        var random = SplitMix64(seed: options.seed &+ 0x5EED)
        for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, Int(random.next() % UInt64(index + 1))) }
        let labels = Array(Set(examples.map(\.label))).filter { $0 != "none" }.sorted()
        var counts: [String: [(tp: Int, fp: Int, fn: Int)]] = [:]
        for label in labels { counts[label] = Array(repeating: (0, 0, 0), count: thresholds.count) }
        // Every example is normalised and featured once; each fold fits on the others' rows.
        let modelLabels = modelLabels(examples)
        let rows = features(examples, labels: modelLabels, options: options)
        let normalizer = TextNormalizer()
        var scratch = NgramModel.Scratch()
        for fold in 0..<folds {
            let held = Set(order.enumerated().filter { $0.offset % folds == fold }.map(\.element))
            let model = fit(rows.indices.filter { !held.contains($0) }.map { rows[$0] }, labels: modelLabels, options: options)
            for index in held.sorted() {
                let example = examples[index]
                let probabilities = model.probabilities(of: example.text, normalizer: normalizer, scratch: &scratch)
                for label in labels {
                    guard let position = model.labels.firstIndex(of: label) else { continue }
                    for (slot, threshold) in thresholds.enumerated() {
                        let flagged = probabilities[position] >= threshold
                        if example.label == label {
                            if flagged { counts[label]![slot].tp += 1 } else { counts[label]![slot].fn += 1 }
                        } else if example.label == "none" && flagged {
                            counts[label]![slot].fp += 1
                        }
                    }
                }
            }
        }
        return labels.flatMap { label in
            thresholds.enumerated().map { slot, threshold in
                let count = counts[label]![slot]
                return FoldScore(
                    label: label, threshold: threshold, truePositives: count.tp, falsePositives: count.fp, falseNegatives: count.fn)
            }
        }
    }
}
