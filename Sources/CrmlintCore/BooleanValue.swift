/// Yes/no values as exports write them: `是/否`, `Y/N`, `true/false`, `1/0`, `√/×`.
public enum BooleanValue {
    private static let yes: Set<String> = ["是", "是的", "对", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔"]
    private static let no: Set<String> = ["否", "不是", "非", "无", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘"]

    /// True, false, or nil when the text is neither.
    public static func parse(_ text: String) -> Bool? {
        let key = ValueKey.make(text)
        if yes.contains(key) { return true }
        if no.contains(key) { return false }
        return nil
    }
}
