import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// The contact log names each event's file and rep as its record did, however records of
/// files and reps alternate (it remembers the last file and reps' names by their bytes).
@Suite struct ContactLogTests {
    @Test func eventsKeepTheirRecordsFileAndRep() throws {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let log = ContactLog()
        let rule = RuleMetadata(id: "t.log", kind: "cadence", category: .overContact, severity: .warning, message: "m")
        // Files in runs, changing at random; reps at random, more than the memo has slots, one in composed
        // and decomposed forms (different bytes, one name), and records with no rep.
        let files = ["聊天记录_1.csv", "聊天记录_2.csv", "a/聊天记录_1.csv"]
        let reps = (0..<150).map { "销售\($0)" } + ["\u{C5}sa", "A\u{30A}sa", ""]
        var generator = SystemRandomNumberGenerator()
        var expected: [(file: String, rep: String?)] = []
        var file = files[0]
        for serial in 0..<2_000 {
            if Int.random(in: 0..<8, using: &generator) == 0 { file = files.randomElement(using: &generator)! }
            let rep = reps.randomElement(using: &generator)!
            var fields = [
                "id": "M\(serial)", "customer_id": "C\(serial % 7)", "timestamp": "2024-03-01 10:\(String(format: "%02d", serial % 60))",
                "channel": "微信", "direction": "发送",
            ]
            if !rep.isEmpty { fields["rep"] = rep }
            let record = Record(dataset: .messages, file: file, line: serial + 2, position: serial + 1, fields: fields, serial: serial)
            let index = try #require(log.add(record, context: context, rule: rule) { _ in })
            #expect(index == expected.count)
            expected.append((file, rep.isEmpty ? nil : rep))
        }
        for (index, event) in expected.enumerated() {
            let finding = log.finding(index, rule: rule, message: "m", timeZone: context.timeZone, fingerprintParts: [])
            // Reps are one name as `String` equality has it (canonically equivalent forms are one rep).
            #expect(finding.file == event.file && finding.rep == event.rep, "\(index): \(finding.file) \(String(describing: finding.rep))")
        }
    }
}
