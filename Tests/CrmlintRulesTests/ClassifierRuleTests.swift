import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintRules

/// `kind: classifier` and its model: the model file's format, deterministic
/// training, the shipped model's provenance and the rule's load errors.
@Suite struct ClassifierRuleTests {
    // MARK: Fixtures

    /// A small hand-made model: three labels, eight slots, extreme weights.
    static let small = NgramModel(
        labels: ["none", "bribery", "overpromise"], buckets: 8, maxGram: 2, scale: 0.012_345_679, bias: [0.5, -0.25, -1.75e-3],
        weights: [Int8.min, Int8.max, 0, -1, 1] + (5..<24).map { Int8(truncatingIfNeeded: $0 * 37) },
        notes: ["trained on 3 messages: a.tsv (2), b.tsv (1)", "options: --buckets 8 --max-gram 2 --epochs 1 --seed 9"])

    /// Sentence frames shared by every label: only the cue words tell the labels apart.
    static let frames = [
        "王总，{}的事我们下周再细聊", "这次合作顺利的话，{}这块您放心", "张经理您好，关于{}我跟领导汇报过了", "{}的安排我晚点发您微信",
        "上次说的{}，您看什么时候方便", "李姐，{}已经准备好了", "项目落地以后{}照常", "您这边确认一下{}", "{}我们一直是这么做的",
        "明天见面时顺便聊聊{}", "周五之前把{}定下来", "老客户都清楚{}",
    ]
    /// Frames the training never saw.
    static let newFrames = ["下个月我亲自把{}送到您办公室", "关于{}，咱们电话里再说吧", "您要是点头，{}今天就能落实", "{}这事我让助理跟进"]
    static let cues = [
        "none": ["产品参数", "发票抬头", "会议纪要"], "bribery": ["回扣", "好处费", "红包"], "overpromise": ["稳赚不赔", "保证翻倍", "包退全款"],
    ]

    /// 3 labels × 3 cues × 12 frames = 108 labelled texts.
    static var examples: [(label: String, text: String)] {
        var examples: [(label: String, text: String)] = []
        for frame in frames {
            for label in cues.keys.sorted() {
                for cue in cues[label]! { examples.append((label, frame.replacingOccurrences(of: "{}", with: cue))) }
            }
        }
        return examples
    }

    static func options(seed: UInt64) -> NgramModelTraining.Options {
        var options = NgramModelTraining.Options()
        options.buckets = 4096
        options.seed = seed
        return options
    }

    static func normalized(_ text: String) -> String { String(decoding: TextNormalizer().normalize(text).bytes, as: UTF8.self) }

    static func argmax(_ values: [Float]) -> Int { values.indices.max { values[$0] < values[$1] }! }

    /// The parse problem of a model file's text (nil: it parsed).
    static func problem(_ text: String) -> NgramModel.Problem? {
        do {
            _ = try NgramModel(serialized: text)
            return nil
        } catch {
            return error
        }
    }

