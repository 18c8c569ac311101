import CrmlintCore
import Foundation
import Yams

/// A composed YAML document as bytes and back, for the rule cache: reading a
/// rule file's nodes from the cache costs a fraction of YAMLGuard plus Yams
/// (which resolves every mapping key's tag through a regular expression to
/// check for duplicates). What rules read is kept exactly: every scalar's
/// text, each node's tag name (as composed, a plain scalar's resolved: a later
/// resolution gives the same tag), style and mark (line, column), and the order of mapping pairs.
/// Anchors are not kept: Yams holds them weakly and they are gone once
/// `compose` returns; aliases were already copied into the tree.
enum YAMLNodeCodec {
    /// The bytes of a document (nil root: an empty document), or nil when a
    /// node cannot be written (an alias node, or marks that cannot be rebuilt).
    static func encode(_ root: Node?) -> [UInt8]? {
        guard markLayoutHolds else { return nil }
        var out: [UInt8] = []
        guard let root else {
            out.append(0)
            return out
        }
        out.append(1)
        var tags: [String: Int] = [:]
        return write(root, depth: 0, tags: &tags, into: &out) ? out : nil
    }

    /// The document `encode` wrote: `.some(nil)` for an empty one, nil when the bytes are not a whole document.
    /// (A kept document is a slice of the mapped cache file.)
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Node?? { decode(bytes, deferring: nil) }

    /// A document whose rule items (the mappings of its top-level list) keep the values of
    /// `keys` encoded: each such value is a `DeferredNode` (by item index and key) decoded
    /// when asked for, and the item holds an empty scalar in its place. A scan never reads the
    /// bundled rules' `examples`, a third of their nodes. (No keys: the whole document.)
    static func decode(_ slice: CacheSlice, deferring keys: Set<String>) -> (root: Node??, deferred: [Int: [String: DeferredNode]]) {
        var deferred: [Int: [String: DeferredNode]] = [:]
        let root = slice.withBytes { bytes in
            decode(
                bytes,
                deferring: keys.isEmpty
                    ? nil
                    : { item, key, reader in
                        guard keys.contains(key) else { return false }
                        let start = reader.position
                        let names = reader.tagNames
                        guard reader.skip(depth: 2) else { return nil }
                        deferred[item, default: [:]][key] = DeferredNode(
                            slice: CacheSlice(
                                owner: slice.owner, range: slice.range.lowerBound + start..<slice.range.lowerBound + reader.position),
                            tagNames: names)
                        return true
                    })
        }
        return root == nil ? (nil, [:]) : (root, deferred)
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, deferring: ((Int, String, inout Reader) -> Bool?)?) -> Node?? {
        guard markLayoutHolds else { return nil }
        // One constructor per document, shared by its tags, as Yams's parser does. No resolver
        // rules: scalars' tags were written resolved, and collections' resolve without rules.
        var reader = Reader(bytes: bytes, constructor: .default)
        switch reader.byte() {
        case 0: return reader.atEnd ? .some(nil) : nil
        case 1:
            guard let node = reader.node(depth: 0, deferring: deferring), reader.atEnd else { return nil }
            return .some(node)
        default: return nil
        }
    }

    /// A value `decode(_:deferring:)` left encoded, with the tag names known where it starts.
    struct DeferredNode: @unchecked Sendable { // the bytes are read-only and the names immutable
        let slice: CacheSlice
        let tagNames: [String]

        /// The value's node (nil only if the cache file's checked bytes could be misread: they cannot).
        func node() -> Node? {
            slice.withBytes { bytes in
                var reader = Reader(bytes: bytes, constructor: .default)
                reader.tagNames = tagNames
                guard let node = reader.node(depth: 2), reader.atEnd else { return nil }
                return node
            }
        }
    }

    /// `tags`: the tag names written so far, by number (a document has a handful, on every node).
    private static func write(_ node: Node, depth: Int, tags: inout [String: Int], into out: inout [UInt8]) -> Bool {
        guard depth <= maxDepth else { return false }
        switch node {
        case let .scalar(scalar):
            out.append(Kind.scalar.rawValue)
            // Tags are written resolved (`str`, `int`, …, `map`, `seq`: the name Yams gives a node on
            // first comparison), so a read document never resolves one: that would build Yams's
            // default resolver (seven regular expressions) and match them on every key compared.
            guard header(node.tag, UInt32(scalar.style.rawValue), scalar.mark, tags: &tags, into: &out) else { return false }
            string(scalar.string, into: &out)
        case let .sequence(sequence):
            out.append(Kind.sequence.rawValue)
            guard header(node.tag, sequence.style.rawValue, sequence.mark, tags: &tags, into: &out) else { return false }
            varint(sequence.count, into: &out)
            for item in sequence where !write(item, depth: depth + 1, tags: &tags, into: &out) { return false }
        case let .mapping(mapping):
            out.append(Kind.mapping.rawValue)
            guard header(node.tag, mapping.style.rawValue, mapping.mark, tags: &tags, into: &out) else { return false }
            varint(mapping.count, into: &out)
            for (key, value) in mapping
            where !write(key, depth: depth + 1, tags: &tags, into: &out) || !write(value, depth: depth + 1, tags: &tags, into: &out) {
                return false
            }
        case .alias:
            return false
        }
        return true
    }

