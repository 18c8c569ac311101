import CrmlintCore
import Foundation

/// Every contact of a scan (follow-up records and customer messages) in
/// compact columns: customer, time, channel, direction and where the record
/// is (packed: `EventLocations`) — about 25 bytes an event, whatever the text. One log is shared by all
/// stateful rules of a scan (`CheckContext.shared`), so five rules over five
/// million messages keep one copy. Rules group events per customer in `finish`, where the log is only read (but for
/// its grouping and its locations' buffers, each under a lock): several rules may finish at once.
final class ContactLog {
    static func shared(_ context: CheckContext) -> ContactLog { context.shared("crmlint.contact-log") { ContactLog() } }

    // Stored properties unchecked: written once per record by the scanning thread, never
    // overlapping (the runtime's access checks were about a tenth of `add`).
    static let outbound: UInt8 = 1
    static let fromFollowups: UInt8 = 2

    @exclusivity(unchecked) private(set) var customers = Interner()
    @exclusivity(unchecked) private var files = Interner()
    @exclusivity(unchecked) private var reps = Interner()
    /// The last record's file and its index: a file's records come one after another, and hashing its
    /// name (non-ASCII: through Unicode normalisation) per record cost more than the rest of logging it.
    @exclusivity(unchecked) private var lastFile: (name: String, index: Int32)?
    /// Reps' indices by the name's bytes (`ValueMemo`): a file names dozens to hundreds of reps, whose
    /// Chinese names were hashed through Unicode normalisation per record. The same bytes are the same name.
    @exclusivity(unchecked) private var repIndices = ValueMemo<Int32, NameMemo>()

    @exclusivity(unchecked) private(set) var customer: [Int32] = []
    /// Seconds since 1970 of the contact (start of a range).
    @exclusivity(unchecked) private(set) var start: [Int64] = []
    /// Seconds from start to the end of a range (`14:00-15:30`), else 0; empty until a contact has a range (a
    /// messages export has none: an `Int32` per message kept for nothing was 8 MB of a whole export's scan).
    @exclusivity(unchecked) private var length: [Int32] = []
    /// `Channel` index + 1; 0 when the record names none crmlint knows.
    @exclusivity(unchecked) private(set) var channel: [UInt8] = []
    @exclusivity(unchecked) private(set) var flags: [UInt8] = []
    @exclusivity(unchecked) private var rep: [Int32] = []
    /// Each contact's file, line, identity (id, or position) and stable key, packed: read back only for findings.
    private let locations = EventLocations()

    @exclusivity(unchecked) private var lastSerial = -1
    /// `RecipientKind.parse` per value seen (bounded): a file repeats a handful of
    /// values, and parsing one runs Foundation's trimming and lower-casing per record.
    /// By the value's bytes (`ValueMemo`): a dictionary keyed by the Chinese word hashed it through
    /// Unicode normalisation on every message, ~700 instructions a record.
    @exclusivity(unchecked) private var recipientKinds = ValueMemo<RecipientKind, WordMemo>()
    @exclusivity(unchecked) private var lastResult: Int?

    var count: Int { customer.count }

    /// The index of a customer id (for rules that read the customer table).
    func customerIndex(_ id: String) -> Int32 { customers.intern(id) }

    func end(_ index: Int) -> Int64 { index < length.count ? start[index] + Int64(length[index]) : start[index] }
    func isOutbound(_ index: Int) -> Bool { flags[index] & Self.outbound != 0 }
    func dataset(_ index: Int) -> Dataset { flags[index] & Self.fromFollowups != 0 ? .followups : .messages }
    func channelValue(_ index: Int) -> Channel? { channel[index] == 0 ? nil : Self.channels[Int(channel[index]) - 1] }
    static func code(_ channel: Channel) -> UInt8 { UInt8(channels.firstIndex(of: channel)! + 1) }
    /// The channels in code order, made once (`Channel.allCases` makes an array per call: one per record logged).
    private static let channels = Channel.allCases

