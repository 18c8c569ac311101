import CrmlintCore
import Foundation

/// `kind: quiet_period` — no contact for a while after the customer asked for a pause.
public struct QuietPeriodRule: DatasetExampleRule, RuleKind {
    public static let name = "quiet_period"
    public static let summary = """
        A contact matching `trigger` (default: inbound, with a `text` condition such as 暂时不需要 and `unless` \
        clauses for negations) starts a pause of `pause` (e.g. 30d). Each contact matching `contacts` (default: \
        outbound, any channel) strictly inside the pause is reported, with the trigger as a related location; a \
        contact exactly `pause` after the trigger is allowed. With `resume_on_inbound: true` (the default) the pause \
        ends early when the customer gets in touch again. Placeholders: {elapsed} {pause} {remaining} {trigger_day}.
        """

    public let metadata: RuleMetadata
    let trigger: EventFilter
    let contacts: EventFilter
    public let pause: TimeSpan
    let resumeOnInbound: Bool
    let message: MessageTemplate
    public let datasetExamples: DatasetExamples

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var trigger: EventFilter?
        if let keys = definition.nested("trigger", required: true) {
            trigger = EventFilter.read(keys, defaultDirection: .inbound)
            if trigger?.text == nil { keys.fail("'trigger' needs a 'text' condition (what the customer said)") }
            keys.finish()
        }
        var contacts = EventFilter(datasets: EventFilter.contactDatasets, channels: nil, direction: .outbound, text: nil)
        if let keys = definition.nested("contacts") {
            contacts = EventFilter.read(keys, defaultDirection: .outbound)
            if contacts.text != nil { keys.fail("'contacts.text' is not supported by kind quiet_period") }
            keys.finish()
        }
        let pause = definition.span("pause", required: true)
        let resume = definition.bool("resume_on_inbound") ?? true
        let message = definition.template(metadata, allowed: ["elapsed", "pause", "remaining", "trigger_day"])
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        guard let trigger, let pause else { return nil }
        return QuietPeriodRule(
            metadata: metadata, trigger: trigger, contacts: contacts, pause: pause, resumeOnInbound: resume,
            message: message, datasetExamples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    final class Checker: RuleChecker {
        let rule: QuietPeriodRule
        @exclusivity(unchecked) private var logHold = ContactLogHold()
        /// Events where the customer asked for the pause (few: kept as indices).
        private var triggers: [Int32] = []

        init(rule: QuietPeriodRule) { self.rule = rule }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            logHold.with(context) { log in check(record, context: context, emit: emit, log: log) }
        }

        private func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void, log: ContactLog) {
            guard let index = log.answered(record) ?? log.add(record, context: context, rule: rule.metadata, emit: emit),
                rule.trigger.matches(log, index, record: record, context: context)
            else { return }
            triggers.append(Int32(index))
        }

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            guard let log = logHold.log, !triggers.isEmpty else { return }
            // The triggers as one bit per logged event: a set of them, hashed at each of a customer's events, was
            // most of this rule's finish, on the scan's serial tail.
            var isTrigger = [UInt64](repeating: 0, count: (log.count + 63) / 64)
            for trigger in triggers { isTrigger[Int(trigger) >> 6] |= 1 << (UInt64(trigger) & 63) }
            var reported: Set<Int32> = []
            // Latest trigger first wins a contact inside overlapping pauses, so walk each customer's events in time
            // order (customers in the order the log numbers them), from its first trigger to the end of its last pause.
            let grouped = log.byCustomer(triggers)
            for customer in 0..<grouped.starts.count - 1 {
                let own = grouped.order[Int(grouped.starts[customer])..<Int(grouped.starts[customer + 1])]
                guard let first = own.lazy.map({ log.start[Int($0)] }).min() else { continue }
                let events = log.events(of: Int32(customer))
                // Before the customer's first trigger no pause is on: start at the first event of its time.
                var low = events.startIndex, high = events.endIndex
                while low < high {
                    let middle = (low + high) / 2
                    if log.start[Int(events[middle])] < first { low = middle + 1 } else { high = middle }
                }
                var triggersLeft = own.count
                var active: (trigger: Int32, until: Int64)?
                for event in events[low...] {
                    let index = Int(event)
                    let time = log.start[index]
                    if let current = active, time >= current.until { active = nil }
                    if isTrigger[index >> 6] & (1 << (UInt64(index) & 63)) != 0 {
                        active = (event, time + rule.pause.seconds)
                        triggersLeft -= 1
                        continue
                    }
                    guard let current = active else {
                        // No pause on, and none to come.
                        if triggersLeft == 0 { break }
                        continue
                    }
                    let triggerTime = log.start[Int(current.trigger)]
                    if time <= triggerTime { continue } // same instant as the request: not after it
                    if rule.resumeOnInbound, !log.isOutbound(index), log.dataset(index) == .messages {
                        active = nil // the customer got in touch again: the pause is over
                        continue
                    }
                    guard rule.contacts.matches(log, index), reported.insert(event).inserted else { continue }
                    let elapsed = time - triggerTime
                    let values = [
                        "elapsed": TimeSpan.format(elapsed), "pause": rule.pause.description,
                        "remaining": TimeSpan.format(current.until - time), "trigger_day": Instant.day(triggerTime, context.timeZone),
                    ]
                    emit(
                        log.finding(
                            index, rule: rule.metadata,
                            message: rule.message.render(
                                values,
                                detail: "\(values["elapsed"]!) after the request on \(values["trigger_day"]!), pause \(values["pause"]!)"),
                            timeZone: context.timeZone, fingerprintParts: ["quiet", log.stableKey(Int(current.trigger))],
                            related: [log.related(Int(current.trigger), note: "customer asked for a pause on \(values["trigger_day"]!)")]))
                }
            }
        }
    }
}
