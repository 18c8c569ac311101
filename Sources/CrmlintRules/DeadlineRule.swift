import CrmlintCore
import Foundation

/// `kind: deadline` — the time between an event and what must follow it.
public struct DeadlineRule: DatasetExampleRule, RuleKind {
    public static let name = "deadline"
    public static let summary = """
        Starts a clock at each contact matching `start` (datasets, channels, direction, an optional `text` condition; \
        `first: true` keeps only each customer's first; `field` takes the time from another field, e.g. a planned \
        跟进时间; `at: end` uses the end of a range such as 14:00-15:30). The clock stops at `done`: either a time \
        field of the same record (`done: {field: logged_at}`), or the customer's first later contact matching the \
        `done` filter (counted from `early` before the clock, and never before the starting contact). Reported when \
        the clock ran longer than `within` (exactly `within` is on time), or, when nothing stopped it, once `within` \
        has passed as of `--as-of`. `report_late: false` reports only the missing case. Nothing after `--as-of` is \
        judged: a clock starting after it is not started, an event after it does not stop a clock (as of then it \
        had not happened), and a `done` field dated after it leaves the record unjudged. Placeholders for `message` \
        and `message_missing`: {elapsed} {limit} {over} {start} {done} {as_of}.
        """

    enum Done {
        case field(String)
        case events(EventFilter, early: TimeSpan)
    }

    public let metadata: RuleMetadata
    let start: EventFilter
    let startField: String?
    let startAtEnd: Bool
    let firstOnly: Bool
    let done: Done
    public let within: TimeSpan
    let reportLate: Bool
    let lateMessage: MessageTemplate
    let missingMessage: MessageTemplate
    public let datasetExamples: DatasetExamples

