import Foundation

/// Encodings crmlint decodes. UTF-8 is the default; GB18030 (a superset of
/// GBK) is what Excel on Chinese Windows writes for "CSV".
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// Accepts common spellings: utf8, UTF-8, gbk, gb2312, gb18030, cp936.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8", "utf8bom", "utf8sig": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "936": self = .gb18030
        default: return nil
        }
    }

    private static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Decodes one field; nil when the bytes are not valid in this encoding.
    public func decode<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        switch self {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .gb18030:
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return String(data: Data(bytes), encoding: Self.foundationGB18030)
        }
    }

    /// Guesses from a sample at the start of a file: valid UTF-8 (a cut
    /// multi-byte sequence at the very end is allowed) means UTF-8; else the
    /// lines with non-ASCII bytes vote, valid UTF-8 against valid GB18030, and
    /// UTF-8 wins a tie. A file whose rows mix both (exports pasted together)
    /// is read in the encoding of most of them; the other rows then fail one
    /// by one, each with a hint.
    public static func sniff(_ sample: [UInt8]) -> TextEncoding {
        if isValidUTF8Prefix(sample) { return .utf8 }
        var utf8Votes = 0, gbVotes = 0
        let complete = sample.prefix(lastLineBreak(sample))
        for line in complete.split(separator: 0x0A) where line.contains(where: { $0 >= 0x80 }) {
            if String(validating: line, as: UTF8.self) != nil { utf8Votes += 1 }
            else if TextEncoding.gb18030.decode(line) != nil { gbVotes += 1 }
        }
        return gbVotes > utf8Votes ? .gb18030 : .utf8
    }

    /// True for bytes that are valid UTF-8 holding Chinese and nothing but
    /// ASCII and CJK characters and punctuation: UTF-8 Chinese mislabelled as
    /// GB18030. GB18030 text is almost never valid UTF-8 at all, and when a
    /// short run is, it decodes to scattered Cyrillic, Arabic or private-use
    /// characters, not to Chinese.
    public static func looksLikeUTF8Chinese<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard bytes.contains(where: { $0 >= 0x80 }), let text = String(validating: bytes, as: UTF8.self) else { return false }
        var han = false
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            switch scalar.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF: han = true
            case 0x2000...0x206F, 0x3000...0x303F, 0xFF00...0xFFEF, 0x00B7, 0x00D7: continue
            default: return false
            }
        }
        return han
    }

    static func lastLineBreak(_ sample: [UInt8]) -> Int {
        if let index = sample.lastIndex(of: 0x0A) { return index + 1 }
        return sample.count
    }

    static func isValidUTF8Prefix(_ sample: [UInt8]) -> Bool {
        if String(validating: sample, as: UTF8.self) != nil { return true }
        // Allow a sequence cut by the sample's end.
        for cut in 1...3 where sample.count > cut {
            if String(validating: sample.dropLast(cut), as: UTF8.self) != nil,
               sample.suffix(cut).allSatisfy({ $0 >= 0x80 }) { return true }
        }
        return false
    }
}
