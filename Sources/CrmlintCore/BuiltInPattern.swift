import PatternEngine

extension Pattern {
    /// A pattern written into crmlint's own code (contact details, the redactor, time shapes),
    /// compiled and JIT-compiled on first use rather than when its type is first touched: a
    /// one-file scan that met no contact detail compiled all of them (2-3 % of its instructions).
    /// `captureCount` is the pattern's own (PCRE2 sizes match data by it);
    /// `BuiltInPatternTests` compiles every built-in pattern and checks the count given here.
    static func builtIn(_ source: String, options: Options = [], captureCount: Int) -> Pattern {
        Pattern(known: source, options: options, captureCount: captureCount)
    }
}
