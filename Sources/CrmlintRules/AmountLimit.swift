import CrmlintCore
import Foundation
import PatternEngine

/// `capture` + `limit` on a pattern rule: the amount a hit captures must stay
/// inside the limit (R4: a gift worth more than 200 元).
public struct AmountLimit: Sendable {
    /// The capture group's name or number.
    let capture: String
    public let max: Double?
    public let min: Double?
    /// Yuan per bare number (`800` with `unit: 元` is 800 元).
    let unitFactor: Double
    let message: MessageTemplate

    static let units: [String: Double] = ["元": 1, "千": 1e3, "万": 1e4, "亿": 1e8]

    /// The capture's group number in one pattern, if it has it.
    func group(in pattern: Pattern) -> Int? {
        if let number = Int(capture), number >= 1, number <= pattern.captureCount { return number }
        return pattern.groupNumber(named: capture)
    }

    static func read(_ definition: RuleDefinition, metadata: RuleMetadata, capture: String?, matchers: [TextMatcher]) -> AmountLimit? {
        let limitKeys = definition.nested("limit")
        guard capture != nil || limitKeys != nil else { return nil }
        guard let capture else {
            definition.fail("limit", "'limit' needs 'capture' (the group holding the amount)")
            limitKeys?.finish()
            return nil
        }
        // Every entry of `patterns` must be able to capture the amount (in one of its parts).
        for matcher in matchers {
            let leaves = matcher.writtenPatterns
            let hasGroup = leaves.contains { pattern in
                if let number = Int(capture) { return number >= 1 && number <= pattern.captureCount }
                return pattern.groupNumber(named: capture) != nil
            }
            if !hasGroup { definition.fail("capture", "pattern '\(leaves.first?.source ?? "")' has no capture group '\(capture)'") }
        }
        guard let limitKeys else {
            definition.fail(nil, "missing required key 'limit' (e.g. limit: {max: 200})")
            return nil
        }
        let unitText = limitKeys.string("unit") ?? "元"
        let unitFactor = units[unitText]
        if unitFactor == nil { limitKeys.fail("'limit.unit' must be one of 元, 千, 万, 亿, not '\(unitText)'") }
        func bound(_ key: String) -> Double? {
            guard let text = limitKeys.string(key) else { return nil }
            let bare = text.allSatisfy { $0.isNumber || $0 == "." }
            guard let value = Amount.parse(text) else {
                limitKeys.fail("'limit.\(key)' must be an amount such as 200 or 200元, not '\(text)'")
                return nil
            }
            return bare ? value * (unitFactor ?? 1) : value
        }
        let max = bound("max"), min = bound("min")
        limitKeys.finish()
        if max == nil && min == nil { definition.fail("limit", "'limit' needs 'max' or 'min'") }
        let message = MessageTemplate(metadata.message, allowed: ["value", "limit"], definition: definition)
        guard let unitFactor, max != nil || min != nil else { return nil }
        return AmountLimit(capture: capture, max: max, min: min, unitFactor: unitFactor, message: message)
    }

    /// The values for the message when the captured amount is outside the limit, else nil
    /// (also nil when nothing was captured or it is not an amount: nothing to compare).
    /// Approximate amounts count at their stated size or above: 三百多 is over 300,
    /// 六百出头 over 600; a range (一两百, 两三百) counts at its top.
    func violation(_ captured: Range<Int>?, text: NormalizedText) -> [String: String]? {
        guard let range = captured else { return nil }
        let capturedText = text.normalizedString(range).trimmingCharacters(in: .whitespaces)
        guard let (amount, above) = Amount.parseApproximateBound(capturedText) else { return nil }
        let bare = capturedText.allSatisfy { $0.isNumber || $0 == "." || $0 == "," }
        let value = bare ? amount * unitFactor : amount
        if let max, value > max || (above && value >= max) {
            return ["value": Amount.format(value) + (above ? "以上" : ""), "limit": Amount.format(max)]
        }
        if let min, value < min { return ["value": Amount.format(value), "limit": "at least " + Amount.format(min)] }
        return nil
    }
}
