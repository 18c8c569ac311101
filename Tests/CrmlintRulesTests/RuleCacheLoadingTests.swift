import CrmlintCore
import Foundation
import PatternEngine
import Testing
import Yams

@testable import CrmlintRules

/// The shortcuts that keep a warm small scan's loading cheap (the rule cache's
/// hashed keys, the model file's byte reading, the plain-id and `{{` checks)
/// give exactly the answers of the slower ways they stand in for.
@Suite struct RuleCacheLoadingTests {
    /// Pattern texts as dictionary keys (the process's compiled patterns, the rule cache): texts of
    /// one length that differ only deep inside (expanded word classes) get keys of their own.
    @Test func cacheKeysTellLongTextsApartByEveryByte() {
        let head = String(repeating: "保证", count: 40), middle = String(repeating: "一", count: 120)
        let tail = String(repeating: "到货", count: 40)
        let texts = (10..<60).map { head + "第\($0)批" + middle + tail }
        var table: [CacheKey: Int] = [:]
        for (index, text) in (texts + ["a", head + tail]).enumerated() { table[CacheKey(text)] = index }
        #expect(table.count == texts.count + 2)
        for (index, text) in texts.enumerated() {
            #expect(table[CacheKey(text)] == index)
            #expect(table[CacheKey(text, flag: true)] == nil)
        }
        // Either side of the length where hashing a text moves to the checksum's vector lanes: each
        // length, and each last byte, a key of its own.
        let ascii = String(repeating: "abcdefgh", count: 40)
        let around = (250...262).flatMap { length in ["x", "y"].map { String(ascii.prefix(length - 1)) + $0 } }
        #expect(Set(around.map { CacheKey($0) }).count == around.count)
    }

    @Test func cacheKeysTellTextOptionsAndFlagApartAndAreTheSameInEveryProcess() {
        let key = CacheKey("保证(?:一定|绝对)", options: .caseless, flag: true)
        #expect(key == CacheKey("保证(?:一定|绝对)", options: .caseless, flag: true))
        #expect(key != CacheKey("保证(?:一定|绝对)", options: [], flag: true))
        #expect(key != CacheKey("保证(?:一定|绝对)", options: .caseless, flag: false))
        #expect(key != CacheKey("保证(?:一定|绝对 )", options: .caseless, flag: true))
        #expect(CacheKey("") != CacheKey("\u{0}"))
        // Not seeded per process (Swift's Hasher is): a file written by one run is read by the next.
        var first = StableHash(), second = StableHash()
        first.add("abc")
        second.add("abc")
        #expect(first.words == second.words)
        #expect(CacheKey.text("abc") == PatternSourceKey(a: first.words.0, b: first.words.1))
        var keyed = StableHash()
        [first.words.0, first.words.1, 0].forEach { keyed.add(word: $0) }
        #expect(CacheKey("abc") == CacheKey(a: keyed.words.0, b: keyed.words.1))
    }

