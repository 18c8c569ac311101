/// Hostile YAML for the tests of every strict-YAML entry point.
public enum HostileYAML {
    /// Nine levels of ten aliases each, used as a mapping key: 10^9 nodes once expanded.
    public static var aliasBomb: String {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n? *a8\n: x\n"
    }

    /// What every entry point says of it.
    public static let refusal = "refused: its anchors and aliases expand to more than 100000 YAML nodes"
}
