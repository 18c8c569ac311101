import Testing

@testable import CrmlintCore

/// A record is a shared `FieldShape` and its values by place: every way of
/// reading a field (by name, by number, the whole dictionary) agrees.
struct RecordTests {
    @Test func everyWayOfReadingAFieldAgrees() {
        let fields = ["text": "您好", "rep": " 王五 ", "customer_id": "C1", "channel": "", "自定义列": "x"]
        let record = Record(dataset: .messages, file: "m.csv", line: 2, position: 1, fields: fields)
        #expect(record.fields == fields)
        #expect(record.shape.names == fields.keys.sorted())
        for name in fields.keys + ["absent", "direction"] {
            let number = FieldNumbers.number(of: name)
            #expect(record.value(number: number) == record[name], "\(name)")
            #expect(record[name] == fields[name].flatMap { $0.isEmpty ? nil : $0 }, "\(name)")
            #expect(record.has(name) == (fields[name] != nil), "\(name)")
        }
        #expect(record.customerId == "C1" && record.rep == "王五")
    }

    /// The fixed field numbers (constants where they are read) are the numbers their names get, and each
    /// dataset's identity number is its identity field's.
    @Test func fixedFieldNumbersAreTheirNamesNumbers() {
        let fixed: [(Int, String)] = [
            (FieldNumbers.customerId, "customer_id"), (FieldNumbers.rep, "rep"), (FieldNumbers.owner, "owner"),
            (FieldNumbers.direction, "direction"), (FieldNumbers.recipientType, "recipient_type"),
            (FieldNumbers.recipient, "recipient"), (FieldNumbers.channel, "channel"), (FieldNumbers.id, "id"),
        ]
        for (number, name) in fixed { #expect(FieldNumbers.number(of: name) == number, "\(name)") }
        #expect(Set(fixed.map(\.0)).count == fixed.count)
        for dataset in Dataset.allCases {
            #expect(FieldNumbers.identity(of: dataset) == dataset.identityField.map(FieldNumbers.number(of:)), "\(dataset)")
        }
        // A name first numbered now gets a number of its own.
        let fresh = FieldNumbers.number(of: "a field first numbered at \(#line)")
        #expect(!fixed.map(\.0).contains(fresh))
    }

    @Test func recordsOfOneShapeReadTheirOwnValues() {
        let shape = FieldShape(names: ["customer_id", "text", "owner"])
        let first = Record(dataset: .customers, file: "c.csv", line: 2, position: 1, shape: shape, values: ["C1", "a", "赵六"])
        let second = Record(dataset: .customers, file: "c.csv", line: 3, position: 2, shape: shape, values: ["C2", "", "钱七"])
        #expect(first.shape === second.shape)
        #expect(first["text"] == "a" && second["text"] == nil && second.has("text"))
        #expect(first.rep == "赵六" && second.customerId == "C2")
        // A field numbered after the shape was made is not one of its fields.
        #expect(second.value(number: FieldNumbers.number(of: "a field numbered later \(#line)")) == nil)
    }

    @Test func settingTheFieldsGivesTheRecordItsOwnShape() {
        let shape = FieldShape(names: ["recipient_type", "text"])
        let shared = Record(dataset: .messages, file: "m.csv", line: 2, position: 1, shape: shape, values: ["customer", "hi"])
        var changed = shared
        changed.fields["recipient_type"] = "internal"
        changed.fields["recipient"] = "a@b.example"
        #expect(shared["recipient_type"] == "customer" && !shared.has("recipient"))
        #expect(changed["recipient_type"] == "internal" && changed["recipient"] == "a@b.example" && changed["text"] == "hi")
        #expect(changed.shape !== shape)
    }
}

/// The white space of `trimmed` and `isBlank` is Unicode's, scalar for scalar.
@Suite struct WhiteSpaceTests {
    @Test func isSpaceIsUnicodeWhiteSpace() {
        var spaces = 0
        var disagreements: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if String.isSpace(scalar) != scalar.properties.isWhitespace { disagreements.append(value) }
            if String.isSpace(scalar) { spaces += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.map { String($0, radix: 16) })")
        #expect(spaces == 25)
        #expect("\u{3000} 保证\u{A0}".trimmed == "保证")
        // Values with a printable ASCII byte at both ends are returned as they are; any space at an end is trimmed.
        for (value, trimmed) in [
            ("CRM-2024-001", "CRM-2024-001"), (" CRM-2024-001", "CRM-2024-001"), ("CRM-2024-001\t", "CRM-2024-001"),
            ("A \u{3000}B", "A \u{3000}B"), ("\u{3000}A", "A"), ("A\u{3000}", "A"), ("~", "~"), ("!\n", "!"), ("", ""),
        ] {
            #expect(value.trimmed == trimmed, "\(value.debugDescription)")
        }
        #expect("\u{2028}\t".isBlank && !"\u{200B}".isBlank)
    }