    /// A pattern with references is known by its text and the terms' fingerprint: the same for the
    /// same terms, another when a term's words change (so no cache answers for the old expansion);
    /// a piece by its parent and place.
    @Test func patternsWithReferencesAreKnownByTextAndTerms() throws {
        func table(_ yaml: String) throws -> TermTable {
            var table = TermTable()
            var errors: [CrmlintError] = []
            table.add(try #require(try Yams.compose(yaml: yaml)), file: "t.yml", errors: &errors)
            table.resolve(errors: &errors)
            #expect(errors.isEmpty)
            return table
        }
        let one = try table("gift: [礼品, 红包]\nverb: [送]\n"), same = try table("verb: [送]\ngift: [礼品, 红包]\n")
        let other = try table("gift: [礼品, 红包, 购物卡]\nverb: [送]\n")
        #expect(one.fingerprint == same.fingerprint)
        #expect(one.fingerprint != other.fingerprint)
        let source = "{{verb}}\\s*{{gift}}"
        #expect(CacheKey.referencing(source, terms: one.fingerprint) == CacheKey.referencing(source, terms: same.fingerprint))
        #expect(CacheKey.referencing(source, terms: one.fingerprint) != CacheKey.referencing(source, terms: other.fingerprint))
        #expect(CacheKey.referencing(source, terms: one.fingerprint) != CacheKey.text(source))
        let parent = CacheKey.text("(?:a|b|c)")
        let pieces = [false, true].flatMap { parts in
            [[], Pattern.Options.caseless].flatMap { options in
                (0..<3).map { CacheKey.piece(of: parent, options: options, parts: parts, index: $0) }
            }
        }
        #expect(Set(pieces).count == 12)
        #expect(!pieces.contains(parent))
    }

    /// The prefilter's cache file is named by its matchers' shapes and patterns: every shape,
    /// option, group, distance and scope changes the name; the same matchers give the same one.
    @Test func matcherShapesHashApart() throws {
        let a = try Pattern("保证"), b = try Pattern("承诺"), caseless = try Pattern("保证", options: .caseless)
        let whole = try Pattern("保证|承诺")
        let matchers: [TextMatcher] = [
            .pattern(a, captureGroup: nil), .pattern(a, captureGroup: 1), .pattern(b, captureGroup: nil),
            .pattern(caseless, captureGroup: nil), .alternation(whole, captureGroup: nil, parts: [a, b]),
            .alternation(whole, captureGroup: 1, parts: [a, b]), .alternation(whole, captureGroup: nil, parts: [b, a]),
            .any([.pattern(a, captureGroup: nil)]), .any([.pattern(a, captureGroup: nil), .pattern(b, captureGroup: nil)]),
            .all([.pattern(a, captureGroup: nil), .pattern(b, captureGroup: nil)], near: nil, scope: .clause),
            .all([.pattern(a, captureGroup: nil), .pattern(b, captureGroup: nil)], near: 5, scope: .clause),
            .all([.pattern(a, captureGroup: nil), .pattern(b, captureGroup: nil)], near: nil, scope: .sentence),
            .all([.pattern(b, captureGroup: nil), .pattern(a, captureGroup: nil)], near: nil, scope: .clause),
        ]
        func words(_ matcher: TextMatcher) -> [UInt64] {
            var hash = StableHash()
            hash.add(matcher)
            return [hash.words.0, hash.words.1]
        }
        #expect(Set(matchers.map(words)).count == matchers.count)
        #expect(matchers.map(words) == matchers.map(words))
    }

    /// A pattern that carries its text's hash is keyed as its text is: caches
    /// written by a run that hashed the text are read by one that carried it.
    @Test func aCarriedSourceKeyGivesTheTextsOwnKeys() throws {
        let source = "保证(?:一定|绝对)"
        let carried = try Pattern(source, options: .caseless, sourceKey: CacheKey.text(source))
        let plain = try Pattern(source, options: .caseless)
        #expect(CacheKey(carried) == CacheKey(source, options: .caseless))
        #expect(CacheKey(plain) == CacheKey(carried))
        #expect(CacheKey(carried, options: [], flag: true) == CacheKey(source, flag: true))
        #expect(CacheKey(try Pattern(source + "x")) != CacheKey(carried))
        var viaPattern = StableHash(), viaText = StableHash()
        viaPattern.add(carried)
        viaText.add(plain)
        #expect(viaPattern.words == viaText.words)
    }

    @Test func cacheEntriesSurviveAWriteAndARead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = [(path: "a.yml", text: "- id: a\n")]
        let cache = RuleCache(directory: folder, files: files, identity: "test")
        #expect(!cache.wasRead)
        cache.setCompiled(CacheKey.text("a(b)c"), options: .caseless, probe: true, .init(captureCount: 1, problem: nil))
        cache.setCompiled(CacheKey.text("(a+)+$"), options: [], probe: true, .init(captureCount: 1, problem: "may backtrack"))
        cache.setSplit(try Pattern("(?:x|y|z)", options: .caseless), ["x", "y|z"])
        cache.setSplit(try Pattern("(?:q)"), nil)
        cache.setValidTerm("(?:甲|乙)")
        cache.setModel(CacheKey("model text"), Self.model)
        cache.save()

        let read = RuleCache(directory: folder, files: files, identity: "test")
        #expect(read.wasRead)
        #expect(read.compiled(CacheKey.text("a(b)c"), options: .caseless, probe: true)?.captureCount == 1)
        #expect(read.compiled(CacheKey.text("a(b)c"), options: .caseless, probe: true)?.problem == nil)
        #expect(read.compiled(CacheKey.text("a(b)c"), options: [], probe: true) == nil)
        #expect(read.compiled(CacheKey.text("a(b)c"), options: .caseless, probe: false) == nil)
        #expect(read.compiled(CacheKey.text("(a+)+$"), options: [], probe: true)?.problem == "may backtrack")
        // Splits are keyed by the text alone, whatever the options.
        #expect(read.split(try Pattern("(?:x|y|z)")).map { $0?.map(\.string) } == .some(.some(["x", "y|z"])))
        #expect(read.split(try Pattern("(?:q)")).map { $0?.map(\.string) } == .some(.none))
        #expect(read.split(try Pattern("(?:r)")) == nil)
        #expect(read.isValidTerm("(?:甲|乙)"))
        #expect(!read.isValidTerm("(?:甲|丙)"))
        #expect(read.model(CacheKey("model text")) == Self.model)
        #expect(read.model(CacheKey("other text")) == nil)

        // Pieces read from the file (kept as its bytes) are written back as they were when the cache is saved again.
        read.setSplit(try Pattern("(?:甲|乙丙)"), ["甲", "乙丙"])
        read.save()
        let again = RuleCache(directory: folder, files: files, identity: "test")
        #expect(again.split(try Pattern("(?:x|y|z)")).map { $0?.map(\.string) } == .some(.some(["x", "y|z"])))
        #expect(again.split(try Pattern("(?:甲|乙丙)")).map { $0?.map(\.string) } == .some(.some(["甲", "乙丙"])))
        #expect(again.split(try Pattern("(?:q)")).map { $0?.map(\.string) } == .some(.none))

        // Another build's file is not read.
        #expect(!RuleCache(directory: folder, files: files, identity: "other").wasRead)
    }

