import CrmlintCore
import CrmlintRules
import Foundation
import TestHelpers
import Testing

/// `kind: quiet_period`: the pause's last minute, its end, negations and the
/// customer coming back.
@Suite struct QuietPeriodRuleTests {
    func rule(resume: Bool = true) throws -> Rule {
        try Policy.rule(
            """
            - id: t.quiet
              kind: quiet_period
              category: quiet-period
              severity: warning
              message: 静默期内联系 — {elapsed} after {trigger_day}, {remaining} left of {pause}
              datasets: [followups, messages]
              trigger:
                datasets: [messages]
                direction: inbound
                text:
                  patterns: ['暂时\\s*不\\s*需要', '不需要了(?!解)']
                  unless: ['(?:不是|并非)\\s*(?:暂时)?\\s*不']
              pause: 30d
              resume_on_inbound: \(resume)
            """)
    }

    let request = Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-01 10:00", "微信", "收到", "这个项目暂时不需要，谢谢")

    func contact(_ id: String, _ time: String, customer: String = "CRM-2024-001") -> (Dataset, [String: String]) {
        Policy.message(.messages, id, customer, time, "邮件", "发出", "行业报告")
    }

    @Test func theLastMinuteOfThePauseIsInsideAndThirtyDaysIsOutside() throws {
        let quiet = try rule()
        let inside = Policy.run(quiet, [request, contact("M2", "2024-03-31 09:59")])
        #expect(inside.map(\.recordId) == ["M2"])
        #expect(inside.first?.message == "静默期内联系 — 29d23h after 2024-03-01, 1m left of 30d")
        #expect(inside.first?.related?.first?.recordId == "M1")
        #expect(Policy.run(quiet, [request, contact("M2", "2024-03-31 10:00")]).isEmpty)
    }

    @Test func everyContactInsideIsReportedAndFollowupsCount() throws {
        let found = Policy.run(
            try rule(),
            [
                request, contact("M2", "2024-03-02 10:00"),
                Policy.followup("F1", "CRM-2024-001", "2024-03-10 10:00", "上门拜访"),
                contact("M3", "2024-03-03 10:00", customer: "CRM-2024-002"),
            ])
        #expect(Set(found.compactMap(\.recordId)) == ["M2", "F1"])
    }

    @Test func negationsAndLookalikesStartNoPause() throws {
        let quiet = try rule()
        for text in ["不是暂时不需要，是预算还没批", "我们不需要了解太多细节"] {
            let said = Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-01 10:00", "微信", "收到", text)
            #expect(Policy.run(quiet, [said, contact("M2", "2024-03-02 10:00")]).isEmpty, "\(text)")
        }
        // The same words from the rep are not the customer's request.
        let rep = Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-01 10:00", "微信", "发出", "暂时不需要的话也没关系")
        #expect(Policy.run(quiet, [rep, contact("M2", "2024-03-02 10:00")]).isEmpty)
    }

    @Test func theCustomerGettingBackInTouchEndsThePause() throws {
        let back = Policy.message(.messages, "M2", "CRM-2024-001", "2024-03-10 09:00", "微信", "收到", "预算批了，请发报价")
        let rows = [request, back, contact("M3", "2024-03-10 10:00")]
        #expect(Policy.run(try rule(), rows).isEmpty)
        #expect(Policy.run(try rule(resume: false), rows).map(\.recordId) == ["M3"])
    }

    /// Whether a text starts a pause is remembered per text (`TextMemo`): customers saying the same
    /// things (requests, negations, lookalikes, blanks) in a scrambled order are judged alike with
    /// and without that memory.
    @Test func rememberedTriggerTextsChangeNoFinding() throws {
        let quiet = try rule()
        let said = ["这个项目暂时不需要，谢谢", "不是暂时不需要，是预算还没批", "我们不需要了解太多细节", "好的", "  ", "不需要了", "收到"]
        var rows: [(Dataset, [String: String])] = []
        for index in 0..<300 {
            let customer = "CRM-2024-\(100 + (index * 37) % 11)"
            let time = String(format: "2024-03-%02d %02d:%02d", 1 + index / 12, 8 + index % 12, index % 60)
            rows.append(
                index % 3 == 0
                    ? Policy.message(.messages, "M\(index)", customer, time, "邮件", "发出", "行业报告")
                    : Policy.message(.messages, "M\(index)", customer, time, "微信", "收到", said[(index * 7) % said.count]))
        }
        let records = Policy.records(rows)
        var results: [[String]] = []
        for remembers in [true, false] {
            let context = CheckContext(asOf: Policy.time("2024-05-01T00:00:00+08:00"), timeZone: Policy.shanghai)
            context.remembersTexts = remembers
            let checker = quiet.makeChecker()
            var found: [String] = []
            for record in records where quiet.metadata.applies(to: record) {
                checker.check(record, context: context) { found.append("\($0.recordId ?? "") \($0.message)") }
            }
            checker.finish(context: context) { found.append("\($0.recordId ?? "") \($0.message)") }
            results.append(found)
        }
        #expect(!results[0].isEmpty)
        #expect(results[0] == results[1])
    }

