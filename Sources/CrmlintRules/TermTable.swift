import CrmlintCore
import Foundation
import PatternEngine
import Yams

/// Named word classes (`terms:`), referenced from patterns as `{{name}}` and
/// expanded at load into `(?:item|item|…)`. A class is a list of PCRE
/// fragments — usually plain words — and may reference other classes.
/// Traditional forms are not listed: patterns see text already mapped to
/// Simplified by the normaliser.
public struct TermTable: Sendable {
    public struct Term: Sendable {
        public let name: String
        public let items: [String]
        public let file: String
        public let line: Int
        public var column: Int = 0
    }

    /// Every class by name.
    public var terms: [String: Term] { deferred?.value.terms ?? definitions }
    private var definitions: [String: Term] = [:]
    /// Fully expanded fragments, filled by `resolve()`.
    private var expanded: [String: String] = [:]
    /// A hash of every term's name and items (set by `resolve()`): a pattern's text with
    /// references and this name what it expands to, without hashing the expansion.
    public private(set) var fingerprint = PatternSourceKey(a: 0, b: 0)
    /// The table itself, made when first asked for (see `init(fingerprint:making:)`).
    private let deferred: OnFirstUse<TermTable>?

    public init() { deferred = nil }

    /// A table known by its fingerprint and read only when a pattern is expanded: a warm
    /// rule cache holds every pattern's compile result under keys made with the fingerprint,
    /// so a run that compiles nothing new never reads the word classes (reading and
    /// resolving them was a tenth of a one-file scan). `making` must give a table of that fingerprint.
    init(fingerprint: PatternSourceKey, making: @escaping @Sendable () -> TermTable) {
        self.fingerprint = fingerprint
        deferred = OnFirstUse(making: making)
    }

    /// Whether the classes have been read: always for a table made at once; for a deferred one, once a pattern was expanded (tests).
    var isRead: Bool { deferred?.isMade ?? true }

    /// Whether the table is read on first use (`init(fingerprint:making:)`).
    var isDeferred: Bool { deferred != nil }

    public static let empty = TermTable()

    /// `{{name}}`: letters, digits, `_`, `-` and `.` (`promise`, `gift.item`).
    static func isNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// Reads one `terms:` mapping (from a terms file or a `- terms:` item of a rule file).
    mutating func add(_ node: Node, file: String, errors: inout [CrmlintError]) {
        guard case let .mapping(mapping) = node else {
            errors.append(
                .rule(
                    file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, ruleID: nil,
                    reason: "'terms' must map class names to lists of words"))
            return
        }
        for (key, value) in mapping {
            let line = key.mark?.line ?? 0, column = key.mark?.column ?? 0
            guard let name = key.string, !name.isEmpty, name.utf8.allSatisfy(Self.isNameCharacter) else {
                errors.append(
                    .rule(
                        file: file, line: line, column: column, ruleID: nil,
                        reason: "term name '\(key.string ?? "?")' must be letters, digits, '_', '-' or '.'"))
                continue
            }
            var items: [String] = []
            switch value {
            case let .scalar(scalar): items = [scalar.string]
            case let .sequence(sequence):
                for item in sequence {
                    guard case let .scalar(scalar) = item else {
                        errors.append(
                            .rule(
                                file: file, line: item.mark?.line ?? line, column: item.mark?.column ?? 0, ruleID: nil,
                                reason: "term '\(name)': items must be text"))
                        continue
                    }
                    items.append(scalar.string)
                }
            default:
                errors.append(
                    .rule(file: file, line: line, column: column, ruleID: nil, reason: "term '\(name)' must be a list of words or patterns")
                )
                continue
            }
            items = items.filter { !$0.isEmpty }
            if items.isEmpty {
                errors.append(
                    .rule(file: file, line: line, column: column, ruleID: nil, reason: "term '\(name)' is empty (list at least one word)"))
                continue
            }
            if let first = definitions[name] {
                errors.append(
                    .rule(
                        file: file, line: line, column: column, ruleID: nil,
                        reason: "term '\(name)' defined twice (first at \(first.file):\(first.line))"))
                continue
            }
            definitions[name] = Term(name: name, items: items, file: file, line: line, column: column)
        }
    }

