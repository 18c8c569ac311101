import PatternEngine

/// Load-time check for catastrophic backtracking: a pattern is run on short
/// texts of one character repeated (from a fixed set, and the letters and
/// Han characters of the pattern itself), then a character nothing matches
/// and the pattern's own characters. Nested repeats such as `(a+)+$` or `(\d+)*x` explode there
/// within 40 characters, so the pattern is rejected with a clear reason
/// before a scan spends the match limit on every record. Patterns that
/// explode only on text this misses are still stopped per record by the
/// PCRE2 limits at scan time.
enum PatternProbe {
    static let length = 40
    static let fixedCharacters: [Character] = ["a", "1", " ", "中", "x", ".", "-"]

    /// Why the pattern is rejected, or nil when every probe finished within the limits.
    static func problem(with pattern: Pattern, limits: MatchLimits = .default) -> String? {
        let scratch = MatchScratch(limits: limits)
        let prefix = literalPrefix(of: pattern.source)
        let own = ownCharacters(of: pattern.source)
        // The pattern's own characters after the stop, so that a character the
        // pattern requires (the x of `(\d+)*x`) is present and PCRE2 cannot skip the search.
        let tail = "\u{1}" + String(own)
        for character in fixedCharacters + own.filter({ !fixedCharacters.contains($0) }) {
            for lead in prefix.isEmpty ? [""] : ["", prefix] {
                let text = lead + String(repeating: character, count: length) + tail
                do {
                    _ = try pattern.matches(text, scratch: scratch)
                } catch {
                    let shown = lead + String(repeating: character, count: 3) + "…"
                    return
                        "pattern '\(pattern.source)' backtracks catastrophically: on a \(text.count)-character text ('\(shown)') it hit PCRE2's limit (\(error)); rewrite nested repeats such as (a+)+ as a+"
                }
            }
        }
        return nil
    }

    static let meta: Set<Character> = ["\\", "(", ")", "[", "]", "{", "}", ".", "*", "+", "?", "|", "^", "$"]

    /// Up to eight distinct characters of the pattern that are not regex syntax or white space.
    static func ownCharacters(of source: String) -> [Character] {
        var result: [Character] = []
        for character in source where !meta.contains(character) && !character.isWhitespace && !result.contains(character) {
            if result.count >= 8 { break }
            result.append(character)
        }
        return result
    }

    /// The literal text a pattern starts with (`客户说` of `客户说(a+)+$`), so
    /// probes get past a required prefix.
    static func literalPrefix(of source: String) -> String {
        var prefix = ""
        for character in source {
            if meta.contains(character) {
                // A quantifier applies to the last literal character, which is then not required.
                if character == "*" || character == "+" || character == "?" || character == "{" { _ = prefix.popLast() }
                break
            }
            prefix.append(character)
        }
        return prefix
    }
}