    /// Logs a follow-up or message (once per record, whichever rule asks
    /// first) and returns its index; nil for records that are not a customer
    /// contact or cannot be placed in time, after reporting why.
    func add(_ record: Record, context: CheckContext, rule: RuleMetadata, emit: (Finding) -> Void) -> Int? {
        if let known = answered(record) { return known }
        lastSerial = record.serial
        lastResult = nil
        let isMessage = record.dataset == .messages
        if isMessage, let raw = record.value(number: FieldNumbers.recipientType) {
            guard let kind = recipientKinds.value(raw, make: RecipientKind.parse) else {
                ValueProblems.report(
                    record, field: "recipient_type",
                    problem: "\(ValueProblems.shown(raw, context: context)) is not customer, third_party, external or internal",
                    rule: rule, context: context, emit: emit)
                return nil
            }
            // Messages to third parties or colleagues are not contacts with the customer.
            guard kind == .customer else { return nil }
        }
        guard let customerId = record.customerId, !customerId.isEmpty else {
            ValueProblems.report(record, field: "customer_id", problem: "is missing", rule: rule, context: context, emit: emit)
            return nil
        }
        guard
            let time = ValueProblems.time(record, field: isMessage ? "timestamp" : "contact_time", rule: rule, context: context, emit: emit)
        else {
            return nil
        }
        var flag: UInt8 = isMessage ? 0 : Self.fromFollowups | Self.outbound // a follow-up record is the rep's contact
        if isMessage {
            guard let raw = record.value(number: FieldNumbers.direction) else {
                ValueProblems.report(record, field: "direction", problem: "is missing", rule: rule, context: context, emit: emit)
                return nil
            }
            guard let direction = context.direction(of: record, value: raw) else {
                // A word the vocabulary lacks is noted per file with its count (add it under `directions` in crmlint.yml).
                context.noteUnknownValue(record, field: "direction", value: raw)
                return nil
            }
            if direction == .outbound { flag |= Self.outbound }
        }
        var channelCode: UInt8 = 0
        if let raw = record.value(number: FieldNumbers.channel) {
            if let parsed = context.channel(of: record, value: raw) {
                channelCode = Self.code(parsed)
            } else {
                context.noteUnknownValue(record, field: "channel", value: raw)
            }
        } else {
            ValueProblems.report(record, field: "channel", problem: "is missing", rule: rule, context: context, emit: emit)
        }
        let startSeconds = Instant.seconds(time.start)
        let span = Int32(clamping: Instant.seconds(time.end) - startSeconds)
        if span != 0 || !length.isEmpty {
            if length.count < customer.count { length += repeatElement(0, count: customer.count - length.count) }
            length.append(span)
        }
        customer.append(customerIndex(record, customerId, context: context))
        start.append(startSeconds)
        channel.append(channelCode)
        flags.append(flag)
        let fileIndex: Int32
        if let last = lastFile, last.name == record.file {
            fileIndex = last.index
        } else {
            fileIndex = files.intern(record.file)
            lastFile = (record.file, fileIndex)
        }
        rep.append(record.rep.flatMap { name in repIndices.value(name) { reps.intern($0) } } ?? -1)
        // The identity field read once for both keys (each reading it by name hashed the name).
        let key = record.identityValue
        let identity = key ?? String(record.position), stableKey = key ?? record.stableKey
        locations.append(file: fileIndex, line: record.line, identity: identity, stableKey: stableKey != identity ? stableKey : nil)
        lastResult = customer.count - 1
        return lastResult
    }

    /// What `add` returned for `record` when the log was asked about it last (an index, or nil inside: not logged),
    /// or nil when it was not. Four rules ask per record: those after the first read the answer with this, as
    /// `log.answered(record) ?? log.add(…)`, which copies their rule's metadata (to pass it) only when the record is new.
    @inline(__always) func answered(_ record: Record) -> Int?? {
        guard record.dataset == .followups || record.dataset == .messages else { return .some(nil) }
        return lastSerial == record.serial ? .some(lastResult) : nil
    }

    /// Per index of a customer id as written (`CheckContext.columnValueIndex`), its customer's index; -1 not known yet.
    @exclusivity(unchecked) private var customerOfValue: [Int32] = []

    /// The index of the customer `id` (`record`'s customer id, trimmed), found through the id's index in its column,
    /// which the id-format check looks up for the same record: one table look-up a record, not one per rule.
    private func customerIndex(_ record: Record, _ id: String, context: CheckContext) -> Int32 {
        guard let value = context.columnValueIndex(record, number: FieldNumbers.customerId).map(Int.init) else {
            return customers.intern(id)
        }
        if value < customerOfValue.count, customerOfValue[value] >= 0 { return customerOfValue[value] }
        let index = customers.intern(id)
        if value >= customerOfValue.count { customerOfValue += repeatElement(-1, count: value + 1 - customerOfValue.count) }
        customerOfValue[value] = index
        return index
    }