    static let placeholders = ["elapsed", "limit", "over", "start", "done", "as_of"]

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var start = EventFilter(datasets: EventFilter.contactDatasets, channels: nil, direction: nil, text: nil)
        var startField: String?, startAtEnd = false, firstOnly = false
        if let keys = definition.nested("start", required: true) {
            start = EventFilter.read(keys, defaultDirection: nil)
            startField = keys.string("field")
            if let at = keys.string("at") {
                if at == "end" { startAtEnd = true } else if at != "start" { keys.fail("'start.at' must be start or end, not '\(at)'") }
            }
            firstOnly = keys.bool("first") ?? false
            keys.finish()
        }
        var done: Done?
        if let keys = definition.nested("done", required: true) {
            if let field = keys.string("field") {
                done = .field(field)
                if firstOnly { keys.fail("'start.first' needs events in 'done', not a field of the same record") }
            } else {
                let filter = EventFilter.read(keys, defaultDirection: .outbound)
                if filter.text != nil {
                    keys.fail("'done.text' is not supported: what stops the clock is chosen by dataset, channel and direction")
                }
                done = .events(filter, early: keys.span("early") ?? TimeSpan(seconds: 0))
            }
            keys.finish()
        }
        let within = definition.span("within", required: true)
        let reportLate = definition.bool("report_late") ?? true
        let late = definition.template(metadata, allowed: placeholders)
        let missingText = definition.string("message_missing")
        if missingText == nil, case .events = done, reportLate {
            definition.fail(nil, "missing required key 'message_missing' (the message when nothing stopped the clock)")
        }
        if missingText != nil, case .field = done { definition.fail("message_missing", "'message_missing' needs events in 'done'") }
        let missing = missingText.map { MessageTemplate($0, allowed: placeholders, definition: definition, key: "message_missing") } ?? late
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        guard let done, let within else { return nil }
        return DeadlineRule(
            metadata: metadata, start: start, startField: startField, startAtEnd: startAtEnd, firstOnly: firstOnly, done: done,
            within: within, reportLate: reportLate, lateMessage: late, missingMessage: missing,
            datasetExamples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    func values(clock: Int64, stop: Int64?, elapsed: Int64, context: CheckContext) -> [String: String] {
        [
            "elapsed": TimeSpan.format(elapsed), "limit": within.description, "over": TimeSpan.format(elapsed - within.seconds),
            "start": Instant.local(clock, context.timeZone), "done": stop.map { Instant.local($0, context.timeZone) } ?? "—",
            "as_of": Instant.local(Instant.seconds(context.asOf), context.timeZone),
        ]
    }

    final class Checker: RuleChecker {
        let rule: DeadlineRule
        /// Clocks waiting for `finish`: the starting contact and when the clock started.
        @exclusivity(unchecked) private var starts: [(event: Int32, clock: Int64)] = []
        /// With `first: true`: each customer's earliest start.
        @exclusivity(unchecked) private var firsts: [Int32: (event: Int32, clock: Int64)] = [:]
        @exclusivity(unchecked) private var logHold = ContactLogHold()

        init(rule: DeadlineRule) { self.rule = rule }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            logHold.with(context) { log in check(record, context: context, emit: emit, log: log) }
        }

        private func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void, log: ContactLog) {
            guard let index = log.answered(record) ?? log.add(record, context: context, rule: rule.metadata, emit: emit),
                rule.start.matches(log, index, record: record, context: context)
            else { return }
            let clock: Int64
            if let field = rule.startField {
                // No time written in that field (e.g. no plan): nothing to wait for.
                guard let raw = record[field], !raw.isBlank else { return }
                guard let time = ValueProblems.time(record, field: field, rule: rule.metadata, context: context, emit: emit) else { return }
                clock = Instant.seconds(rule.startAtEnd ? time.end : time.start)
            } else {
                clock = rule.startAtEnd ? log.end(index) : log.start[index]
            }
            // "Now" is --as-of: a clock that starts after it is the future, not late.
            if clock > Instant.seconds(context.asOf) { return }
            switch rule.done {
            case let .field(field):
                guard let stopTime = ValueProblems.time(record, field: field, rule: rule.metadata, context: context, emit: emit) else {
                    return
                }
                let stop = Instant.seconds(stopTime.start)
                // Entered after --as-of: as of then it was not entered yet, and its lateness cannot be known.
                if stop > Instant.seconds(context.asOf) { return }
                let elapsed = stop - clock
                guard elapsed > rule.within.seconds else { return }
                let values = rule.values(clock: clock, stop: stop, elapsed: elapsed, context: context)
                emit(
                    Finding(
                        rule: rule.metadata, record: record,
                        message: rule.lateMessage.render(
                            values, detail: "\(values["elapsed"]!) after \(values["start"]!), limit \(values["limit"]!)"),
                        field: field, fingerprintParts: ["deadline"]))
            case .events:
                if rule.firstOnly {
                    let customer = log.customer[index]
                    if let first = firsts[customer], first.clock <= clock { return }
                    firsts[customer] = (Int32(index), clock)
                } else {
                    starts.append((Int32(index), clock))
                }
            }
        }

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            guard let log = logHold.log, case let .events(filter, early) = rule.done else { return }
            let pending = rule.firstOnly ? firsts.values.sorted { $0.event < $1.event } : starts
            let asOf = Instant.seconds(context.asOf)
            for (event, clock) in pending {
                let index = Int(event)
                let from = max(clock - early.seconds, log.end(index))
                // An event after --as-of has not happened as of then: it stops no clock.
                let stop = firstMatch(in: log.events(of: log.customer[index]), from: from, excluding: event, filter: filter, log: log)
                    .flatMap { log.start[Int($0)] <= asOf ? $0 : nil }
                if let stop {
                    let stopTime = log.start[Int(stop)]
                    let elapsed = stopTime - clock
                    guard rule.reportLate, elapsed > rule.within.seconds else { continue }
                    let values = rule.values(clock: clock, stop: stopTime, elapsed: elapsed, context: context)
                    emit(
                        log.finding(
                            index, rule: rule.metadata,
                            message: rule.lateMessage.render(
                                values, detail: "\(values["elapsed"]!) after \(values["start"]!), limit \(values["limit"]!)"),
                            timeZone: context.timeZone, fingerprintParts: ["deadline"],
                            related: [log.related(Int(stop), note: "done at \(values["done"]!), \(values["over"]!) late")]))
                } else {
                    let elapsed = asOf - clock
                    guard elapsed > rule.within.seconds else { continue } // still within the limit as of the scan
                    let values = rule.values(clock: clock, stop: nil, elapsed: elapsed, context: context)
                    emit(
                        log.finding(
                            index, rule: rule.metadata,
                            message: rule.missingMessage.render(
                                values,
                                detail:
                                    "nothing as of \(values["as_of"]!), \(values["elapsed"]!) after \(values["start"]!), limit \(values["limit"]!)"
                            ),
                            timeZone: context.timeZone, fingerprintParts: ["deadline"]))
                }
            }
        }

        /// The first event at or after `from` that stops the clock.
        private func firstMatch(in events: ArraySlice<Int32>, from: Int64, excluding: Int32, filter: EventFilter, log: ContactLog) -> Int32?
        {
            var low = events.startIndex, high = events.endIndex
            while low < high {
                let middle = (low + high) / 2
                if log.start[Int(events[middle])] < from { low = middle + 1 } else { high = middle }
            }
            for event in events[low...] where event != excluding && filter.matches(log, Int(event)) { return event }
            return nil
        }
    }
}
