import CrmlintCore
import Foundation

/// `kind: tier` — the tier a customer should have under the tier standard
/// versus the tier recorded.
public struct TierRule: DatasetExampleRule, RuleKind {
    public static let name = "tier"
    public static let summary = """
        For each customer row, walks `tiers` from the top and takes the first whose criteria hold: annual purchase \
        (`purchase_field`, default `annual_purchase`; `120万`, `¥1,200,000`, `1.2亿` all read) at least `min_purchase`, \
        or any of its `flags` (yes/no fields such as `strategic`, `high_growth`; 是/否, Y/N, true/false) is yes. A tier \
        with no criteria is the fallback. Reports a row whose recorded tier (`tier_field`, default `tier`) differs, \
        naming the expected tier and why. A missing flag counts as no; a purchase that is needed but missing or \
        unreadable is an incomplete-record finding. Placeholders: {expected} {recorded} {reason}.
        """

    public struct Tier: Sendable {
        public let label: String
        public let minPurchase: Double?
        public let flags: [String]
    }

    public let metadata: RuleMetadata
    public let tiers: [Tier]
    let purchaseField: String
    let tierField: String
    let message: MessageTemplate
    public let datasetExamples: DatasetExamples

    public static func make(metadata: RuleMetadata, definition: RuleDefinition) -> Rule? {
        definition.rejectFields(metadata)
        var tiers: [Tier] = []
        if let node = definition.node("tiers") {
            for (position, item) in node.array().enumerated() {
                guard let keys = NestedKeys(item, path: "tiers[\(position)]", topKey: "tiers", definition: definition) else { continue }
                let label = keys.string("tier").flatMap(TierLabel.parse)
                if label == nil { keys.fail("'tiers[\(position)]' needs 'tier' (its label, e.g. A)") }
                var minimum: Double?
                if let text = keys.string("min_purchase") {
                    minimum = Amount.parse(text)
                    if minimum == nil { keys.fail("'tiers[\(position)].min_purchase' must be an amount such as 100万, not '\(text)'") }
                }
                let flags = keys.strings("flags") ?? []
                keys.finish()
                if let label { tiers.append(Tier(label: label, minPurchase: minimum, flags: flags)) }
            }
            if case .sequence = node {} else { definition.fail("tiers", "'tiers' must be a list, highest tier first") }
        } else {
            definition.fail(nil, "missing required key 'tiers'")
        }
        if let fallback = tiers.firstIndex(where: { $0.minPurchase == nil && $0.flags.isEmpty }), fallback != tiers.count - 1 {
            definition.fail("tiers", "only the last tier may have no criteria (it is the fallback)")
        }
        if tiers.last.map({ $0.minPurchase != nil || !$0.flags.isEmpty }) ?? false {
            definition.fail("tiers", "the last tier must have no criteria, so every customer gets a tier")
        }
        let purchaseField = definition.string("purchase_field") ?? "annual_purchase"
        let tierField = definition.string("tier_field") ?? "tier"
        let message = definition.template(metadata, allowed: ["expected", "recorded", "reason"])
        let examples = ExampleDatasets.read(definition, metadata: metadata)
        if metadata.datasets != [.customers] {
            definition.fail("datasets", "a tier rule reads the customers dataset: datasets: [customers]")
        }
        guard !tiers.isEmpty else { return nil }
        return TierRule(
            metadata: metadata, tiers: tiers, purchaseField: purchaseField, tierField: tierField, message: message,
            datasetExamples: examples)
    }

    public func makeChecker() -> RuleChecker { Checker(rule: self) }

    final class Checker: RuleChecker {
        let rule: TierRule
        init(rule: TierRule) { self.rule = rule }

        override func check(_ record: Record, context: CheckContext, emit: (Finding) -> Void) {
            guard record.dataset == .customers else { return }
            let meta = rule.metadata
            guard let rawTier = record[rule.tierField], let recorded = TierLabel.parse(rawTier) else {
                ValueProblems.report(record, field: rule.tierField, problem: "is missing", rule: meta, context: context, emit: emit)
                return
            }
            // Read every value the standard uses; an unreadable one stops the check.
            var flags: [String: Bool] = [:]
            for field in Set(rule.tiers.flatMap(\.flags)).sorted() {
                guard let raw = record[field], !raw.isBlank else { flags[field] = false; continue }
                guard let value = BooleanValue.parse(raw) else {
                    ValueProblems.report(
                        record, field: field, problem: "\(ValueProblems.shown(raw, context: context)) is not yes or no (是/否, Y/N)",
                        rule: meta, context: context, emit: emit)
                    return
                }
                flags[field] = value
            }
            var purchase: Double?
            var purchaseProblem: String?
            if let raw = record[rule.purchaseField], !raw.isBlank {
                purchase = Amount.parse(raw)
                if purchase == nil { purchaseProblem = "\(ValueProblems.shown(raw, context: context)) is not an amount" }
            } else {
                purchaseProblem = "is missing"
            }
            var higherMinimum: Double?
            for tier in rule.tiers {
                if let flag = tier.flags.first(where: { flags[$0] == true }) {
                    report(
                        expected: tier.label, recorded: recorded, reason: "\(ValueProblems.label(flag, in: .customers)) is yes", record,
                        context, emit)
                    return
                }
                if let minimum = tier.minPurchase {
                    guard let purchase else {
                        ValueProblems.report(
                            record, field: rule.purchaseField, problem: purchaseProblem ?? "is missing", rule: meta, context: context,
                            emit: emit)
                        return
                    }
                    if purchase >= minimum {
                        var reason = "annual purchase \(Amount.format(purchase)) ≥ \(Amount.format(minimum))"
                        if let higherMinimum { reason += " and < \(Amount.format(higherMinimum))" }
                        report(expected: tier.label, recorded: recorded, reason: reason, record, context, emit)
                        return
                    }
                    higherMinimum = minimum
                } else if tier.flags.isEmpty {
                    var reason = purchase.map { "annual purchase \(Amount.format($0))" } ?? "no annual purchase"
                    if let higherMinimum { reason += " < \(Amount.format(higherMinimum))" }
                    let allFlags = Set(rule.tiers.flatMap(\.flags))
                    if !allFlags.isEmpty { reason += ", no " + allFlags.sorted().joined(separator: "/") }
                    report(expected: tier.label, recorded: recorded, reason: reason, record, context, emit)
                    return
                }
            }
        }

        private func report(
            expected: String, recorded: String, reason: String, _ record: Record, _ context: CheckContext, _ emit: (Finding) -> Void
        ) {
            guard expected != recorded else { return }
            let values = ["expected": expected, "recorded": recorded, "reason": reason]
            emit(
                Finding(
                    rule: rule.metadata, record: record,
                    message: rule.message.render(values, detail: "recorded \(recorded), expected \(expected): \(reason)"),
                    field: rule.tierField, fingerprintParts: [recorded, expected]))
        }
    }
}