    /// Expands every class, reporting unknown references, cycles and classes
    /// that do not compile, each at the class's own file and line.
    mutating func resolve(errors: inout [CrmlintError], cache: RuleCache? = nil) {
        var state: [String: Bool] = [:] // false: in progress, true: done
        var broken: Set<String> = []
        var expanded: [String: String] = [:]
        let terms = definitions
        func visit(_ name: String, path: [String]) -> String? {
            if state[name] == true { return expanded[name] }
            guard let term = terms[name] else { return nil }
            if state[name] == false {
                let cycle = (path.drop { $0 != name } + [name]).joined(separator: " → ")
                errors.append(
                    .rule(
                        file: term.file, line: term.line, column: term.column, ruleID: nil,
                        reason: "term '\(name)' refers to itself: \(cycle)"))
                broken.insert(name)
                return nil
            }
            state[name] = false
            var parts: [String] = []
            var failed = false
            for item in term.items {
                do {
                    parts.append(
                        try Self.substitute(item) { reference in
                            guard terms[reference] != nil else {
                                throw TermError.unknown(reference)
                            }
                            guard let inner = visit(reference, path: path + [name]) else { throw TermError.broken }
                            return inner
                        })
                } catch TermError.unknown(let reference) {
                    errors.append(
                        .rule(
                            file: term.file, line: term.line, column: term.column, ruleID: nil,
                            reason: "term '\(name)' refers to unknown term '\(reference)'\(Self.suggestion(for: reference, in: terms))"))
                    failed = true
                } catch {
                    failed = true
                }
            }
            state[name] = true
            if failed {
                broken.insert(name)
                return nil
            }
            let fragment = "(?:" + parts.joined(separator: "|") + ")"
            do {
                if cache?.isValidTerm(fragment) != true {
                    _ = try Pattern(fragment)
                    cache?.setValidTerm(fragment)
                }
            } catch let error as PatternCompileError {
                errors.append(
                    .rule(
                        file: term.file, line: term.line, column: term.column, ruleID: nil,
                        reason: "term '\(name)' is not a valid pattern: \(error.reason) in '\(fragment.prefix(200))'"))
                broken.insert(name)
                return nil
            } catch {
                broken.insert(name)
                return nil
            }
            expanded[name] = fragment
            return fragment
        }
        for name in terms.keys.sorted() { _ = visit(name, path: []) }
        for name in broken { expanded[name] = nil }
        self.expanded = expanded
        var hash = StableHash()
        for name in terms.keys.sorted() {
            hash.add(name)
            hash.add(word: UInt64(terms[name]!.items.count))
            terms[name]!.items.forEach { hash.add($0) }
        }
        hash.add(word: UInt64(broken.count))
        fingerprint = hash.key
    }

    enum TermError: Error {
        case unknown(String)
        case broken
    }

    /// A pattern with every `{{name}}` replaced by its class; throws a reason
    /// for an unknown name.
    public func expand(_ source: String) throws -> String {
        // A byte search: Foundation's `contains` cost 15,000 instructions a pattern ("{{" is ASCII, so bytes decide).
        guard Self.holdsDoubleBrace(source) else { return source }
        if let deferred { return try deferred.value.expand(source) }
        let terms = definitions
        return try Self.substitute(source) { name in
            if let fragment = expanded[name] { return fragment }
            if terms[name] != nil { throw TermExpansionError(reason: "term '\(name)' could not be built (see its own error)") }
            throw TermExpansionError(reason: "unknown term '{{\(name)}}'\(Self.suggestion(for: name, in: terms))")
        }
    }

    static func holdsDoubleBrace(_ source: String) -> Bool {
        // Each `{` found with memchr (a byte loop read every pattern a warm run loads: 0.4 % of a one-file scan).
        source.withUTF8InPlace { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
            guard let base = bytes.baseAddress, bytes.count >= 2 else { return false }
            var offset = 0
            while offset < bytes.count - 1, let found = memchr(base + offset, Int32(UInt8(ascii: "{")), bytes.count - 1 - offset) {
                let brace = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                if bytes[brace + 1] == UInt8(ascii: "{") { return true }
                offset = brace + 1
            }
            return false
        }
    }

    private static func suggestion(for name: String, in terms: [String: Term]) -> String {
        let known = terms.keys.sorted()
        if known.isEmpty { return " (no terms are defined; put them in rules/terms/*.yml)" }
        let close = known.filter { $0.hasPrefix(name.prefix(3)) || name.hasPrefix($0.prefix(3)) }.prefix(3)
        return close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?)"
    }

    /// Replaces `{{name}}` through `lookup`; other braces (`{2,3}`, `\p{Han}`) are left alone.
    /// The references are found in the bytes; the result is built from slices of `source` and
    /// the looked-up texts, all valid UTF-8 cut at ASCII braces, so nothing is validated again:
    /// decoding the bytes of the expanded text (kilobytes a pattern) was two thirds of expanding.
    private static func substitute(_ source: String, _ lookup: (String) throws -> String) rethrows -> String {
        var copy = source
        // Each reference: the bytes it spans and its name.
        let references: [(range: Range<Int>, name: String)] = copy.withUTF8 { bytes in
            var found: [(range: Range<Int>, name: String)] = []
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{"),
                    index == 0 || bytes[index - 1] != UInt8(ascii: "\\")
                {
                    var end = index + 2
                    while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                    let nameStart = end
                    while end < bytes.count, Self.isNameCharacter(bytes[end]) { end += 1 }
                    let nameEnd = end
                    while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                    if nameEnd > nameStart, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"), bytes[end + 1] == UInt8(ascii: "}") {
                        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]), as: UTF8.self)
                        found.append((index..<end + 2, name))
                        index = end + 2
                        continue
                    }
                }
                index += 1
            }
            return found
        }
        if references.isEmpty { return source }
        let utf8 = source.utf8
        func slice(_ range: Range<Int>) -> Substring {
            // Offsets at ASCII braces are scalar boundaries.
            Substring(
                source.unicodeScalars[
                    utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
        }
        var out = ""
        var copied = 0
        for reference in references {
            out.append(contentsOf: slice(copied..<reference.range.lowerBound))
            out.append(try lookup(reference.name))
            copied = reference.range.upperBound
        }
        out.append(contentsOf: slice(copied..<utf8.count))
        return out
    }
}

public struct TermExpansionError: Error, Sendable {
    public let reason: String
}
