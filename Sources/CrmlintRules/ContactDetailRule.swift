import CrmlintCore
import Foundation
import PatternEngine
import Yams

/// `kind: contact-detail` — customer contact details (phones, e-mails, ID and
/// card numbers, messenger ids) where they must not be: in messages that
/// leave the sales team and in free-text fields. A detail is a candidate
/// pattern plus a named validator (checksum, Luhn, date, allocated prefix),
/// so masked forms and look-alike numbers are not reported.
public struct ContactDetailRule: Rule, RuleKind {
    public static let name = "contact-detail"
    public static let summary = """
        Reports validated contact details. Either `detector` names a built-in detector \
        (\(ContactDetectors.all.map { "`\($0.name)`" }.joined(separator: ", "))) or `patterns` (PCRE2; capture group 1, \
        when present, is the detail) plus `validator` names a check \
        (\(ContactValidator.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))). \
        `not_after` lists words that, right before a number, make it something else (订单号, 发票号码; built-in detectors \
        have defaults). Built-in detectors also read details as typed to third parties: Chinese numerals and separators \
        between digits (一三九零一二三四五六七, 1 5 8 0 2 7 7 3 6 1 9), halves (前三位137，后八位 5520 1983), 区号 and 号码 \
        apart, spelled e-mails (wang.li at qq dot com), loose messenger triggers (加我, 搜, V:, Q号). Masked forms \
        (138****5678, 138 **** 5678, 1385678, x****@163.com) never validate. `scope` says where a detail \
        is a leak: `recipient_types` (customer, third_party, external, internal, unknown) limits messages to those \
        recipients; with `outside_company_domains: true` a recipient address outside `company_domains` (crmlint.yml) \
        makes a message external, and one inside makes an undeclared message internal; `fields` (a list, or a map \
        dataset → list) picks fields (default: free-text fields and unknown columns); `exclude_fields` (list or map) \
        replaces the built-in list of contact columns (contact_info, phone, mobile, email, 电话, 手机, 邮箱, 微信, 身份证, …) \
        that are never read; `company_addresses: true` also reports e-mails at the company's own domains. Findings \
        and excerpts show the detail masked.
        """

    public let metadata: RuleMetadata
    public let detector: ContactDetector
    public let scope: ContactScope
    let exampleLists: ExampleLists<ContactExample>
    public var matchExamples: [ContactExample] { exampleLists.match }
    public var noMatchExamples: [ContactExample] { exampleLists.noMatch }

    public var examples: RuleExamples {
        RuleExamples(
            detector: (detector.name, detector.validator.summary), match: matchExamples.map(\.summary),
            noMatch: noMatchExamples.map(\.summary), areTexts: true)
    }

    public init(
        metadata: RuleMetadata, detector: ContactDetector, scope: ContactScope = ContactScope(),
        matchExamples: [ContactExample] = [], noMatchExamples: [ContactExample] = []
    ) {
        self.init(
            metadata: metadata, detector: detector, scope: scope, examples: ExampleLists(match: matchExamples, noMatch: noMatchExamples))
    }

    init(metadata: RuleMetadata, detector: ContactDetector, scope: ContactScope, examples: ExampleLists<ContactExample>) {
        self.metadata = metadata
        self.detector = detector
        self.scope = scope
        exampleLists = examples
    }

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        let detectorName = definition.string("detector")
        let patterns = definition.patterns("patterns")
        let validatorName = definition.string("validator")
        let notAfter = definition.strings("not_after")
        let scope = ContactScope.read(definition, metadataFields: metadata.fields)
        let examples = ExampleStrings.lists(definition, reading: ContactExample.read)

