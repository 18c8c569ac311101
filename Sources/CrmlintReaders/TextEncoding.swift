import CrmlintCore
import Foundation

/// Encodings crmlint decodes. UTF-8 is the default; GB18030 (a superset of
/// GBK) is what Excel on Chinese Windows writes for "CSV".
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// The names messages offer (other spellings are accepted too).
    public static let names = allCases.map(\.rawValue)

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
            return Self.validUTF8(bytes)
        case .gb18030:
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return String(data: Data(bytes), encoding: Self.foundationGB18030)
        }
    }

    /// `String(validUTF8:)` for any collection of bytes (the fields the readers hand over are contiguous).
    static func validUTF8<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable({ String(validUTF8: $0) }) { return text }
        return String(validUTF8: Array(bytes))
    }

    /// True for bytes that are valid UTF-8 holding Chinese and nothing but
    /// ASCII and CJK characters and punctuation: UTF-8 Chinese mislabelled as
    /// GB18030. GB18030 text is almost never valid UTF-8 at all, and when a
    /// short run is, it decodes to scattered Cyrillic, Arabic or private-use
    /// characters, not to Chinese.
    public static func looksLikeUTF8Chinese<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard bytes.contains(where: { $0 >= 0x80 }), let text = validUTF8(bytes) else { return false }
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
}