    /// `isBlank` and `trimmed` answer from a value's end bytes when they can: whatever scalar starts or ends
    /// a value, the answer is the scalar-by-scalar one.
    @Test func endsReadFromBytesAreWhiteSpaceScalarByScalar() {
        var wrong: [UInt32] = []
        for value in UInt32(0)...0x10FFFF where value < 0x3100 || value % 97 == 0 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for tail in ["", " ", "\u{3000}", "x"] {
                let text = String(Character(scalar)) + tail
                if text.isBlank != text.unicodeScalars.allSatisfy(String.isSpace) { wrong.append(value) }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(20).map { String($0, radix: 16) })")
        // `trimmed` likewise answers from the end bytes when it can: the same as trimming scalar by scalar.
        func reference(_ text: String) -> String {
            let scalars = Array(text.unicodeScalars)
            guard let first = scalars.firstIndex(where: { !String.isSpace($0) }) else { return "" }
            let last = scalars.lastIndex(where: { !String.isSpace($0) })!
            return String(String.UnicodeScalarView(scalars[first...last]))
        }
        var untrimmed: [UInt32] = []
        for value in UInt32(0)...0x10FFFF where value < 0x3100 || value % 97 == 0 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let character = String(Character(scalar))
            for text in [character, "何" + character, character + "何", "a" + character, character + " a", "\u{3000}" + character] {
                if text.trimmed != reference(text) { untrimmed.append(value) }
            }
        }
        #expect(untrimmed.isEmpty, "\(untrimmed.prefix(20).map { String($0, radix: 16) })")
        #expect(!"保证".isBlank && !"A".isBlank && " ".isBlank && "\u{3000}".isBlank && "".isBlank)
    }
}

/// A record's identity is its dataset's identity field, read by number as by name.
@Suite struct RecordIdentityTests {
    @Test func identityIsTheIdentityFieldTrimmed() throws {
        for dataset in Dataset.allCases {
            let field = try #require(dataset.identityField)
            for value in ["  X1 ", "X2", "", " ", nil] as [String?] {
                var fields = ["text": "t", "id": "other", "customer_id": "other"]
                fields[field] = value
                let record = Record(dataset: dataset, file: "f.csv", line: 3, position: 2, fields: fields)
                let byName = record[field]?.trimmed
                let expected = byName?.isEmpty == false ? byName : nil
                #expect(record.identityValue == expected, "\(dataset) \(String(describing: value))")
                #expect(record.identity == expected ?? "2")
            }
        }
    }

    /// `hasText(number:)` answers what a copy of the value answers: present and not blank.
    @Test func hasTextIsAValueNotBlank() {
        let values = ["", " ", "\u{3000}", "\t\n", "a", " 保证 ", "\u{3000}x", "0"]
        let names = ["text", "notes", "rep"]
        for (index, value) in values.enumerated() {
            let record = Record(
                dataset: .messages, file: "m.csv", line: 2, position: 1,
                fields: ["text": value, "notes": values[(index + 3) % values.count]])
            for name in names {
                let number = FieldNumbers.number(of: name)
                #expect(
                    record.hasText(number: number) == !(record.value(number: number)?.isBlank ?? true), "\(name): \(value.debugDescription)"
                )
            }
            #expect(record.hasText(number: FieldNumbers.number(of: "text")) == (value.contains { !$0.isWhitespace }))
        }
    }
}
