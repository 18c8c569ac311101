/// The findings of a report, read in report order, perhaps more than once:
/// an array, or (for a scan with more findings than it keeps in memory) a
/// file the scan wrote them to. Reporters write from it, so a report of a
/// million findings never holds them all.
public protocol FindingSource {
    var count: Int { get }
    /// Calls `body` with each finding in order; fails only when stored findings cannot be read back.
    func forEachFinding(_ body: (Finding) throws -> Void) throws
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
