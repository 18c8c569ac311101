import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// `NothingFoundGate` skips only the text rules that would find nothing: each rule reading one column
/// whose text it found nothing in before, and those reading no column of the record.
@Suite struct NothingFoundGateTests {
    let yaml = """
        - id: t.promise
          category: overpromise
          severity: error
          message: m
          fields: [text]
          patterns: ['保证|一定']
          unless: ['不敢']
        - id: t.gift
          category: gift-limit
          severity: error
          message: m
          fields: [text]
          patterns:
            - all: ['(?<amount>\\d+)元', '送|礼']
              within: sentence
          capture: amount
          limit: {max: 200, unit: 元}
        - id: t.notes
          category: overpromise
          severity: error
          message: m
          fields: [notes]
          patterns: ['包赔']
        - id: t.absent
          category: overpromise
          severity: error
          message: m
          fields: [assistance_needed]
          patterns: ['保证']
        """

    func loaded() throws -> [Rule] {
        let (rules, errors) = RuleLoader.load(yaml: yaml, file: "t.yml")
        #expect(errors.isEmpty, "\(errors)")
        #expect(rules.count == 4)
        return rules
    }

    func record(_ text: String, notes: String = "好的", serial: Int) -> Record {
        Record(
            dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1,
            fields: ["id": "M\(serial)", "text": text, "notes": notes], serial: serial)
    }

    /// The rules' checkers, a gate over them and a context with the prefilter, as a worker has them.
    func gated() throws -> (context: CheckContext, checkers: [RuleChecker], gate: NothingFoundGate) {
        let rules = try loaded()
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        context.prefilter = LiteralPrefilter(rules: rules)
        let checkers = rules.map { $0.makeChecker() }
        return (context, checkers, NothingFoundGate(checkers: checkers))
    }

    /// Runs every checker the gate does not skip, reading the memory again after each (as a worker does,
    /// unless `refreshing` is false: then the gate holds what it judged before the first); the slots skipped.
    func run(
        _ record: Record, _ checkers: [RuleChecker], gate: NothingFoundGate, context: CheckContext, refreshing: Bool = true
    ) -> (skipped: [Int], found: [String]) {
        gate.judge(record, context: context)
        var skipped: [Int] = []
        var found: [String] = []
        for (slot, checker) in checkers.enumerated() {
            if gate.mayGate(slot), gate.skips(slot) {
                skipped.append(slot)
                continue
            }
            checker.check(record, context: context) { found.append("\($0.rule) \($0.field ?? "") \($0.column ?? 0)") }
            if refreshing, gate.mayGate(slot) { gate.refresh(context) }
        }
        return (skipped, found)
    }

    @Test func skipsTheRulesThatFoundNothingInTheTextBefore() throws {
        let (context, checkers, gate) = try gated()
        #expect((0..<4).allSatisfy(gate.mayGate))
        // A text seen for the first time: only the rule reading no column of the record is skipped (a rule tells
        // the context its prefilter entries on its first check: the gift rule has not yet).
        #expect(run(record("好的，辛苦了", serial: 0), checkers, gate: gate, context: context).skipped == [3])
        // Seen again: both rules reading only the text found nothing in it; the notes rule reads another column.
        #expect(run(record("好的，辛苦了", serial: 1), checkers, gate: gate, context: context).skipped == [0, 1, 3])
        // A rule that found something in a text runs on it every time, however often it repeats. The gift
        // rule has none of its words in it: once the promise rule has marked the text's words, the memory
        // knows so, and the gift rule is skipped the first time already.
        for serial in 2..<5 {
            let (skipped, found) = run(record("我保证下周到货", serial: serial), checkers, gate: gate, context: context)
            #expect(skipped == [1, 3] && found == ["t.promise text 2"])
        }
        // A gift within its limit and a promise its exception cancels are nothing reported: skipped on a repeat.
        // (The gift rule has none of its words in the promise: skipped the first time.)
        for (text, first) in [("送您一个100元的礼品", [3]), ("我们不敢保证", [1, 3])] {
            #expect(run(record(text, serial: 10), checkers, gate: gate, context: context).skipped == first)
            #expect(run(record(text, serial: 11), checkers, gate: gate, context: context).skipped == [0, 1, 3])
        }
        // No text: nothing to find for the text rules.
        #expect(run(record("", serial: 20), checkers, gate: gate, context: context).skipped == [0, 1, 3])
    }

