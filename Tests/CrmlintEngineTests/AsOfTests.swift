import CrmlintCore
import Foundation
import TestHelpers
import Testing

/// `--as-of` earlier than the data: the records after it are counted and noted.
@Suite("--as-of before the data")
struct AsOfTests {
    @Test("Records dated after --as-of are counted in a note, in text and JSON")
    func recordsAfterAsOfAreNoted() throws {
        let folder = try ReportFixtures.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The four messages are dated 2024-03-15 14:00 to 2024-03-16 10:00; customers carry no date.
        let base = ["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-03-15T14:30:00+08:00"]
        let json = try CLI.run(base + ["--format", "json"], in: folder)
        let document = try JSONValue.parse(json.stdoutData)
        #expect(try JSONSchemaValidator(schemaFile: ReportFixtures.findingsSchema).validate(document).isEmpty)
        let report = try ReportFixtures.decode(json.stdout)
        let note = try #require(report.notes?.first)
        #expect(note.kind == RunNote.recordsAfterAsOf)
        #expect(note.count == 3)
        #expect(
            note.message == "3 records are dated after --as-of 2024-03-15T14:30:00+08:00 (the latest 2024-03-16T10:00:00+08:00): "
                + "deadline and cadence rules judge only what happened by --as-of; is --as-of right?")
        let text = try CLI.run(base, in: folder)
        #expect(text.stdout.contains("\nnote: 3 records are dated after --as-of"), "\(text.stdout)")
        // As of a time after the data there is nothing to note.
        let later = try ReportFixtures.decode(
            try CLI.run(["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-05-01", "--format", "json"], in: folder).stdout)
        #expect(later.notes == nil)
    }
}