    /// Customers with several requests (overlapping pauses, requests at the same minute as other contacts), contacts
    /// long before the first request and long after the last pause, replies that end a pause, follow-ups, in a
    /// scrambled order: the rule reports what walking each customer's whole history in time order reports.
    @Test(arguments: [true, false])
    func manyRequestsPerCustomerAreJudgedOnTheWholeHistory(resume: Bool) throws {
        let quiet = try rule(resume: resume)
        var generator = SeededGenerator(seed: resume ? 11 : 12)
        // (id, customer, minute since 2024-01-01, kind: 0 request, 1 reply, 2 outbound message, 3 follow-up)
        var events: [(id: String, customer: Int, minute: Int, kind: Int)] = []
        for index in 0..<600 {
            let customer = Int.random(in: 0..<9, using: &generator)
            // Days 0–180, on a coarse grid of minutes so that contacts share a minute with a request.
            let minute = Int.random(in: 0..<180, using: &generator) * 1440 + Int.random(in: 0..<4, using: &generator) * 30
            let kind = [0, 1, 2, 2, 2, 3, 3][Int.random(in: 0..<7, using: &generator)]
            events.append(("E\(index)", customer, minute, index < 20 ? 2 : kind))
        }
        func time(_ minute: Int) -> String {
            let date = Date(timeIntervalSince1970: 1_704_038_400 + Double(minute) * 60) // 2024-01-01 00:00 +08:00
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = Policy.shanghai
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            return formatter.string(from: date)
        }
        let rows = events.map { event -> (Dataset, [String: String]) in
            let customer = "CRM-2024-\(100 + event.customer)", at = time(event.minute)
            switch event.kind {
            case 0: return Policy.message(.messages, event.id, customer, at, "微信", "收到", "这个项目暂时不需要，谢谢")
            case 1: return Policy.message(.messages, event.id, customer, at, "微信", "收到", "预算批了，请发报价")
            case 2: return Policy.message(.messages, event.id, customer, at, "邮件", "发出", "行业报告")
            default: return Policy.followup(event.id, customer, at, "上门拜访")
            }
        }
        // Each customer's history in time order, ties in reading order (a scan reads follow-ups before messages),
        // walked from its start.
        var expected: Set<String> = []
        for customer in 0..<9 {
            let history = events.indices.filter { events[$0].customer == customer }.sorted {
                (events[$0].minute, events[$0].kind == 3 ? 0 : 1, $0) < (events[$1].minute, events[$1].kind == 3 ? 0 : 1, $1)
            }
            var active: (trigger: Int, until: Int)?
            for index in history {
                let event = events[index]
                if let current = active, event.minute >= current.until { active = nil }
                if event.kind == 0 {
                    active = (index, event.minute + 30 * 1440)
                    continue
                }
                guard let current = active, event.minute > events[current.trigger].minute else { continue }
                if event.kind == 1 {
                    if resume { active = nil }
                    continue
                }
                expected.insert("\(event.id) after \(events[current.trigger].id)")
            }
        }
        let found = Policy.run(quiet, rows).map { "\($0.recordId ?? "") after \($0.related?.first?.recordId ?? "")" }
        #expect(expected.count > 20)
        #expect(found.count == Set(found).count)
        #expect(
            Set(found) == expected,
            "found only: \(Set(found).subtracting(expected).sorted()); expected only: \(expected.subtracting(found).sorted())")
    }

    @Test func aTriggerNeedsAText() {
        let errors = Policy.errors(
            """
            - id: t.quiet
              kind: quiet_period
              category: quiet-period
              severity: warning
              message: m
              trigger: {direction: inbound}
              pause: 30d
            """)
        #expect(errors.contains { $0.contains("'trigger' needs a 'text' condition") })
    }
}
