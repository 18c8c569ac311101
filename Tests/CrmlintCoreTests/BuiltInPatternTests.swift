import Foundation
import PatternEngine
import Testing

@testable import CrmlintCore

/// Patterns written into crmlint's own code are compiled on first use (`Pattern.builtIn`), with
/// the capture count written beside them: every one must compile, with that count.
@Suite struct BuiltInPatternTests {
    var builtIns: [(name: String, pattern: Pattern)] {
        ContactDetectors.all.flatMap { detector in detector.patterns.map { (detector.name, $0) } }
            + Redactor.shared.patternsForTesting.map { ("redactor", $0) }
            + [("time shape", TimeValue.shape), ("spelled e-mail", SpelledEmailFinder.pattern)]
    }

    @Test func everyBuiltInPatternCompilesWithItsCaptureCount() throws {
        for (name, pattern) in builtIns {
            let compiled = try Pattern(pattern.source, options: pattern.options)
            #expect(compiled.captureCount == pattern.captureCount, "\(name): \(pattern.source)")
        }
    }

    /// The list above is every `Pattern.builtIn` in the sources (one more written there must be added to it).
    @Test func theListHoldsEveryBuiltInPattern() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CrmlintCore")
        var written = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            written += text.components(separatedBy: "Pattern.builtIn(").count - 1
        }
        #expect(written == builtIns.count)
    }
}
