/// The spans a pattern rule has kept so far in one field, asked for every new
/// hit whether one of them already covers it. Asking every kept span made a
/// long field with many hits quadratic (a megabyte of one promise repeated:
/// 30,000 hits asking 30,000 spans each); the answer is the same.
///
/// Spans are kept in runs of ascending starts (a rule's hits mostly come in
/// text order, entry after entry): a run is searched by bisection, then back
/// only as far as its longest span reaches.
struct KeptSpans {
    private struct Run {
        var spans: [Range<Int>] = []
        var longest = 0
    }

    private var runs: [Run] = []

    /// Whether a kept span holds `span` whole; `unlessEqual`: one equal to it does not count.
    func covers(_ span: Range<Int>, unlessEqual: Bool) -> Bool {
        for run in runs {
            // The last span starting at or before `span`, then back while a span could still reach its end.
            var low = 0
            var high = run.spans.count
            while low < high {
                let middle = (low + high) / 2
                if run.spans[middle].lowerBound <= span.lowerBound { low = middle + 1 } else { high = middle }
            }
            var index = low - 1
            while index >= 0, run.spans[index].lowerBound + run.longest >= span.upperBound {
                let kept = run.spans[index]
                if span.upperBound <= kept.upperBound, !(unlessEqual && kept == span) { return true }
                index -= 1
            }
        }
        return false
    }

    mutating func append(_ span: Range<Int>) {
        if runs.isEmpty || runs[runs.count - 1].spans.last!.lowerBound > span.lowerBound { runs.append(Run()) }
        runs[runs.count - 1].spans.append(span)
        runs[runs.count - 1].longest = max(runs[runs.count - 1].longest, span.count)
    }
}
