import CrmlintCore
import Foundation

/// `kind: frequency` — more than `max` matching contacts per customer in one
/// calendar window.
public struct FrequencyRule: DatasetExampleRule, RuleKind {
    public static let name = "frequency"
    public static let summary = """
        Counts each customer's contacts matching `events` (datasets, channels, direction; default outbound) per \
        calendar `window` (day, week from Monday, or month) in the scan's time zone, and reports a window with more \
        than `max` of them: one finding per customer and window, at the contact that crossed the limit, with the \
        others of the window as related locations. Placeholders: {count} {max} {window}.
        """

    enum Window: String { case day, week, month }

    public let metadata: RuleMetadata
    let events: EventFilter
    let window: Window
    public let max: Int
    let message: MessageTemplate
    public let datasetExamples: DatasetExamples

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var events = EventFilter(datasets: EventFilter.contactDatasets, channels: nil, direction: .outbound, text: nil)
        if let keys = definition.nested("events", required: true) {
            events = EventFilter.read(keys, defaultDirection: .outbound)
            if events.text != nil { keys.fail("'events.text' is not supported by kind frequency") }
            keys.finish()
        }
        if let per = definition.string("per"), per != "customer" {
            definition.fail("per", "'per' must be customer (the only key counted today)")
        }
        let windowText = definition.string("window") ?? "day"
        let window = Window(rawValue: windowText)
        if window == nil { definition.fail("window", "'window' must be day, week or month, not '\(windowText)'") }
        let max = definition.int("max", required: true)
        if let max, max < 0 { definition.fail("max", "'max' must be 0 or more") }
        let message = definition.template(metadata, allowed: ["count", "max", "window"])
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        guard let window, let max else { return nil }
        return FrequencyRule(
            metadata: metadata, events: events, window: window, max: max, message: message,
            datasetExamples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    /// The first day of the window holding `seconds` (day number): the window's key.
    func windowStart(of seconds: Int64, _ timeZone: TimeZone) -> Int64 {
        let day = Instant.dayNumber(seconds, timeZone)
        switch window {
        case .day:
            return day
        case .week:
            // 1970-01-01 was a Thursday; weeks start on Monday.
            return day - ((day + 3) % 7 + 7) % 7
        case .month:
            return day - Int64(CivilDate.civil(day).2 - 1)
        }
    }

    /// The label of the window starting on day `start` (`2024-03-15`, `week of 2024-03-11`, `2024-03`). Made only
    /// for a window with a finding: making it for every contact was 1 % of a messages scan.
    func windowLabel(_ start: Int64) -> String {
        switch window {
        case .day:
            return Instant.dayString(start)
        case .week:
            return "week of " + Instant.dayString(start)
        case .month:
            let (year, month, _) = CivilDate.civil(start)
            return CivilDate.padded(year, 4) + "-" + CivilDate.padded(month, 2)
        }
    }

    final class Checker: RuleChecker {
        let rule: FrequencyRule
        @exclusivity(unchecked) private var logHold = ContactLogHold()
        /// The contacts this rule counts, in reading order. `finish` groups just these: walking every
        /// customer's whole log (every contact, in time order, so each read of its columns missed the
        /// cache) to pick them out was most of this rule's finish, on the scan's serial tail.
        private var counted: [Int32] = []

        init(rule: FrequencyRule) { self.rule = rule }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            logHold.with(context) { log in check(record, context: context, emit: emit, log: log) }
        }

        private func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void, log: ContactLog) {
            guard let index = log.answered(record) ?? log.add(record, context: context, rule: rule.metadata, emit: emit),
                rule.events.matches(log, index)
            else {
                return
            }
            counted.append(Int32(truncatingIfNeeded: index))
        }

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            guard let log = logHold.log else { return }
            // Per customer (in customer order, as the log numbers them), each one's counted contacts earliest first,
            // ties in reading order: the order `log.events(of:)` gives. By counting (a comparison sort of the counted
            // contacts, reading the log's columns per comparison, cost more than walking every customer's log had).
            let grouped = log.byCustomer(counted), starts = grouped.starts
            var ordered = grouped.order
            var group: [Int32] = []
            var groupKey: Int64 = .min
            func flush() {
                guard group.count > rule.max else { return }
                let label = rule.windowLabel(groupKey)
                let crossing = Int(group[rule.max])
                let values = ["count": String(group.count), "max": String(rule.max), "window": label]
                let others = group.filter { $0 != Int32(crossing) }.map { log.related(Int($0), note: "another contact in \(label)") }
                emit(
                    log.finding(
                        crossing, rule: rule.metadata,
                        message: rule.message.render(values, detail: "\(group.count) in \(label), at most \(rule.max)"),
                        timeZone: context.timeZone, fingerprintParts: [label], related: others))
            }
            for customer in 0..<starts.count - 1 {
                let range = Int(starts[customer])..<Int(starts[customer + 1])
                // At most `max` in all: no window of the customer's can hold more.
                guard range.count > rule.max else { continue }
                log.sortByTime(&ordered, range)
                group.removeAll(keepingCapacity: true)
                groupKey = .min
                for event in ordered[range] {
                    let start = rule.windowStart(of: log.start[Int(event)], context.timeZone)
                    if start != groupKey {
                        flush()
                        group.removeAll(keepingCapacity: true)
                        groupKey = start
                    }
                    group.append(event)
                }
                flush()
            }
        }
    }
}