    /// Cache files are mapped, not read: a slice (a kept document, a pattern's code) stays
    /// readable after the reader and every other reference to the file are gone, and the
    /// file may be replaced meanwhile (caches are renamed over, never written in place).
    @Test func aMappedCacheFileOutlivesItsReaderAndItsReplacement() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-mapped-\(UUID().uuidString)").path
        defer { unlink(path) }
        var writer = CacheWriter()
        writer.string("magic\n")
        writer.string("第一段 and more")
        writer.checksum()
        RuleCache.write(writer.bytes, to: path)
        var slice: CacheSlice?
        do {
            let file = try #require(CacheFile.bytes(atPath: path))
            #expect(file.count == writer.bytes.count)
            var reader = try #require(CacheReader(checked: file))
            #expect(reader.string() == "magic\n")
            slice = reader.slice()
            #expect(reader.atEnd)
        }
        RuleCache.write(Array("replaced".utf8), to: path)
        let kept = try #require(slice)
        #expect(kept.withBytes { Array($0) } == Array("第一段 and more".utf8))
        // A damaged byte is refused, and an empty file maps to no bytes.
        var damaged = writer.bytes
        damaged[10] ^= 1
        #expect(CacheReader(checked: damaged) == nil)
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(CacheFile.bytes(atPath: path)?.count == 0)
        #expect(CacheFile.bytes(atPath: path + ".absent") == nil)
    }

    /// The cache files' checksum changes with the kinds of damage a file meets: a flipped bit
    /// anywhere (in a full block or the tail), the same bit flipped in two blocks, a zeroed block,
    /// blocks out of order, a byte lost or added at the end; and not otherwise (the same bytes give
    /// the same sums).
    @Test func theChecksumNoticesDamage() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 63, 64, 65, 200, 1000, 4096 + 17] {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let sums = CacheChecksum.of(bytes[...])
            #expect(CacheChecksum.of(Array(bytes)[...]) == sums)
            var damaged: [[UInt8]] = [bytes + [0], bytes.dropLast(1).map { $0 }]
            for position in Set([0, 7, 8, 63, 64, count / 2, count - 1]) where position >= 0 && position < count {
                for bit in [0, 7] {
                    var copy = bytes
                    copy[position] ^= 1 << UInt8(bit)
                    damaged.append(copy)
                }
            }
            if count >= 192 {
                // The same bit of the same lane in two blocks (the top bit: sums that wrapped at 2^64 missed it).
                for (position, bit) in [(7, 7), (3, 7), (0, 0)] {
                    var copy = bytes
                    copy[position] ^= 1 << UInt8(bit)
                    copy[position + 128] ^= 1 << UInt8(bit)
                    damaged.append(copy)
                }
            }
            if count >= 128 {
                var zeroed = bytes, swapped = bytes
                zeroed.replaceSubrange(64..<128, with: repeatElement(0, count: 64))
                swapped.replaceSubrange(0..<64, with: bytes[64..<128])
                swapped.replaceSubrange(64..<128, with: bytes[0..<64])
                damaged += [zeroed, swapped]
            }
            for copy in damaged where copy != bytes {
                #expect(CacheChecksum.of(copy[...]) != sums, "\(count) bytes")
            }
        }
    }

    /// Integers read from rule files: the plain-decimal shortcut reads what Yams reads, and
    /// leaves every other spelling (octal `010`, `0x`, `_`, `1:30`, quoted) to it.
    @Test func integersReadAsYamsReadsThem() throws {
        let texts = [
            "0", "7", "20", "-3", "+7", "010", "-010", "0x1F", "0o17", "0b101", "1_000", "1:30", "+0", "-0", "00",
            "123456789012345678", "1234567890123456789", "99999999999999999999", "1e3", "1.5", "", "+", "-1x", "二十", "'20'", "\"20\"",
            "20 # a comment", "~", "null", "true",
        ]
        for text in texts {
            let node = try #require(try Yams.compose(yaml: "value: \(text)\n")?["value"], "\(text)")
            #expect(node.integer == node.int, "\(text)")
        }
    }

    static let model = NgramModel(
        labels: ["none", "bribery"], buckets: 8, maxGram: 2, scale: 0.5, bias: [0.25, -1],
        weights: [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 127, -128], notes: ["trained on nothing"])

    @Test func theModelFileReadsTheSameByBytesAsByLines() throws {
        let text = Self.model.serialized
        #expect(try NgramModel(serialized: text) == Self.model)
        // Spaces around a weights line: the general reading trims them.
        let spaced = text.replacingOccurrences(of: "\nweights:\n", with: "\nweights:\n  ") + "   \n"
        #expect(try NgramModel(serialized: spaced) == Self.model)
        // Carriage returns: the general reading, which splits on "\r\n" too.
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try NgramModel(serialized: crlf) == Self.model)
        // Problems keep their lines.
        let unknown = text.replacingOccurrences(of: "max_gram:", with: "max_grams:")
        #expect(throws: NgramModel.Problem.self) { try NgramModel(serialized: unknown) }
        let broken = text.replacingOccurrences(of: "\nweights:\n", with: "\nweights:\n!")
        #expect(throws: NgramModel.Problem(line: 9, reason: "'weights' must be base64 of 16 bytes (buckets × labels)")) {
            try NgramModel(serialized: broken)
        }
    }

    /// A model read before comes from the rule cache, keyed by its file's text: the model the
    /// file holds, and an edited file is read anew (the cache's name stands only for rule files).
    @Test func aModelComesFromTheRuleCacheOnlyForTheSameText() throws {
        let (folder, ruleFile) = try ClassifierRuleTests.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ClassifierRuleTests.ruleYAML().write(toFile: ruleFile, atomically: true, encoding: .utf8)
        let cacheFolder = folder.appendingPathComponent("cache").path
        func load() throws -> (rule: ClassifierRule, cache: RuleCache?) {
            ModelFiles.forget() // as a new process finds it
            let loaded = try RuleLoader.load(
                paths: [ruleFile], overrides: [], checkExamples: false, cacheDirectory: cacheFolder, cacheIdentity: "t", readingAgain: false
            )
            return (try #require(loaded.rules.first as? ClassifierRule), loaded.cache)
        }
        // A model planted in the cache under the file's text is the one the rule gets: the cache is read.
        let planted = NgramModel(
            labels: ClassifierRuleTests.small.labels, buckets: ClassifierRuleTests.small.buckets,
            maxGram: ClassifierRuleTests.small.maxGram,
            scale: ClassifierRuleTests.small.scale, bias: ClassifierRuleTests.small.bias.map { $0 + 1 },
            weights: ClassifierRuleTests.small.weights, notes: ["planted"])
        let ruleText = try String(contentsOfFile: ruleFile, encoding: .utf8)
        let seeded = RuleCache(directory: cacheFolder, files: [(path: ruleFile, text: ruleText)], identity: "t")
        seeded.setModel(CacheKey(ClassifierRuleTests.small.serialized), planted)
        seeded.save()
        let first = try load()
        #expect(first.cache?.wasRead == true)
        #expect(first.rule.model == planted)
        let warm = try load()
        #expect(warm.rule.model == planted)

        let edited = NgramModel(
            labels: ClassifierRuleTests.small.labels, buckets: ClassifierRuleTests.small.buckets,
            maxGram: ClassifierRuleTests.small.maxGram, scale: ClassifierRuleTests.small.scale * 2,
            bias: ClassifierRuleTests.small.bias.reversed(), weights: ClassifierRuleTests.small.weights.map { $0 == -128 ? 127 : -$0 },
            notes: ["edited"])
        try edited.serialized.write(to: folder.appendingPathComponent("models/t.model"), atomically: true, encoding: .utf8)
        let again = try load()
        #expect(again.cache?.wasRead == true)
        #expect(again.rule.model == edited)
        // A model that is not whole is not read from the cache: the file is read instead.
        let broken = NgramModel(
            labels: edited.labels, buckets: edited.buckets, maxGram: edited.maxGram, scale: edited.scale, bias: edited.bias,
            weights: Array(edited.weights.dropLast()), notes: [])
        #expect(!broken.isConsistent && edited.isConsistent)
        let damaged = RuleCache(directory: cacheFolder, files: [(path: ruleFile, text: ruleText)], identity: "t")
        damaged.setModel(CacheKey("another model file"), broken)
        damaged.save()
        #expect(!RuleCache(directory: cacheFolder, files: [(path: ruleFile, text: ruleText)], identity: "t").wasRead)
        #expect(try load().rule.model == edited)
    }

    @Test func base64DecodesAsFoundationDoes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(NgramModel.decodeBase64(Array(encoded.utf8)) == bytes)
            // One byte changed (to another letter, '=', a space, a byte outside the alphabet):
            // decoded as Foundation decodes it, canonical or not.
            guard !encoded.isEmpty else { continue }
            for _ in 0..<20 {
                var changed = Array(encoded.utf8)
                changed[Int.random(in: 0..<changed.count, using: &generator)] = Array("A/+9=\u{20}\u{C3}".utf8).randomElement(
                    using: &generator)!
                let foundation = Data(base64Encoded: Data(changed)).map { [UInt8]($0) }
                #expect(NgramModel.decodeBase64(changed) == foundation, "\(String(decoding: changed, as: UTF8.self))")
            }
        }
        for odd in ["QQ", "QR==", "QQ=", "Q===", "QUJD\nREVG", "QUJ D", "=QUJ", "QU=J", "QUJDRA==QUJD", "", "4pyTIMOgIGxhIG1vZGU="] {
            let foundation = Data(base64Encoded: odd).map { [UInt8]($0) }
            #expect(NgramModel.decodeBase64(Array(odd.utf8)) == foundation, "\(odd)")
        }
    }

    @Test func plainIDsAreWhatTheIDExpressionAccepts() {
        let ids = [
            "conduct.bribery", "a", "0", "a-b_c.d", "", ".a", "-a", "_a", "A", "a b", "a\n", "a\r\n", "a\u{2028}", "规则", "a.",
            "conduct..x", "x\u{301}",
        ]
        for id in ids {
            let expression = id.range(of: #"^[a-z0-9][a-z0-9._-]*$"#, options: .regularExpression) != nil
            // The shortcut only ever says yes where the expression does; the expression decides the rest.
            if RuleDefinition.isPlainID(id) { #expect(expression, "\(id.debugDescription)") }
            #expect(RuleDefinition.isPlainID(id) == (expression && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }), "\(id.debugDescription)")
        }
    }

    @Test func expandingFindsEveryDoubleBrace() throws {
        #expect(!TermTable.holdsDoubleBrace(""))
        #expect(!TermTable.holdsDoubleBrace("{"))
        #expect(!TermTable.holdsDoubleBrace("a{2,3}\\p{Han}"))
        #expect(TermTable.holdsDoubleBrace("{{x}}"))
        #expect(TermTable.holdsDoubleBrace("保证{{x}}"))
        #expect(TermTable.holdsDoubleBrace("a{{"))
        #expect(TermTable.holdsDoubleBrace("{a}{b{{"))
        #expect(!TermTable.holdsDoubleBrace("{a}{b{ {"))
        // Every text of braces, a letter and a Han character up to six long, as the plain reading of its bytes says.
        var texts = [""]
        for _ in 0..<6 { texts = texts + texts.flatMap { text in ["{", "}", "a", "保"].map { text + $0 } } }
        for text in Set(texts) {
            let bytes = Array(text.utf8)
            let plain = bytes.indices.dropLast().contains { bytes[$0] == 0x7B && bytes[$0 + 1] == 0x7B }
            #expect(TermTable.holdsDoubleBrace(text) == plain, "\(text)")
        }
        let (rules, errors) = RuleLoader.load(
            yaml: """
                - terms:
                    thing: [甲, 乙]
                - id: t.one
                  category: exaggeration
                  severity: error
                  message: m
                  patterns: ['保证{{thing}}', '{{ thing }}了', 'x{2}']
                """, file: "t.yml")
        #expect(errors.isEmpty)
        let sources = (rules.first as? PatternRule)?.patterns.map(\.source)
        #expect(sources == ["保证(?:甲|乙)", "(?:甲|乙)了", "x{2}"])
    }

    /// Expanding builds its text from slices of the pattern (no bytes decoded again): it gives what
    /// replacing references in the bytes gives, on random texts of braces, names, escapes, spaces,
    /// Chinese and combining marks, and refuses the same unknown names.
    @Test func expandingBySlicesIsExpandingByBytes() throws {
        var table = TermTable()
        var errors: [CrmlintError] = []
        table.add(try #require(try Yams.compose(yaml: "t: [甲]\nlong_name-1.x: ['乙|丙\u{301}']\n")), file: "t.yml", errors: &errors)
        table.resolve(errors: &errors)
        #expect(errors.isEmpty)
        let fragments = ["t": "(?:甲)", "long_name-1.x": "(?:乙|丙\u{301})"]
        /// The reference: a byte at a time, the way expanding worked before it sliced.
        func byBytes(_ source: String) -> String? {
            let bytes = Array(source.utf8)
            var out: [UInt8] = []
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                    index == 0 || bytes[index - 1] != UInt8(ascii: "\\")
                {
                    var end = index + 2
                    while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                    let nameStart = end
                    while end < bytes.count, TermTable.isNameCharacter(bytes[end]) { end += 1 }
                    let nameEnd = end
                    while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                    if nameEnd > nameStart, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"), bytes[end + 1] == UInt8(ascii: "}") {
                        guard let fragment = fragments[String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)] else { return nil }
                        out += Array(fragment.utf8)
                        index = end + 2
                        continue
                    }
                }
                out.append(bytes[index])
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        let pieces = ["{{", "}}", "{", "}", "t", "long_name-1.x", "nope", " ", "\\", "甲", "\u{301}", "a", "{2}", "|", "(?:", ")"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let source = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = byBytes(source)
            let got = try? table.expand(source)
            #expect(got == expected, "\(source.debugDescription)")
            if let got { #expect(got.utf8.elementsEqual((expected ?? "").utf8), "\(source.debugDescription)") }
        }
    }

    /// Texts with every kind of node, style, tag and place the rules read.
    static let yamlSamples = [
        "", "# only a comment\n", "plain\n", "- a\n- 'b'\n- \"c\\n\"\n- |\n  lit\n  eral\n- >-\n  fol\n  ded\n",
        "k: v\nn: 12\nf: 1.5\nb: yes\nnull_: ~\ns: !!str 12\nt: !custom x\nflow: {a: [1, 2], 'b': \"c\"}\n",
        "base: &a\n  x: [甲, 乙]\nuse: *a\nlist: &l [1, 2]\nagain: *l\nmerge:\n  <<: *a\n  y: 2\n",
        "- id: r\n  patterns:\n    - '保证(?:一定|绝对)'\n  examples: {match: ['保证一定'], no_match: []}\n",
        "\n\n\n      - deep:\n          - [[[x]]]\n",
    ]

    /// Two trees are the same for every reader: texts, tag names, styles,
    /// marks, order; and a scalar's bool, int and float read the same.
    static func same(_ a: Node, _ b: Node) -> Bool {
        guard a.mark?.line == b.mark?.line, a.mark?.column == b.mark?.column, a.tag.rawValue == b.tag.rawValue else { return false }
        switch (a, b) {
        case let (.scalar(x), .scalar(y)):
            return x.string == y.string && x.style == y.style && a.bool == b.bool && a.int == b.int && a.float == b.float
                && a.tag.rawValue == b.tag.rawValue
        case let (.sequence(x), .sequence(y)):
            return x.style == y.style && x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.mapping(x), .mapping(y)):
            return x.style == y.style && x.count == y.count
                && zip(x, y).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default:
            return false
        }
    }

    /// Scalars whose own (unresolved) tag is still implicit.
    static func implicitScalars(_ node: Node) -> Int {
        switch node {
        case let .scalar(scalar): return scalar.tag.rawValue == Tag.Name.implicit.rawValue ? 1 : 0
        case let .sequence(sequence): return sequence.map(implicitScalars).reduce(0, +)
        case let .mapping(mapping): return mapping.map { implicitScalars($0.key) + implicitScalars($0.value) }.reduce(0, +)
        case .alias: return 0
        }
    }

    @Test func composedYAMLReadsBackAsComposed() throws {
        #expect(YAMLNodeCodec.markLayoutHolds)
        let texts = Self.yamlSamples + BuiltinRules.files.filter { $0.path.hasSuffix(".yml") }.map(\.contents)
        for text in texts {
            let composed = try Yams.compose(yaml: text)
            let bytes = try #require(YAMLNodeCodec.encode(composed))
            let decoded = try #require(bytes.withUnsafeBytes(YAMLNodeCodec.decode), "\(text.prefix(80))")
            // Compared with a fresh compose: comparing resolves tags, which must not be what makes them equal.
            switch (try Yams.compose(yaml: text), decoded) {
            case (nil, nil): break
            case let (fresh?, read?):
                #expect(Self.same(fresh, read), "\(text.prefix(80))")
                // Read back without a resolver's rules: no scalar may be left to resolve.
                #expect(Self.implicitScalars(read) == 0, "\(text.prefix(80))")
            default: Issue.record("empty and non-empty: \(text.prefix(80))")
            }
            // Every cut-short copy is refused, never read as another tree.
            for cut in [1, bytes.count / 2, bytes.count - 1] where cut < bytes.count {
                #expect(bytes[..<cut].withUnsafeBytes(YAMLNodeCodec.decode) == nil)
            }
        }
        // Rules built from read-back YAML are the rules built from the text, problems included.
        let file = "t.yml"
        let text = "- id: t.one\n  category: exaggeration\n  severity: loud\n  message: m\n  patterns: ['保证(']\n"
        let direct = RuleLoader.load(yaml: text, file: file).1.map(\.lines)
        let cache = RuleCache()
        cache.setDocument(file, try Yams.compose(yaml: text))
        let viaCache = RuleLoader.parse(yaml: "not read", file: file, cache: cache)
        var terms = TermTable()
        var ignored: [CrmlintError] = []
        terms.resolve(errors: &ignored)
        #expect(!direct.isEmpty)
        #expect(RuleLoader.build(viaCache.items, file: file, terms: terms).1.map(\.lines) == direct)
    }

    @Test func composedYAMLSurvivesTheCacheFileAndDamageIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = BuiltinRules.files.first { $0.path.hasPrefix("R3") }!.contents
        let files = [(path: "r3.yml", text: text)]
        let cache = RuleCache(directory: folder, files: files, identity: "test")
        cache.setDocument("r3.yml", try Yams.compose(yaml: text))
        cache.setDocument("empty.yml", nil)
        cache.save()
        let read = RuleCache(directory: folder, files: files, identity: "test")
        #expect(read.wasRead)
        let node = try #require(read.document("r3.yml"))
        #expect(Self.same(try #require(try Yams.compose(yaml: text)), try #require(node)))
        #expect(read.document("empty.yml").map { $0 == nil } == true)
        #expect(read.document("other.yml") == nil)
        // One byte changed anywhere (inside a kept text, say) and the file is not read at all.
        let path = try #require(read.path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(!RuleCache(directory: folder, files: files, identity: "test").wasRead)
    }

    /// Values left encoded read back as composed, tags first named inside them included; the
    /// rule items hold an empty text in their place and are otherwise the document itself.
    @Test func deferredValuesReadBackAsComposed() throws {
        // `!!int` and `!custom` first appear inside `examples`, then on later nodes by number.
        let sample = """
            - id: a
              examples: {match: [1, !custom x, yes], no_match: []}
              after: [2, !custom y, no]
            - terms: {w: [甲]}
            - id: b
              examples: [保证, {text: 乙}]
            - id: c
            - plain
            """
        let texts = [sample] + BuiltinRules.files.filter { $0.path.hasSuffix(".yml") }.map(\.contents)
        var deferredCount = 0
        for text in texts {
            let bytes = try #require(YAMLNodeCodec.encode(try Yams.compose(yaml: text)))
            let slice = CacheSlice(copying: bytes)
            let (root, deferred) = YAMLNodeCodec.decode(slice, deferring: ["examples"])
            let fresh = try #require(try Yams.compose(yaml: text))
            let decoded = try #require(root)
            let read = try #require(decoded)
            guard case let .sequence(freshItems) = fresh, case let .sequence(readItems) = read else {
                #expect(Self.same(fresh, read), "\(text.prefix(80))")
                #expect(deferred.isEmpty)
                continue
            }
            #expect(freshItems.count == readItems.count)
            for (index, (freshItem, readItem)) in zip(freshItems, readItems).enumerated() {
                guard case let .mapping(freshPairs) = freshItem, case let .mapping(readPairs) = readItem,
                    freshPairs.contains(where: { $0.key.string == "examples" }),
                    !(freshPairs.count == 1 && freshPairs.first?.key.string == "terms")
                else {
                    #expect(Self.same(freshItem, readItem), "\(text.prefix(80)) item \(index)")
                    #expect(deferred[index] == nil)
                    continue
                }
                let left = try #require(deferred[index]?["examples"], "\(text.prefix(80)) item \(index)")
                deferredCount += 1
                #expect(Array(freshPairs.map(\.key.string)) == Array(readPairs.map(\.key.string)))
                for (freshPair, readPair) in zip(freshPairs, readPairs) {
                    if freshPair.key.string == "examples" {
                        #expect(readPair.value.string == "")
                        let node = try #require(left.node())
                        #expect(Self.same(freshPair.value, node), "\(text.prefix(80)) item \(index)")
                    } else {
                        #expect(Self.same(freshPair.value, readPair.value), "\(text.prefix(80)) item \(index)")
                    }
                }
            }
            // Cut short anywhere: refused, never another tree.
            for cut in [1, bytes.count / 3, bytes.count / 2, bytes.count - 1] where cut < bytes.count {
                #expect(YAMLNodeCodec.decode(CacheSlice(copying: Array(bytes[..<cut])), deferring: ["examples"]).root == nil)
            }
        }
        #expect(deferredCount > 20)
        // More tag names than a reader takes (the list's own `seq` and one per item): the document is not
        // kept, and is composed from its text instead; as many as a reader takes are kept.
        func items(_ count: Int) -> String { (0..<count).map { "- !t\($0) x" }.joined(separator: "\n") }
        #expect(YAMLNodeCodec.encode(try Yams.compose(yaml: items(YAMLNodeCodec.maxTagNames))) == nil)
        let most = try #require(YAMLNodeCodec.encode(try Yams.compose(yaml: items(YAMLNodeCodec.maxTagNames - 1))))
        #expect(most.withUnsafeBytes(YAMLNodeCodec.decode) != nil)
    }

    /// A pattern whose code comes from the store matches exactly what a
    /// compiled one matches, anchored twin included; code the store cannot
    /// decode is compiled instead.
    @Test func decodedPatternCodeMatchesAsCompiled() throws {
        let store = PatternCodeCache(path: nil)
        let texts = ["保证一定到货，绝对没问题", "给您个人5个点的回扣 abc ABC", "", "中中中 x1 保证", "\u{1F600} 保证 甲乙丙"]
        let sources = ["保证(?:一定|绝对)?", "(?i)abc", "(?<!个)人(\\d+)?", "\\p{Han}{2}", "(?:甲|乙)+丙?", "x?"]
        for source in sources {
            let compiled = try Pattern(source)
            let first = Pattern(known: source, captureCount: compiled.captureCount, store: store)
            #expect(store.serializedCode(source: { source }, key: nil, options: []) == nil)
            _ = try first.matches("")
            #expect(store.serializedCode(source: { source }, key: nil, options: []) != nil)
            let decoded = Pattern(known: source, captureCount: compiled.captureCount, store: store)
            for text in texts {
                #expect(try decoded.matches(text) == compiled.matches(text), "\(source) on \(text)")
                var copy = text
                let starts = Array(0...text.utf8.count)
                try copy.withUTF8 { buffer in
                    let scratch = MatchScratch()
                    let expected = try compiled.anchored().allMatches(in: buffer, startingAt: starts, scratch: scratch)
                    #expect(try decoded.anchored().allMatches(in: buffer, startingAt: starts, scratch: scratch) == expected)
                }
            }
            #expect(store.serializedCode(source: { source }, key: nil, options: .anchored) != nil)
            #expect(decoded.isJITCompiled == compiled.isJITCompiled)
        }
        // Bytes that are not one pattern's code are compiled from the text.
        store.keep(serializedCode: [1, 2, 3, 4, 5, 6, 7, 8], source: "ab", key: nil, options: [])
        #expect(try Pattern(known: "ab", captureCount: 0, store: store).matches("xab").map(\.range) == [1..<3])
    }

    @Test func patternCodeSurvivesTheCacheFileAndDamageIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-codes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("codes.bin").path
        let store = PatternCodeCache(path: path)
        _ = try Pattern(known: "保证(一定)", captureCount: 1, store: store).matches("保证一定")
        PatternCodeCache.saveAll()
        let bytes = try #require(store.serializedCode(source: { "保证(一定)" }, key: nil, options: []))
        #expect(PatternCodeCache(path: path).serializedCode(source: { "保证(一定)" }, key: nil, options: []) == bytes)
        var file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        file[file.count / 2] ^= 0x01
        try Data(file).write(to: URL(fileURLWithPath: path))
        #expect(PatternCodeCache(path: path).serializedCode(source: { "保证(一定)" }, key: nil, options: []) == nil)
    }
}

