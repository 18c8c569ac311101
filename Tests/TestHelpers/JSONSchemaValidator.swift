import Foundation

/// A JSON value as a schema sees it: integers kept apart from other
/// numbers, booleans apart from both (Foundation's JSONSerialization blurs these).
public indirect enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }
    public static func parse(_ text: String) throws -> JSONValue { try parse(Data(text.utf8)) }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var int: Int? { if case let .integer(value) = self { Int(value) } else { nil } }
    public var array: [JSONValue]? { if case let .array(value) = self { value } else { nil } }
    public var object: [String: JSONValue]? { if case let .object(value) = self { value } else { nil } }
}

/// A JSON Schema draft-04 validator for the keywords the SARIF 2.1.0 schema
/// and `docs/findings.schema.json` use. A keyword it does not know is an
/// error, never silently passed, so a schema can't be "validated" by a
/// checker that skipped half of it.
public struct JSONSchemaValidator {
    public let root: JSONValue

    /// Keywords that only annotate.
    static let annotations: Set<String> = ["description", "default", "title", "$schema", "id", "definitions", "deprecated"]
    static let supported: Set<String> = [
        "$ref", "type", "enum", "properties", "required", "additionalProperties", "patternProperties", "items",
        "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "format", "allOf", "anyOf", "oneOf", "not",
    ]

    public init(schema: JSONValue) { root = schema }

    public init(schemaFile: URL) throws { root = try JSONValue.parse(Data(contentsOf: schemaFile)) }

