/// The findings of a report, read in report order, perhaps more than once:
/// an array, or (for a scan with more findings than it keeps in memory) a
/// file the scan wrote them to. Reporters write from it, so a report of a
/// million findings never holds them all.
public protocol FindingSource {
    var count: Int { get }
    /// Calls `body` with each finding in order; fails only when stored findings cannot be read back.
    func forEachFinding(_ body: (Finding) throws -> Void) throws
    /// The first finding of each rule, in the order the rules first appear, when known without reading the
    /// findings (nil: read them). The SARIF reporter needs it before the results, to describe rules that only
    /// findings name; reading a million stored findings back for it was a fifth of writing SARIF.
    var firstOfEachRule: [Finding]? { get }
}

extension FindingSource {
    public var firstOfEachRule: [Finding]? { nil }

    /// `firstOfEachRule`, read from the findings when the source does not know it.
    public func firstFindingOfEachRule() throws -> [Finding] {
        if let known = firstOfEachRule { return known }
        var seen = Set<String>()
        var firsts: [Finding] = []
        try forEachFinding { finding in
            if seen.insert(finding.rule).inserted { firsts.append(finding) }
        }
        return firsts
    }
}

extension Array: FindingSource where Element == Finding {
    public func forEachFinding(_ body: (Finding) throws -> Void) throws { try forEach(body) }
}

extension FindingSource {
    /// Every finding in one array: for formats that need them all at once, and for small scans.
    public func allFindings() throws -> [Finding] {
        if let array = self as? [Finding] { return array }
        var all: [Finding] = []
        all.reserveCapacity(count)
        try forEachFinding { all.append($0) }
        return all
    }
}
