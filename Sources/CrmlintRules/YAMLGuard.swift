/// Measures YAML text before Yams builds nodes from it. Yams keeps an alias
/// as a shared copy of its anchor's node, but checks mapping keys for
/// duplicates by hashing them whole: a key that is an alias of an alias of …
/// (a "billion laughs" file) would take hours. Rule and config files need
/// neither deep nesting nor big aliases, so a text that would expand to more
/// than `maxNodes` nodes or nest deeper than `maxDepth` is refused with one
/// clear reason.
///
/// Yams exports no event parser (its libyaml module is internal to it), so
/// the text is read lexically: quoted scalars, block scalars and comments are
/// skipped; anchors, aliases, flow brackets, `- ` and `key:` indicators and
/// indentation are what count. Where the lexical reading is unsure it
/// over-counts (a plain scalar's continuation line, a `- ` item read as
/// nesting), which only matters far above what any real file holds; it never
/// under-counts an alias, because an alias weighs what its anchor's whole
/// node held when it closed.
public enum YAMLGuard {
    public static let maxNodes = 100_000
    public static let maxDepth = 64

    /// Why the text is refused, or nil (also nil for text that is not valid
    /// YAML: Yams then reports the syntax error with its line).
    public static func problem(in text: String) -> String? {
        var reader = Reader(Array(text.utf8), limit: maxNodes)
        return reader.run()
    }

    /// The number of nodes the guard reads in `text`, aliases at their
    /// anchor's weight, with no limit: what the tests compare with the nodes
    /// Yams really builds (it must never be fewer).
    public static func countedNodes(in text: String) -> Int {
        var reader = Reader(Array(text.utf8), limit: .max)
        _ = reader.run()
        return reader.counted
    }

    /// How an anchored node ends.
    private enum Extent {
        /// Anchor read, node not started yet: it ends with the next node.
        case next(parent: Int, compact: Bool)
        /// A flow collection: ends when the bracket at this depth closes.
        case flow(depth: Int)
        /// A block collection under the indicator at `parent`'s column: ends
        /// at a line indented at most that far (a `- ` line at exactly that
        /// column stays inside when the anchor follows a key: `key: &a` then
        /// `- item` at the key's column).
        case block(parent: Int, compact: Bool)
    }

    private struct Anchor {
        var name: [UInt8]
        var nodes = 0
        var extent: Extent
    }

    private struct Reader {
        let bytes: [UInt8]
        let limit: Int
        var position = 0
        var lineStart = 0
        var weights: [[UInt8]: Int] = [:]
        var open: [Anchor] = []
        /// Every node counted so far, aliases at their anchor's weight.
        var counted = 0
        var flowDepth = 0
        var indents: [Int] = []
        /// Inside a quoted scalar that goes on past the line end.
        var quote: UInt8?
        /// Lines indented past this column belong to a block scalar (`|`, `>`).
        var blockScalarParent: Int?
        /// At a place where a node may start (line start, after `- `, `key: `, `[`, `,`).
        var expectingNode = true
        /// The column of the indicator the next node hangs from, and whether it was a key.
        var parent = -1
        var parentIsKey = false
        var lastNodeColumn = 0
        var dashesOnLine = 0

        init(_ bytes: [UInt8], limit: Int) {
            self.bytes = bytes
            self.limit = limit
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            lineStart = position
        }

        mutating func run() -> String? {
            while position < bytes.count {
                if let problem = readLine() { return problem }
            }
            return nil
        }

        private var column: Int { position - lineStart }

        private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

        private func isSpace(_ byte: UInt8?) -> Bool { byte == nil || byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

        private func isFlowIndicator(_ byte: UInt8?) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "{")
                || byte == UInt8(ascii: "}")
        }

