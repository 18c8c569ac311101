import CrmlintCore
import Foundation
import Testing

/// `NameNumbering` gives each name one small number, the fixed names first, whichever thread asks.
@Suite struct NameNumberingTests {
    @Test func fixedNamesComeFirstAndNumbersAreStable() {
        let numbering = NameNumbering(fixed: ["a", "b"])
        #expect(numbering.number(of: "b") == 1)
        #expect(numbering.number(of: "c") == 2)
        #expect(numbering.number(of: "a") == 0)
        #expect(numbering.number(of: "c") == 2)
        #expect(numbering.number(of: "d") == 3)
    }

    @Test func threadsAskingAtOnceGetOneNumberPerName() {
        let numbering = NameNumbering()
        let names = (0..<200).map { "name \($0)" }
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4 * names.count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            // Each thread in its own order (steps prime to the count: every name once), so they race for new names.
            let stride = [1, 3, 7, 9][thread]
            for step in names.indices {
                let index = (step * stride) % names.count
                results[thread * names.count + index] = numbering.number(of: names[index])
            }
        }
        for thread in 1..<4 {
            #expect(Array(results[thread * names.count..<(thread + 1) * names.count]) == Array(results[0..<names.count]))
        }
        #expect(Set(results[0..<names.count]) == Set(0..<names.count))
    }
}
