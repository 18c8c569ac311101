import CrmlintCore
import Foundation

/// A finding as compact bytes, for the findings a scan spills to disk
/// (`FindingSpool`): what JSON would hold, without keys or escaping, so
/// writing and reading back a million findings costs little next to the
/// report itself. Only this process reads it back; the layout is not a format.
enum FindingCodec {
    struct Unreadable: Error {}

    static func encode(_ finding: Finding, into out: inout [UInt8]) {
        string(finding.rule, &out)
        // Enumerations by case number: read back by name, a switch over the names cost ~800 instructions (categories).
        out.append(caseNumber(finding.category, in: categories))
        out.append(caseNumber(finding.severity, in: severities))
        string(finding.message, &out)
        string(finding.file, &out)
        integer(finding.line, &out)
        out.append(finding.dataset.map { caseNumber($0, in: datasets) } ?? noCase)
        optional(finding.recordId, &out)
        optional(finding.customerId, &out)
        optional(finding.rep, &out)
        optional(finding.tier, &out)
        optional(finding.day, &out)
        optional(finding.field, &out)
        optionalInteger(finding.column, &out)
        optional(finding.excerpt, &out)
        optional(finding.sheet, &out)
        optional(finding.cell, &out)
        string(finding.fingerprint, &out)
        optionalInteger(finding.occurrences, &out)
        if let related = finding.related {
            integer(related.count + 1, &out)
            for location in related {
                string(location.file, &out)
                integer(location.line, &out)
                optional(location.recordId, &out)
                optional(location.note, &out)
            }
        } else {
            integer(0, &out)
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Finding { try decode(bytes, recent: nil) }

    /// `recent`: the strings of the findings decoded before, reused where the bytes are the same (see `RecentStrings`).
    static func decode(_ bytes: UnsafeRawBufferPointer, recent: RecentStrings?) throws -> Finding {
        var reader = Reader(bytes: bytes, recent: recent)
        let rule = try reader.string(slot: 0)
        let category = try reader.caseOf(categories), severity = try reader.caseOf(severities)
        let message = try reader.string(slot: 1), file = try reader.string(slot: 2), line = try reader.integer()
        let datasetNumber = try reader.byte()
        let dataset = datasetNumber == noCase ? nil : try Reader.case(datasetNumber, of: datasets)
        var finding = Finding(
            rule: rule, category: category, severity: severity, message: message, file: file, line: line, dataset: dataset,
            recordId: try reader.optional(), customerId: try reader.optional(slot: 3), rep: try reader.optional(slot: 4),
            tier: try reader.optional(slot: 5), day: try reader.optional(slot: 6), field: try reader.optional(slot: 7),
            column: try reader.optionalInteger(), excerpt: try reader.optional(), fingerprint: "")
        finding.sheet = try reader.optional(slot: 8)
        finding.cell = try reader.optional()
        finding.fingerprint = try reader.string()
        finding.occurrences = try reader.optionalInteger()
        let related = try reader.integer()
        if related > 0 {
            var locations: [RelatedLocation] = []
            locations.reserveCapacity(related - 1)
            for _ in 1..<related {
                locations.append(
                    RelatedLocation(
                        file: try reader.string(slot: 9), line: try reader.integer(), recordId: try reader.optional(),
                        note: try reader.optional(slot: 10)))
            }
            finding.related = locations
        }
        guard reader.offset == bytes.count else { throw Unreadable() }
        return finding
    }

    /// Per field that often repeats from one finding to the next (rule, message, file, customer, day, ...),
    /// the last value decoded and its bytes: read back in report order, neighbours share most of them,
    /// and making each string again (validating its UTF-8, a heap copy for most) was a third of decoding.
    final class RecentStrings {
        static let slots = 11
        /// Per slot, its last value's bytes (`capacities` allocated) and length, and the value; raw memory
        /// read per field of every finding (arrays of arrays cost an access check and a generic append each).
        private let stored = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: slots)
        private let capacities = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        private let lengths = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        @exclusivity(unchecked) private var values = [String?](repeating: nil, count: slots)

        init() {
            stored.initialize(repeating: nil, count: Self.slots)
            capacities.initialize(repeating: 0, count: Self.slots)
            lengths.initialize(repeating: -1, count: Self.slots)
        }

        deinit {
            for slot in 0..<Self.slots { free(stored[slot]) }
            stored.deallocate()
            capacities.deallocate()
            lengths.deallocate()
        }

        func string(slot: Int, _ raw: UnsafeRawBufferPointer) -> String {
            let count = raw.count
            if lengths[slot] == count, count == 0 || memcmp(stored[slot]!, raw.baseAddress!, count) == 0, let value = values[slot] {
                return value
            }
            let value = String(decoding: raw, as: UTF8.self)
            if capacities[slot] < count {
                free(stored[slot])
                capacities[slot] = max(count, 64)
                stored[slot] = malloc(capacities[slot])
            }
            if count > 0 { memcpy(stored[slot]!, raw.baseAddress!, count) }
            lengths[slot] = count
            values[slot] = value
            return value
        }
    }

    /// The enumerations' cases, numbered as the bytes store them (each has far fewer than `noCase`).
    private static let categories = Category.allCases, severities = Severity.allCases, datasets = Dataset.allCases
    /// The byte of an absent dataset.
    private static let noCase: UInt8 = 0xFF

    private static func caseNumber<Case: Equatable>(_ value: Case, in cases: [Case]) -> UInt8 {
        // A byte: an enumeration of `noCase` cases or more would need another layout (they have 4 to ~30).
        precondition(cases.count < Int(noCase), "too many cases for a byte")
        return UInt8(truncatingIfNeeded: cases.firstIndex(of: value)!)
    }

    private static func integer(_ value: Int, _ out: inout [UInt8]) {
        // Zig-zag, then seven bits a byte: lines and counts take one or two bytes.
        var rest = UInt64(bitPattern: Int64(value << 1) ^ Int64(value >> 63))
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func string(_ value: String, _ out: inout [UInt8]) {
        // Through `withUTF8`: appending the UTF-8 view took the generic sequence path.
        var copy = value
        copy.withUTF8 { bytes in
            integer(bytes.count, &out)
            out.append(contentsOf: bytes)
        }
    }

    private static func optional(_ value: String?, _ out: inout [UInt8]) {
        guard let value else { return out.append(0) }
        out.append(1)
        string(value, &out)
    }

    private static func optionalInteger(_ value: Int?, _ out: inout [UInt8]) {
        guard let value else { return out.append(0) }
        out.append(1)
        integer(value, &out)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        let recent: RecentStrings?
        var offset = 0

        init(bytes: UnsafeRawBufferPointer, recent: RecentStrings?) {
            self.bytes = bytes
            self.recent = recent
        }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Unreadable() }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// The case numbered by the next byte.
        mutating func caseOf<Case>(_ cases: [Case]) throws -> Case { try Self.case(try byte(), of: cases) }

        static func `case`<Case>(_ number: UInt8, of cases: [Case]) throws -> Case {
            guard Int(number) < cases.count else { throw Unreadable() }
            return cases[Int(number)]
        }

        mutating func integer() throws -> Int {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try byte()
                guard shift < 64 else { throw Unreadable() }
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            let signed = Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
            return Int(signed)
        }

        /// `slot`: the field's place in `recent` (nil: a value that seldom repeats, made every time).
        mutating func string(slot: Int? = nil) throws -> String {
            let length = try integer()
            guard length >= 0, length <= bytes.count - offset else { throw Unreadable() }
            defer { offset += length }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
            if let slot, let recent { return recent.string(slot: slot, raw) }
            return String(decoding: raw, as: UTF8.self)
        }

        mutating func optional(slot: Int? = nil) throws -> String? { try byte() == 0 ? nil : try string(slot: slot) }

        mutating func optionalInteger() throws -> Int? { try byte() == 0 ? nil : try integer() }
    }
}
