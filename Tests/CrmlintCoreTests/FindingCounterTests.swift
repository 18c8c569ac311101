import CrmlintCore
import TestHelpers
import Testing

/// `FindingCounter` counts runs of equal keys: whatever the order and the runs, its counts are `FindingCounts`'.
@Suite struct FindingCounterTests {
    func counted(_ findings: [Finding]) -> FindingCounts {
        var counter = FindingCounter()
        findings.forEach { counter.add($0) }
        return counter.finish()
    }

    @Test func countsAreFindingCountsWhateverTheOrder() {
        var findings = RandomFindings.make(500, seed: 11)
        // Runs: neighbours sharing a rule, a rep, a day (absent ones count as "unknown", as an explicit "unknown" does).
        for index in stride(from: 1, to: findings.count, by: 2) {
            findings[index].rule = findings[index - 1].rule
            findings[index].rep = findings[index - 1].rep
            findings[index].day = index % 4 == 1 ? "unknown" : nil
        }
        #expect(counted(findings) == FindingCounts(findings))
        #expect(counted(findings.sorted(by: Finding.reportOrder)) == FindingCounts(findings))
        #expect(counted(findings.reversed()) == FindingCounts(findings))
        #expect(counted(Array(findings.prefix(1))) == FindingCounts(Array(findings.prefix(1))))
        #expect(counted([]) == FindingCounts())
        // One run throughout.
        let same = Array(repeating: findings[0], count: 7)
        #expect(counted(same) == FindingCounts(same))
        #expect(counted(same).total == 7)
    }
}
