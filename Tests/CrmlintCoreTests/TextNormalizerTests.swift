import Foundation
import TestHelpers
import Testing

@testable import CrmlintCore

@Suite struct TextNormalizerTests {
    let normalizer = TextNormalizer()

    func text(_ input: String) -> String { String(decoding: normalizer.normalize(input).bytes, as: UTF8.self) }

    @Test func foldsFullWidthForms() {
        #expect(text("１００％满意") == "100%满意")
        #expect(text("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ") == "wang@example.cn")
    }

    @Test func removesZeroWidthCharacters() {
        #expect(text("零\u{200B}故\u{200D}障") == "零故障")
    }

    @Test func mapsTraditionalToSimplified() {
        #expect(text("絕對沒問題") == "绝对没问题")
    }

    /// ICU maps 俱 to 具, but 俱乐部/俱樂部 write it so in both scripts.
    @Test func keepsCharactersWrittenTheSameInBothScripts() {
        #expect(text("俱乐部") == "俱乐部")
        #expect(text("俱樂部") == "俱乐部")
    }

    @Test func removesSeparatorsOnlyBetweenHanCharacters() {
        #expect(text("零 故 障") == "零故障")
        #expect(text("零-故障") == "零故障")
        #expect(text("零　故障") == "零故障") // ideographic space
        #expect(text("138 1234 5678") == "138 1234 5678")
        #expect(text("零 abc") == "零 abc")
        #expect(text("价格 1.5万") == "价格 1.5万")
        // A mask between two Chinese numerals stays (the digits of a masked number); between other Han it goes.
        #expect(text("一三九****四五六七") == "一三九****四五六七")
        #expect(text("兩*三") == "两*三") // 兩 is written 两: a numeral as the digit view reads the text
        #expect(text("\u{F9B2}*三") == "零*三") // a compatibility form of 零
        #expect(text("价格**合理") == "价格合理")
        #expect(text("零*故障") == "零故障")
    }

