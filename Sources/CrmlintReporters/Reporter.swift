import CrmlintCore

/// Turns a finished scan into bytes of one format. One reporter, one file.
public protocol Reporter {
    static var formatName: String { get }
    func render(_ report: ScanReport) -> String
}

public enum Reporters {
    public static let all: [Reporter.Type] = [
        TextReporter.self, JSONReporter.self, SARIFReporter.self, JSONLinesReporter.self, CSVReporter.self, JUnitReporter.self,
        GitHubReporter.self,
    ]
}
