/// The stable category vocabulary (`category` in docs/findings.schema.json); dashboards group by it.
public enum Category: String, Codable, CaseIterable, Sendable {
    case exaggeration
    case overpromise
    case bribery
    case giftLimit = "gift-limit"
    case sensitiveTopic = "sensitive-topic"
    case assumption
    case cancellation
    case piiLeak = "pii-leak"
    case lateLog = "late-log"
    case lateFollowup = "late-followup"
    case overContact = "over-contact"
    case quietPeriod = "quiet-period"
    case underContact = "under-contact"
    case tierMismatch = "tier-mismatch"
    case incompleteRecord = "incomplete-record"
    case inputError = "input-error"

    public var summary: String {
        switch self {
        case .exaggeration: "absolute or exaggerated product claims (夸大产品功能)"
        case .overpromise: "service promises that cannot be kept (无法兑现的承诺)"
        case .bribery: "kickbacks, bribes, high-value gifts (商业贿赂)"
        case .giftLimit: "gift above the allowed value (礼品超标)"
        case .sensitiveTopic: "politics, religion, customer privacy, slang (敏感话题)"
        case .assumption: "telling the customer what they need (主观臆断需求)"
        case .cancellation: "asking why a visit was cancelled (追问取消原因)"
        case .piiLeak: "customer contact details where they must not be (客户信息外泄)"
        case .lateLog: "record entered after its deadline (记录录入超时)"
        case .lateFollowup: "follow-up later than required or overdue (跟进超时)"
        case .overContact: "too many contacts (过度联系)"
        case .quietPeriod: "contact inside a pause the customer asked for (静默期内联系)"
        case .underContact: "tier cadence missed (联系不足)"
        case .tierMismatch: "tier does not match the tier standard (客户分级不符)"
        case .incompleteRecord: "required field missing or malformed (记录不完整)"
        case .inputError: "a record that could not be read (无法读取的记录)"
        }
    }
}
