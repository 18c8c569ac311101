import Foundation

/// Field text as rules see it, with a map back to the original.
///
/// Rules match `bytes` (UTF-8): NFKC-folded (full-width forms to ASCII),
/// zero-width characters removed, Traditional Chinese mapped to Simplified,
/// and separators typed between two Han characters (`零 故 障`, `零-故障`)
/// removed. `origins[i]` is the index, in Unicode scalars of the original,
/// of the scalar that produced normalised byte `i`, so findings point at what
/// the user wrote.
public struct NormalizedText: Sendable {
    public let original: String
    public let bytes: [UInt8]
    /// One entry per normalised byte, plus a final entry: the original's scalar count.
    public let origins: [Int32]

    /// Original scalar range covered by a normalised byte range.
    public func originalScalarRange(of byteRange: Range<Int>) -> Range<Int> {
        let lower = Int(origins[min(byteRange.lowerBound, origins.count - 1)])
        guard byteRange.upperBound > byteRange.lowerBound else { return lower..<lower }
        let upper = Int(origins[min(byteRange.upperBound - 1, origins.count - 1)]) + 1
        return lower..<max(upper, lower)
    }

    /// The normalised text of a byte range (for fingerprints and captures).
    public func normalizedString(_ byteRange: Range<Int>) -> String {
        String(decoding: bytes[byteRange], as: UTF8.self)
    }
}

/// Normalises field text for matching. Keeps a per-scalar cache, so it is
/// not thread-safe: use one per worker thread.
public final class TextNormalizer {
    private enum Kind: UInt8 { case other, han, separator, dropped }
    private struct Mapped {
        let bytes: [UInt8]
        let kind: Kind
    }

    private var cache: [UInt32: Mapped] = [:]

    public init() {}

    public func normalize(_ text: String) -> NormalizedText {
        var out: [UInt8] = []
        var origins: [Int32] = []
        out.reserveCapacity(text.utf8.count)
        origins.reserveCapacity(text.utf8.count + 1)
        // Separators seen after a Han character, held until we know whether
        // another Han character follows (then they are dropped).
        var pendingBytes: [UInt8] = []
        var pendingOrigins: [Int32] = []
        var lastWasHan = false
        var index: Int32 = 0

        func flushPending() {
            out.append(contentsOf: pendingBytes)
            origins.append(contentsOf: pendingOrigins)
            pendingBytes.removeAll(keepingCapacity: true)
            pendingOrigins.removeAll(keepingCapacity: true)
        }

        for scalar in text.unicodeScalars {
            defer { index += 1 }
            let mapped = map(scalar)
            switch mapped.kind {
            case .dropped:
                continue
            case .separator where lastWasHan:
                pendingBytes.append(contentsOf: mapped.bytes)
                pendingOrigins.append(contentsOf: repeatElement(index, count: mapped.bytes.count))
                continue
            case .han:
                if lastWasHan {
                    pendingBytes.removeAll(keepingCapacity: true)
                    pendingOrigins.removeAll(keepingCapacity: true)
                } else {
                    flushPending()
                }
                lastWasHan = true
            case .separator, .other:
                flushPending()
                lastWasHan = false
            }
            out.append(contentsOf: mapped.bytes)
            origins.append(contentsOf: repeatElement(index, count: mapped.bytes.count))
        }
        flushPending()
        origins.append(index)
        return NormalizedText(original: text, bytes: out, origins: origins)
    }

    private func map(_ scalar: Unicode.Scalar) -> Mapped {
        let value = scalar.value
        if value < 0x80 {
            return Mapped(bytes: [UInt8(value)], kind: Self.isSeparator(value) ? .separator : .other)
        }
        if let hit = cache[value] { return hit }
        let mapped = compute(scalar)
        cache[value] = mapped
        return mapped
    }

    private func compute(_ scalar: Unicode.Scalar) -> Mapped {
        if Self.zeroWidth.contains(scalar.value) { return Mapped(bytes: [], kind: .dropped) }
        var text = String(scalar).precomposedStringWithCompatibilityMapping
        if let first = text.unicodeScalars.first, Self.isHan(first.value),
           let simplified = text.applyingTransform(StringTransform("Hant-Hans"), reverse: false) {
            text = simplified
        }
        let scalars = Array(text.unicodeScalars)
        let kind: Kind
        if scalars.count == 1, Self.isSeparator(scalars[0].value) {
            kind = .separator
        } else if let first = scalars.first, Self.isHan(first.value) {
            kind = .han
        } else {
            kind = .other
        }
        return Mapped(bytes: Array(text.utf8), kind: kind)
    }

    static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E]

    static func isSeparator(_ value: UInt32) -> Bool {
        switch value {
        case 0x20, 0x09, 0x2D, 0x5F, 0x2A, 0x2E, 0x2F, 0x7C, 0x7E: true   // space tab - _ * . / | ~
        case 0x00B7, 0x30FB, 0x2014, 0x2013, 0x2015, 0x2022, 0x3000, 0x00A0: true  // · ・ — – ― • ideographic space, nbsp
        default: false
        }
    }

    public static func isHan(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x20000...0x2EBEF).contains(value)
    }
}