    /// The most tag names a document may have: a reader refuses more (a damaged count must not allocate without end).
    static let maxTagNames = 1024

    /// A tag is its number among the document's tag names, 0 followed by the name on its first use.
    /// False past `maxTagNames` (the document is then not kept).
    private static func header(_ tag: Tag, _ style: UInt32, _ mark: Mark?, tags: inout [String: Int], into out: inout [UInt8]) -> Bool {
        let name = tag.rawValue
        if let number = tags[name] {
            varint(number, into: &out)
        } else {
            guard tags.count < maxTagNames else { return false }
            tags[name] = tags.count + 1
            varint(0, into: &out)
            string(name, into: &out)
        }
        varint(Int(style), into: &out)
        if let mark {
            out.append(1)
            varint(mark.line, into: &out)
            varint(mark.column, into: &out)
        } else {
            out.append(0)
        }
        return true
    }

    private static func string(_ text: String, into out: inout [UInt8]) {
        varint(text.utf8.count, into: &out)
        out += text.utf8
    }

    private static func varint(_ value: Int, into out: inout [UInt8]) {
        var v = UInt64(max(value, 0))
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Deeper trees (aliases inside aliases can nest past YAMLGuard's limit)
    /// are not kept, so a damaged file cannot make `decode` recurse without end.
    static let maxDepth = 2 * YAMLGuard.maxDepth

    fileprivate enum Kind: UInt8 {
        case scalar = 1
        case sequence
        case mapping
    }

    /// Yams gives `Mark` no public initialiser; it is two `Int`s (line, then
    /// column), which this checks once per process by writing and reading
    /// back distinct values. If a Yams version laid it out otherwise, the
    /// cache would keep no nodes and files would be parsed as before.
    static let markLayoutHolds: Bool = {
        guard MemoryLayout<Mark>.size == 2 * MemoryLayout<Int>.size else { return false }
        let mark = unsafeBitCast((3, 7), to: Mark.self)
        return mark.line == 3 && mark.column == 7
    }()

    static func mark(line: Int, column: Int) -> Mark { unsafeBitCast((line, column), to: Mark.self) }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        let constructor: Constructor
        var position: Int
        /// The document's tag names in order of first use (a header names one by number).
        var tagNames: [String] = []
        /// Tags made so far, by node kind and the name's number: shared by the nodes that have
        /// them. Every tag is written resolved, so none is ever rewritten by resolving it (which
        /// writes the name into the tag). A tag per node was a third of decoding, and finding a
        /// node's tag by comparing names a third of what was left.
        var tags: [[Tag?]] = [[], [], [], []]

        init(bytes: UnsafeRawBufferPointer, constructor: Constructor) {
            self.bytes = bytes
            self.constructor = constructor
            position = 0
        }

        var atEnd: Bool { position == bytes.endIndex }

        mutating func byte() -> UInt8? {
            guard position < bytes.endIndex else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() -> Int? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return Int(value) }
                shift += 7
                if shift > 56 { return nil }
            }
            return nil
        }

        mutating func string() -> String? {
            guard let length = varint() else { return nil }
            return string(length: length)
        }

