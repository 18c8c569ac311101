import CrmlintCore
import Foundation

/// Random findings for tests of what stores, sorts and writes them.
public enum RandomFindings {
    /// Random findings with every optional present or not, text that needs escaping, related lists empty or not.
    public static func make(_ count: Int, seed: UInt64) -> [Finding] {
        var generator = SeededGenerator(seed: seed)
        let texts = ["", "好的", "a\"b\\c", "line\nbreak\ttab", "/path/x", "\u{1}\u{1F}", "承诺 <x> & 'y'", "=1+2", "é\u{301}", "😀"]
        func text() -> String { texts.randomElement(using: &generator)! + texts.randomElement(using: &generator)! }
        func maybe() -> String? { Bool.random(using: &generator) ? text() : nil }
        let files = ["a.csv", "b/消息.csv", "c.jsonl"]
        return (0..<count).map { index in
            var finding = Finding(
                rule: ["conduct.guarantee", "cadence.daily-limit", "input.unreadable-record"].randomElement(using: &generator)!,
                category: Category.allCases.randomElement(using: &generator)!,
                severity: Severity.allCases.randomElement(using: &generator)!, message: text(),
                file: files.randomElement(using: &generator)!, line: Int.random(in: 0...50, using: &generator),
                dataset: Bool.random(using: &generator) ? Dataset.allCases.randomElement(using: &generator) : nil,
                recordId: maybe(), customerId: maybe(), rep: maybe(), tier: maybe(), day: maybe(), field: maybe(),
                column: Bool.random(using: &generator) ? Int.random(in: 1...99, using: &generator) : nil, excerpt: maybe(),
                fingerprint: String(format: "%016x", index))
            finding.sheet = maybe()
            finding.cell = maybe()
            if Bool.random(using: &generator) { finding.occurrences = Int.random(in: 1...9, using: &generator) }
            if Bool.random(using: &generator) {
                finding.related = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                    RelatedLocation(file: text(), line: Int.random(in: 0...9, using: &generator), recordId: maybe(), note: maybe())
                }
            }
            return finding
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
