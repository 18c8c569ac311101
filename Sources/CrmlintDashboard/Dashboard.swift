import CrmlintCore
import CrmlintReporters
import Foundation

/// The library entry point of `crmlint dashboard`: findings documents in,
/// one self-contained HTML page out.
public enum Dashboard {
    /// Reads and decodes findings documents, then renders the page.
    public static func build(paths: [String], rules: [String: RuleText] = [:]) throws -> String {
        let results = loadAll(paths)
        var reports: [LoadedReport] = []
        var errors: [CrmlintError] = []
        for result in results {
            switch result {
            case let .success(report): reports.append(report)
            case let .failure(error): errors.append(error)
            }
        }
        if let error = CrmlintError.combine(errors) { throw error }
        return DashboardPage.render(DashboardModel(reports: reports, rules: rules))
    }

    /// Decodes the reports side by side: decoding is most of the run time
    /// (a 50 MB, 100,000-finding report takes seconds), and nightly reports
    /// are independent.
    static func loadAll(_ paths: [String]) -> [Result<LoadedReport, CrmlintError>] {
        final class Slots: @unchecked Sendable {
            private let lock = NSLock()
            private var results: [Result<LoadedReport, CrmlintError>?]
            init(_ count: Int) { results = Array(repeating: nil, count: count) }
            func set(_ index: Int, _ result: Result<LoadedReport, CrmlintError>) { lock.lock(); results[index] = result; lock.unlock() }
            var all: [Result<LoadedReport, CrmlintError>] { results.map { $0! } }
        }
        let slots = Slots(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                slots.set(index, .success(try load(path: paths[index])))
            } catch let error as CrmlintError {
                slots.set(index, .failure(error))
            } catch {
                slots.set(index, .failure(.input(path: paths[index], reason: "cannot read file")))
            }
        }
        return slots.all
    }

    /// One findings document (`-` reads standard input); see `FindingsDocument`.
    public static func load(path: String) throws -> LoadedReport {
        LoadedReport(path: path, report: try FindingsDocument.load(path: path))
    }
}