    /// Every violation, each as `path: reason`; empty when the instance is valid.
    public func validate(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, root, path: "", errors: &errors, depth: 0)
        return errors
    }

    /// Validates against a sub-schema named by a local reference, e.g. `#/definitions/finding`.
    public func validate(_ instance: JSONValue, against reference: String) -> [String] {
        guard let schema = resolve(reference) else { return ["cannot resolve \(reference)"] }
        var errors: [String] = []
        check(instance, schema, path: "", errors: &errors, depth: 0)
        return errors
    }

    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let index = Int(key), case .array = node { guard let next = node[index] else { return nil }; node = next; continue }
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, path: String, errors: inout [String], depth: Int) {
        guard depth < 64 else { errors.append("\(path): schema nesting too deep"); return }
        guard let keywords = schema.object else {
            if case .bool(false) = schema { errors.append("\(path): not allowed") }
            return
        }
        func fail(_ reason: String) { errors.append("\(path.isEmpty ? "/" : path): \(reason)") }
        if let reference = keywords["$ref"]?.string {
            // Draft-04: a $ref replaces its siblings.
            guard let target = resolve(reference) else { fail("cannot resolve \(reference)"); return }
            check(value, target, path: path, errors: &errors, depth: depth + 1)
            return
        }
        for key in keywords.keys where !Self.supported.contains(key) && !Self.annotations.contains(key) {
            fail("schema keyword '\(key)' is not supported by this validator")
        }
        if let type = keywords["type"] {
            let names = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            if !names.contains(where: { Self.has(value, type: $0) }) {
                fail("expected \(names.joined(separator: " or ")), found \(Self.typeName(value))")
            }
        }
        if let options = keywords["enum"]?.array, !options.contains(where: { Self.equal($0, value) }) {
            fail("\(Self.short(value)) is not one of \(options.map(Self.short).joined(separator: ", "))")
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            guard let schemas = keywords[key]?.array else { continue }
            var passing = 0
            var firstErrors: [String] = []
            for sub in schemas {
                var subErrors: [String] = []
                check(value, sub, path: path, errors: &subErrors, depth: depth + 1)
                if subErrors.isEmpty { passing += 1 } else if firstErrors.isEmpty { firstErrors = subErrors }
            }
            switch key {
            case "allOf" where passing < schemas.count: fail("does not match all of allOf: \(firstErrors.first ?? "")")
            case "anyOf" where passing == 0: fail("matches none of anyOf: \(firstErrors.first ?? "")")
            case "oneOf" where passing != 1: fail("matches \(passing) of oneOf, needs exactly 1")
            default: break
            }
        }
        if let negated = keywords["not"] {
            var subErrors: [String] = []
            check(value, negated, path: path, errors: &subErrors, depth: depth + 1)
            if subErrors.isEmpty { fail("matches a schema under 'not'") }
        }
        switch value {
        case let .object(members):
            for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                fail("missing required property '\(name)'")
            }
            let properties = keywords["properties"]?.object ?? [:]
            let patterns = keywords["patternProperties"]?.object ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path + "/" + name
                var covered = false
                if let sub = properties[name] {
                    covered = true
                    check(member, sub, path: memberPath, errors: &errors, depth: depth + 1)
                }
                for (pattern, sub) in patterns where Self.search(pattern, in: name) {
                    covered = true
                    check(member, sub, path: memberPath, errors: &errors, depth: depth + 1)
                }
                if !covered, let additional = keywords["additionalProperties"] {
                    if case .bool(false) = additional {
                        fail("property '\(name)' is not allowed")
                    } else if additional.object != nil {
                        check(member, additional, path: memberPath, errors: &errors, depth: depth + 1)
                    }
                }
            }
        case let .array(items):
            if let minimum = keywords["minItems"]?.int, items.count < minimum {
                fail("has \(items.count) items, needs at least \(minimum)")
            }
            if let maximum = keywords["maxItems"]?.int, items.count > maximum {
                fail("has \(items.count) items, allows at most \(maximum)")
            }
            if case .bool(true) = keywords["uniqueItems"] {
                for (index, item) in items.enumerated() where items[..<index].contains(where: { Self.equal($0, item) }) {
                    fail("item \(index) repeats an earlier item")
                }
            }
            if let itemSchema = keywords["items"] {
                if let tuple = itemSchema.array {
                    for (index, item) in items.enumerated() where index < tuple.count {
                        check(item, tuple[index], path: "\(path)/\(index)", errors: &errors, depth: depth + 1)
                    }
                } else {
                    for (index, item) in items.enumerated() {
                        check(item, itemSchema, path: "\(path)/\(index)", errors: &errors, depth: depth + 1)
                    }
                }
            }
        case let .string(text):
            let length = text.unicodeScalars.count
            if let minimum = keywords["minLength"]?.int, length < minimum { fail("string shorter than \(minimum)") }
            if let maximum = keywords["maxLength"]?.int, length > maximum { fail("string longer than \(maximum)") }
            if let pattern = keywords["pattern"]?.string, !Self.search(pattern, in: text) {
                fail("\(Self.short(value)) does not match /\(pattern)/")
            }
            if let format = keywords["format"]?.string, !Self.conforms(text, format: format) {
                fail("\(Self.short(value)) is not a valid \(format)")
            }
        case .integer, .number:
            let number = Self.double(value)!
            if let minimum = keywords["minimum"].flatMap(Self.double) {
                let exclusive = keywords["exclusiveMinimum"] == .bool(true)
                if exclusive ? number <= minimum : number < minimum {
                    fail("\(Self.short(value)) is below the minimum \(Self.short(keywords["minimum"]!))")
                }
            }
            if let maximum = keywords["maximum"].flatMap(Self.double) {
                let exclusive = keywords["exclusiveMaximum"] == .bool(true)
                if exclusive ? number >= maximum : number > maximum {
                    fail("\(Self.short(value)) is above the maximum \(Self.short(keywords["maximum"]!))")
                }
            }
        case .null, .bool:
            break
        }
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .integer), ("number", .integer), ("number", .number): true
        case let ("integer", .number(number)): number.rounded() == number
        default: false
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    static func double(_ value: JSONValue) -> Double? {
        switch value {
        case let .integer(number): Double(number)
        case let .number(number): number
        default: nil
        }
    }

    /// JSON equality: 1 and 1.0 are the same number.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = double(lhs), let right = double(rhs) { return left == right }
        switch (lhs, rhs) {
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy(equal)
        case let (.object(a), .object(b)): return a.keys.sorted() == b.keys.sorted() && a.allSatisfy { equal($0.value, b[$0.key]!) }
        default: return lhs == rhs
        }
    }

    static func short(_ value: JSONValue) -> String {
        switch value {
        case let .string(text): "\"\(text.prefix(60))\""
        case let .integer(number): String(number)
        case let .number(number): String(number)
        case let .bool(flag): String(flag)
        case .null: "null"
        case .array: "[…]"
        case .object: "{…}"
        }
    }

    /// ECMA-262 patterns are unanchored searches; ICU is close enough for these schemas.
    public static func search(_ pattern: String, in text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The formats these schemas name; others are accepted, as draft-04 allows.
    static func conforms(_ text: String, format: String) -> Bool {
        switch format {
        case "uri": return uriCharactersOnly(text) && search("^[A-Za-z][A-Za-z0-9+.-]*:", in: text)
        case "uri-reference": return uriCharactersOnly(text)
        case "date-time":
            return search(#"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#, in: text)
        default: return true
        }
    }

    /// RFC 3986 characters only, and every `%` starts an escape.
    static func uriCharactersOnly(_ text: String) -> Bool {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            guard allowed.contains(scalar) else { return false }
            if scalar == "%" {
                guard index + 2 < scalars.count,
                    scalars[index + 1].properties.isASCIIHexDigit, scalars[index + 2].properties.isASCIIHexDigit
                else { return false }
            }
        }
        return true
    }
}