    func identity(_ index: Int) -> String { locations.location(index).identity }
    func stableKey(_ index: Int) -> String { locations.location(index).stableKey }
    func customerId(_ index: Int) -> String { customers.names[Int(customer[index])] }

    func related(_ index: Int, note: String) -> RelatedLocation {
        let location = locations.location(index)
        return RelatedLocation(file: files.names[Int(location.file)], line: location.line, recordId: location.identity, note: note)
    }

    /// A finding about a logged contact (the same shape `Finding(rule:record:)` gives).
    func finding(
        _ index: Int, rule: RuleMetadata, message: String, timeZone: TimeZone, fingerprintParts: [String],
        related: [RelatedLocation]? = nil
    ) -> Finding {
        let dataset = dataset(index)
        let location = locations.location(index)
        return Finding(
            rule: rule.id, category: rule.category, severity: rule.severity, message: message,
            file: files.names[Int(location.file)], line: location.line, dataset: dataset, recordId: location.identity,
            customerId: customerId(index), rep: rep[index] < 0 ? nil : reps.names[Int(rep[index])],
            day: Instant.day(start[index], timeZone),
            fingerprint: Fingerprint.make([rule.id, dataset.rawValue, location.stableKey] + fingerprintParts),
            related: related?.isEmpty == false ? related : nil)
    }

    // MARK: Per-customer order

    @exclusivity(unchecked) private var groupStarts: [Int32] = []
    @exclusivity(unchecked) private var order: [Int32] = []
    @exclusivity(unchecked) private var grouped = -1
    /// Guards the grouping: rules finish on two threads at once (`CheckerFinish`), and the first to ask groups.
    private let groupLock = NSLock()

    /// The customer's events, earliest first (ties in reading order).
    func events(of customerIndex: Int32) -> ArraySlice<Int32> {
        groupLock.lock()
        defer { groupLock.unlock() }
        groupIfNeeded()
        let index = Int(customerIndex)
        guard index + 1 < groupStarts.count else { return [] }
        return order[Int(groupStarts[index])..<Int(groupStarts[index + 1])]
    }

    /// Counting sort by customer, then by time inside each customer: linear
    /// in events plus a small sort per customer.
    private func groupIfNeeded() {
        guard grouped != count else { return }
        grouped = count
        (order, groupStarts) = byCustomer(0..<Int32(truncatingIfNeeded: count))
        for index in 0..<customers.names.count { sortByTime(&order, Int(groupStarts[index])..<Int(groupStarts[index + 1])) }
    }

    /// `events` (indices in reading order) grouped by customer, in the customers' order, keeping reading order within
    /// each (a counting sort): customer `c`'s are `order[starts[c]..<starts[c + 1]]`.
    func byCustomer(_ events: some Collection<Int32>) -> (order: [Int32], starts: [Int32]) {
        var starts = [Int32](repeating: 0, count: customers.names.count + 1)
        for event in events { starts[Int(customer[Int(event)]) + 1] += 1 }
        for index in 0..<customers.names.count { starts[index + 1] += starts[index] }
        var fill = starts
        var order = [Int32](repeating: 0, count: events.count)
        for event in events {
            let value = Int(customer[Int(event)])
            order[Int(fill[value])] = event
            fill[value] += 1
        }
        return (order, starts)
    }

    /// `events[range]` earliest first, ties in reading order (the order `events(of:)` gives).
    func sortByTime(_ events: inout [Int32], _ range: Range<Int>) {
        guard range.count > 1 else { return }
        // The times through a buffer pointer: read through the log, each comparison retained and released it.
        start.withUnsafeBufferPointer { start in
            events[range].sort { start[Int($0)] != start[Int($1)] ? start[Int($0)] < start[Int($1)] : $0 < $1 }
        }
    }
}

/// Who a message went to, in the vocabulary the contact-detail rules use
/// (`ContactScope.canonicalRecipient`), so both kinds read a column alike.
enum RecipientKind {
    case customer, other

    static func parse(_ text: String) -> RecipientKind? {
        switch ContactScope.canonicalRecipient(text) {
        case "customer": .customer
        case "unknown": nil
        default: .other
        }
    }
}

