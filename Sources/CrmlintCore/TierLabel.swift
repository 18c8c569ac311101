/// Customer tier labels as exports write them: `A`, `a`, `A类`, `A级客户`,
/// `Tier A`, `A-tier`. Which tiers exist is policy (YAML); this only
/// removes the decoration around the letter.
public enum TierLabel {
    private static let decorations = ["客户", "客戶", "类", "類", "级", "級", "等", "tier", "level", "grade", "-", "_", ":", "："]

    /// The bare label, uppercased (`A类客户` → `A`); nil for an empty value.
    public static func parse(_ text: String) -> String? {
        var label = text.precomposedStringWithCompatibilityMapping.lowercased()
        label.removeAll { $0.isWhitespace }
        for decoration in decorations { label = label.replacingOccurrences(of: decoration, with: "") }
        return label.isEmpty ? nil : label.uppercased()
    }
}