/// Dataset examples are read on first use once the rule files are known to load clean: the
/// same examples then, and a file with a broken example still fails every load.
@Suite struct DeferredExamplesTests {
    private func folder(_ text: String) throws -> (rules: String, cache: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-deferred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("rules/F1.yml"), atomically: true, encoding: .utf8)
        return (root.appendingPathComponent("rules").path, root.appendingPathComponent("cache").path)
    }

    private static let text = BuiltinRules.files.first { $0.path.hasSuffix("F1-daily-calls.yml") }!.contents

    @Test func aCleanLoadLetsTheNextReadExamplesOnFirstUse() throws {
        let (rules, cache) = try folder(Self.text)
        defer { try? FileManager.default.removeItem(atPath: (rules as NSString).deletingLastPathComponent) }
        func load() throws -> FrequencyRule {
            let loaded = try RuleLoader.load(
                paths: [rules], overrides: [], checkExamples: false, cacheDirectory: cache, cacheIdentity: "t", readingAgain: false)
            return try #require(loaded.rules.first as? FrequencyRule)
        }
        let cold = try load()
        #expect(cold.datasetExamples.isRead)
        let warm = try load()
        #expect(!warm.datasetExamples.isRead)
        #expect(warm.matchExamples.map(\.summary) == cold.matchExamples.map(\.summary))
        #expect(warm.noMatchExamples.map { $0.records.map(\.fields) } == cold.noMatchExamples.map { $0.records.map(\.fields) })
        #expect(warm.exampleFailures().isEmpty)
        #expect(cold.matchExamples.count == 3 && cold.noMatchExamples.count == 4)
    }

    /// Text examples (pattern, classifier and contact-detail rules) of the bundled rules: left
    /// encoded by a warm load, read on first use, the same as a cold load's; an overridden rule
    /// reads its file's examples at once.
    @Test func textExamplesAreReadOnFirstUseAfterACleanLoad() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-deferred-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache").path
        func load(_ overrides: [RuleOverride] = []) throws -> [String: Rule] {
            let loaded = try RuleLoader.load(
                paths: [BuiltinRules.root], overrides: overrides, checkExamples: false, cacheDirectory: cache, cacheIdentity: "t",
                readingAgain: false)
            return Dictionary(uniqueKeysWithValues: loaded.rules.map { ($0.metadata.id, $0) })
        }
        func lists(_ rule: Rule) -> (isRead: Bool, match: [String], noMatch: [String])? {
            switch rule {
            case let rule as PatternRule: return (rule.exampleLists.isRead, rule.matchExamples, rule.noMatchExamples)
            case let rule as ClassifierRule: return (rule.exampleLists.isRead, rule.matchExamples, rule.noMatchExamples)
            case let rule as ContactDetailRule:
                return (rule.exampleLists.isRead, rule.matchExamples.map(\.summary), rule.noMatchExamples.map(\.summary))
            default: return nil
            }
        }
        let cold = try load()
        let warm = try load()
        var checked = 0
        for (id, coldRule) in cold {
            guard let before = lists(coldRule), let warmRule = warm[id], let unread = lists(warmRule)?.isRead else { continue }
            #expect(before.isRead, "\(id)")
            #expect(!unread, "\(id)")
            let after = try #require(lists(warmRule))
            #expect(after.isRead && after.match == before.match && after.noMatch == before.noMatch, "\(id)")
            #expect(!after.match.isEmpty, "\(id)")
            checked += 1
        }
        #expect(checked > 40)
        // Their examples still hold (read through the deferred nodes).
        let warmAgain = try load()
        let guarantee = try #require(warmAgain["conduct.guarantee-outcome"])
        #expect(guarantee.exampleFailures().isEmpty)

        let override = RuleOverride(
            selector: "conduct.guarantee-outcome", file: "crmlint.yml", line: 3, column: 5, enabled: nil,
            entries: [.init(key: "severity", value: Node("warning"), line: 4, column: 7)])
        let overridden = try load([override])
        let rule = try #require(overridden["conduct.guarantee-outcome"] as? PatternRule)
        #expect(rule.metadata.severity == .warning)
        #expect(rule.exampleLists.isRead)
        #expect(rule.matchExamples == (cold["conduct.guarantee-outcome"] as? PatternRule)?.matchExamples)

        // An override of `examples` itself (crmlint.yml refuses one; the loader's API does not) merges
        // into the file's examples key by key, as on a cold load, not into the value left encoded.
        let examplesOverride = RuleOverride(
            selector: "conduct.guarantee-outcome", file: "crmlint.yml", line: 3, column: 5, enabled: nil,
            entries: [.init(key: "examples", value: try #require(try Yams.compose(yaml: "match: [保证收益翻倍]")), line: 4, column: 7)])
        let merged = try #require(try load([examplesOverride])["conduct.guarantee-outcome"] as? PatternRule)
        let coldGuarantee = try #require(cold["conduct.guarantee-outcome"] as? PatternRule)
        #expect(merged.matchExamples == ["保证收益翻倍"])
        #expect(merged.noMatchExamples == coldGuarantee.noMatchExamples && !merged.noMatchExamples.isEmpty)
    }

    @Test func aBrokenExampleFailsEveryLoad() throws {
        let broken = Self.text.replacingOccurrences(
            of: "{id: M1, customer_id: CRM-2024-001, timestamp: '2024-03-15 09:00'",
            with: "{dataset: orders, id: M1, customer_id: CRM-2024-001, timestamp: '2024-03-15 09:00'")
        #expect(broken != Self.text)
        let (rules, cache) = try folder(broken)
        defer { try? FileManager.default.removeItem(atPath: (rules as NSString).deletingLastPathComponent) }
        for _ in 0..<2 {
            #expect(throws: CrmlintError.self) {
                try RuleLoader.load(
                    paths: [rules], overrides: [], checkExamples: false, cacheDirectory: cache, cacheIdentity: "t", readingAgain: false)
            }
        }
    }
}

