/// Customer tier labels as exports write them: `A`, `a`, `A类`, `A级客户`,
/// `Tier A`, `A-tier`. Which tiers exist is policy (YAML); this only
/// removes the decoration around the letter.
public enum TierLabel {
    private static let decorations: [[Unicode.Scalar]] = [
        "客户", "客戶", "类", "類", "级", "級", "等", "tier", "level", "grade", "-", "_", ":", "：",
    ]
    .map { Array($0.unicodeScalars) }

    /// The bare label, uppercased (`A类客户` → `A`); nil for an empty value.
    public static func parse(_ text: String) -> String? {
        let scalars = Array(ValueKey.make(text).unicodeScalars)
        var label = String.UnicodeScalarView()
        var index = 0
        scan: while index < scalars.count {
            for decoration in decorations
            where index + decoration.count <= scalars.count
                && scalars[index..<index + decoration.count].elementsEqual(decoration)
            {
                index += decoration.count
                continue scan
            }
            label.append(scalars[index])
            index += 1
        }
        return label.isEmpty ? nil : String(label).uppercased()
    }
}
