import CrmlintCore
import Testing

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
}
