import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `kind: deadline`: edges of the limit, range ends, missing follow-ups as of
/// the scan, and unreadable values.
@Suite struct DeadlineRuleTests {
    let lateLog = """
        - id: t.late-log
          kind: deadline
          category: late-log
          severity: warning
          message: 录入超时 — follow-up record entered {elapsed} after the contact ended (limit {limit})
          datasets: [followups]
          start: {datasets: [followups], at: end}
          done: {field: logged_at}
          within: 24h
        """

    let thankYou = """
        - id: t.thank-you
          kind: deadline
          category: late-followup
          severity: warning
          message: 致谢超时 — sent {elapsed} after the visit (limit {limit})
          message_missing: 未发致谢 — none {elapsed} after {start} as of {as_of}
          datasets: [followups, messages]
          start: {channels: [visit], first: true, at: end}
          done: {datasets: [messages], channels: [sms, email], direction: outbound}
          within: 24h
        """

    func logged(_ contact: String, _ logged: String) throws -> [Finding] {
        Policy.run(try Policy.rule(lateLog), [Policy.followup("F1", "CRM-2024-001", contact, "电话", ["logged_at": logged])])
    }

    @Test func exactlyTheLimitIsOnTimeAndOneMinuteMoreIsLate() throws {
        #expect(try logged("2024-03-15 15:30", "2024-03-16 15:30").isEmpty)
        let late = try logged("2024-03-15 15:30", "2024-03-16 15:31")
        #expect(late.count == 1)
        #expect(late.first?.message == "录入超时 — follow-up record entered 24h1m after the contact ended (limit 24h)")
    }

    @Test func theClockStartsAtTheEndOfARange() throws {
        // 24h30m after 14:00 but 23h after 15:30.
        #expect(try logged("2024年3月15日14:00-15:30", "2024-03-16 14:30").isEmpty)
        let late = try logged("2024年3月15日14:00-15:30", "2024-03-16 17:40")
        #expect(late.first?.message.contains("26h10m") == true)
        #expect(late.first?.recordId == "F1")
        #expect(late.first?.field == "logged_at")
        #expect(late.first?.category == .lateLog)
    }

    @Test func instantsWithOffsetsCompareAcrossZones() throws {
        // 2024-03-16T02:01Z is 10:01 in Shanghai: 24h01m after 10:00 the day before.
        #expect(try logged("2024-03-15T10:00:00+08:00", "2024-03-16T02:01:00Z").count == 1)
        #expect(try logged("2024-03-15T10:00:00+08:00", "2024-03-16T02:00:00Z").isEmpty)
    }