        private mutating func readLine() -> String? {
            lineStart = position
            dashesOnLine = 0
            var indent = 0
            while byte(at: position) == 0x20 {
                position += 1
                indent += 1
            }
            let first = byte(at: position)
            let blank = first == nil || first == 0x0A || first == 0x0D || (first == UInt8(ascii: "#") && quote == nil)
            if let column = blockScalarParent {
                if blank || indent > column { return skipToLineEnd() }
                blockScalarParent = nil
            }
            if quote == nil && flowDepth == 0 && !blank {
                if column == 0 && (startsMarker("---") || startsMarker("...")) {
                    closeAll()
                    indents = []
                    position += 3
                    expectingNode = true
                    parent = -1
                    parentIsKey = false
                } else if column == 0 && first == UInt8(ascii: "%") {
                    return skipToLineEnd()
                } else {
                    closeBlocks(at: indent, dash: first == UInt8(ascii: "-") && isSpace(byte(at: position + 1)))
                    while let last = indents.last, last >= indent { indents.removeLast() }
                    indents.append(indent)
                    if indents.count > maxDepth { return nestedTooDeep }
                    expectingNode = true
                    parent = indent - 1
                    parentIsKey = false
                }
            }
            if let problem = readTokens() { return problem }
            // An anchor with nothing after it on its line anchors the block below.
            if flowDepth == 0 && quote == nil {
                for index in open.indices {
                    if case let .next(parent, compact) = open[index].extent {
                        open[index].extent = .block(parent: parent, compact: compact)
                    }
                }
            }
            return nil
        }

        private func startsMarker(_ marker: StaticString) -> Bool {
            let count = marker.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            let matches = (0..<count).allSatisfy { bytes[position + $0] == marker.utf8Start[$0] }
            return matches && isSpace(byte(at: position + count))
        }

        private mutating func skipToLineEnd() -> String? {
            while let current = byte(at: position), current != 0x0A { position += 1 }
            position += 1
            return nil
        }

        private mutating func readTokens() -> String? {
            if let mark = quote {
                guard readQuoted(mark) else { return skipToLineEnd() }
                if let problem = add(1) { return problem }
                nodeCompleted()
            }
            while let current = byte(at: position) {
                if current == 0x0A {
                    position += 1
                    return nil
                }
                if current == 0x20 || current == 0x09 || current == 0x0D {
                    position += 1
                    continue
                }
                if current == UInt8(ascii: "#") && isSpace(position > lineStart ? bytes[position - 1] : nil) {
                    return skipToLineEnd()
                }
                if let problem = readToken(current) { return problem }
            }
            return nil
        }

        private mutating func readToken(_ current: UInt8) -> String? {
            let next = byte(at: position + 1)
            switch current {
            case UInt8(ascii: ",") where flowDepth > 0:
                nodeCompleted()
                position += 1
                expectingNode = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard flowDepth > 0 else { return readPlain() }
                nodeCompleted()
                closeFlow()
                flowDepth -= 1
                position += 1
                expectingNode = false
                nodeCompleted()
            case UInt8(ascii: ":") where isSpace(next) || flowDepth > 0:
                // The node before was a key; what follows hangs from its column.
                nodeCompleted()
                parent = lastNodeColumn
                parentIsKey = true
                position += 1
                expectingNode = true
            case _ where !expectingNode:
                position += 1
            case UInt8(ascii: "-") where flowDepth == 0 && isSpace(next), UInt8(ascii: "?") where isSpace(next):
                dashesOnLine += 1
                if indents.count + dashesOnLine > maxDepth { return nestedTooDeep }
                parent = column
                parentIsKey = false
                position += 1
            case UInt8(ascii: "&"):
                position += 1
                let name = readName()
                open.append(Anchor(name: name, extent: .next(parent: parent, compact: parentIsKey)))
            case UInt8(ascii: "!"):
                while !isSpace(byte(at: position)) && !isFlowIndicator(byte(at: position)) { position += 1 }
            case UInt8(ascii: "*"):
                lastNodeColumn = column
                position += 1
                let name = readName()
                if let problem = add(weights[name] ?? 1) { return problem }
                nodeCompleted()
                expectingNode = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                lastNodeColumn = column
                flowDepth += 1
                if flowDepth + indents.count + dashesOnLine > maxDepth { return nestedTooDeep }
                for index in open.indices {
                    if case .next = open[index].extent { open[index].extent = .flow(depth: flowDepth) }
                }
                position += 1
                if let problem = add(1) { return problem }
                expectingNode = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lastNodeColumn = column
                position += 1
                guard readQuoted(current) else {
                    quote = current
                    return nil
                }
                if let problem = add(1) { return problem }
                nodeCompleted()
                expectingNode = false
            case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                if let problem = add(1) { return problem }
                nodeCompleted()
                blockScalarParent = parent
                _ = skipToLineEnd()
            default:
                return readPlain()
            }
            return nil
        }

