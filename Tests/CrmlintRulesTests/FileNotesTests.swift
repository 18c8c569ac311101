import CrmlintCore
import CrmlintRules
import Foundation
import Testing

/// `CheckContext.claimProblem`, `noteAbsent` and `takeFileNotes`: a problem with a field is claimed
/// once per record whichever rules notice it, and a file's absent columns are counted once per
/// record, with every rule that claimed them, until the notes are taken.
@Suite struct FileNotesTests {
    private func record(_ serial: Int, file: String = "f.csv") -> Record {
        Record(dataset: .followups, file: file, line: serial + 1, position: serial, fields: ["customer_id": "C\(serial)"], serial: serial)
    }

    @Test func aProblemIsClaimedOncePerRecord() {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let first = record(1), second = record(2)
        #expect(context.claimProblem(first, key: "contact_time"))
        #expect(!context.claimProblem(first, key: "contact_time"))
        #expect(context.claimProblem(first, key: "logged_at"))
        #expect(!context.claimProblem(first, key: "logged_at"))
        #expect(context.claimProblem(second, key: "contact_time"))
        #expect(context.claimProblem(second, key: "logged_at"))
    }

    @Test func absentColumnsAreCountedOncePerRecordWithEveryRule() {
        let context = CheckContext(asOf: Date(), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        for serial in 1...3 {
            let record = record(serial)
            // The rule that notices first claims the field on the record; the second is not counted again.
            context.noteAbsent(record, field: "customer_name", rule: serial == 2 ? "b" : "a")
            context.noteAbsent(record, field: "customer_name", rule: "a")
            if serial != 3 { context.noteAbsent(record, field: "assistance_needed", rule: "b") }
        }
        let notes = context.takeFileNotes()
        #expect(notes.absent.keys.sorted() == ["assistance_needed", "customer_name"])
        #expect(notes.absent["customer_name"]?.records == 3)
        #expect(notes.absent["customer_name"]?.rules == ["a", "b"])
        #expect(notes.absent["assistance_needed"]?.records == 2)
        #expect(notes.absent["assistance_needed"]?.rules == ["b"])
        // Taken: the next file starts with none.
        #expect(context.takeFileNotes().isEmpty)
        context.noteAbsent(record(4, file: "g.csv"), field: "customer_name", rule: "c")
        let next = context.takeFileNotes()
        #expect(next.absent["customer_name"]?.records == 1 && next.absent["customer_name"]?.rules == ["c"])
    }
}