    /// The 1-based number of the first line starting with `prefix`.
    static func line(startingWith prefix: String, in text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) }! + 1
    }

    static func replacing(_ old: String, with new: String, in text: String) throws -> String {
        try #require(text.contains(old), "the fixture lacks '\(old)'")
        return text.replacingOccurrences(of: old, with: new)
    }

    // MARK: 1. Model file

    /// Scores add each distinct slot's weights, the first eight labels as one vector: the same sums,
    /// so the same probabilities, as adding label by label. Models of 3, 8 and 11 labels (no vector,
    /// all vector, vector and rest) with random weights (the extremes too), on texts of their own words.
    /// The scan walks a text's n-grams as it decodes it (`forEachSlot(ofUTF8:)`); the reference here
    /// decodes it, then walks every start (`forEachSlot(of:)`, training's walk): models of one- to
    /// four-grams (three has a path of its own). 700 texts a model with one scratch: its text numbers go round
    /// (every 255 texts) twice, so a slot stamped by an earlier text must not be taken as counted.
    @Test func vectorSumsAreLabelByLabelSums() throws {
        var generator = SystemRandomNumberGenerator()
        let words = Self.frames + Self.cues.values.flatMap { $0 } + ["VIP", "ok", "😀", " "]
        for (width, maxGram) in [(3, 3), (8, 3), (11, 3), (8, 1), (8, 2), (3, 4)] {
            let buckets = 1 << 12
            var weights = (0..<buckets * width).map { _ in Int8.random(in: Int8.min...Int8.max, using: &generator) }
            weights[0] = Int8.min
            weights[1] = Int8.max
            let model = NgramModel(
                labels: (0..<width).map { "l\($0)" }, buckets: buckets, maxGram: maxGram, scale: 0.01,
                bias: (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }, weights: weights)
            #expect(model.isConsistent)
            var scratch = NgramModel.Scratch()
            for _ in 0..<700 {
                let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in words.randomElement(using: &generator)! }.joined()
                let bytes = Array(Self.normalized(text).utf8)
                var scalars: [UInt32] = []
                bytes.withUnsafeBufferPointer { NgramModel.decode($0, into: &scalars) }
                var sums = [Int32](repeating: 0, count: width)
                var seen = Set<Int>()
                scalars.withUnsafeBufferPointer { buffer in
                    NgramModel.forEachSlot(of: buffer, buckets: buckets, maxGram: maxGram) { slot in
                        guard seen.insert(slot).inserted else { return }
                        for label in 0..<width { sums[label] &+= Int32(weights[slot * width + label]) }
                    }
                }
                let scores = (0..<width).map { model.bias[$0] + Float(sums[$0]) * model.scale }
                let top = scores.max()!
                let exps = scores.map { exp($0 - top) }
                let total = exps.reduce(0, +)
                let expected = exps.map { $0 / total }
                let found = bytes.withUnsafeBufferPointer { model.probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
                #expect(found == expected, "\(width) labels, \(maxGram)-grams: '\(text)'")
            }
        }
    }

    /// The scalars features are taken from are the text's own, ASCII lower-cased, between the start and end marks:
    /// read byte by byte as Swift decodes them, for characters of every length (a three-byte one has a path of its own).
    @Test func featuresAreReadFromTheTextsScalars() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["A", "z", "Q", "7", " ", "é", "ж", "好", "您", "\u{800}", "\u{FFFF}", "，", "😀", "\u{10FFFF}", "Ｖ"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            var scalars: [UInt32] = []
            Array(text.utf8).withUnsafeBufferPointer { NgramModel.decode($0, into: &scalars) }
            let expected = [2] + text.unicodeScalars.map { $0.value >= 0x41 && $0.value <= 0x5A ? $0.value + 0x20 : $0.value } + [3]
            #expect(scalars == expected, "'\(text)'")
        }
    }

    /// A text scored again after 254 others, when the stamps' text numbers have gone round to the number it had
    /// the first time, scores as it did then: the stamps it left must not be taken for its own (the others share
    /// none of its characters, so without the stamps cleared at the wrap nearly all its slots would be skipped).
    @Test func stampsGoingRoundDoNotHideAnEarlierTextsSlots() {
        var generator = SystemRandomNumberGenerator()
        let width = 8, buckets = 1 << 12
        let model = NgramModel(
            labels: (0..<width).map { "l\($0)" }, buckets: buckets, maxGram: 3, scale: 0.01, bias: Array(repeating: 0, count: width),
            weights: (0..<buckets * width).map { _ in Int8.random(in: -100...100, using: &generator) })
        let first = Array("保证一定没问题，绝对全网最低价".utf8), other = Array("abcdefg hijk".utf8)
        var scratch = NgramModel.Scratch()
        let before = first.withUnsafeBufferPointer { model.probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
        for _ in 0..<254 { _ = other.withUnsafeBufferPointer { model.probabilities(ofNormalizedUTF8: $0, scratch: &scratch) } }
        let after = first.withUnsafeBufferPointer { model.probabilities(ofNormalizedUTF8: $0, scratch: &scratch) }
        #expect(after == before)
    }

    /// The hash step over a scalar's four bytes, shortened for scalars whose high bytes are zero, is the
    /// four FNV-1a rounds the model was trained with: for every scalar, from random hashes.
    @Test func hashStepIsFourRoundsOfFNV() {
        var generator = SystemRandomNumberGenerator()
        func fourRounds(_ hash: UInt32, _ scalar: UInt32) -> UInt32 {
            var hash = hash, value = scalar
            for _ in 0..<4 {
                hash = (hash ^ (value & 0xFF)) &* 16_777_619
                value >>= 8
            }
            return hash
        }
        var differing = 0
        for scalar in UInt32(0)...0x10FFFF {
            let hash = scalar % 97 == 0 ? 2_166_136_261 : UInt32.random(in: .min ... .max, using: &generator)
            if NgramModel.fnvStep(hash, scalar) != fourRounds(hash, scalar) { differing += 1 }
        }
        #expect(differing == 0)
    }

    @Test func serializedModelParsesBackEqual() throws {
        let small = Self.small
        #expect(small.weights.contains(Int8.min) && small.weights.contains(Int8.max))
        let parsed = try NgramModel(serialized: small.serialized)
        #expect(parsed == small)
        #expect(parsed.notes == small.notes)
        #expect(parsed.serialized == small.serialized)

        let trained = NgramModelTraining.train(Self.examples, options: Self.options(seed: 3), notes: ["trained on 108 messages"])
        let reparsed = try NgramModel(serialized: trained.serialized)
        #expect(reparsed == trained)
        #expect(reparsed.serialized == trained.serialized)
        for text in Self.newFrames {
            let normalized = Self.normalized(text)
            #expect(reparsed.probabilities(ofNormalized: normalized) == trained.probabilities(ofNormalized: normalized))
        }
    }

    @Test func serializedFileLayout() {
        let lines = Self.small.serialized.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("# crmlint classifier model") == true)
        #expect(lines[1] == "# trained on 3 messages: a.tsv (2), b.tsv (1)")
        #expect(lines.contains("format: crmlint-ngram-softmax 1"))
        #expect(lines.contains("labels: none bribery overpromise"))
        #expect(lines.contains("buckets: 8"))
        #expect(lines.contains("max_gram: 2"))
        #expect(lines.last == "", "the file ends with a newline")
        #expect(lines.allSatisfy { $0.count <= 90 })
    }

    @Test func wrongFormatNamesItsLine() throws {
        let text = try Self.replacing("format: crmlint-ngram-softmax 1", with: "format: crmlint-ngram-softmax 2", in: Self.small.serialized)
        let problem = try #require(Self.problem(text))
        #expect(problem.line == Self.line(startingWith: "format:", in: text))
        #expect(problem.line == 4)
        #expect(problem.description.hasPrefix("line 4: format 'crmlint-ngram-softmax 2' is not 'crmlint-ngram-softmax 1'"))
    }

    @Test func unknownKeyNamesItsLine() throws {
        let text = try Self.replacing("buckets: 8\n", with: "buckets: 8\ncolour: red\n", in: Self.small.serialized)
        let problem = try #require(Self.problem(text))
        #expect(problem.line == Self.line(startingWith: "colour:", in: text))
        #expect(problem.description == "line \(problem.line): unknown key 'colour'")
    }

    @Test func weightsOfTheWrongSizeNameTheWeightsLine() throws {
        let small = Self.small
        let short = NgramModel(
            labels: small.labels, buckets: small.buckets, maxGram: small.maxGram, scale: small.scale, bias: small.bias,
            weights: Array(small.weights.dropLast()), notes: small.notes)
        let long = NgramModel(
            labels: small.labels, buckets: small.buckets, maxGram: small.maxGram, scale: small.scale, bias: small.bias,
            weights: small.weights + [1, 2, 3], notes: small.notes)
        for text in [short.serialized, long.serialized, try Self.replacing("buckets: 8\n", with: "buckets: 16\n", in: small.serialized)] {
            let problem = try #require(Self.problem(text))
            #expect(problem.line == Self.line(startingWith: "weights:", in: text))
            #expect(problem.reason.contains("'weights' must be base64 of"))
        }
        // Not base64 at all.
        let garbled = small.serialized + "!!!!\n"
        let problem = try #require(Self.problem(garbled))
        #expect(problem.line == Self.line(startingWith: "weights:", in: garbled))
    }

    @Test(arguments: ["bias: 0.5 -0.25", "bias: 0.5 -0.25 0 1", "bias: 0.5 x 0", "bias: 0.5 -0.25 nan"])
    func biasCountMismatchNamesTheBiasLine(bias: String) throws {
        let text = try Self.replacing("bias: 0.5 -0.25 -0.00175", with: bias, in: Self.small.serialized)
        let problem = try #require(Self.problem(text))
        #expect(problem.line == Self.line(startingWith: "bias:", in: text))
        #expect(problem.reason == "'bias' must hold one number per label (3)")
    }

    @Test(arguments: ["1000", "0", "1", "3", "-8", "8388608", "eight"])
    func bucketsNotAPowerOfTwoNameTheBucketsLine(buckets: String) throws {
        let text = try Self.replacing("buckets: 8\n", with: "buckets: \(buckets)\n", in: Self.small.serialized)
        let problem = try #require(Self.problem(text))
        #expect(problem.line == Self.line(startingWith: "buckets:", in: text))
        #expect(problem.reason == "'buckets' must be a power of two between 2 and 4194304")
    }

    @Test func otherHeaderProblemsNameTheirLine() throws {
        let small = Self.small.serialized
        let cases: [(text: String, key: String, reason: String)] = [
            (try Self.replacing("max_gram: 2", with: "max_gram: 6", in: small), "max_gram:", "'max_gram' must be 1 to 5"),
            (try Self.replacing("scale: ", with: "scale: -", in: small), "scale:", "'scale' must be a positive number"),
            (
                try Self.replacing("labels: none bribery overpromise", with: "labels: none none bribery", in: small), "labels:",
                "'labels' must name at least two distinct labels"
            ),
            (
                try Self.replacing("labels: none", with: "labels none", in: small), "labels none",
                "expected 'key: value', found 'labels none"
            ),
        ]
        for (text, key, reason) in cases {
            let problem = try #require(Self.problem(text), "\(reason)")
            #expect(problem.line == Self.line(startingWith: key, in: text), "\(reason)")
            #expect(problem.reason.hasPrefix(reason), "\(problem)")
        }
        let twice = try Self.replacing("max_gram: 2\n", with: "max_gram: 2\nmax_gram: 2\n", in: small)
        let repeated = try #require(Self.problem(twice))
        #expect(repeated.line == Self.line(startingWith: "max_gram:", in: twice) + 1)
        #expect(repeated.reason == "'max_gram' given twice")
        let missing = try #require(Self.problem(try Self.replacing("scale: ", with: "# scale: ", in: small)))
        #expect(missing.description == "line 1: missing 'scale'")
    }

    // MARK: 2. Training

    @Test func trainingIsDeterministicPerSeed() {
        let first = NgramModelTraining.train(Self.examples, options: Self.options(seed: 7))
        let second = NgramModelTraining.train(Self.examples, options: Self.options(seed: 7))
        #expect(first.serialized == second.serialized)
        #expect(Data(first.serialized.utf8) == Data(second.serialized.utf8))
        let other = NgramModelTraining.train(Self.examples, options: Self.options(seed: 8))
        #expect(other.serialized != first.serialized)
        #expect(other.weights != first.weights)
        // The labels: `none` first, then sorted.
        #expect(first.labels == ["none", "bribery", "overpromise"])
        #expect(first.buckets == 4096 && first.maxGram == 3)
        #expect(first.weights.count == 4096 * 3)
    }

    @Test func trainedModelRecognisesTheCuesInNewSentences() {
        let model = NgramModelTraining.train(Self.examples, options: Self.options(seed: 1))
        var checked = 0
        for (label, cues) in Self.cues {
            let index = model.labels.firstIndex(of: label)!
            for cue in cues {
                for frame in Self.newFrames {
                    let text = frame.replacingOccurrences(of: "{}", with: cue)
                    #expect(!Self.examples.contains { $0.text == text })
                    let probabilities = model.probabilities(ofNormalized: Self.normalized(text))
                    #expect(probabilities.count == 3)
                    #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
                    #expect(Self.argmax(probabilities) == index, "\(text): \(model.labels) \(probabilities)")
                    checked += 1
                }
            }
        }
        #expect(checked == 36)
    }

    /// Training and scoring both read the normalised text, so the Traditional
    /// form of a cue scores exactly as the Simplified form it was trained on.
    @Test func traditionalFormsScoreLikeSimplified() throws {
        let model = NgramModelTraining.train(Self.examples, options: Self.options(seed: 1))
        let pairs: [(simplified: String, traditional: String, label: String)] = [
            ("下个月我亲自把红包送到您办公室", "下個月我親自把紅包送到您辦公室", "bribery"),
            ("关于好处费，咱们电话里再说吧", "關於好處費，咱們電話裡再說吧", "bribery"),
            ("您要是点头，稳赚不赔今天就能落实", "您要是點頭，穩賺不賠今天就能落實", "overpromise"),
            ("保证翻倍这事我让助理跟进", "保證翻倍這事我讓助理跟進", "overpromise"),
            ("关于会议纪要，咱们电话里再说吧", "關於會議紀要，咱們電話裡再說吧", "none"),
        ]
        for pair in pairs {
            let simplified = model.probabilities(ofNormalized: Self.normalized(pair.simplified))
            let traditional = model.probabilities(ofNormalized: Self.normalized(pair.traditional))
            #expect(traditional == simplified, "\(pair.traditional)")
            #expect(Self.argmax(traditional) == model.labels.firstIndex(of: pair.label), "\(pair.traditional)")
            // Without the normaliser the Traditional text is other n-grams: the equality above is its doing.
            #expect(model.probabilities(ofNormalized: pair.traditional) != simplified, "\(pair.traditional)")
        }

        // Through a loaded rule, which normalises itself.
        let folder = try TestPaths.temporaryFolder("crmlint-classifier")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models"), withIntermediateDirectories: true)
        try model.serialized.write(to: folder.appendingPathComponent("models/t.model"), atomically: true, encoding: .utf8)
        let (rules, problems) = RuleLoader.load(
            yaml: Self.ruleYAML(), file: folder.appendingPathComponent("rules.yml").path)
        #expect(problems.isEmpty, "\(problems)")
        let rule = try #require(rules.first as? ClassifierRule)
        #expect(rule.metadata.kind == "classifier")
        #expect(rule.reportsOnlyIfUnreported)
        #expect(rule.model == model)
        for pair in pairs {
            #expect(rule.probability(of: pair.traditional) == rule.probability(of: pair.simplified))
            #expect((rule.probability(of: pair.traditional) > 0.5) == (pair.label == "bribery"), "\(pair.traditional)")
        }
    }

    /// Training drops a trailing carriage return of a TSV line (files saved on Windows).
    /// Cross-validation counts every held-out example once per label and
    /// threshold, and a higher threshold never reports more.
    @Test func crossValidationCountsEveryExampleOnce() {
        let examples = Self.examples
        let thresholds: [Float] = [0.5, 0.7, 0.9]
        let scores = NgramModelTraining.crossValidate(examples, folds: 4, thresholds: thresholds, options: Self.options(seed: 3))
        let labels = Set(examples.map(\.label)).subtracting(["none"])
        #expect(Set(scores.map(\.label)) == labels)
        #expect(scores.count == labels.count * thresholds.count)
        for label in labels {
            let rows = scores.filter { $0.label == label }.sorted { $0.threshold < $1.threshold }
            let positives = examples.filter { $0.label == label }.count
            let negatives = examples.filter { $0.label == "none" }.count
            for row in rows {
                #expect(row.truePositives + row.falseNegatives == positives)
                #expect(row.falsePositives <= negatives)
            }
            #expect(
                zip(rows, rows.dropFirst()).allSatisfy { $0.truePositives >= $1.truePositives && $0.falsePositives >= $1.falsePositives })
            // The cues are distinct words: held-out folds are still recognised.
            #expect(rows[0].recall > 0.8, "\(label): \(rows[0])")
        }
    }

    @Test func readCasesAcceptsCRLFLines() throws {
        let folder = try TestPaths.temporaryFolder("crmlint-classifier")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("crlf.tsv").path
        try "label\ttext\r\nbribery\t回扣\r\nnone\t你好\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        let cases = try NgramModelTraining.readCases(path)
        #expect(cases.map(\.label) == ["bribery", "none"])
        #expect(cases.map(\.text) == ["回扣", "你好"])
    }

    @Test func readCasesNamesTheLineWithoutATab() throws {
        let folder = try TestPaths.temporaryFolder("crmlint-classifier")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.tsv").path
        try "label\ttext\nbribery\t回扣\n\nnone 你好\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CrmlintError.input(path: path, reason: "line 4: expected 'label<TAB>text'")) {
            try NgramModelTraining.readCases(path)
        }
        try "label\ttext\nbribery\t回扣\n\tno label\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CrmlintError.input(path: path, reason: "line 3: expected 'label<TAB>text'")) {
            try NgramModelTraining.readCases(path)
        }
        try "label\ttext\nbribery\t回扣\tmore\nnone\t你好\n".write(toFile: path, atomically: true, encoding: .utf8)
        let cases = try NgramModelTraining.readCases(path)
        #expect(cases.map(\.label) == ["bribery", "none"])
        #expect(cases.first?.text == "回扣\tmore")
    }

    /// A model file saved with Windows line ends still reads.
    @Test func modelFileWithCRLFLineEndsParses() throws {
        let crlf = Self.small.serialized.replacingOccurrences(of: "\n", with: "\r\n")
        let parsed = try NgramModel(serialized: crlf)
        #expect(parsed == Self.small)
    }

    // MARK: 3. The shipped model

    /// rules/models/conduct.model is exactly what its header says it was trained
    /// on, with the default options: retrained here, it is the same file byte
    /// for byte, so nothing else (no hold-out) went into it.
    @Test func shippedModelIsReproducibleFromTheFilesItNames() throws {
        let modelURL = repositoryRoot.appendingPathComponent("rules/models/conduct.model")
        let committed = try Data(contentsOf: modelURL)
        let shipped = try NgramModel(serialized: String(decoding: committed, as: UTF8.self))
        let header = try #require(shipped.notes.first { $0.hasPrefix("trained on ") }, "\(shipped.notes)")
        let prefix = try #require(header.firstMatch(of: #/^trained on (\d+) messages: (.+)$/#))
        let total = try #require(Int(prefix.1))
        var sources: [(name: String, count: Int)] = []
        for item in prefix.2.split(separator: ", ") {
            let match = try #require(item.wholeMatch(of: #/([A-Za-z0-9._-]+\.tsv) \((\d+)\)/#), "\(item)")
            sources.append((String(match.1), Int(match.2)!))
        }
        #expect(sources.count >= 2)
        #expect(sources.map(\.count).reduce(0, +) == total)
        let names = sources.map(\.name)
        #expect(!names.contains { $0.hasPrefix("holdout") }, "the shipped model names a hold-out set: \(names)")
        #expect(!names.contains { $0.contains("dev") }, "the shipped model names the dev set: \(names)")
        #expect(Set(names).count == names.count)

        var examples: [(label: String, text: String)] = []
        for source in sources {
            let path = repositoryRoot.appendingPathComponent("corpus/conduct/\(source.name)").path
            let cases = try NgramModelTraining.readCases(path)
            #expect(cases.count == source.count, "\(source.name)")
            examples += cases
        }
        let defaults = NgramModelTraining.Options()
        let optionsNote =
            "options: --buckets \(defaults.buckets) --max-gram \(defaults.maxGram) --epochs \(defaults.epochs) --seed \(defaults.seed)"
        #expect(shipped.notes == [header, optionsNote])
        let retrained = NgramModelTraining.train(examples, options: defaults, notes: [header, optionsNote])
        #expect(retrained == shipped)
        #expect(Data(retrained.serialized.utf8) == committed, "rules/models/conduct.model is not what its header's files train")
    }

    // MARK: 4. Rule loading

    static func ruleYAML(
        id: String = "t.model-bribery", label: String? = nil, minimum: String = "0.9", model: String = "models/t.model", extra: String = ""
    ) -> String {
        """
        - id: \(id)
          kind: classifier
          category: bribery
          severity: warning
          message: model {probability}
          model: \(model)
        \(label.map { "  label: \($0)\n" } ?? "")  min_probability: \(minimum)
        \(extra)
        """
    }

    /// A folder with models/t.model (labels none, bribery, overpromise); the rule file path inside it.
    static func modelFolder() throws -> (folder: URL, ruleFile: String) {
        let folder = try TestPaths.temporaryFolder("crmlint-classifier")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models"), withIntermediateDirectories: true)
        try small.serialized.write(to: folder.appendingPathComponent("models/t.model"), atomically: true, encoding: .utf8)
        return (folder, folder.appendingPathComponent("rules.yml").path)
    }

    static func loadErrors(_ yaml: String, file: String) -> [String] { RuleLoader.load(yaml: yaml, file: file).1.map(\.description) }

    @Test func aGoodRuleLoads() throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for minimum in ["0.5", "0.9", "1"] {
            let (rules, problems) = RuleLoader.load(yaml: Self.ruleYAML(minimum: minimum), file: file)
            #expect(problems.isEmpty, "\(problems)")
            let rule = try #require(rules.first as? ClassifierRule)
            #expect(rule.minProbability == Float(minimum)!)
            #expect(rule.labelIndex == 1, "the label defaults to the category")
        }
        let (rules, _) = RuleLoader.load(
            yaml: Self.ruleYAML(label: "overpromise", extra: "  only_if_unreported: false\n"), file: file)
        let rule = try #require(rules.first as? ClassifierRule)
        #expect(rule.labelIndex == 2)
        #expect(!rule.reportsOnlyIfUnreported)
    }

    @Test func missingModelFileIsOneLineWithFileLineAndRule() throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = Self.loadErrors(Self.ruleYAML(model: "models/absent.model"), file: file)
        let modelPath = folder.appendingPathComponent("models/absent.model").path
        #expect(found == ["error: \(file):6:3: rule 't.model-bribery': cannot read the model file '\(modelPath)'"])
    }

    @Test func unknownLabelSuggestsTheNearestAndListsAll() throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = Self.loadErrors(Self.ruleYAML(label: "overpromis"), file: file)
        #expect(
            found == [
                "error: \(file):7:3: rule 't.model-bribery': the model has no label 'overpromis' (did you mean 'overpromise'?) (none, bribery, overpromise)"
            ])
        // The default label is the category: a category the model lacks is an error on the rule.
        let other = Self.loadErrors(
            Self.ruleYAML().replacingOccurrences(of: "category: bribery", with: "category: cancellation"), file: file)
        #expect(other.count == 1)
        #expect(other.first?.contains("rule 't.model-bribery': the model has no label 'cancellation'") == true)
    }

    @Test(arguments: ["0.49", "0", "1.01", "-0.9", "90"])
    func minProbabilityOutsideHalfToOneIsAnError(minimum: String) throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = Self.loadErrors(Self.ruleYAML(minimum: minimum), file: file)
        #expect(found.count == 1, "\(found)")
        #expect(
            found.first?.hasPrefix("error: \(file):7:3: rule 't.model-bribery': 'min_probability' must be between 0.5 and 1, not ") == true,
            "\(found)")
    }

    @Test func corruptModelFileNamesTheModelAndItsLine() throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelURL = folder.appendingPathComponent("models/t.model")
        let corrupt = try Self.replacing("buckets: 8\n", with: "buckets: 1000\n", in: Self.small.serialized)
        try corrupt.write(to: modelURL, atomically: true, encoding: .utf8)
        let line = Self.line(startingWith: "buckets:", in: corrupt)
        let found = Self.loadErrors(Self.ruleYAML(), file: file)
        #expect(
            found == [
                "error: \(file):6:3: rule 't.model-bribery': model file '\(modelURL.path)' line \(line): 'buckets' must be a power of two between 2 and 4194304"
            ])
        // Fixed on disk, the same path loads again (the loader's cache is keyed by content too).
        try Self.small.serialized.write(to: modelURL, atomically: true, encoding: .utf8)
        #expect(Self.loadErrors(Self.ruleYAML(), file: file) == [])
        try corrupt.write(to: modelURL, atomically: true, encoding: .utf8)
        #expect(Self.loadErrors(Self.ruleYAML(), file: file).count == 1)
    }

    @Test func missingRequiredKeysAreErrors() throws {
        let (folder, file) = try Self.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let noModel = Self.loadErrors(Self.ruleYAML().replacingOccurrences(of: "  model: models/t.model\n", with: ""), file: file)
        #expect(noModel.count == 1 && noModel.first?.contains("rule 't.model-bribery'") == true && noModel.first?.contains("model") == true)
        let noMinimum = Self.loadErrors(Self.ruleYAML().replacingOccurrences(of: "  min_probability: 0.9\n", with: ""), file: file)
        #expect(noMinimum.count == 1 && noMinimum.first?.contains("min_probability") == true, "\(noMinimum)")
    }

    /// A probability in a finding's message is written as `String(format: "%.2f")` wrote it: exact
    /// halves to even (0.125 → 0.12, 0.375 → 0.38), every two-decimal boundary, random floats.
    @Test func probabilitiesAreShownAsPrintfShowsThem() {
        var values: [Float] = [0, 1, 0.125, 0.375, 0.625, 0.875, 0.005, 0.015, 0.995, 0.999_999, Float.leastNonzeroMagnitude, 0.1, 0.7]
        for hundredth in 0...100 {
            let value = Float(hundredth) / 100
            values += [value, value.nextUp, value.nextDown, value + 0.005, (value + 0.005).nextUp, (value + 0.005).nextDown]
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Float.random(in: 0...1, using: &generator)) }
        for value in values where value >= 0 {
            #expect(ClassifierRule.Checker.twoDecimals(value) == String(format: "%.2f", value), "\(value)")
        }
    }

    /// A classifier rule reading two fields scores each field's own text and reports it under that field, in the
    /// order the rule names them, on records of a shape with one of them and on records with both; asked
    /// again for another record of the same shape it reads that record's texts, not the last one's.
    @Test func eachFieldIsScoredAndReportedOnItsOwn() throws {
        let file = TestPaths.repoRoot.appendingPathComponent("rules/M1-conduct-model.yml").path
        let yaml = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "fields: [text]", with: "fields: [notes, text]")
        let (rules, problems) = RuleLoader.load(yaml: yaml, file: file)
        #expect(problems.isEmpty, "\(problems)")
        let rule = try #require(rules.first { $0.metadata.id == "conduct.model-exaggeration" } as? ClassifierRule)
        let claim = "咱家这台空压机，同行里就没有能打的，十年不用修", plain = "这台空压机的额定排气量是每分钟3.6立方，详细参数见附件"
        let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let checker = rule.makeChecker()
        var serial = 0
        func fields(_ values: [String: String]) -> [String] {
            serial += 1
            let record = Record(dataset: .messages, file: "m.csv", line: serial + 1, position: serial, fields: values, serial: serial)
            var found: [String] = []
            checker.check(record, context: context) { found.append($0.field ?? "") }
            return found
        }
        // A shape with one of the fields first, then one with both: the second shape's fields are read.
        #expect(fields(["text": claim]) == ["text"])
        #expect(fields(["notes": claim, "text": plain]) == ["notes"])
        #expect(fields(["notes": plain, "text": claim]) == ["text"])
        #expect(fields(["notes": claim, "text": claim]) == ["notes", "text"])
        #expect(fields(["notes": plain, "text": plain]) == [])
        #expect(fields(["text": plain, "id": "M1"]) == [])
        #expect(fields(["text": claim, "id": "M2"]) == ["text"])
    }
}