/// After a clean load, the next load of the same files reads the word classes only when a
/// pattern has to be expanded (a pattern the caches do not hold): the rules find the same.
@Suite struct DeferredTermsTests {
    @Test func aDeferredTableIsMadeOnceOnFirstExpansion() throws {
        var eager = TermTable()
        var errors: [CrmlintError] = []
        let node = try #require(try Yams.compose(yaml: "promise: [保证, '{{sure}}']\nsure: [稳赚, 包赚]\n"))
        eager.add(node, file: "t.yml", errors: &errors)
        eager.resolve(errors: &errors)
        #expect(errors.isEmpty)
        let made = Counter()
        let deferred = TermTable(fingerprint: eager.fingerprint) { [eager] in
            made.add()
            return eager
        }
        #expect(deferred.fingerprint == eager.fingerprint)
        #expect(try deferred.expand("无引用") == "无引用")
        #expect(made.value == 0)
        let expansions = LockedList()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            expansions.add(try? deferred.expand("{{promise}}收益"))
        }
        #expect(made.value == 1)
        #expect(Set(expansions.items) == [try eager.expand("{{promise}}收益")])
        #expect(deferred.terms.keys.sorted() == ["promise", "sure"])
        #expect(throws: TermExpansionError.self) { try deferred.expand("{{promis}}") }
    }

    @Test func aWarmLoadFindsWhatAColdLoadFindsWithoutReadingTheClasses() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-terms-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("rules/terms"), withIntermediateDirectories: true)
        // A word no other test uses, so no pattern of this process is known by its key already.
        let word = "zq" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        let termsFile = root.appendingPathComponent("rules/terms/words.yml").path
        try "terms:\n  promise: [保证, '{{sure}}']\n  sure: [稳赚, \(word)]\n".write(toFile: termsFile, atomically: true, encoding: .utf8)
        try """
        - id: t.promise
          category: overpromise
          severity: error
          message: promise
          fields: [text]
          patterns: ['{{promise}}收益']
        """.write(to: root.appendingPathComponent("rules/R.yml"), atomically: true, encoding: .utf8)
        let rules = root.appendingPathComponent("rules").path, cache = root.appendingPathComponent("cache").path
        func load() throws -> LoadedRules {
            try RuleLoader.load(
                paths: [rules], overrides: [], checkExamples: false, cacheDirectory: cache, cacheIdentity: "t", readingAgain: false)
        }
        let texts = ["\(word)收益", "保证收益", "稳赚收益", "收益", "保证"]
        func found(_ loaded: LoadedRules) throws -> [Int] {
            let rule = try #require(loaded.rules.first)
            let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            return texts.map { text in
                var count = 0
                let record = Record(dataset: .messages, file: "m.csv", line: 2, position: 1, fields: ["id": "M1", "text": text])
                rule.makeChecker().check(record, context: context) { _ in count += 1 }
                return count
            }
        }
        let cold = try load()
        #expect(!cold.terms.isDeferred)
        #expect(try found(cold) == [1, 1, 1, 0, 0])
        // The cache names the file of nothing but word classes, and the classes' fingerprint.
        let recorded = try #require(cold.cache?.cleanTerms())
        #expect(recorded.files == [termsFile])
        #expect(recorded.fingerprint == RuleLoader.terms(paths: [rules]).fingerprint)

        CompiledPatterns.shared.removeAll() // as a new process finds it
        let warm = try load()
        #expect(warm.cache?.wasRead == true)
        // Loaded without reading the classes; the first pattern that has to be compiled reads them.
        #expect(warm.terms.isDeferred && !warm.terms.isRead)
        #expect(warm.terms.fingerprint == cold.terms.fingerprint)
        #expect(try found(warm) == [1, 1, 1, 0, 0])
        #expect(warm.terms.isRead)

        // Changing the classes changes the files' cache: the new word is found, the old one no longer.
        try "terms:\n  promise: [保证, '{{sure}}']\n  sure: [稳赚, 包赚]\n".write(toFile: termsFile, atomically: true, encoding: .utf8)
        CompiledPatterns.shared.removeAll()
        let changed = try load()
        #expect(changed.cache?.wasRead == false)
        #expect(try found(changed) == [0, 1, 1, 0, 0])
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String?] = []
    func add(_ item: String?) { lock.withLock { list.append(item) } }
    var items: [String?] { lock.withLock { list } }
}