    @Test func unreadableOrMissingEntryTimeIsAnIncompleteRecord() throws {
        let unreadable = try logged("2024-03-15 10:00", "昨天下午")
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.category == .incompleteRecord)
        #expect(unreadable.first?.field == "logged_at")
        #expect(unreadable.first?.message.contains("is not a time") == true)
        let rule = try Policy.rule(lateLog)
        let missing = Policy.run(rule, [Policy.followup("F1", "CRM-2024-001", "2024-03-15 10:00", "电话", ["logged_at": " "])])
        #expect(missing.map(\.category) == [.incompleteRecord])
        #expect(missing.first?.message.contains("is missing") == true)
        // Without a logged_at column the file gets one note (the scanner's), the record no finding.
        #expect(Policy.run(rule, [Policy.followup("F1", "CRM-2024-001", "2024-03-15 10:00", "电话")]).isEmpty)
    }

    @Test func aLateThankYouPointsAtTheVisitAndRelatesTheMessage() throws {
        let found = Policy.run(
            try Policy.rule(thankYou),
            [
                Policy.followup("F1", "CRM-2024-001", "2024年3月15日14:00-15:30", "上门拜访"),
                Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-16 17:40", "短信", "发出", "感谢接待"),
            ])
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.recordId == "F1")
        #expect(finding.file == "followups.csv")
        #expect(finding.day == "2024-03-15")
        #expect(finding.message == "致谢超时 — sent 26h10m after the visit (limit 24h)")
        #expect(finding.related?.map(\.recordId) == ["M1"])
    }

    @Test func onlyTheFirstVisitStartsTheClockWhateverTheFileOrder() throws {
        // The later visit comes first in the file; the first visit got its thank-you.
        let found = Policy.run(
            try Policy.rule(thankYou),
            [
                Policy.followup("F2", "CRM-2024-001", "2024-04-10 10:00", "上门拜访"),
                Policy.followup("F1", "CRM-2024-001", "2024-03-01 10:00", "上门拜访"),
                Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-01 18:00", "邮件", "发出", "感谢"),
            ])
        #expect(found.isEmpty)
    }

    @Test func aMissingThankYouIsReportedOnlyOnceTheDeadlineHasPassed() throws {
        let rule = try Policy.rule(thankYou)
        let visit = [Policy.followup("F1", "CRM-2024-001", "2024-04-30 10:00", "上门拜访")]
        #expect(Policy.run(rule, visit, asOf: "2024-05-01T10:00:00+08:00").isEmpty)
        let overdue = Policy.run(rule, visit, asOf: "2024-05-01T10:01:00+08:00")
        #expect(overdue.count == 1)
        #expect(overdue.first?.message == "未发致谢 — none 24h1m after 2024-04-30 10:00 as of 2024-05-01 10:01")
        #expect(overdue.first?.related == nil)
    }

    @Test func aThankYouSentBeforeTheVisitEndedDoesNotCount() throws {
        let found = Policy.run(
            try Policy.rule(thankYou),
            [
                Policy.followup("F1", "CRM-2024-001", "2024年4月1日14:00-16:00", "上门拜访"),
                Policy.message(.messages, "M1", "CRM-2024-001", "2024-04-01 15:00", "短信", "发出", "感谢"),
            ])
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("未发致谢") == true)
    }

    @Test func theEarlyWindowAndTheRecordThatMadeThePlanBoundWhatCounts() throws {
        let rule = try Policy.rule(
            """
            - id: t.plan
              kind: deadline
              category: late-followup
              severity: warning
              message: overdue {over}
              datasets: [followups, messages]
              start: {datasets: [followups], field: next_followup_time}
              done: {direction: any, early: 2d}
              within: 1d
              report_late: false
            """)
        let plan = Policy.followup("F1", "CRM-2024-001", "2024-04-01 10:00", "电话", ["next_followup_time": "2024-04-10 10:00"])
        // 2 days before the plan counts; 2 days and 1 minute before does not.
        #expect(Policy.run(rule, [plan, Policy.message(.messages, "M1", "CRM-2024-001", "2024-04-08 10:00", "微信", "发出", "x")]).isEmpty)
        let early = Policy.run(rule, [plan, Policy.message(.messages, "M1", "CRM-2024-001", "2024-04-08 09:59", "微信", "发出", "x")])
        #expect(early.map(\.recordId) == ["F1"])
        // Due 2024-04-11 10:00 (planned time + 1d); as of 2024-05-01 00:00 that is 19d14h ago.
        #expect(early.first?.message == "overdue 19d14h")
        // Another customer's contact does not fulfil the plan.
        #expect(Policy.run(rule, [plan, Policy.message(.messages, "M1", "CRM-2024-002", "2024-04-10 10:00", "电话", "呼出")]).count == 1)
        // A late contact still fulfils it when report_late is false.
        #expect(Policy.run(rule, [plan, Policy.message(.messages, "M1", "CRM-2024-001", "2024-04-20 10:00", "电话", "呼出")]).isEmpty)
    }

    /// An --as-of earlier than the data: what comes after it has not happened yet, as of then.
    @Test func nothingAfterAsOfIsJudged() throws {
        let thankYou = try Policy.rule(thankYou)
        let asOf = "2024-03-20T00:00:00+08:00"
        // A visit after as-of starts no clock, even with a late thank-you after it.
        #expect(
            Policy.run(
                thankYou,
                [
                    Policy.followup("F1", "CRM-2024-001", "2024-04-01 10:00", "上门拜访"),
                    Policy.message(.messages, "M1", "CRM-2024-001", "2024-04-05 10:00", "短信", "发出", "感谢"),
                ], asOf: asOf
            ).isEmpty)
        // A thank-you after as-of does not stop the clock: as of then none was sent, 3d23h after the visit.
        let missing = Policy.run(
            thankYou,
            [
                Policy.followup("F1", "CRM-2024-001", "2024-03-16 01:00", "上门拜访"),
                Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-25 10:00", "短信", "发出", "感谢"),
            ], asOf: asOf)
        #expect(missing.map(\.message) == ["未发致谢 — none 3d23h after 2024-03-16 01:00 as of 2024-03-20 00:00"])
        // Within the limit as of as-of: not yet late, whatever happened after.
        #expect(
            Policy.run(
                thankYou,
                [
                    Policy.followup("F1", "CRM-2024-001", "2024-03-19 10:00", "上门拜访"),
                    Policy.message(.messages, "M1", "CRM-2024-001", "2024-03-25 10:00", "短信", "发出", "感谢"),
                ], asOf: asOf
            ).isEmpty)
        // A record entered after as-of is not judged, however late it was entered.
        let lateLog = try Policy.rule(lateLog)
        #expect(
            Policy.run(
                lateLog, [Policy.followup("F1", "CRM-2024-001", "2024-03-10 10:00", "电话", ["logged_at": "2024-03-25 10:00"])],
                asOf: asOf
            ).isEmpty)
        #expect(
            Policy.run(
                lateLog, [Policy.followup("F1", "CRM-2024-001", "2024-03-10 10:00", "电话", ["logged_at": "2024-03-12 10:00"])],
                asOf: asOf
            ).count == 1)
    }

    @Test func loadErrorsNameTheKey() {
        #expect(
            Policy.errors(thankYou.replacingOccurrences(of: "within: 24h", with: "within: soon")) == [
                "error: t.yml:10:3: rule 't.thank-you': 'within' must be a length of time such as 24h, 3d or 30d, not 'soon'"
            ])
        #expect(
            Policy.errors(thankYou.replacingOccurrences(of: "channels: [visit]", with: "channels: [pigeon]")).first?
                .contains("'start.channels': unknown channel 'pigeon'") == true)
        #expect(
            Policy.errors(thankYou.replacingOccurrences(of: "first: true", with: "frist: true")).first?
                .contains("unknown key 'frist' in 'start'") == true)
        #expect(
            Policy.errors(thankYou.replacingOccurrences(of: "{elapsed} after the visit", with: "{late} after the visit")).first?
                .contains("unknown placeholder '{late}'") == true)
        #expect(
            Policy.errors(
                thankYou.replacingOccurrences(of: "  message_missing: 未发致谢 — none {elapsed} after {start} as of {as_of}\n", with: "")
            ).first?
            .contains("missing required key 'message_missing'") == true)
    }
}