    @Test func withoutTheTextMemoryOnlyRulesWithNothingToReadAreSkipped() throws {
        let rules = try loaded()
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        context.remembersTexts = false
        let checkers = rules.map { $0.makeChecker() }
        let gate = NothingFoundGate(checkers: checkers)
        for serial in 0..<3 {
            #expect(run(record("好的，辛苦了", serial: serial), checkers, gate: gate, context: context).skipped == [3])
        }
    }

    /// Records repeating a few texts in random order: the gated checkers report exactly what every
    /// checker run on every record reports, with and without the prefilter.
    @Test func gatingChangesNoFinding() throws {
        let rules = try loaded()
        let texts = ["保证下周到货", "好的，辛苦了", "送您一个300元的礼品", "送您一个100元的礼品", "我们不敢保证", "OK", "", "收到，谢谢"]
        let notes = ["好的", "坏了包赔", ""]
        var generator = SystemRandomNumberGenerator()
        var reported = 0
        var skippedAny = false
        for usesPrefilter in [false, true] {
            let contexts = (0..<2).map { _ in
                let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
                if usesPrefilter { context.prefilter = LiteralPrefilter(rules: rules) }
                return context
            }
            let checkers = contexts.map { _ in rules.map { $0.makeChecker() } }
            let gate = NothingFoundGate(checkers: checkers[0])
            for serial in 0..<300 {
                let record = record(
                    texts.randomElement(using: &generator)!, notes: notes.randomElement(using: &generator)!, serial: serial)
                let (skipped, gated) = run(record, checkers[0], gate: gate, context: contexts[0])
                skippedAny = skippedAny || skipped.contains(0)
                var all: [String] = []
                for checker in checkers[1] {
                    checker.check(record, context: contexts[1]) { all.append("\($0.rule) \($0.field ?? "") \($0.column ?? 0)") }
                }
                #expect(gated == all, "\(record.fields)")
                reported += all.count
            }
        }
        #expect(reported > 0 && skippedAny, "the records hold findings, and repeats are skipped")
    }

    /// A plan (`plan`, `holdsAll`) skips all of a set of slots at once exactly when `skips` skips each of them
    /// the gate may skip, and then runs just those it never skips; the grouping changes with the records' shape.
    @Test func aPlanSkipsAtOnceWhatSkipsSkipsOneByOne() throws {
        let (context, checkers, gate) = try gated()
        let texts = ["保证下周到货", "好的，辛苦了", "送您一个300元的礼品", "我们不敢保证", "", "收到"]
        var generator = SystemRandomNumberGenerator()
        var (heldAll, heldSome) = (0, 0)
        var groupings: Set<Int> = []
        for serial in 0..<200 {
            // Every fifth record lacks the notes column: another shape, so another grouping.
            let text = texts.randomElement(using: &generator)!
            let record =
                serial % 5 == 4
                ? Record(
                    dataset: .messages, file: "m.csv", line: serial + 2, position: serial + 1,
                    fields: ["id": "M\(serial)", "text": text], serial: serial)
                : record(text, serial: serial)
            // (Not refreshing: the plan is made of what the gate judged before the first checker ran.)
            let (skipped, _) = run(record, checkers, gate: gate, context: context, refreshing: false)
            groupings.insert(gate.grouping)
            for slots in [Array(checkers.indices), [0, 2], [1], [3]] {
                let plan = gate.plan(slots)
                let oneByOne = slots.filter { !skipped.contains($0) }
                let factSlots = slots.filter { slot in gate.mayGate(slot) && !plan.runs.contains(slot) }
                if gate.holdsAll(plan.facts) {
                    heldAll += 1
                    #expect(plan.runs == oneByOne, "\(record.fields) \(slots)")
                } else {
                    heldSome += 1
                    #expect(!factSlots.allSatisfy(skipped.contains), "\(record.fields) \(slots)")
                }
            }
        }
        #expect(heldAll > 0 && heldSome > 0, "both ways are tried")
        #expect(groupings.count > 2, "a new shape regroups")
    }

