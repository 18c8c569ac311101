import PatternEngine
import Testing

@Suite struct PatternTests {
    @Test func compileErrorCarriesOffsetInCharacters() {
        #expect(throws: PatternCompileError.self) { try Pattern("零故障(") }
        do {
            _ = try Pattern("零故障(")
        } catch let error as PatternCompileError {
            #expect(error.offset == 4)
            #expect(error.reason.contains("missing closing parenthesis"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func matchesCJKWithByteRanges() throws {
        let pattern = try Pattern("零\\s*故障")
        let hits = try pattern.matches("设备零 故障，好")
        #expect(hits.count == 1)
        // "设备" is 6 UTF-8 bytes; "零 故障" is 3+1+6 bytes.
        #expect(hits.first?.range == 6..<16)
    }

    @Test func ucpMakesDigitClassUnicode() throws {
        let pattern = try Pattern("^\\d+$")
        #expect(try pattern.matches("１３８").count == 1)
        #expect(try pattern.matches("abc").isEmpty)
    }

    @Test func captureGroupsIncludeUnsetOnes() throws {
        let pattern = try Pattern("(\\d+)(元)?(万)?")
        let hit = try #require(try pattern.matches("价值800元").first)
        #expect(hit.groups.count == 4)
        #expect(hit.groups[1] != nil)
        #expect(hit.groups[2] != nil)
        #expect(hit.groups[3] == nil)
    }

    @Test func allMatchesTerminatesOnEmptyMatches() throws {
        let pattern = try Pattern("x*")
        let hits = try pattern.matches("ab零")
        #expect(hits.count == 4) // before a, before b, before 零, at the end
    }

    @Test func catastrophicPatternStopsWithLimitError() throws {
        let pattern = try Pattern("(a+)+$")
        let subject = String(repeating: "a", count: 40) + "!"
        #expect(throws: PatternMatchError.self) {
            _ = try pattern.matches(subject, scratch: MatchScratch(limits: MatchLimits(matchLimit: 100_000)))
        }
    }

    @Test func jitIsUsedWhereAvailable() throws {
        #if arch(x86_64) || arch(arm64)
            #expect(try Pattern("abc").isJITCompiled)
        #endif
    }

    @Test func anchoredTwinIsMadeOnceAndCompiledOnFirstUse() throws {
        let pattern = try Pattern("保证(\\d+)?")
        let twin = pattern.anchored()
        #expect(pattern.anchored() === twin)
        #expect(!twin.isCompiled)
        #expect(twin.captureCount == pattern.captureCount)
        var text = "x保证12 保证"
        let found = try text.withUTF8 { try twin.allMatches(in: $0, startingAt: [0, 1, 10], scratch: MatchScratch()) }
        #expect(found.map(\.range) == [1..<9, 10..<16])
        #expect(twin.isCompiled)
    }

    @Test func scalarCountConvertsBytesToCharacters() {
        let bytes = Array("零故障abc".utf8)
        #expect(UTF8Offsets.scalarCount(bytes, upTo: 9) == 3)
        #expect(UTF8Offsets.scalarCount(bytes, upTo: 10) == 4)
    }
}
