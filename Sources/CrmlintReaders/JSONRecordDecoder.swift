import Foundation

/// Turns the bytes of one JSON value into a record's fields. Scalars become
/// their text (numbers as written by Foundation, booleans `true`/`false`,
/// null as empty); nested arrays and objects are kept as compact JSON text.
enum JSONRecordDecoder {
    private enum Value: Decodable {
        case string(String), number(Double), bool(Bool), null, array([Value]), object([String: Value])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([Value].self) { self = .array(value) }
            else { self = .object(try container.decode([String: Value].self)) }
        }

        var text: String {
            switch self {
            case let .string(value): value
            case let .number(value):
                value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case let .bool(value): value ? "true" : "false"
            case .null: ""
            case let .array(values): "[" + values.map(\.json).joined(separator: ",") + "]"
            case let .object(members): "{" + members.keys.sorted().map { "\(Value.string($0).json):\(members[$0]!.json)" }.joined(separator: ",") + "}"
            }
        }

        var json: String {
            switch self {
            case let .string(value):
                let data = try? JSONEncoder().encode(value)
                return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            case .null: return "null"
            default: return text
            }
        }
    }

    /// Fields of a JSON object, in sorted key order, or a reason it is not one.
    static func fields(from bytes: [UInt8]) -> Result<[(key: String, value: String)], DecodeFailure> {
        guard String(validating: bytes, as: UTF8.self) != nil else { return .failure(DecodeFailure("not valid UTF-8")) }
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch {
            return .failure(DecodeFailure("not valid JSON"))
        }
        guard case let .object(members) = value else { return .failure(DecodeFailure("not a JSON object")) }
        return .success(members.keys.sorted().map { ($0, members[$0]!.text) })
    }
}

struct DecodeFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
