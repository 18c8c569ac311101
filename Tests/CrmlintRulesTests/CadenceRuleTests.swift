import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `kind: cadence`: calendar-day gaps by tier, the open gap up to as-of, and
/// contact far above the cadence.
@Suite struct CadenceRuleTests {
    func rule(check: String = "gap", extra: String = "") throws -> Rule {
        try Policy.rule(
            """
            - id: t.cadence
              kind: cadence
              check: \(check)
              category: \(check == "gap" ? "under-contact" : "over-contact")
              severity: warning
              message: tier {tier} gap {gap} from {from} to {to} cadence {limit} count {count} max {max}
              datasets: [customers, followups, messages]
              cadence: {A: 7d, B: 14d, C: 30d}
            \(extra)
            """)
    }

    func out(_ id: String, _ time: String, customer: String = "CRM-2024-001", direction: String = "发出") -> (Dataset, [String: String]) {
        Policy.message(.messages, id, customer, time, "微信", direction, "资料")
    }

    @Test func sevenCalendarDaysIsWeeklyAndEightIsNot() throws {
        let gap = try rule()
        let a = Policy.customer("CRM-2024-001", tier: "A")
        // 08:00 to 23:00 a week later is more than 7×24h, yet seven calendar days.
        #expect(Policy.run(gap, [a, out("M1", "2024-03-01 08:00"), out("M2", "2024-03-08 23:00")], asOf: "2024-03-09 12:00").isEmpty)
        let found = Policy.run(gap, [a, out("M1", "2024-03-01 23:00"), out("M2", "2024-03-09 01:00")], asOf: "2024-03-09 12:00")
        #expect(found.map(\.recordId) == ["M2"])
        #expect(found.first?.message == "tier A gap 8d from 2024-03-01 to 2024-03-09 cadence 7d count — max —")
        #expect(found.first?.related?.first?.recordId == "M1")
    }

    @Test func calendarDaysFollowTheConfiguredZone() throws {
        let gap = try rule()
        let a = Policy.customer("CRM-2024-001", tier: "A")
        // 2024-03-01T23:30+08:00 is 15:30Z; 2024-03-08T16:30Z is 2024-03-09 00:30 in Shanghai.
        let rows = [a, out("M1", "2024-03-01T23:30:00+08:00"), out("M2", "2024-03-08T16:30:00Z")]
        #expect(Policy.run(gap, rows, asOf: "2024-03-09T12:00:00+08:00").map(\.recordId) == ["M2"])
        #expect(Policy.run(gap, rows, asOf: "2024-03-09T12:00:00+08:00", timeZone: TimeZone(identifier: "UTC")!).isEmpty)
    }

    @Test func theOpenGapUpToAsOfIsReportedOnTheCustomerRow() throws {
        let gap = try rule()
        let b = Policy.customer("CRM-2024-002", tier: "B类")
        let rows = [b, out("M1", "2024-04-16 10:00", customer: "CRM-2024-002")]
        #expect(Policy.run(gap, rows, asOf: "2024-04-30 23:59").isEmpty) // 14 days
        let found = Policy.run(gap, rows, asOf: "2024-05-01 00:00")
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.file == "customers.csv")
        #expect(finding.dataset == .customers)
        #expect(finding.recordId == "CRM-2024-002")
        #expect(finding.rep == "李娜")
        #expect(finding.message.hasPrefix("tier B gap 15d from 2024-04-16 to 2024-05-01"))
        #expect(finding.related?.first?.recordId == "M1")
    }

    @Test func neverContactedCustomersOnlyWhenAskedFor() throws {
        let c = [Policy.customer("CRM-2024-003", tier: "C")]
        #expect(Policy.run(try rule(), c).isEmpty)
        let found = Policy.run(try rule(extra: "  never_contacted: true"), c)
        #expect(found.map(\.recordId) == ["CRM-2024-003"])
        #expect(found.first?.message.hasPrefix("tier C gap — from — to 2024-05-01") == true)
    }

    @Test func inboundContactsDoNotCloseAGap() throws {
        let found = Policy.run(
            try rule(),
            [
                Policy.customer("CRM-2024-001", tier: "A"), out("M1", "2024-03-01 10:00"), out("M2", "2024-03-05 10:00", direction: "收到"),
                out("M3", "2024-03-09 10:00"),
            ], asOf: "2024-03-10 00:00")
        #expect(found.map(\.recordId) == ["M3"])
    }

    @Test func aTierWithoutACadenceIsAnIncompleteRecord() throws {
        let found = Policy.run(try rule(), [Policy.customer("CRM-2024-001", tier: "VIP"), out("M1", "2024-03-01 10:00")])
        #expect(found.count == 1)
        #expect(found.first?.category == .incompleteRecord)
        #expect(found.first?.field == "tier")
    }

    @Test func excessCountsContactDaysInsideOnePeriod() throws {
        let excess = try rule(check: "excess", extra: "  max_per_period: 3")
        let a = Policy.customer("CRM-2024-001", tier: "A")
        // Four contact days inside 2024-03-01..07; several messages on one day are one day.
        let found = Policy.run(
            excess,
            [
                a, out("M1", "2024-03-01 10:00"), out("M1b", "2024-03-01 11:00"), out("M2", "2024-03-02 10:00"),
                out("M3", "2024-03-04 10:00"), out("M4", "2024-03-07 10:00"),
            ])
        #expect(found.map(\.recordId) == ["M4"])
        #expect(found.first?.related?.compactMap(\.recordId) == ["M1", "M2", "M3"])
        // Day 1 and day 8 are not inside one 7-day period.
        #expect(
            Policy.run(
                excess,
                [
                    a, out("M1", "2024-03-01 10:00"), out("M2", "2024-03-02 10:00"), out("M3", "2024-03-04 10:00"),
                    out("M4", "2024-03-08 10:00"),
                ]
            ).isEmpty)
    }

    @Test func loadErrors() {
        let errors = Policy.errors(
            """
            - id: t.cadence
              kind: cadence
              check: excess
              category: over-contact
              severity: warning
              message: m
              datasets: [messages]
              cadence: {A: 36h}
            """)
        #expect(errors.contains { $0.contains("'cadence' maps tiers to whole days") })
        #expect(errors.contains { $0.contains("missing required key 'max_per_period'") })
        #expect(errors.contains { $0.contains("a cadence rule needs the customers dataset") })
    }
}

extension CadenceRuleTests {
    @Test func neverContactedHasItsOwnWording() throws {
        let rule = try Policy.rule(
            """
            - id: t.cadence
              kind: cadence
              category: under-contact
              severity: warning
              message: gap {gap}
              message_never: tier {tier} never contacted as of {to}
              datasets: [customers, messages]
              cadence: {C: 30d}
              never_contacted: true
            """)
        #expect(Policy.run(rule, [Policy.customer("CRM-2024-003", tier: "C")]).first?.message == "tier C never contacted as of 2024-05-01")
    }
}
