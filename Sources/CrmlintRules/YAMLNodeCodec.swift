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
    ///
    /// Layout: 1, the document's tag names (a count, then each), then the root node. A node is its
    /// kind, its header (tag number from 1, style, mark) and its text or children. The values of a
    /// rule item (a mapping in the top-level list) are each preceded by their length in bytes, so a
    /// reader that leaves one encoded steps over it at once (walking its nodes to find the end was
    /// 3 % of a one-file scan).
    static func encode(_ root: Node?) -> [UInt8]? {
        guard markLayoutHolds else { return nil }
        guard let root else { return [0] }
        var tags = TagNumbers()
        var body: [UInt8] = []
        guard write(root, depth: 0, tags: &tags, into: &body) else { return nil }
        var out: [UInt8] = [1]
        varint(tags.names.count, into: &out)
        for name in tags.names { string(name, into: &out) }
        return out + body
    }

    /// Tag names numbered from 1 in order of first use.
    private struct TagNumbers {
        var numbers: [String: Int] = [:]
        var names: [String] = []
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
                    : { item, key, range, names in
                        guard keys.contains(key) else { return false }
                        deferred[item, default: [:]][key] = DeferredNode(
                            slice: CacheSlice(
                                owner: slice.owner,
                                range: slice.range.lowerBound + range.lowerBound..<slice.range.lowerBound + range.upperBound),
                            tagNames: names)
                        return true
                    })
        }
        return root == nil ? (nil, [:]) : (root, deferred)
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, deferring: Deferring?) -> Node?? {
        guard markLayoutHolds else { return nil }
        // One constructor per document, shared by its tags, as Yams's parser does. No resolver
        // rules: scalars' tags were written resolved, and collections' resolve without rules.
        var reader = Reader(bytes: bytes, constructor: .default)
        switch reader.byte() {
        case 0: return reader.atEnd ? .some(nil) : nil
        case 1:
            // The tag names: bounded, so a damaged count cannot allocate without end.
            guard let count = reader.varint(), count <= maxTagNames, count <= bytes.count else { return nil }
            reader.tagNames.reserveCapacity(count)
            for _ in 0..<count {
                guard let name = reader.string() else { return nil }
                reader.tagNames.append(name)
            }
            guard let node = reader.node(depth: 0, deferring: deferring), reader.atEnd else { return nil }
            return .some(node)
        default: return nil
        }
    }

    /// Asked of each value of a rule item (item index, key, the value's bytes, the document's tag
    /// names): whether it takes the value, which is then left encoded.
    private typealias Deferring = (Int, String, Range<Int>, [String]) -> Bool

    /// A value `decode(_:deferring:)` left encoded, with the document's tag names.
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

    /// `tags`: the tag names numbered so far (a document has a handful, on every node). `lengthsBeforeValues`:
    /// the node is a rule item (a mapping in the top-level list), whose values are each written after their length.
    private static func write(
        _ node: Node, depth: Int, tags: inout TagNumbers, into out: inout [UInt8], lengthsBeforeValues: Bool = false
    ) -> Bool {
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
            for item in sequence where !write(item, depth: depth + 1, tags: &tags, into: &out, lengthsBeforeValues: depth == 0) {
                return false
            }
        case let .mapping(mapping):
            out.append(Kind.mapping.rawValue)
            guard header(node.tag, mapping.style.rawValue, mapping.mark, tags: &tags, into: &out) else { return false }
            varint(mapping.count, into: &out)
            for (key, value) in mapping {
                guard write(key, depth: depth + 1, tags: &tags, into: &out) else { return false }
                guard lengthsBeforeValues else {
                    guard write(value, depth: depth + 1, tags: &tags, into: &out) else { return false }
                    continue
                }
                var valueBytes: [UInt8] = []
                guard write(value, depth: depth + 1, tags: &tags, into: &valueBytes) else { return false }
                varint(valueBytes.count, into: &out)
                out += valueBytes
            }
        case .alias:
            return false
        }
        return true
    }

    /// The most tag names a document may have: a reader refuses more (a damaged count must not allocate without end).
    static let maxTagNames = 1024

    /// A tag is its number among the document's tag names (from 1; the names are written before the root).
    /// False past `maxTagNames` (the document is then not kept).
    private static func header(_ tag: Tag, _ style: UInt32, _ mark: Mark?, tags: inout TagNumbers, into out: inout [UInt8]) -> Bool {
        let name = tag.rawValue
        if let number = tags.numbers[name] {
            varint(number, into: &out)
        } else {
            guard tags.names.count < maxTagNames else { return false }
            tags.names.append(name)
            tags.numbers[name] = tags.names.count
            varint(tags.names.count, into: &out)
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
        /// The document's tag names in order of first use (a header names one by number, from 1).
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

        /// A node's header as written: its tag's number, style and mark; nil when any is not one
        /// `encode` writes for a node of this kind.
        mutating func headerFields(kind: Kind) -> (number: Int, style: UInt32, mark: Mark?)? {
            guard let number = varint(), number >= 1, number <= tagNames.count, let written = varint(),
                let style = UInt32(exactly: written)
            else { return nil }
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

        /// `deferring`: asked of each value of a mapping in the top-level list (a rule item) whether it
        /// takes the value, which the item then holds an empty scalar in place of.
        mutating func node(depth: Int, deferring: Deferring? = nil) -> Node? {
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
                    guard let item = depth == 0 ? item(depth: 1, index: index, deferring: deferring) : node(depth: depth + 1)
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

        /// An item of the top-level list: a mapping (its values after their lengths) some of whose values
        /// `deferring` may take, or any other node.
        private mutating func item(depth: Int, index: Int, deferring: Deferring?) -> Node? {
            guard position < bytes.endIndex, bytes[position] == Kind.mapping.rawValue else { return node(depth: depth) }
            position += 1
            guard let header = header(kind: .mapping), let count = varint(), count <= bytes.endIndex - position,
                let style = Node.Mapping.Style(rawValue: header.style)
            else { return nil }
            var pairs: [(Node, Node)] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count {
                guard let key = node(depth: depth + 1), let length = varint(), length <= bytes.endIndex - position else { return nil }
                let end = position + length
                if let deferring, let name = key.scalar?.string, deferring(index, name, position..<end, tagNames) {
                    position = end
                    // The key's own tag (`str`): a new one would build Yams's default resolver, seven regular expressions.
                    pairs.append((key, Node("", key.tag, .plain)))
                    continue
                }
                guard let value = node(depth: depth + 1), position == end else { return nil }
                pairs.append((key, value))
            }
            return .mapping(Node.Mapping(pairs, header.tag, style, header.mark))
        }
    }
}