        private var nestedTooDeep: String { "YAML nested deeper than \(maxDepth) levels" }

        /// A plain scalar: up to `: `, ` #`, the line end, or in a flow collection a flow indicator.
        private mutating func readPlain() -> String? {
            lastNodeColumn = column
            position += 1
            while let current = byte(at: position), current != 0x0A {
                let next = byte(at: position + 1)
                if current == UInt8(ascii: ":") && (isSpace(next) || (flowDepth > 0 && isFlowIndicator(next))) { break }
                if current == UInt8(ascii: "#") && isSpace(bytes[position - 1]) { break }
                if flowDepth > 0 && isFlowIndicator(current) { break }
                position += 1
            }
            if let problem = add(1) { return problem }
            nodeCompleted()
            expectingNode = false
            return nil
        }

        /// Reads up to the closing quote; false when the line ends first.
        private mutating func readQuoted(_ mark: UInt8) -> Bool {
            while let current = byte(at: position), current != 0x0A {
                position += 1
                if mark == UInt8(ascii: "\"") && current == UInt8(ascii: "\\") {
                    if byte(at: position) != 0x0A { position += 1 }
                } else if current == mark {
                    // '' inside single quotes is a quote, not the end.
                    guard mark == UInt8(ascii: "'") && byte(at: position) == mark else {
                        quote = nil
                        return true
                    }
                    position += 1
                }
            }
            return false
        }

        private mutating func readName() -> [UInt8] {
            let start = position
            while !isSpace(byte(at: position)) && !isFlowIndicator(byte(at: position)) { position += 1 }
            return Array(bytes[start..<position])
        }

        /// Counts `nodes` into the innermost open anchor, and into the whole.
        private mutating func add(_ nodes: Int) -> String? {
            counted = counted.addingReportingOverflow(nodes).overflow ? .max : counted + nodes
            if !open.isEmpty { open[open.count - 1].nodes = min(open[open.count - 1].nodes, .max - nodes) + nodes }
            return counted > limit ? "its anchors and aliases expand to more than \(maxNodes) YAML nodes" : nil
        }

        /// A node ended: anchors waiting for it close with it.
        private mutating func nodeCompleted() {
            while let last = open.last, case .next = last.extent { close() }
        }

        private mutating func closeFlow() {
            while let last = open.last, case let .flow(depth) = last.extent, depth == flowDepth { close() }
        }

        private mutating func closeBlocks(at indent: Int, dash: Bool) {
            while let last = open.last, case let .block(parent, compact) = last.extent {
                guard indent < parent || (indent == parent && !(compact && dash)) else { return }
                close()
            }
        }

        private mutating func closeAll() {
            while !open.isEmpty { close() }
        }

        private mutating func close() {
            let anchor = open.removeLast()
            weights[anchor.name] = anchor.nodes
            if !open.isEmpty { open[open.count - 1].nodes = min(open[open.count - 1].nodes, .max - anchor.nodes) + anchor.nodes }
        }
    }
}
