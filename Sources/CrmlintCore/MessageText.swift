/// Rule messages as written in the rule files are templates
/// (`tier {tier} customer contacted on {count} days`); where a message stands
/// for the rule rather than one finding (a dashboard's rule list), the
/// placeholders are shown in a generic form instead of raw braces.
public enum MessageText {
    /// Placeholders that stand for a number read as N; the others as `…`.
    static let numbers: Set<String> = ["count", "max"]

    /// `联系过频 — tier {tier} customer contacted on {count} days from {from} to {to}` →
    /// `联系过频 — tier … customer contacted on N days from … to …`. Placeholders side by
    /// side (`{field} {problem}`) become one `…`.
    public static func generic(_ template: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"), isName(rest[afterOpen..<close]) else {
                out += "{"
                rest = rest[afterOpen...]
                continue
            }
            let shown = numbers.contains(String(rest[afterOpen..<close])) ? "N" : "…"
            if shown == "…", out.hasSuffix("… ") || out.hasSuffix("…") {
                out = String(out.reversed().drop { $0 == " " }.reversed())
            } else {
                out += shown
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
