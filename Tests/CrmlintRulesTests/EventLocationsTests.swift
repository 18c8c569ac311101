import CrmlintCore
import Foundation
import Testing

@testable import CrmlintRules

/// The contact log keeps each contact's file, line and keys packed against the one before (`EventLocations`):
/// every contact must read back exactly as it was appended, wherever it falls in its block and whatever the
/// one before it held.
@Suite struct EventLocationsTests {
    @Test func everyContactReadsBackAsAppended() {
        var generator = SystemRandomNumberGenerator()
        let locations = EventLocations()
        var expected: [EventLocations.Location] = []
        var file: Int32 = 0, line = 1
        let prefixes = ["MSG000000", "MSG000001", "跟进记录-", "", "a", "客户编号CRM-2019-", "客户编号CRM-2019-一个比三十二字节更长的前缀-"]
        for serial in 0..<3_000 {
            // Files in runs, back to earlier ones, and a large index; lines mostly the next, sometimes back (another
            // file) or far ahead, and past Int32 (clamped, as the log kept lines).
            if Int.random(in: 0..<20, using: &generator) == 0 {
                file = [0, 1, 2, 300, Int32.max].randomElement(using: &generator)!
            }
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: line = Int.random(in: 1..<50, using: &generator)
            case 1: line += Int.random(in: 2..<100_000, using: &generator)
            case 2: line = Int.random(in: Int(Int32.max)..<Int.max / 2, using: &generator)
            default: line += 1
            }
            // Ids that share long prefixes with the one before (more than eight bytes), short ones, empty ones,
            // non-ASCII ones; stable keys the same (nil) or their own (a fingerprint, or one sharing nothing).
            let prefix = prefixes.randomElement(using: &generator)!
            let identity = Int.random(in: 0..<30, using: &generator) == 0 ? "" : "\(prefix)\(serial)"
            let stableKey: String? =
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: Fingerprint.make([identity, "\(serial)"])
                case 1: "\(serial)号记录"
                default: nil
                }
            locations.append(file: file, line: line, identity: identity, stableKey: stableKey)
            expected.append(
                .init(file: file, line: Int(Int32(clamping: line)), identity: identity, stableKey: stableKey ?? identity))
        }
        #expect(locations.count == expected.count)
        for index in expected.indices.shuffled(using: &generator) {
            #expect(locations.location(index) == expected[index], "contact \(index)")
        }
    }

    /// A contact with a stable key of its own, stored against the contact before whose stable key was its
    /// identity, read first in a fresh log: its key's shared prefix is that identity's.
    @Test func anOwnStableKeyAfterAnIdentityReadsBackFirst() {
        let locations = EventLocations()
        locations.append(file: 0, line: 2, identity: "MSG1234", stableKey: nil)
        locations.append(file: 0, line: 3, identity: "MSG1235", stableKey: "MSG1234-x")
        locations.append(file: 0, line: 4, identity: "MSG1236", stableKey: nil)
        #expect(locations.location(1) == .init(file: 0, line: 3, identity: "MSG1235", stableKey: "MSG1234-x"))
        #expect(locations.location(2) == .init(file: 0, line: 4, identity: "MSG1236", stableKey: "MSG1236"))
        #expect(locations.location(0) == .init(file: 0, line: 2, identity: "MSG1234", stableKey: "MSG1234"))
    }

    /// Through the log, as rules read it: a finding names its record's id and line, and is fingerprinted by its
    /// stable key (the id; a record without one by its content); a contact's end is its start unless its
    /// time is a range, whichever contacts before it had ranges.
    @Test func findingsNameTheirRecordsAndRangesEndWhereTheyEnd() throws {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let log = ContactLog()
        let rule = RuleMetadata(id: "t.log", kind: "cadence", category: .overContact, severity: .warning, message: "m")
        var records: [(record: Record, span: Int64)] = []
        for serial in 0..<200 {
            // Ranges only from the 50th record on, so the log has none to start with; the last one too.
            let ranged = serial >= 50 && serial % 3 == 0 || serial == 199
            var fields = [
                "customer_id": "C\(serial % 7)", "timestamp": ranged ? "2024-03-01 10:00-11:30" : "2024-03-01 10:00",
                "channel": "微信", "direction": "发送",
            ]
            if serial % 5 != 0 { fields["id"] = "MSG\(String(format: "%010d", serial))" }
            let record = Record(
                dataset: .messages, file: "m.csv", line: 2 + 2 * serial, position: serial + 1, fields: fields, serial: serial)
            let index = try #require(log.add(record, context: context, rule: rule) { _ in })
            #expect(index == records.count)
            records.append((record, ranged ? 5_400 : 0))
        }
        for (index, event) in records.enumerated() {
            let finding = log.finding(index, rule: rule, message: "m", timeZone: context.timeZone, fingerprintParts: [])
            #expect(finding.recordId == event.record.identity && finding.line == event.record.line, "\(index)")
            #expect(finding.fingerprint == Fingerprint.make([rule.id, "messages", event.record.stableKey]), "\(index)")
            #expect(log.end(index) - log.start[index] == event.span, "\(index)")
        }
    }
}
