/// The comparable form of a short export value (a channel, a direction, yes/no,
/// an amount): full-width ASCII folded to ASCII (`ＰＨＯＮＥ`, `１２０万`, `￥`),
/// ASCII letters lowercased, white space removed. Hand-written rather than
/// Foundation's NFKC because it runs several times per record on millions of
/// records, and these values need nothing else NFKC does.
public enum ValueKey {
    public static func make(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var value = scalar.value
            switch value {
            case 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000: continue
            case 0xFF01...0xFF5E: value -= 0xFEE0
            case 0xFFE5: value = 0xA5 // ￥ → ¥
            default: break
            }
            if value >= 0x41 && value <= 0x5A { value += 0x20 }
            out.append(Unicode.Scalar(value) ?? scalar)
        }
        return String(out)
    }
}

extension String {
    /// NFKC, skipped when the text cannot change under it (ASCII and CJK
    /// unified ideographs only — the common case for times and ids).
    public var compatibilityFolded: String {
        for scalar in unicodeScalars where scalar.value >= 0x80 && !(0x4E00...0x9FFF).contains(scalar.value) {
            return precomposedStringWithCompatibilityMapping
        }
        return self
    }
}
