/// "Did you mean …?" for names people type: rule ids, categories, keys of
/// rule and settings files, option values.
public enum Suggestion {
    /// The known name closest to `name` by edit distance, when it is close
    /// enough to be a slip (a third of the name's length, at least one edit:
    /// `pattern` → `patterns`, `kickbak` → `kickback`), or when exactly one
    /// known name starts with it (`warn` → `warning`), or the last dotted part
    /// of exactly one known name is that close to it (`kickbak` →
    /// `conduct.kickback`). Nil otherwise.
    public static func closest(to name: String, among known: [String]) -> String? {
        let typed = Array(name.lowercased())
        guard !typed.isEmpty else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in Set(known) where candidate != name {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        if let best, best.distance <= max(1, typed.count / 3) { return best.name }
        // A name cut short (`warn` for `warning`): one known name starts with it.
        let starts = Set(known).filter { typed.count >= 3 && $0.lowercased().hasPrefix(name.lowercased()) }
        if starts.count == 1 { return starts.first }
        // `kickbak` for `conduct.kickback`: one name whose last dotted part is (nearly) the word typed.
        var closestEnding: (names: [String], distance: Int) = ([], Int.max)
        for candidate in Set(known) {
            guard let dot = candidate.lastIndex(of: "."), candidate.index(after: dot) < candidate.endIndex else { continue }
            let distance = editDistance(typed, Array(candidate[candidate.index(after: dot)...].lowercased()))
            if distance < closestEnding.distance {
                closestEnding = ([candidate], distance)
            } else if distance == closestEnding.distance {
                closestEnding.names.append(candidate)
            }
        }
        if closestEnding.names.count == 1, closestEnding.distance <= max(1, typed.count / 3) {
            return closestEnding.names[0]
        }
        return nil
    }

    /// ` (did you mean 'x'?)`, or nothing.
    public static func hint(for name: String, among known: [String]) -> String {
        closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// `unknown format 'xlsx'; expected one of text, json, …` — with a suggestion when one is close.
    public static func unknown(_ what: String, _ value: String, expected: [String]) -> String {
        "unknown \(what) '\(value)'\(hint(for: value, among: expected)); expected one of \(expected.joined(separator: ", "))"
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], before[j - 2] + 1) }
            }
            before = previous
            previous = current
        }
        return previous[b.count]
    }
}
