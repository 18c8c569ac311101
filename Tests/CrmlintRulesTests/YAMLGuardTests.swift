import CrmlintRules
import Foundation
import TestHelpers
import Testing
import Yams

/// The guard reads YAML lexically (Yams exports no event parser). What it
/// must never do is count fewer nodes than Yams builds, or refuse a real file.
@Suite struct YAMLGuardTests {
    /// Scalars in the node Yams composes, aliases expanded (Yams copies the anchored node).
    func scalars(_ node: Node) -> Int {
        switch node {
        case .scalar: 1
        case let .sequence(sequence): sequence.reduce(0) { $0 + scalars($1) }
        case let .mapping(mapping): mapping.reduce(0) { $0 + scalars($1.key) + scalars($1.value) }
        case .alias: 1
        }
    }

    @Test func everyYAMLFileOfTheProjectPasses() throws {
        let root = TestPaths.repoRoot
        var files: [URL] = []
        for folder in ["rules", "examples", "corpus", "docs"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if ["yml", "yaml"].contains(url.pathExtension) { files.append(url) }
            }
        }
        files += [".pre-commit-hooks.yaml", ".swift-format"].map { root.appendingPathComponent($0) }.filter {
            FileManager.default.fileExists(atPath: $0.path)
        }
        #expect(files.count > 15, "\(files.count) files")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(YAMLGuard.problem(in: text) == nil, "\(file.lastPathComponent)")
            if file.pathExtension != "swift-format", let node = try? Yams.compose(yaml: text) {
                #expect(YAMLGuard.countedNodes(in: text) >= scalars(node), "\(file.lastPathComponent)")
            }
        }
    }

    /// The same bomb in block style: each anchor holds a block list of aliases.
    @Test func blockStyleAliasBombIsRefused() {
        var lines = ["a0: &a0"] + Array(repeating: "  - lol", count: 10)
        for level in 1...8 {
            lines.append("a\(level): &a\(level)")
            lines += Array(repeating: "- *a\(level - 1)", count: 10)
        }
        #expect(YAMLGuard.problem(in: lines.joined(separator: "\n")) == "its anchors and aliases expand to more than 100000 YAML nodes")
    }

    /// Text that looks like a bomb inside a block scalar, quotes or comments is text.
    @Test func bombsWrittenAsTextAreNotRefused() throws {
        let bomb = HostileYAML.aliasBomb.split(separator: "\n").filter { $0.hasPrefix("a") }
        let literal = "message: |\n" + bomb.map { "  \($0)" }.joined(separator: "\n") + "\nnext: 1\n"
        let quoted = "message: '" + bomb.joined(separator: "\n\n  ").replacingOccurrences(of: "'", with: "''") + "'\nnext: 1\n"
        let doubleQuoted = "message: \"" + bomb.joined(separator: " ") + "\"\nnext: 1\n"
        let comments = bomb.map { "# \($0)" }.joined(separator: "\n") + "\nnext: 1\n"
        for text in [literal, quoted, doubleQuoted, comments] {
            #expect(YAMLGuard.problem(in: text) == nil, "\(text.prefix(40))")
            let node = try #require(try Yams.compose(yaml: text))
            #expect(node["next"]?.int == 1)
        }
    }

    /// An anchor of 1,000 items aliased 50 times is 51,000 nodes; 150 times, over the limit.
    @Test func aliasesWeighWhatTheirAnchorHolds() {
        let items = "[" + Array(repeating: "x", count: 1000).joined(separator: ", ") + "]"
        func file(aliases: Int) -> String {
            "base: &base \(items)\n" + (0..<aliases).map { "k\($0): *base" }.joined(separator: "\n") + "\n"
        }
        #expect(YAMLGuard.problem(in: file(aliases: 50)) == nil)
        #expect(YAMLGuard.problem(in: file(aliases: 150)) != nil)
        #expect(YAMLGuard.countedNodes(in: file(aliases: 50)) >= 51 * 1000)
    }

    @Test func deepBlockNestingIsRefused() {
        let deep = (0..<80).map { String(repeating: " ", count: $0 * 2) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(YAMLGuard.problem(in: deep) == "YAML nested deeper than 64 levels")
        let shallow = (0..<20).map { String(repeating: " ", count: $0 * 2) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(YAMLGuard.problem(in: shallow) == nil)
    }

    /// Random documents with anchors and aliases in block and flow style: the
    /// guard's count is never below the scalars Yams builds once aliases expand.
    @Test func neverCountsFewerNodesThanYamsBuilds() throws {
        var generator = DocumentGenerator(seed: 7)
        var composed = 0
        for _ in 0..<300 {
            let text = generator.document()
            guard let node = try? Yams.compose(yaml: text) else { continue }
            composed += 1
            #expect(YAMLGuard.countedNodes(in: text) >= scalars(node), "\(text)")
        }
        #expect(composed > 250, "only \(composed) of 300 generated documents were valid YAML")
    }
}

/// Writes random YAML with anchors on scalars and collections and aliases to
/// anchors already closed, mixing block mappings, block lists (indented and
/// compact), flow collections, quoted text holding `&`, `*` and `#`, and comments.
struct DocumentGenerator {
    var state: UInt64
    var anchors: [String] = []
    var nextAnchor = 0

    init(seed: UInt64) { state = seed }

    mutating func random(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    mutating func document() -> String {
        anchors = []
        return mapping(indent: 0, depth: 0).joined(separator: "\n") + "\n"
    }

    mutating func anchor() -> String {
        guard random(3) == 0 else { return "" }
        nextAnchor += 1
        return "&n\(nextAnchor) "
    }

    /// A value that fits on one line, with its anchor registered once written.
    mutating func inline(depth: Int) -> String {
        let mark = anchor()
        let value: String
        switch random(depth > 2 ? 4 : 6) {
        case 0 where !anchors.isEmpty: return "*" + anchors[random(anchors.count)]
        case 1: value = "'a & b *c # d'"
        case 2: value = "\"x: *y, [z]\""
        case 4: value = "[" + (0..<random(4)).map { _ in inline(depth: depth + 1) }.joined(separator: ", ") + "]"
        case 5: value = "{" + (0..<random(3)).map { "f\($0): " + inline(depth: depth + 1) }.joined(separator: ", ") + "}"
        default: value = "v\(random(100))"
        }
        register(mark)
        return mark + value
    }

    mutating func register(_ mark: String) {
        if !mark.isEmpty { anchors.append(String(mark.dropFirst().dropLast())) }
    }

    mutating func mapping(indent: Int, depth: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for key in 0..<(1 + random(4)) {
            if random(6) == 0 { lines.append(pad + "# *n1 &x [a, b]") }
            switch depth < 3 ? random(4) : 0 {
            case 1:
                let mark = anchor()
                lines.append(pad + "k\(key): " + mark.trimmingCharacters(in: .whitespaces))
                lines += mapping(indent: indent + 2, depth: depth + 1)
                register(mark)
            case 2:
                let mark = anchor()
                lines.append(pad + "k\(key): " + mark.trimmingCharacters(in: .whitespaces))
                lines += sequence(indent: random(2) == 0 ? indent : indent + 2, depth: depth + 1)
                register(mark)
            case 3:
                lines.append(pad + "k\(key): |")
                lines += [pad + "  &z [*n1, *n1]", pad + "  - *n2"]
            default:
                lines.append(pad + "k\(key): " + inline(depth: depth))
            }
        }
        return lines
    }

    mutating func sequence(indent: Int, depth: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for _ in 0..<(1 + random(4)) {
            if depth < 3 && random(3) == 0 {
                let mark = anchor()
                lines.append(pad + "-" + (mark.isEmpty ? "" : " " + mark.trimmingCharacters(in: .whitespaces)))
                lines += mapping(indent: indent + 2, depth: depth + 1)
                register(mark)
            } else {
                lines.append(pad + "- " + inline(depth: depth))
            }
        }
        return lines
    }
}
