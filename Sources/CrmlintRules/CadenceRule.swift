import CrmlintCore
import Foundation

/// `kind: cadence` — gaps between a customer's contacts, by tier.
public struct CadenceRule: DatasetExampleRule, RuleKind {
    public static let name = "cadence"
    public static let summary = """
        Reads each customer's tier from the customer table (`tier_field`, default `tier`; `A类`, `a` and `Tier A` \
        all read as A) and the `cadence` for that tier (whole days, e.g. {A: 7d, B: 14d, C: 30d}). Contacts are \
        those matching `events` (default: outbound, any channel), counted by calendar day in the scan's time zone. \
        `check: gap` reports a gap longer than the cadence between two contact days (at the contact that ended it), \
        and a gap from the last contact up to `--as-of` (at the customer's row); with `never_contacted: true` a \
        customer with no contact at all is reported too. `check: excess` reports more than `max_per_period` contact \
        days inside one cadence period. Customers missing from the customer table are not judged (their tier is \
        unknown). Placeholders: {tier} {limit} {gap} {from} {to} {count} {max}; `message_never` (optional) words \
        the never-contacted case.
        """

    enum Check: String { case gap, excess }

    public let metadata: RuleMetadata
    let events: EventFilter
    let tierField: String
    /// Tier label → cadence in days, in file order.
    public let cadence: [(tier: String, days: Int64)]
    let check: Check
    let maxPerPeriod: Int
    let neverContacted: Bool
    let message: MessageTemplate
    let neverMessage: MessageTemplate
    public let datasetExamples: DatasetExamples

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var events = EventFilter(datasets: EventFilter.contactDatasets, channels: nil, direction: .outbound, text: nil)
        if let keys = definition.nested("events") {
            events = EventFilter.read(keys, defaultDirection: .outbound)
            if events.text != nil { keys.fail("'events.text' is not supported by kind cadence") }
            keys.finish()
        }
        let tierField = definition.string("tier_field") ?? "tier"
        var cadence: [(String, Int64)] = []
        if let node = definition.node("cadence") {
            if case let .mapping(mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard let label = key.string.flatMap(TierLabel.parse), let text = value.string, let span = TimeSpan.parse(text),
                        span.seconds > 0, span.seconds % 86400 == 0
                    else {
                        definition.fail(
                            "cadence", "'cadence' maps tiers to whole days, e.g. {A: 7d, B: 14d, C: 30d}; '\(key.string ?? "?")' is not")
                        continue
                    }
                    cadence.append((label, span.seconds / 86400))
                }
            } else {
                definition.fail("cadence", "'cadence' maps tiers to whole days, e.g. {A: 7d, B: 14d, C: 30d}")
            }
        } else {
            definition.fail(nil, "missing required key 'cadence'")
        }
        let checkText = definition.string("check") ?? "gap"
        let check = Check(rawValue: checkText)
        if check == nil { definition.fail("check", "'check' must be gap or excess, not '\(checkText)'") }
        let max = definition.int("max_per_period")
        if check == .excess, max == nil { definition.fail(nil, "missing required key 'max_per_period' (check: excess)") }
        if check == .gap, max != nil { definition.fail("max_per_period", "'max_per_period' is read only with check: excess") }
        if let max, max < 1 { definition.fail("max_per_period", "'max_per_period' must be 1 or more") }
        let never = definition.bool("never_contacted") ?? false
        if check == .excess, definition.has("never_contacted") {
            definition.fail("never_contacted", "'never_contacted' is read only with check: gap")
        }
        let placeholders = ["tier", "limit", "gap", "from", "to", "count", "max"]
        let message = definition.template(metadata, allowed: placeholders)
        let neverText = definition.string("message_never")
        if neverText != nil, !never { definition.fail("message_never", "'message_never' is read only with never_contacted: true") }
        let neverMessage =
            neverText.map { MessageTemplate($0, allowed: placeholders, definition: definition, key: "message_never") } ?? message
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        if let datasets = metadata.datasets, !datasets.contains(.customers) {
            definition.fail("datasets", "a cadence rule needs the customers dataset (tiers come from it)")
        }
        guard let check, !cadence.isEmpty else { return nil }
        return CadenceRule(
            metadata: metadata, events: events, tierField: tierField, cadence: cadence, check: check,
            maxPerPeriod: max ?? 0, neverContacted: never, message: message, neverMessage: neverMessage,
            datasetExamples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    /// Where a customer's row is, and its tier: a few bytes per customer.
    struct CustomerRow {
        var tier: UInt8
        var file: Int32
        var line: Int32
        var owner: Int32
    }

    final class Checker: RuleChecker {
        let rule: CadenceRule
        @exclusivity(unchecked) private var logHold = ContactLogHold()
        private var rows: [Int32: CustomerRow] = [:]
        private var files = Interner()
        private var owners = Interner()

        init(rule: CadenceRule) { self.rule = rule }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            logHold.with(context) { log in check(record, context: context, emit: emit, log: log) }
        }

        private func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void, log: ContactLog) {
            guard record.dataset == .customers else {
                _ = log.answered(record) ?? log.add(record, context: context, rule: rule.metadata, emit: emit)
                return
            }
            guard let id = record.customerId, !id.isEmpty else {
                ValueProblems.report(record, field: "customer_id", problem: "is missing", rule: rule.metadata, context: context, emit: emit)
                return
            }
            guard let raw = record[rule.tierField], let label = TierLabel.parse(raw) else {
                ValueProblems.report(
                    record, field: rule.tierField, problem: "is missing", rule: rule.metadata, context: context, emit: emit)
                return
            }
            guard let tier = rule.cadence.firstIndex(where: { $0.tier == label }) else {
                let known = rule.cadence.map(\.tier).joined(separator: ", ")
                ValueProblems.report(
                    record, field: rule.tierField,
                    problem: "\(ValueProblems.shown(raw, context: context)) is not a tier with a cadence (\(known))",
                    rule: rule.metadata, context: context, emit: emit)
                return
            }
            rows[log.customerIndex(id)] = CustomerRow(
                tier: UInt8(tier), file: files.intern(record.file), line: Int32(clamping: record.line),
                owner: record.rep.map { owners.intern($0) } ?? -1)
        }

        override func finish(context: CheckContext, emit: (Finding) -> Void) {
            guard let log = logHold.log else { return }
            let asOf = Instant.seconds(context.asOf)
            let asOfDay = Instant.dayNumber(asOf, context.timeZone)
            for (customer, row) in rows.sorted(by: { $0.key < $1.key }) {
                // Contact days up to "now": the first and last contact of each day.
                var days: [(day: Int64, first: Int32, last: Int32)] = []
                for event in log.events(of: customer) where rule.events.matches(log, Int(event)) && log.start[Int(event)] <= asOf {
                    let day = Instant.dayNumber(log.start[Int(event)], context.timeZone)
                    if let lastDay = days.last?.day, lastDay == day {
                        days[days.count - 1].last = event
                    } else {
                        days.append((day, event, event))
                    }
                }
                let (tier, limit) = rule.cadence[Int(row.tier)]
                switch rule.check {
                case .gap:
                    gaps(
                        days, customer: customer, row: row, tier: tier, limit: limit, asOfDay: asOfDay, log: log, context: context,
                        emit: emit)
                case .excess: excess(days, tier: tier, limit: limit, log: log, context: context, emit: emit)
                }
            }
        }

        private func gaps(
            _ days: [(day: Int64, first: Int32, last: Int32)], customer: Int32, row: CustomerRow, tier: String, limit: Int64,
            asOfDay: Int64, log: ContactLog, context: CheckContext, emit: (Finding) -> Void
        ) {
            func values(_ gap: Int64?, from: Int64?, to: Int64) -> [String: String] {
                [
                    "tier": tier, "limit": "\(limit)d", "gap": gap.map { "\($0)d" } ?? "—", "from": from.map(Instant.dayString) ?? "—",
                    "to": Instant.dayString(to), "count": "—", "max": "—",
                ]
            }
            for (previous, next) in zip(days, days.dropFirst()) where next.day - previous.day > limit {
                let gap = next.day - previous.day
                emit(
                    log.finding(
                        Int(next.first), rule: rule.metadata,
                        message: rule.message.render(
                            values(gap, from: previous.day, to: next.day), detail: "\(gap)d without contact, cadence \(limit)d"),
                        timeZone: context.timeZone, fingerprintParts: ["gap", Instant.dayString(previous.day)],
                        related: [log.related(Int(previous.last), note: "previous contact, \(Instant.dayString(previous.day))")]))
            }
            // The open gap up to the scan's "now", reported on the customer's row.
            let last = days.last
            if let last, asOfDay - last.day <= limit { return }
            if last == nil, !rule.neverContacted { return }
            let gap = last.map { asOfDay - $0.day }
            let id = log.customers.names[Int(customer)]
            let message = (last == nil ? rule.neverMessage : rule.message).render(
                values(gap, from: last?.day, to: asOfDay),
                detail: gap.map { "\($0)d without contact as of \(Instant.dayString(asOfDay)), cadence \(limit)d" }
                    ?? "no contact in the data, cadence \(limit)d")
            emit(
                Finding(
                    rule: rule.metadata.id, category: rule.metadata.category, severity: rule.metadata.severity, message: message,
                    file: files.names[Int(row.file)], line: Int(row.line), dataset: .customers, recordId: id, customerId: id,
                    rep: row.owner < 0 ? nil : owners.names[Int(row.owner)], day: Instant.dayString(asOfDay),
                    fingerprint: Fingerprint.make([
                        rule.metadata.id, Dataset.customers.rawValue, id, "open-gap", last.map { Instant.dayString($0.day) } ?? "never",
                    ]),
                    related: last.map { [log.related(Int($0.last), note: "last contact, \(Instant.dayString($0.day))")] }))
        }

        private func excess(
            _ days: [(day: Int64, first: Int32, last: Int32)], tier: String, limit: Int64, log: ContactLog,
            context: CheckContext, emit: (Finding) -> Void
        ) {
            var windowStart = 0
            var index = 0
            while index < days.count {
                while days[index].day - days[windowStart].day >= limit { windowStart += 1 }
                let count = index - windowStart + 1
                if count > rule.maxPerPeriod {
                    let values = [
                        "tier": tier, "limit": "\(limit)d", "gap": "—", "from": Instant.dayString(days[windowStart].day),
                        "to": Instant.dayString(days[index].day), "count": String(count), "max": String(rule.maxPerPeriod),
                    ]
                    let related = days[windowStart..<index].map {
                        log.related(Int($0.first), note: "contact on \(Instant.dayString($0.day))")
                    }
                    emit(
                        log.finding(
                            Int(days[index].first), rule: rule.metadata,
                            message: rule.message.render(
                                values, detail: "\(count) contact days within \(limit)d, at most \(rule.maxPerPeriod)"),
                            timeZone: context.timeZone, fingerprintParts: ["excess", Instant.dayString(days[windowStart].day)],
                            related: related))
                    // Start afresh after a report, so one burst gives one finding.
                    windowStart = index + 1
                }
                index += 1
            }
        }
    }
}
