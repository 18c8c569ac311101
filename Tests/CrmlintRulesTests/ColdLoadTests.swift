import CrmlintCore
import Foundation
import PatternEngine
import Testing

@testable import CrmlintRules

/// A load with no clean rule cache compiles every pattern to check it; once it has written the cache it reads
/// the rules again from it, so the scan holds the patterns a warm run holds (compiled when first run), not
/// every pattern compiled and JIT-compiled (README, Performance: the empty-cache run's peak).
@Suite struct ColdLoadTests {
    static let rules = """
        - id: t.promise
          category: overpromise
          severity: warning
          message: promise
          fields: [text]
          patterns: ['保证\\s*(?:收益|回报)', '(?:稳赚|包赚)不赔']
        """

    @Test func aColdLoadHandsOverPatternsNotYetCompiled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-cold-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = (folder as NSString).appendingPathComponent("promise.yml")
        try Self.rules.write(toFile: file, atomically: true, encoding: .utf8)
        let cacheFolder = (folder as NSString).appendingPathComponent("cache")

        func patterns(_ loaded: LoadedRules) throws -> [Pattern] {
            let rule = try #require(loaded.rules.first as? PatternRule)
            return rule.matchers.flatMap(\.leaves)
        }
        // Cold: each pattern compiled (and probed), the cache written, and the rules handed back read from it:
        // their patterns are compiled only when first run.
        CompiledPatterns.shared.removeAll()
        let cold = try RuleLoader.load(paths: [file], overrides: [], cacheDirectory: cacheFolder)
        #expect(cold.readAgainAfterCompiling)
        #expect(try #require(cold.cache).startedClean)
        let coldPatterns = try patterns(cold)
        #expect(coldPatterns.count == 2)
        #expect(coldPatterns.allSatisfy { !$0.isCompiled }, "patterns compiled before any scan ran them")
        // They find what they should, compiled on first use.
        #expect(try !coldPatterns[0].matches("我们保证 回报翻倍").isEmpty && coldPatterns[1].matches("保证收益").isEmpty)
        #expect(try !coldPatterns[1].matches("稳赚不赔").isEmpty)
        #expect(coldPatterns.allSatisfy { $0.isCompiled })
        // Warm: read from the cache from the start, no second read.
        CompiledPatterns.shared.removeAll()
        let warm = try RuleLoader.load(paths: [file], overrides: [], cacheDirectory: cacheFolder)
        #expect(!warm.readAgainAfterCompiling && warm.cache?.startedClean == true)
        #expect(try patterns(warm).allSatisfy { !$0.isCompiled })
        // Without a cache folder nothing is read again: the load's own compiled patterns are kept.
        CompiledPatterns.shared.removeAll()
        let uncached = try RuleLoader.load(paths: [file], overrides: [], cacheDirectory: nil)
        #expect(uncached.cache == nil && !uncached.readAgainAfterCompiling)
        #expect(try patterns(uncached).allSatisfy { $0.isCompiled })
    }
}