/// Which logged contacts a rule counts: `{datasets: [...], channels: [...],
/// direction: outbound|inbound|any, text: {...}}`. Follow-up records are the
/// rep's own contacts, so they count as outbound.
struct EventFilter {
    var datasets: Set<Dataset> {
        didSet { datasetBits = Self.bits(datasets) }
    }
    /// Channel codes; nil = any channel.
    var channels: Set<UInt8>? {
        didSet { channelBits = channels.map(Self.bits) }
    }
    var direction: Direction?
    // `datasets` and `channels` as bit sets, for `matches`: it runs for every logged event of
    // every customer per rule at the end of a scan, on one thread, and asking the sets hashed.
    private var datasetBits: UInt8 = 0
    private var channelBits: UInt64?

    init(datasets: Set<Dataset>, channels: Set<UInt8>?, direction: Direction?, text: PhraseMatcher?) {
        self.datasets = datasets
        self.channels = channels
        self.direction = direction
        self.text = text
        datasetBits = Self.bits(datasets)
        channelBits = channels.map(Self.bits)
    }

    /// A logged event's dataset as `ContactLog` flags it: followups or messages.
    private static func bits(_ datasets: Set<Dataset>) -> UInt8 {
        (datasets.contains(.followups) ? 2 : 0) | (datasets.contains(.messages) ? 1 : 0)
    }

    private static func bits(_ channels: Set<UInt8>) -> UInt64 { channels.reduce(0) { $1 < 64 ? $0 | 1 << UInt64($1) : $0 } }
    /// A condition on the record's text, judged while the record is read.
    var text: PhraseMatcher?

    static let contactDatasets: Set<Dataset> = [.followups, .messages]

    /// Reads the filter keys of `keys` (the caller reads its own and calls `finish`).
    static func read(_ keys: NestedKeys, defaultDirection: Direction?) -> EventFilter {
        var filter = EventFilter(datasets: contactDatasets, channels: nil, direction: defaultDirection, text: nil)
        if let names = keys.strings("datasets") {
            filter.datasets = []
            for name in names {
                if let dataset = Dataset(rawValue: name), contactDatasets.contains(dataset) {
                    filter.datasets.insert(dataset)
                } else {
                    keys.fail("'\(keys.path).datasets': '\(name)' is not a contact dataset (followups, messages)")
                }
            }
        }
        if let names = keys.strings("channels") {
            var codes: Set<UInt8> = []
            for name in names {
                if let channel = Channel(rawValue: name) {
                    codes.insert(ContactLog.code(channel))
                } else {
                    keys.fail(
                        "'\(keys.path).channels': unknown channel '\(name)' (one of: \(Channel.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
            filter.channels = codes
        }
        if let text = keys.string("direction") {
            switch text {
            case "any": filter.direction = nil
            case "outbound": filter.direction = .outbound
            case "inbound": filter.direction = .inbound
            default: keys.fail("'\(keys.path).direction' must be outbound, inbound or any, not '\(text)'")
            }
        }
        if let node = keys.node("text"),
            let nested = NestedKeys(node, path: "\(keys.path).text", topKey: keys.path, definition: keys.definition)
        {
            filter.text = PhraseMatcher.read(nested)
        }
        return filter
    }

    /// Dataset, channel and direction of a logged event.
    func matches(_ log: ContactLog, _ index: Int) -> Bool {
        guard datasetBits & (log.dataset(index) == .followups ? 2 : 1) != 0 else { return false }
        if let channelBits, log.channel[index] >= 64 || channelBits & 1 << UInt64(log.channel[index]) == 0 { return false }
        if let direction, log.isOutbound(index) != (direction == .outbound) { return false }
        return true
    }

    /// Everything, including the text condition, while the record is at hand.
    func matches(_ log: ContactLog, _ index: Int, record: Record, context: CheckContext) -> Bool {
        guard matches(log, index) else { return false }
        return text?.matches(record, context: context) ?? true
    }
}

/// A stateful checker's hold on its context's contact log (`ContactLog.shared`), taken on its first record.
struct ContactLogHold {
    /// The log, once taken (what `finish` reads).
    private(set) var log: ContactLog?
    /// `log`, handed to each record's work without a reference count: a checker reading its stored log into a
    /// local retained and released it per record, two atomic operations for each rule on the log (eight in the
    /// bundled policy). Safe because `log` holds the same object: both are set once, together, and never cleared.
    private var reference: Unmanaged<ContactLog>?

    /// Calls `body` with the context's log.
    @inline(__always)
    mutating func with(_ context: CheckContext, _ body: (ContactLog) -> Void) {
        if reference == nil {
            let shared = ContactLog.shared(context)
            log = shared
            reference = Unmanaged.passUnretained(shared)
        }
        reference.unsafelyUnwrapped._withUnsafeGuaranteedRef(body)
    }
}
