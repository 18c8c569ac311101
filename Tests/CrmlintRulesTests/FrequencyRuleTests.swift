import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `kind: frequency`: calendar windows in the scan's zone, one finding per
/// customer and window at the crossing event, inbound ignored.
@Suite struct FrequencyRuleTests {
    func rule(window: String = "day", max: Int = 1) throws -> Rule {
        try Policy.rule(
            """
            - id: t.calls
              kind: frequency
              category: over-contact
              severity: warning
              message: 过度联系 — {count} calls on {window} (at most {max})
              datasets: [messages]
              events: {datasets: [messages], channels: [phone], direction: outbound}
              window: \(window)
              max: \(max)
            """)
    }

    func call(_ id: String, _ time: String, customer: String = "CRM-2024-001", direction: String = "呼出") -> (Dataset, [String: String]) {
        Policy.message(.messages, id, customer, time, "电话", direction)
    }

    @Test func oneFindingPerCustomerDayAtTheCallThatCrossedTheLimit() throws {
        let found = Policy.run(
            try rule(),
            [
                call("M3", "2024-03-15 17:00"), call("M1", "2024-03-15 09:00"), call("M2", "2024-03-15 11:00"),
            ])
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.recordId == "M2") // chronologically the second, though third in the file
        #expect(Set(finding.related?.compactMap(\.recordId) ?? []) == ["M1", "M3"])
        #expect(finding.message == "过度联系 — 3 calls on 2024-03-15 (at most 1)")
        #expect(finding.day == "2024-03-15")
        #expect(finding.customerId == "CRM-2024-001")
    }

    @Test func callsAtOneTimeCountInReadingOrder() throws {
        // Three calls in one minute: the second read crosses the limit of one, the third crosses a limit of two.
        let calls = [call("M9", "2024-03-15 09:00"), call("M2", "2024-03-15 09:00"), call("M5", "2024-03-15 09:00")]
        #expect(Policy.run(try rule(), calls).map(\.recordId) == ["M2"])
        #expect(Policy.run(try rule(max: 2), calls).map(\.recordId) == ["M5"])
    }

    @Test func eachCustomerAndDayIsItsOwnWindow() throws {
        // Interleaved in the file: two customers, two days each; only the windows over the limit are reported,
        // each at its own crossing call with its own others.
        let found = Policy.run(
            try rule(),
            [
                call("B1", "2024-03-15 10:00", customer: "CRM-2024-002"), call("A1", "2024-03-15 09:00"),
                call("B2", "2024-03-16 08:00", customer: "CRM-2024-002"), call("A2", "2024-03-16 09:00"),
                call("B3", "2024-03-15 08:00", customer: "CRM-2024-002"), call("A3", "2024-03-15 11:00"),
                call("A4", "2024-03-15 10:00"),
            ])
        #expect(found.compactMap(\.recordId).sorted() == ["A4", "B1"])
        let a = try #require(found.first { $0.recordId == "A4" })
        #expect(a.message == "过度联系 — 3 calls on 2024-03-15 (at most 1)")
        #expect(Set(a.related?.compactMap(\.recordId) ?? []) == ["A1", "A3"])
        let b = try #require(found.first { $0.recordId == "B1" })
        #expect(b.customerId == "CRM-2024-002")
        #expect(b.related?.compactMap(\.recordId) == ["B3"])
    }

    @Test func theDayBoundaryIsTheConfiguredZoneNotUTC() throws {
        // 23:30 and 00:30 Shanghai are two days there, one day (15:30, 16:30) in UTC.
        let calls = [call("M1", "2024-03-15T23:30:00+08:00"), call("M2", "2024-03-16T00:30:00+08:00")]
        #expect(Policy.run(try rule(), calls).isEmpty)
        let utc = TimeZone(identifier: "UTC")!
        let found = Policy.run(try rule(), calls, timeZone: utc)
        #expect(found.map(\.recordId) == ["M2"])
        #expect(found.first?.day == "2024-03-15")
    }

    @Test func timesWithoutOffsetAreReadInTheConfiguredZone() throws {
        // 2024-03-14T23:30Z is 07:30 on the 15th in Shanghai. The naive 07:00 is
        // the 15th in whichever zone is configured: one day in Shanghai, two in UTC.
        let calls = [call("M1", "2024-03-15 07:00"), call("M2", "2024-03-14T23:30:00Z")]
        #expect(Policy.run(try rule(), calls).map(\.recordId) == ["M2"])
        #expect(Policy.run(try rule(), calls, timeZone: TimeZone(identifier: "UTC")!).isEmpty)
    }

    @Test func inboundCallsAndOtherCustomersDoNotCount() throws {
        #expect(Policy.run(try rule(), [call("M1", "2024-03-15 09:00"), call("M2", "2024-03-15 10:00", direction: "呼入")]).isEmpty)
        #expect(Policy.run(try rule(), [call("M1", "2024-03-15 09:00"), call("M2", "2024-03-15 10:00", customer: "CRM-2024-002")]).isEmpty)
    }

    @Test func weeksStartOnMonday() throws {
        // 2024-03-17 is a Sunday, 2024-03-18 a Monday.
        let weekly = try rule(window: "week")
        #expect(Policy.run(weekly, [call("M1", "2024-03-17 10:00"), call("M2", "2024-03-18 10:00")]).isEmpty)
        let found = Policy.run(weekly, [call("M1", "2024-03-18 10:00"), call("M2", "2024-03-24 10:00")])
        #expect(found.first?.message == "过度联系 — 2 calls on week of 2024-03-18 (at most 1)")
    }

    @Test func monthsRunFromTheFirstToTheLastDay() throws {
        let monthly = try rule(window: "month")
        // The last day of February (a leap year) and the first of March are two months.
        #expect(Policy.run(monthly, [call("M1", "2024-02-29 23:00"), call("M2", "2024-03-01 08:00")]).isEmpty)
        let found = Policy.run(monthly, [call("M1", "2024-03-01 08:00"), call("M2", "2024-03-31 23:00"), call("M3", "2024-04-01 08:00")])
        #expect(found.map(\.message) == ["过度联系 — 2 calls on 2024-03 (at most 1)"])
        // December and the next January: the year turns with the month.
        let turn = Policy.run(monthly, [call("M1", "2023-12-31 09:00"), call("M2", "2024-01-01 09:00"), call("M3", "2024-01-02 09:00")])
        #expect(turn.map(\.message) == ["过度联系 — 2 calls on 2024-01 (at most 1)"])
    }

    @Test func aRecordWithoutADirectionIsReportedNotSkipped() throws {
        let found = Policy.run(
            try rule(),
            [
                (
                    .messages,
                    [
                        "id": "M1", "customer_id": "CRM-2024-001", "timestamp": "2024-03-15 09:00", "channel": "电话",
                        "direction": "",
                    ]
                )
            ])
        #expect(found.count == 1)
        #expect(found.first?.category == .incompleteRecord)
        #expect(found.first?.field == "direction")
        // No direction column at all is a fact about the file (one note from the scanner), not a finding per record.
        #expect(
            Policy.run(
                try rule(), [(.messages, ["id": "M1", "customer_id": "CRM-2024-001", "timestamp": "2024-03-15 09:00", "channel": "电话"])]
            ).isEmpty)
    }

    @Test func windowAndMaxAreValidated() {
        let yaml = """
            - id: t.calls
              kind: frequency
              category: over-contact
              severity: warning
              message: m
              events: {channels: [phone]}
              window: fortnight
              max: -1
            """
        let errors = Policy.errors(yaml)
        #expect(errors.contains("error: t.yml:7:3: rule 't.calls': 'window' must be day, week or month, not 'fortnight'"))
        #expect(errors.contains("error: t.yml:8:3: rule 't.calls': 'max' must be 0 or more"))
    }
}