    /// The shipped model rules (M1): a text none of them reaches its threshold in is remembered and then
    /// skipped; a text one of them reports is never skipped; the gated checkers report what all report.
    @Test func modelRulesAreRememberedBelowTheirThresholdOnly() throws {
        let rules = try RuleLoader.load(
            paths: [repositoryRoot.appendingPathComponent("rules/M1-conduct-model.yml").path], checkExamples: false)
        #expect(rules.count >= 4 && rules.allSatisfy { $0 is ClassifierRule })
        let contexts = (0..<2).map { _ in CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!) }
        let checkers = contexts.map { _ in rules.map { $0.makeChecker() } }
        let gate = NothingFoundGate(checkers: checkers[0])
        #expect(rules.indices.allSatisfy(gate.mayGate))
        // From the rules' own examples: one each rule reports, one it does not.
        let reported = try #require(rules.first?.examples.match.first)
        let quiet = "发货时间要等仓库排产，确定了我第一时间告诉您"
        let texts = [reported, quiet, "好的", ""]
        var sawSkip = false
        var sawFinding = false
        for serial in 0..<60 {
            let record = record(texts[serial % texts.count], serial: serial)
            let (skipped, gated) = run(record, checkers[0], gate: gate, context: contexts[0])
            var all: [String] = []
            for checker in checkers[1] {
                checker.check(record, context: contexts[1]) { all.append("\($0.rule) \($0.field ?? "") \($0.column ?? 0)") }
            }
            #expect(gated == all, "\(record.fields)")
            if texts[serial % texts.count] == reported {
                // The rule that reports it runs every time (the others, below their threshold, are skipped on repeats).
                let reporting = Set(all.map { String($0.split(separator: " ")[0]) })
                #expect(
                    !reporting.isEmpty && rules.indices.allSatisfy { !skipped.contains($0) || !reporting.contains(rules[$0].metadata.id) })
                sawFinding = true
            }
            if serial >= texts.count, texts[serial % texts.count] == quiet {
                #expect(skipped == Array(rules.indices), "a quiet text seen before is skipped")
                sawSkip = true
            }
        }
        #expect(sawSkip && sawFinding)
    }

    /// The gate knows the text rules by a property of the checker, not a cast: pattern and model
    /// rules' checkers answer themselves, the stateful rules' nil.
    @Test func textRulesAreKnownWithoutACast() throws {
        let yaml = """
            - id: t.cadence
              kind: cadence
              check: gap
              category: under-contact
              severity: warning
              message: m
              datasets: [customers, followups, messages]
              cadence: {A: 7d, B: 14d, C: 30d}
            """
        let (stateful, errors) = RuleLoader.load(yaml: yaml, file: "c.yml")
        #expect(errors.isEmpty, "\(errors)")
        let checkers = try loaded().map { $0.makeChecker() } + stateful.map { $0.makeChecker() }
        #expect(checkers.count == 5)
        for checker in checkers {
            #expect((checker.remembersNothingFound != nil) == (checker is RemembersNothingFound), "\(type(of: checker))")
            #expect(checker.remembersNothingFound.map { $0 === checker } ?? true)
        }
        #expect(checkers.prefix(4).allSatisfy { $0.remembersNothingFound != nil })
        #expect(checkers[4].remembersNothingFound == nil)
    }
}
