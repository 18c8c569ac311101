import CrmlintCore

/// A finding as compact bytes, for the findings a scan spills to disk
/// (`FindingSpool`): what JSON would hold, without keys or escaping, so
/// writing and reading back a million findings costs little next to the
/// report itself. Only this process reads it back; the layout is not a format.
enum FindingCodec {
    struct Unreadable: Error {}

    static func encode(_ finding: Finding, into out: inout [UInt8]) {
        string(finding.rule, &out)
        string(finding.category.rawValue, &out)
        string(finding.severity.rawValue, &out)
        string(finding.message, &out)
        string(finding.file, &out)
        integer(finding.line, &out)
        optional(finding.dataset?.rawValue, &out)
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

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Finding {
        var reader = Reader(bytes: bytes)
        let rule = try reader.string()
        guard let category = Category(rawValue: try reader.string()), let severity = Severity(rawValue: try reader.string())
        else { throw Unreadable() }
        let message = try reader.string(), file = try reader.string(), line = try reader.integer()
        let datasetName = try reader.optional()
        let dataset = try datasetName.map { name -> Dataset in
            guard let dataset = Dataset(rawValue: name) else { throw Unreadable() }
            return dataset
        }
        var finding = Finding(
            rule: rule, category: category, severity: severity, message: message, file: file, line: line, dataset: dataset,
            recordId: try reader.optional(), customerId: try reader.optional(), rep: try reader.optional(),
            tier: try reader.optional(), day: try reader.optional(), field: try reader.optional(),
            column: try reader.optionalInteger(), excerpt: try reader.optional(), fingerprint: "")
        finding.sheet = try reader.optional()
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
                        file: try reader.string(), line: try reader.integer(), recordId: try reader.optional(),
                        note: try reader.optional()))
            }
            finding.related = locations
        }
        guard reader.offset == bytes.count else { throw Unreadable() }
        return finding
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
        integer(value.utf8.count, &out)
        out.append(contentsOf: value.utf8)
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
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Unreadable() }
            defer { offset += 1 }
            return bytes[offset]
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

        mutating func string() throws -> String {
            let length = try integer()
            guard length >= 0, length <= bytes.count - offset else { throw Unreadable() }
            defer { offset += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        }

        mutating func optional() throws -> String? { try byte() == 0 ? nil : try string() }

        mutating func optionalInteger() throws -> Int? { try byte() == 0 ? nil : try integer() }
    }
}