    /// Mappings of every length (one byte to the longest kept, two to six bytes, dropped) side by side come out
    /// as each scalar's own mapping, in order, each byte's origin its scalar: the normaliser copies short
    /// mappings four bytes at a time and moves on by their length.
    @Test func mixedMappingsComeOutAsEachScalarsOwn() {
        // Each scalar and what it is written as (NFKC, then Simplified; the longest mappings keep the original).
        let mappings: [(Unicode.Scalar, String)] = [
            ("a", "a"), ("Z", "Z"), ("7", "7"), ("Ａ", "A"), ("é", "é"), ("ж", "ж"), ("①", "1"), ("¼", "1\u{2044}4"),
            ("㍻", "平成"), ("㍿", "株式会社"), ("說", "说"), ("零", "零"), ("兩", "两"), ("好", "好"), ("𝟏", "1"), ("😀", "😀"),
            ("\u{200B}", ""), ("\u{FDFA}", "\u{FDFA}"), ("ｶ", "カ"), ("ﾞ", "\u{3099}"),
        ]
        let own = Dictionary(uniqueKeysWithValues: mappings.map { ($0.0, Array($0.1.utf8)) })
        for (scalar, written) in mappings { #expect(text(String(scalar)) == written, "U+\(String(scalar.value, radix: 16))") }
        var generator = SeededGenerator(seed: 52)
        for _ in 0..<2_000 {
            let scalars = (0..<Int.random(in: 1...40, using: &generator)).map { _ in mappings.randomElement(using: &generator)!.0 }
            let normalized = normalizer.normalize(String(String.UnicodeScalarView(scalars)))
            var bytes: [UInt8] = [], origins: [Int32] = []
            for (index, scalar) in scalars.enumerated() {
                bytes += own[scalar]!
                origins += repeatElement(Int32(index), count: own[scalar]!.count)
            }
            #expect(normalized.bytes == bytes, "\(scalars)")
            #expect(normalized.origins == origins + [Int32(scalars.count)], "\(scalars)")
        }
    }

    @Test func originsPointAtOriginalCharacters() {
        let input = "设备：零 故\u{200B}障！"
        let normalized = normalizer.normalize(input)
        let bytes = normalized.bytes
        let needle = Array("零故障".utf8)
        let start = try! #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        let range = normalized.originalScalarRange(of: start..<start + needle.count)
        let original = Array(input.unicodeScalars)
        #expect(range == 3..<8)
        #expect(String(String.UnicodeScalarView(original[range])) == "零 故\u{200B}障")
    }

    @Test func emptyTextHasOneOrigin() {
        let normalized = normalizer.normalize("")
        #expect(normalized.bytes.isEmpty)
        #expect(normalized.origins == [0])
    }

    /// The normaliser writes into buffers it keeps and grows: a text that grows fourfold (㍿ is 株式会社)
    /// comes out whole, each byte's origin its scalar, and a short text after it is not left with its tail.
    @Test func textsLongerThanTheirInputComeOutWhole() {
        for count in [1, 100, 5_000] {
            let input = String(repeating: "㍿", count: count) + "，好"
            let normalized = normalizer.normalize(input)
            #expect(normalized.bytes == Array((String(repeating: "株式会社", count: count) + ",好").utf8))
            #expect(normalized.origins.count == normalized.bytes.count + 1)
            #expect(normalized.origins.prefix(12 * count).enumerated().allSatisfy { Int($0.element) == $0.offset / 12 })
            #expect(normalized.origins.last == Int32(count + 2))
            #expect(text("好") == "好")
        }
    }
}

/// The Traditional → Simplified table stands in for ICU's Hant-Hans transliterator: for every Unicode scalar it
/// must give what ICU gives (on the compatibility form, as the normaliser asks). A toolchain whose ICU maps
/// differently fails here: run scripts/gen-hant-hans-table.
@Suite struct HantHansTableTests {
    @Test func tableIsICUForEveryScalar() {
        var differences: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar).precomposedStringWithCompatibilityMapping
            guard let first = text.unicodeScalars.first, TextNormalizer.isHan(first.value),
                !TextNormalizer.keptAsWritten.contains(first.value)
            else {
                if HantHansTable.mapping[value] != nil { differences.append("U+\(String(value, radix: 16)) should not be mapped") }
                continue
            }
            let icu = text.applyingTransform(StringTransform("Hant-Hans"), reverse: false) ?? text
            let table = HantHansTable.mapping[value] ?? text
            if icu != table { differences.append("U+\(String(value, radix: 16)): ICU \(icu), table \(table)") }
        }
        #expect(differences.isEmpty, "\(differences.count) differences, first: \(differences.prefix(5))")
        #expect(HantHansTable.mapping.count > 3000)
        #expect(HantHansTable.mapping[0x8AAA] == "说") // 說
    }

    /// The normaliser and header keys look scalars up by halving the table's text: the same answer as the
    /// whole table read into a dictionary, for every scalar of it, its neighbours, and every other scalar
    /// below U+10000 (which a bit per scalar rules out before the search; the first and last line included).
    @Test func lookingUpByHalvingIsReadingTheWholeTable() {
        var checked = 0
        var mismatches: [UInt32] = []
        let keys = HantHansTable.mapping.keys.sorted()
        for value in keys.flatMap({ [$0 &- 1, $0, $0 + 1] }) + Array(0..<0x10000) + [0x10FFFF]
        where HantHansTable.simplified(value) != HantHansTable.mapping[value] {
            mismatches.append(value)
        }
        for value in keys {
            checked += 1
            if HantHansTable.simplified(value) == nil { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5).map { String($0, radix: 16) })")
        #expect(checked == HantHansTable.mapping.count && checked > 3000)
        #expect(HantHansTable.simplified(keys.first!) != nil && HantHansTable.simplified(keys.last!) != nil)
        #expect(HantHansTable.simplified(0x8AAA) == "说" && HantHansTable.simplified(0x8BF4) == nil) // 說 → 说; 说 stays
    }

    /// The normaliser skips ICU's NFKC for the CJK Unified Ideographs: every one of them must be its own
    /// compatibility form, and the block's neighbours (compatibility ideographs, radicals) must not all be.
    @Test func unifiedIdeographsAreTheirOwnCompatibilityForm() {
        var changed: [String] = []
        for value in UInt32(0x3000)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            if TextNormalizer.isUnifiedIdeograph(value), text.precomposedStringWithCompatibilityMapping != text {
                changed.append("U+\(String(value, radix: 16))")
            }
        }
        #expect(changed.isEmpty, "\(changed.prefix(5))")
        #expect(!TextNormalizer.isUnifiedIdeograph(0xF900)) // 豈, a compatibility ideograph NFKC maps to 豈 U+8C48
        #expect("\u{F900}".precomposedStringWithCompatibilityMapping == "\u{8C48}")
        let normalizer = TextNormalizer()
        #expect(String(decoding: normalizer.normalize("\u{F900}说").bytes, as: UTF8.self) == "岂说") // then Simplified
    }
}
