/// Another place a finding involves (e.g. the earlier calls of a customer-day).
public struct RelatedLocation: Codable, Equatable, Hashable, Sendable {
    public var file: String
    public var line: Int
    public var recordId: String?
    public var note: String?

    public init(file: String, line: Int, recordId: String? = nil, note: String? = nil) {
        self.file = file
        self.line = line
        self.recordId = recordId
        self.note = note
    }
}

/// One violation. Everything a report needs is here; reporters never go back
/// to the data. `excerpt` is always redacted before it is stored.
public struct Finding: Codable, Equatable, Hashable, Sendable {
    public var rule: String
    public var category: Category
    public var severity: Severity
    public var message: String
    public var file: String
    public var line: Int
    public var dataset: Dataset?
    public var recordId: String?
    public var customerId: String?
    public var rep: String?
    public var tier: String?
    /// Calendar day (YYYY-MM-DD, scan time zone) of the event, where known.
    public var day: String?
    public var field: String?
    /// 1-based character column of the hit inside the field's value.
    public var column: Int?
    public var excerpt: String?
    /// For a workbook (.xlsx): the sheet the record is on, and the cell of
    /// `field` (`C12`) when the finding names one.
    public var sheet: String?
    public var cell: String?
    public var fingerprint: String
    public var related: [RelatedLocation]?
    /// For a rule reported by group (`aggregate`): how many records the
    /// finding stands for (it shows the first; the others are under `related`).
    public var occurrences: Int?

    public init(
        rule: String, category: Category, severity: Severity, message: String, file: String, line: Int,
        dataset: Dataset? = nil, recordId: String? = nil, customerId: String? = nil, rep: String? = nil,
        tier: String? = nil, day: String? = nil, field: String? = nil, column: Int? = nil,
        excerpt: String? = nil, fingerprint: String, related: [RelatedLocation]? = nil
    ) {
        self.rule = rule
        self.category = category
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.dataset = dataset
        self.recordId = recordId
        self.customerId = customerId
        self.rep = rep
        self.tier = tier
        self.day = day
        self.field = field
        self.column = column
        self.excerpt = excerpt
        self.fingerprint = fingerprint
        self.related = related
    }

    /// Report order: by file, line, rule, field, column, fingerprint. (Inlinable: called across modules, a
    /// finding lent from an array or a buffer was copied whole, a dozen strings, to be compared.)
    @inlinable public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in reportOrder(a, b) } }
    }

    /// `reportOrder` of two findings in memory, read in place (the one definition of the order): handing a
    /// finding stored behind a pointer to `reportOrder` copied it first (a dozen strings retained, then
    /// released: ~1,500 instructions a comparison, most of merging the spilled runs of a scan with 33,000 findings).
    @inlinable public static func reportOrder(_ a: UnsafePointer<Finding>, _ b: UnsafePointer<Finding>) -> Bool {
        if a.pointee.file != b.pointee.file { return a.pointee.file < b.pointee.file }
        if a.pointee.line != b.pointee.line { return a.pointee.line < b.pointee.line }
        if a.pointee.rule != b.pointee.rule { return a.pointee.rule < b.pointee.rule }
        let fieldA = a.pointee.field ?? "", fieldB = b.pointee.field ?? ""
        if fieldA != fieldB { return fieldA < fieldB }
        let columnA = a.pointee.column ?? 0, columnB = b.pointee.column ?? 0
        if columnA != columnB { return columnA < columnB }
        return a.pointee.fingerprint < b.pointee.fingerprint
    }
}

/// Stable content fingerprints: FNV-1a 64 over the parts that identify a
/// finding (rule, record identity, matched content), never the line number,
/// so baselines survive rows moving. Not a security hash; collisions only
/// merge two findings in a baseline diff.
public enum Fingerprint {
    public static func make(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        // Sixteen lower-case hex digits written at once (`String(radix:)` then padding it was ~1,500
        // instructions a finding).
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for position in 0..<16 { buffer[position] = hexDigits[Int(truncatingIfNeeded: hash >> UInt64(60 - 4 * position)) & 0xF] }
            return 16
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
