import CYaml

/// Measures YAML text with libyaml's event parser before Yams builds nodes
/// from it. Yams keeps an alias as a shared copy of its anchor's node, but
/// checks mapping keys for duplicates by hashing them whole: a key that is an
/// alias of an alias of … (a "billion laughs" file) would take hours. Rule
/// and config files need neither deep nesting nor big aliases, so a text
/// that would expand to more than `maxNodes` nodes or nest deeper than
/// `maxDepth` is refused with one clear reason.
public enum YAMLGuard {
    public static let maxNodes = 100_000
    public static let maxDepth = 64

    /// Why the text is refused, or nil (also nil for text libyaml cannot
    /// parse: Yams then reports the syntax error with its line).
    public static func problem(in text: String) -> String? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var anchors: [String: Int] = [:]
        // Expanded node counts of the open collections, and their anchors.
        var open: [(anchor: String?, nodes: Int)] = []
        var total = 0
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> String? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                var finished: (anchor: String?, nodes: Int)?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    finished = (name(event.data.scalar.anchor), 1)
                case YAML_ALIAS_EVENT:
                    finished = (nil, name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor =
                        event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    open.append((name(anchor), 1))
                    if open.count > maxDepth { return "YAML nested deeper than \(maxDepth) levels" }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    finished = open.popLast()
                default:
                    break
                }
                guard let node = finished else { continue }
                if let anchor = node.anchor { anchors[anchor] = node.nodes }
                if open.isEmpty { total += node.nodes } else { open[open.count - 1].nodes += node.nodes }
                if total > maxNodes || (open.last?.nodes ?? 0) > maxNodes {
                    return "its anchors and aliases expand to more than \(maxNodes) YAML nodes"
                }
            }
            return nil
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
