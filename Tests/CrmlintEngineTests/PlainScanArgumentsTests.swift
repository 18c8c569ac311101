import ArgumentParser
import Foundation
import Testing

@testable import crmlint

/// `PlainScanArguments` reads `crmlint scan …` without ArgumentParser: it must
/// read exactly what ArgumentParser reads, and hand everything else to it.
@Suite struct PlainScanArgumentsTests {
    /// Every field of a parsed `Scan`, as its property wrappers print it (an
    /// unset property prints as a definition, so a missing default shows).
    func fields(_ scan: Scan) -> String { String(describing: scan) }

    func parsedByArgumentParser(_ arguments: [String]) throws -> Scan {
        let command = try Scan.parseAsRoot(arguments)
        return try #require(command as? Scan)
    }

    /// What ArgumentParser declares for `scan` (its help dump): each name (long
    /// and short) and how it reads — "flag", "option" (one value) or "options"
    /// (repeatable). Help and version are ArgumentParser's own.
    func declared() throws -> [String: String] {
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(Scan._dumpHelp().utf8)) as? [String: Any])
        let arguments = try #require((dump["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
        var declared: [String: String] = [:]
        for argument in arguments where argument["kind"] as? String != "positional" {
            let kind = argument["kind"] as? String == "flag" ? "flag" : argument["isRepeating"] as? Bool == true ? "options" : "option"
            for name in argument["names"] as? [[String: String]] ?? [] {
                declared[(name["kind"] == "short" ? "-" : "--") + name["name"]!] = kind
            }
        }
        for builtIn in ["-h", "--help", "--version"] { declared[builtIn] = nil }
        return declared
    }

    @Test func namesEveryOptionScanDeclaresAndReadsItAlike() throws {
        let declared = try declared()
        #expect(declared.count > 30, "\(declared)")
        let read = PlainScanArguments.options.mapValues { reading in
            switch reading {
            case .flag: "flag"
            case .value: "option"
            case .values: "options"
            }
        }
        #expect(read == declared)
    }

    @Test func defaultsAreScansOwn() throws {
        let plain = try #require(PlainScanArguments.parse(["x.csv"]))
        #expect(fields(plain) == fields(try parsedByArgumentParser(["x.csv"])))
        #expect(!fields(plain).contains("definition"))
    }

    /// Each option alone, in each form, reads as ArgumentParser reads it.
    @Test func everyOptionReadsAsArgumentParserReadsIt() throws {
        var checked = 0
        for (name, reading) in PlainScanArguments.options {
            var vectors: [[String]]
            switch reading {
            case .flag: vectors = [[name]]
            case .value, .values:
                let counts = name == "--jobs" || name == "-j"
                let value = counts ? "3" : "some/value.txt"
                vectors = counts ? [[name, value]] : [[name, value], [name, "-"]]
                if name.hasPrefix("--") { vectors.append(["\(name)=\(value)"]) }
                if case .values = reading { vectors.append([name, "a", name, "b"]) }
            }
            for vector in vectors {
                // Options that need another to validate: --partition (--records), --baseline-required
                // (--baseline), --stdin-name ('-' among the paths).
                var arguments = ["x.csv", "-"] + vector
                if name == "--partition" { arguments.append("--records") }
                if name == "--baseline-required" { arguments += ["--baseline", "b.json"] }
                let plain = try #require(PlainScanArguments.parse(arguments), "\(arguments)")
                #expect(fields(plain) == fields(try parsedByArgumentParser(arguments)), "\(arguments)")
                checked += 1
            }
        }
        #expect(checked > 60)
    }

    @Test func aMixOfOptionsAndPathsReadsAsArgumentParserReadsIt() throws {
        let arguments = [
            "corpus/", "--as-of", "2024-05-01", "-j", "2", "--select", "conduct.", "--select=pii", "-q",
            "--rules", "rules", "b.csv", "--output-sarif=out.sarif", "-o", "report.txt", "--no-cache", "--also", "csv=x.csv",
        ]
        let plain = try #require(PlainScanArguments.parse(arguments))
        #expect(fields(plain) == fields(try parsedByArgumentParser(arguments)))
        #expect(plain.paths == ["corpus/", "b.csv"])
        #expect(plain.rules.select == ["conduct.", "pii"])
        #expect(plain.jobs == 2 && plain.quiet && plain.output == "report.txt")
    }

    /// What it does not take goes to ArgumentParser: help, errors, anything unusual.
    @Test(arguments: [
        [], ["--help"], ["x.csv", "-h"], ["x.csv", "--version"], ["--generate-completion-script", "bash"],
        ["x.csv", "--no-such-option"], ["x.csv", "--", "-y.csv"], ["x.csv", "-qj2"], ["x.csv", "-j2"],
        ["x.csv", "--format", "json", "--format", "text"], ["x.csv", "-o", "a", "--output", "b"], ["x.csv", "-q", "--quiet"],
        ["x.csv", "--format"], ["x.csv", "--format", "--quiet"], ["x.csv", "--format="], ["x.csv", "--quiet=yes"],
        ["x.csv", "--jobs", "two"], ["x.csv", "--jobs", "0"], ["x.csv", "--jobs", "-1"], ["x.csv", "--partition"],
        ["x.csv", "-q", "--format", "json"], ["-x.csv"],
    ])
    func leavesTheRestToArgumentParser(arguments: [String]) {
        #expect(PlainScanArguments.parse(arguments) == nil)
    }
}