        /// The next `length` bytes as text (nil when they are not there or not UTF-8).
        mutating func string(length: Int) -> String? {
            guard length <= bytes.endIndex - position else { return nil }
            defer { position += length }
            return String(validUTF8: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]))
        }

        /// A node's header as written: its tag's number (a new name noted), style and mark; nil when
        /// any is not one `encode` writes for a node of this kind. What `node` and `skip` both check.
        mutating func headerFields(kind: Kind) -> (number: Int, style: UInt32, mark: Mark?)? {
            guard var number = varint() else { return nil }
            if number == 0 {
                guard tagNames.count < YAMLNodeCodec.maxTagNames, let name = string() else { return nil }
                tagNames.append(name)
                number = tagNames.count
            }
            guard number <= tagNames.count, let written = varint(), let style = UInt32(exactly: written) else { return nil }
            let known: Bool
            switch kind {
            case .scalar: known = Node.Scalar.Style(rawValue: style) != nil
            case .sequence: known = Node.Sequence.Style(rawValue: style) != nil
            case .mapping: known = Node.Mapping.Style(rawValue: style) != nil
            }
            guard known else { return nil }
            switch byte() {
            case 0: return (number, style, nil)
            case 1:
                guard let line = varint(), let column = varint() else { return nil }
                return (number, style, YAMLNodeCodec.mark(line: line, column: column))
            default: return nil
            }
        }

        mutating func header(kind: Kind) -> (tag: Tag, style: UInt32, mark: Mark?)? {
            guard let (number, style, mark) = headerFields(kind: kind) else { return nil }
            let kindIndex = Int(kind.rawValue)
            if tags[kindIndex].count < number { tags[kindIndex] += [Tag?](repeating: nil, count: number - tags[kindIndex].count) }
            let tag: Tag
            if let known = tags[kindIndex][number - 1] {
                tag = known
            } else {
                tag = Tag(Tag.Name(rawValue: tagNames[number - 1]), .basic, constructor)
                tags[kindIndex][number - 1] = tag
            }
            return (tag, style, mark)
        }

        /// Reads past a node, building nothing but the tag names it introduces; false when it is not whole.
        /// Checks what `node` checks but the scalars' text (kept bytes of a checksummed file this
        /// build wrote from `String`s), so a value skipped here reads back later.
        mutating func skip(depth: Int) -> Bool {
            guard depth <= YAMLNodeCodec.maxDepth, let kind = byte().flatMap(Kind.init(rawValue:)), headerFields(kind: kind) != nil else {
                return false
            }
            switch kind {
            case .scalar:
                guard let length = varint(), length <= bytes.endIndex - position else { return false }
                position += length
                return true
            case .sequence:
                guard let count = varint(), count <= bytes.endIndex - position else { return false }
                for _ in 0..<count where !skip(depth: depth + 1) { return false }
                return true
            case .mapping:
                guard let count = varint(), count <= bytes.endIndex - position else { return false }
                for _ in 0..<(2 * count) where !skip(depth: depth + 1) { return false }
                return true
            }
        }

        /// `deferring`: asked, for each value of a mapping in the top-level list (item, key),
        /// whether it took the value (left the reader past it; the item then holds an empty scalar),
        /// or nil when the value is not whole (the document is then refused).
        mutating func node(depth: Int, deferring: ((Int, String, inout Reader) -> Bool?)? = nil) -> Node? {
            guard depth <= YAMLNodeCodec.maxDepth, let kind = byte().flatMap(Kind.init(rawValue:)), let header = header(kind: kind) else {
                return nil
            }
            switch kind {
            case .scalar:
                guard let text = string(), let style = Node.Scalar.Style(rawValue: header.style) else { return nil }
                return .scalar(Node.Scalar(text, header.tag, style, header.mark))
            case .sequence:
                // A count is bounded by the bytes left: a damaged one must not allocate without end.
                guard let count = varint(), count <= bytes.endIndex - position, let style = Node.Sequence.Style(rawValue: header.style)
                else { return nil }
                var nodes: [Node] = []
                nodes.reserveCapacity(count)
                for index in 0..<count {
                    guard
                        let item = depth == 0 && deferring != nil
                            ? item(depth: 1, index: index, deferring: deferring!) : node(depth: depth + 1)
                    else { return nil }
                    nodes.append(item)
                }
                return .sequence(Node.Sequence(nodes, header.tag, style, header.mark))
            case .mapping:
                guard let count = varint(), count <= bytes.endIndex - position, let style = Node.Mapping.Style(rawValue: header.style)
                else { return nil }
                var pairs: [(Node, Node)] = []
                pairs.reserveCapacity(count)
                for _ in 0..<count {
                    guard let key = node(depth: depth + 1), let value = node(depth: depth + 1) else { return nil }
                    pairs.append((key, value))
                }
                return .mapping(Node.Mapping(pairs, header.tag, style, header.mark))
            }
        }

        /// An item of the top-level list: a mapping some of whose values `deferring` may take.
        private mutating func item(depth: Int, index: Int, deferring: (Int, String, inout Reader) -> Bool?) -> Node? {
            guard position < bytes.endIndex, bytes[position] == Kind.mapping.rawValue else { return node(depth: depth) }
            position += 1
            guard let header = header(kind: .mapping), let count = varint(), count <= bytes.endIndex - position,
                let style = Node.Mapping.Style(rawValue: header.style)
            else { return nil }
            var pairs: [(Node, Node)] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count {
                guard let key = node(depth: depth + 1) else { return nil }
                if let name = key.scalar?.string {
                    guard let taken = deferring(index, name, &self) else { return nil }
                    if taken {
                        // The key's own tag (`str`): a new one would build Yams's default resolver, seven regular expressions.
                        pairs.append((key, Node("", key.tag, .plain)))
                        continue
                    }
                }
                guard let value = node(depth: depth + 1) else { return nil }
                pairs.append((key, value))
            }
            return .mapping(Node.Mapping(pairs, header.tag, style, header.mark))
        }
    }
}