        var detector: ContactDetector?
        switch (detectorName, patterns) {
        case let (name?, nil):
            if validatorName != nil { definition.fail("validator", "'validator' goes with 'patterns'; detector '\(name)' has its own") }
            guard let builtIn = ContactDetectors.named(name) else {
                definition.fail(
                    "detector", "unknown detector '\(name)' (one of: \(ContactDetectors.all.map(\.name).joined(separator: ", ")))")
                return nil
            }
            detector = notAfter.map(builtIn.with(notAfter:)) ?? builtIn
        case let (nil, patterns?):
            guard let validatorName else {
                definition.fail(
                    nil, "missing required key 'validator' (one of: \(ContactValidator.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            guard let validator = ContactValidator(rawValue: validatorName) else {
                definition.fail(
                    "validator",
                    "unknown validator '\(validatorName)' (one of: \(ContactValidator.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            if patterns.isEmpty, definition.errors.isEmpty { definition.fail("patterns", "'patterns' must list at least one pattern") }
            detector = ContactDetector(name: validatorName, patterns: patterns, validator: validator, notAfter: notAfter ?? [])
        case (_?, _?):
            definition.fail("patterns", "give either 'detector' (built in) or 'patterns' with 'validator', not both")
        case (nil, nil):
            definition.fail(nil, "missing required key 'detector' (or 'patterns' with 'validator')")
        }
        guard let detector, let scope else { return nil }
        return ContactDetailRule(metadata: metadata, detector: detector, scope: scope, examples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    public func exampleFailures() -> [String] {
        let dataset = metadata.datasets?.sorted().first ?? .messages
        let field =
            scope.fields?[dataset]?.first ?? scope.allFields?.first ?? metadata.fields?.first ?? dataset.freeTextFields.first ?? "text"
        // String examples go to a recipient the scope covers, so they test detection.
        var recipientType: String?
        if dataset == .messages, let types = scope.recipientTypes, !types.contains("unknown") { recipientType = types.sorted().first }
        var failures: [String] = []
        func findings(_ example: ContactExample, _ index: Int) -> [Finding] {
            let record = example.record(dataset: dataset, field: field, recipientType: recipientType, line: index + 1)
            return ExampleDatasets.findings(rule: self, example: DatasetExample(records: [record], companyDomains: example.companyDomains))
                .filter { $0.category != .inputError }
        }
        for (index, example) in matchExamples.enumerated() where findings(example, index).isEmpty {
            failures.append("\(metadata.id): example should match but does not: \(example.text)")
        }
        for (index, example) in noMatchExamples.enumerated() where !findings(example, index).isEmpty {
            failures.append("\(metadata.id): example should not match but does: \(example.text)")
        }
        return failures
    }

    final class Checker: RuleChecker {
        let rule: ContactDetailRule
        @exclusivity(unchecked) private var latest: (asOf: Date, date: Int)?
        // Memo tables for what repeats across records: recipient labels and addresses.
        /// Recipient labels by their bytes (`ValueMemo`): hashing a Chinese label as a String key went through
        /// Unicode normalisation, ~3,000 instructions whenever a record's label was not the last one's.
        @exclusivity(unchecked) private var recipientTypes = ValueMemo<String, WordMemo>()
        @exclusivity(unchecked) private var outside: [String: Bool?] = [:]
        @exclusivity(unchecked) private var domains: (source: [String], normalized: [[UInt8]])?
        /// The fields to read in records of the last record's shape and dataset (a file's records share both):
        /// the candidates less the excluded. Worked out per record, looking each field up in a table of
        /// exclusions by dataset and name, this was ~850 instructions a field, 7 % of scanning an export.
        @exclusivity(unchecked) private var planKey = ShapeKey()
        /// With each field's number (`FieldNumbers`): the per-record cache finds a field by number; by name it
        /// compared the names of the fields cached before it (~350 instructions a field).
        @exclusivity(unchecked) private var planFields: [(name: String, number: Int)] = []
        // The last record's recipient label: most records of a file carry the same one, and comparing a
        // short string costs less than hashing it for the tables above.
        @exclusivity(unchecked) private var lastRecipientType: (raw: String, canonical: String)?
        /// Per audience number of `audienceContext` (`CheckContext.audienceNumber`), whether the rule reads messages to
        /// it: 0 not judged yet, 1 yes, 2 no. (A set's hash of the audience cost ~340 instructions a record; a list of
        /// names compared per record, a copy of the name and its comparison.) The context is held, not its identity:
        /// another context made where a freed one was would number audiences its own way.
        @exclusivity(unchecked) private var audienceVerdicts: [UInt8] = []
        @exclusivity(unchecked) private var audienceContext: CheckContext?

        init(rule: ContactDetailRule) { self.rule = rule }
        // Per-record work only (its memo tables are this worker's): may run on worker threads.
        override var isRecordLocal: Bool { true }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            // The same for every contact-detail rule with the same setting: worked out once per record.
            let audience = context.audienceNumber(of: record, outsideCompanyDomains: rule.scope.outsideCompanyDomains) {
                self.audience(of: record, context: context)
            }
            if audience >= 0, let types = rule.scope.recipientTypes {
                if audienceContext !== context {
                    audienceContext = context
                    audienceVerdicts = []
                }
                if CheckContext.isPassingAudience(audience) {
                    if !types.contains(context.audienceNames[audience]) { return }
                } else {
                    if audience >= audienceVerdicts.count {
                        audienceVerdicts += repeatElement(0, count: audience + 1 - audienceVerdicts.count)
                    }
                    if audienceVerdicts[audience] == 0 {
                        audienceVerdicts[audience] = types.contains(context.audienceNames[audience]) ? 1 : 2
                    }
                    if audienceVerdicts[audience] == 2 { return }
                }
            }
            let validation = ValidationContext(latestDate: latestDate(context))
            if planKey.differs(from: record) {
                planKey.note(record)
                planFields = rule.scope.candidateFields(of: record, metadata: rule.metadata, context: context).filter {
                    !rule.scope.isExcluded($0, in: record.dataset)
                }.map { ($0, FieldNumbers.number(of: $0)) }
            }
            for (field, number) in planFields {
                guard let text = context.text(at: context.fieldIndex(record, field: field, number: number)) else { continue }
                let hits: [ContactHit]
                do {
                    hits = try text.bytes.withUnsafeBufferPointer {
                        try rule.detector.hits(in: $0, scratch: context.scratch, context: validation)
                    }
                } catch {
                    var finding = Finding(
                        rule: rule.metadata, record: record,
                        message: "rule could not finish on this field: \(error) — simplify the pattern",
                        field: field, fingerprintParts: [field, "match-limit"])
                    finding.category = .inputError
                    finding.severity = .error
                    emit(finding)
                    continue
                }
                var occurrences: [String: Int] = [:]
                for hit in hits {
                    if !rule.scope.companyAddresses, rule.detector.validator == .email,
                        ContactScope.isCompanyAddress(hit.canonical ?? text.normalizedString(hit.range), domains: context.companyDomains)
                    {
                        continue
                    }
                    // Fingerprints use the masked form, so even a hash of the raw detail never leaves crmlint.
                    let masked = Self.masked(text, hit)
                    let occurrence = occurrences[masked, default: 0]
                    occurrences[masked] = occurrence + 1
                    let original = text.originalScalarRange(of: hit.range)
                    var message = rule.metadata.message
                    if audience >= 0, context.audienceNames[audience] != "unknown" {
                        message += " (recipient: \(context.audienceNames[audience]))"
                    }
                    emit(
                        Finding(
                            rule: rule.metadata, record: record, message: message, field: field, column: original.lowerBound + 1,
                            excerpt: context.redactor.excerpt(of: text.original, hit: original),
                            fingerprintParts: [field, rule.detector.name, masked, String(occurrence)]))
                }
            }
        }

        private func audience(of record: Record, context: CheckContext) -> String? {
            if domains?.source != context.companyDomains {
                domains = (context.companyDomains, ContactScope.normalizedDomains(context.companyDomains))
                outside.removeAll()
            }
            let normalized = domains!.normalized
            return rule.scope.audience(
                of: record,
                recipientType: { raw in
                    if let last = lastRecipientType, last.raw == raw { return last.canonical }
                    // (Never nil: the memo gives what the function gives, and it always answers.)
                    let canonical = recipientTypes.value(raw) { ContactScope.canonicalRecipient($0) }!
                    lastRecipientType = (raw, canonical)
                    return canonical
                },
                isOutside: { recipient in
                    if let known = outside[recipient] { return known }
                    let result = ContactScope.isOutside(recipient, normalizedDomains: normalized)
                    if outside.count >= 10_000 { outside.removeAll(keepingCapacity: true) } // bounded: addresses can be unique
                    outside[recipient] = result
                    return result
                })
        }

        /// The scan's "now" as YYYYMMDD: an ID's birth date cannot be later.
        private func latestDate(_ context: CheckContext) -> Int {
            if let latest, latest.asOf == context.asOf { return latest.date }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = context.timeZone
            let parts = calendar.dateComponents([.year, .month, .day], from: context.asOf)
            let date = (parts.year ?? 2099) * 10000 + (parts.month ?? 12) * 100 + (parts.day ?? 31)
            latest = (context.asOf, date)
            return date
        }

        static func masked(_ text: NormalizedText, _ hit: ContactHit) -> String {
            var bytes = Array(text.bytes[hit.range])
            for offset in hit.maskOffsets where hit.range.contains(offset) { bytes[offset - hit.range.lowerBound] = 0x2A }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Where a contact detail counts as a leak.
public struct ContactScope: Sendable {
    public static let recipientTypeNames = ["customer", "third_party", "external", "internal", "unknown"]

    /// Message recipients the rule covers (canonical names); nil: all.
    public var recipientTypes: Set<String>?
    public var outsideCompanyDomains = false
    /// Fields per dataset; datasets not listed use `allFields` or the default.
    public var fields: [Dataset: [String]]?
    public var allFields: [String]?
    /// Field names (normalised headers) never read; nil: the built-in contact columns.
    public var excludeFields: Set<String>?
    public var excludeByDataset: [Dataset: Set<String>] = [:]
    public var companyAddresses = false

    public init() {}

    /// Who a message goes to, or nil for records that are not messages.
    public func audience(of record: Record, companyDomains: [String]) -> String? {
        let domains = Self.normalizedDomains(companyDomains)
        return audience(of: record, recipientType: Self.canonicalRecipient, isOutside: { Self.isOutside($0, normalizedDomains: domains) })
    }

    /// The same, with the two lookups supplied (checkers memoise them).
    func audience(of record: Record, recipientType: (String) -> String, isOutside: (String) -> Bool?) -> String? {
        guard record.dataset == .messages || record.shape.place(ofNumber: FieldNumbers.recipientType) != nil else { return nil }
        let declared = record.value(number: FieldNumbers.recipientType).map(recipientType) ?? "unknown"
        if declared == "customer" || declared == "third_party" || declared == "external" { return declared }
        // A message labelled internal (or not labelled) whose address is outside the company has left it.
        if outsideCompanyDomains, let recipient = record.value(number: FieldNumbers.recipient), let outside = isOutside(recipient) {
            if outside { return "external" }
            if declared == "unknown" { return "internal" }
        }
        return declared
    }

    /// The fields to read, before exclusions.
    public func candidateFields(of record: Record, metadata: RuleMetadata, context: CheckContext) -> [String] {
        fields?[record.dataset] ?? allFields ?? metadata.textFields(of: record, context: context)
    }

    public func isExcluded(_ field: String, in dataset: Dataset) -> Bool {
        let key = DatasetSchema.normalizedHeader(field)
        if excludeFields == nil, excludeByDataset.isEmpty { return Self.looksLikeContactField(key) }
        return excludeFields?.contains(key) == true || excludeByDataset[dataset]?.contains(key) == true
    }

    /// Columns where contact details belong (phone, e-mail, ID number …), by header.
    public static func looksLikeContactField(_ name: String) -> Bool {
        let key = DatasetSchema.normalizedHeader(name)
        let tokens = Set(key.split { $0 == "_" || $0 == "." || $0 == "/" }.map(String.init))
        let words: Set<String> = [
            "phone", "mobile", "tel", "telephone", "cellphone", "cell", "fax", "email", "mail", "wechat",
            "weixin", "wx", "qq", "recipient", "contact_info", "id_card", "idcard", "card", "account",
        ]
        if !tokens.isDisjoint(with: words) || words.contains(key) { return true }
        if ["phone", "mobile", "email", "wechat", "weixin"].contains(where: { key.hasPrefix($0) || key.hasSuffix($0) }) { return true }
        return ["电话", "手机", "邮箱", "邮件地址", "微信", "联系方式", "联系电话", "传真", "qq号", "身份证", "证件号", "银行卡", "卡号", "账号", "帐号"]
            .contains { key.contains($0) }
    }

    public static func canonicalRecipient(_ raw: String) -> String {
        switch DatasetSchema.normalizedHeader(raw) {
        case "customer", "client", "客户", "客戶", "顾客": "customer"
        case "third_party", "thirdparty", "3rd_party", "第三方", "partner", "合作方", "合作伙伴", "vendor", "supplier", "供应商",
            "agent", "代理商", "渠道商", "competitor", "竞争对手":
            "third_party"
        case "external", "outside", "外部", "外部人员", "外部联系人": "external"
        case "internal", "colleague", "colleagues", "coworker", "coworkers", "co_worker", "team", "sales_team", "staff", "employee",
            "内部", "內部", "同事", "内部同事", "公司同事", "销售同事", "团队", "销售团队", "员工", "内部员工":
            "internal"
        default: "unknown"
        }
    }

    /// Whether the addresses in a recipient field lie outside the company
    /// domains (or a subdomain); nil when it holds no address or none are configured.
    public static func isOutside(_ recipient: String, domains: [String]) -> Bool? {
        isOutside(recipient, normalizedDomains: normalizedDomains(domains))
    }

    static func isOutside(_ recipient: String, normalizedDomains domains: [[UInt8]]) -> Bool? {
        guard !domains.isEmpty else { return nil }
        let addresses = emailDomains(in: recipient)
        guard !addresses.isEmpty else { return nil }
        return addresses.contains { !inside($0, domains: domains) }
    }

    public static func isCompanyAddress(_ address: String, domains: [String]) -> Bool {
        let domains = normalizedDomains(domains)
        guard !domains.isEmpty, let domain = emailDomains(in: address).last else { return false }
        return inside(domain, domains: domains)
    }

    /// Company domains as lowercase bytes, without a leading `@` or dot.
    static func normalizedDomains(_ domains: [String]) -> [[UInt8]] {
        domains.map { Array($0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@. ")).utf8) }.filter { !$0.isEmpty }
    }

    /// The lowercased domain after each `@` (or full-width `＠`) in a text.
    static func emailDomains(in text: String) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        var domains: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            var start: Int?
            if bytes[index] == 0x40 {
                start = index + 1
            } else if bytes[index] == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBC, bytes[index + 2] == 0xA0 {
                start = index + 3
            }
            guard var end = start else { index += 1; continue }
            var domain: [UInt8] = []
            while end < bytes.count, ContactChecks.isAlphanumeric(bytes[end]) || bytes[end] == 0x2E || bytes[end] == 0x2D {
                domain.append(bytes[end] | (bytes[end] &- 0x41 < 26 ? 0x20 : 0))
                end += 1
            }
            while domain.last == 0x2E { domain.removeLast() }
            if !domain.isEmpty { domains.append(domain) }
            index = end
        }
        return domains
    }

    static func inside(_ domain: [UInt8], domains: [[UInt8]]) -> Bool {
        domains.contains { company in
            domain == company
                || (domain.count > company.count && domain.suffix(company.count).elementsEqual(company)
                    && domain[domain.count - company.count - 1] == 0x2E)
        }
    }

    /// Reads `scope`; nil after recording errors.
    static func read(_ definition: RuleDefinition, metadataFields: [String]?) -> ContactScope? {
        var scope = ContactScope()
        guard let node = definition.node("scope") else { return scope }
        guard case let .mapping(mapping) = node else {
            definition.fail(
                "scope", "'scope' must be a mapping (recipient_types, outside_company_domains, fields, exclude_fields, company_addresses)")
            return nil
        }
        var ok = true
        func fail(_ reason: String) { definition.fail("scope", reason); ok = false }
        func list(_ node: Node, _ key: String) -> [String]? {
            if let single = node.scalar?.string { return [single] }
            guard case let .sequence(items) = node, items.allSatisfy({ $0.scalar != nil }) else {
                fail("scope.\(key) must be a list of text values")
                return nil
            }
            return items.compactMap { $0.scalar?.string }
        }
        func perDataset(_ node: Node, _ key: String) -> (all: [String]?, byDataset: [Dataset: [String]]) {
            guard case let .mapping(map) = node else { return (list(node, key), [:]) }
            var byDataset: [Dataset: [String]] = [:]
            for (datasetNode, fieldsNode) in map {
                guard let dataset = datasetNode.string.flatMap(Dataset.init(rawValue:)) else {
                    fail(
                        "unknown dataset '\(datasetNode.string ?? "?")' in scope.\(key) (one of: \(Dataset.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                    continue
                }
                byDataset[dataset] = list(fieldsNode, "\(key).\(dataset.rawValue)")
            }
            return (nil, byDataset)
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "recipient_types":
                guard let names = list(value, key) else { continue }
                for name in names where !recipientTypeNames.contains(name) {
                    fail(
                        "unknown recipient type '\(name)' in scope.recipient_types (one of: \(recipientTypeNames.joined(separator: ", ")))")
                }
                scope.recipientTypes = Set(names)
            case "outside_company_domains", "company_addresses":
                guard let flag = value.bool else { fail("scope.\(key) must be true or false"); continue }
                if key == "outside_company_domains" { scope.outsideCompanyDomains = flag } else { scope.companyAddresses = flag }
            case "fields":
                if metadataFields != nil { fail("give 'fields' either at the top level or in scope, not both") }
                let (all, byDataset) = perDataset(value, key)
                scope.allFields = all
                if !byDataset.isEmpty { scope.fields = byDataset }
            case "exclude_fields":
                let (all, byDataset) = perDataset(value, key)
                scope.excludeFields = all.map { Set($0.map(DatasetSchema.normalizedHeader)) } ?? []
                scope.excludeByDataset = byDataset.mapValues { Set($0.map(DatasetSchema.normalizedHeader)) }
            default:
                let known = ["recipient_types", "outside_company_domains", "fields", "exclude_fields", "company_addresses"]
                fail("unknown key '\(key)' in scope\(Suggestion.hint(for: key, among: known)) (\(known.joined(separator: ", ")))")
            }
        }
        return ok ? scope : nil
    }
}

/// One example: a text, and optionally the record around it (dataset,
/// field, recipient_type, recipient) and the company domains in force.
public struct ContactExample: Sendable {
    public var text: String
    public var dataset: Dataset?
    public var field: String?
    public var fields: [String: String] = [:]
    public var companyDomains: [String] = []

    public init(text: String) { self.text = text }

    /// The text, with the record around it when the example sets one.
    public var summary: String {
        let context =
            (dataset.map { ["dataset: \($0.rawValue)"] } ?? []) + fields.keys.sorted().map { "\($0): \(fields[$0]!)" }
            + (companyDomains.isEmpty ? [] : ["company_domains: \(companyDomains.joined(separator: ", "))"])
        return context.isEmpty ? text : "\(text) (\(context.joined(separator: ", ")))"
    }

    func record(dataset defaultDataset: Dataset, field defaultField: String, recipientType: String?, line: Int) -> Record {
        let dataset = self.dataset ?? defaultDataset
        var values = fields
        if dataset == .messages, values["recipient_type"] == nil, let recipientType { values["recipient_type"] = recipientType }
        values[field ?? defaultField] = text
        return Record(dataset: dataset, file: "<example>", line: line, position: line, fields: values)
    }

    static let keys = ["text", "dataset", "field", "recipient_type", "recipient", "company_domains"]

    static func read(_ definition: RuleDefinition) -> (match: [ContactExample], noMatch: [ContactExample]) {
        ExampleStrings.lists(definition) { _, value in
            var list: [ContactExample] = []
            for item in value.array() {
                if let text = item.scalar?.string { list.append(ContactExample(text: text)); continue }
                guard case let .mapping(entry) = item else {
                    definition.fail("examples", "an example is a text or a mapping (\(keys.joined(separator: ", ")))")
                    continue
                }
                var example = ContactExample(text: "")
                var hasText = false, unknownKey = false
                for (entryKey, entryValue) in entry {
                    let name = entryKey.string ?? ""
                    let text = entryValue.scalar?.string
                    switch name {
                    case "text": example.text = text ?? ""; hasText = text != nil
                    case "dataset":
                        example.dataset = text.flatMap(Dataset.init(rawValue:))
                        if example.dataset == nil { definition.fail("examples", "unknown dataset '\(text ?? "?")' in an example") }
                    case "field": example.field = text
                    case "recipient_type", "recipient": example.fields[name] = text ?? ""
                    case "company_domains":
                        example.companyDomains = entryValue.scalar.map { [$0.string] } ?? entryValue.array().compactMap(\.string)
                    default:
                        definition.fail(
                            "examples",
                            "unknown key '\(name)' in an example\(Suggestion.hint(for: name, among: keys)) (\(keys.joined(separator: ", ")))"
                        )
                        unknownKey = true
                    }
                }
                // A misspelt `text` key is one problem, reported once.
                if !hasText, !unknownKey { definition.fail("examples", "an example mapping needs 'text'") }
                list.append(example)
            }
            return list
        }
    }
}
