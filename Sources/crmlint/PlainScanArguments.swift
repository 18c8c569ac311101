import ArgumentParser

/// `crmlint scan …` in its plain forms, read without ArgumentParser's reflection.
///
/// Why: ArgumentParser builds `Scan`'s argument set from a `Mirror` of its thirty
/// options several times a parse and parses two more commands to look for a
/// completion-script request; on a one-file pre-commit scan that was 15 M of
/// 128 M instructions, the largest cost after loading the rules
/// (docs/performance.md, the fiftieth session). ArgumentParser stays the parser
/// of record: whatever this reader does not take — help, `--version`,
/// completion scripts, `--`, combined or attached short options, an option it
/// does not know, a single-value option or a flag given twice, a value that
/// starts with `-`, a value that does not read, a failed validation — makes it
/// return nil, and the arguments go to ArgumentParser, so every message users
/// see is ArgumentParser's. `PlainScanArgumentsTests` checks that this table
/// names every option `Scan` declares, that the defaults are `Scan`'s, and that
/// each option reads as ArgumentParser reads it.
enum PlainScanArguments {
    enum Reading {
        /// A flag: present or not.
        case flag((inout Scan) -> Void)
        /// An option with one value; false when the value does not read.
        case value((inout Scan, String) -> Bool)
        /// A repeatable option: each occurrence adds one value.
        case values((inout Scan, String) -> Void)

        /// An option whose value is taken as written.
        static func text(_ set: @escaping (inout Scan, String) -> Void) -> Reading {
            .value { scan, value in
                set(&scan, value)
                return true
            }
        }
    }

    /// Every name `scan` accepts (long and short), by what it sets.
    static let options: [String: Reading] = {
        var table: [String: Reading] = [
            "--rules": .values { $0.rules.rulePaths.append($1) },
            "--select": .values { $0.rules.select.append($1) },
            "--ignore": .values { $0.rules.ignore.append($1) },
            "--config": .text { $0.rules.config = $1 },
            "--format": .text { $0.format = $1 },
            "--output": .text { $0.output = $1 },
            "--fail-on": .text { $0.failOn = $1 },
            "--as-of": .text { $0.asOf = $1 },
            "--timezone": .text { $0.timezone = $1 },
            "--encoding": .text { $0.encoding = $1 },
            "--show-excerpts": .flag { $0.showExcerpts = true },
            "--quiet": .flag { $0.quiet = true },
            "--output-json": .text { $0.outputJSON = $1 },
            "--output-sarif": .text { $0.outputSARIF = $1 },
            "--output-jsonl": .text { $0.outputJSONL = $1 },
            "--output-csv": .text { $0.outputCSV = $1 },
            "--output-junit": .text { $0.outputJUnit = $1 },
            "--also": .values { $0.also.append($1) },
            "--sarif-root": .text { $0.sarifRoot = $1 },
            "--baseline": .text { $0.baseline = $1 },
            "--baseline-required": .flag { $0.baselineRequired = true },
            "--write-baseline": .text { $0.writeBaseline = $1 },
            "--suppressions": .values { $0.suppressions.append($1) },
            "--no-suppressions": .flag { $0.noSuppressions = true },
            "--no-cache": .flag { $0.noCache = true },
            "--skip-unrecognized": .flag { $0.skipUnrecognized = true },
            "--jobs": .value { scan, text in
                guard let jobs = Int(text) else { return false }
                scan.jobs = jobs
                return true
            },
            "--rule-timing": .flag { $0.ruleTiming = true },
            "--stdin-name": .text { $0.stdinName = $1 },
            "--records": .flag { $0.records = true },
            "--partition": .flag { $0.partition = true },
            "--merge-partitions": .values { $0.mergePartitions.append($1) },
        ]
        for (short, long) in longNames { table[short] = table[long] }
        return table
    }()

    /// The long name of each short one (an option is given once, by either).
    static let longNames = ["-o": "--output", "-q": "--quiet", "-j": "--jobs"]

    /// `Scan` with every property at its declared default (an ArgumentParser
    /// property not set is a definition, not a value, and cannot be read).
    static func defaults() -> Scan {
        var rules = RuleOptions()
        rules.rulePaths = []
        rules.select = []
        rules.ignore = []
        rules.config = nil
        var scan = Scan()
        scan.paths = []
        scan.rules = rules
        scan.format = "text"
        scan.output = nil
        scan.failOn = nil
        scan.asOf = nil
        scan.timezone = nil
        scan.encoding = nil
        scan.showExcerpts = false
        scan.quiet = false
        scan.outputJSON = nil
        scan.outputSARIF = nil
        scan.outputJSONL = nil
        scan.outputCSV = nil
        scan.outputJUnit = nil
        scan.also = []
        scan.sarifRoot = nil
        scan.baseline = nil
        scan.baselineRequired = false
        scan.writeBaseline = nil
        scan.suppressions = []
        scan.noSuppressions = false
        scan.noCache = false
        scan.skipUnrecognized = false
        scan.jobs = nil
        scan.ruleTiming = false
        scan.stdinName = nil
        scan.records = false
        scan.partition = false
        scan.mergePartitions = []
        return scan
    }

    /// The scan command these arguments (after `scan`) name, validated, or nil
    /// when ArgumentParser should read them.
    static func parse<Arguments: Collection<String>>(_ arguments: Arguments) -> Scan? {
        var scan = defaults()
        var seen: Set<String> = []
        var index = arguments.startIndex
        while index != arguments.endIndex {
            let argument = arguments[index]
            arguments.formIndex(after: &index)
            if isValue(argument) {
                scan.paths.append(argument)
                continue
            }
            var name = argument
            var attached: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                attached = String(argument[argument.index(after: equals)...])
                if attached!.isEmpty { return nil }
            }
            guard let reading = options[name] else { return nil }
            let option = longNames[name] ?? name
            switch reading {
            case let .flag(set):
                guard attached == nil, seen.insert(option).inserted else { return nil }
                set(&scan)
            case let .value(set):
                guard seen.insert(option).inserted else { return nil }
                guard let value = attached ?? next(arguments, &index), set(&scan, value) else { return nil }
            case let .values(add):
                guard let value = attached ?? next(arguments, &index) else { return nil }
                add(&scan, value)
            }
        }
        do {
            try scan.rules.validate()
            try scan.validate()
        } catch {
            return nil
        }
        return scan
    }

    /// A path or an option's value, as ArgumentParser reads one: `-` (standard input) or anything not starting with `-`.
    private static func isValue(_ text: String) -> Bool { text == "-" || !text.hasPrefix("-") }

    /// The value after an option, when it is one (not another option).
    private static func next<Arguments: Collection<String>>(_ arguments: Arguments, _ index: inout Arguments.Index) -> String? {
        guard index != arguments.endIndex else { return nil }
        let value = arguments[index]
        guard isValue(value) else { return nil }
        arguments.formIndex(after: &index)
        return value
    }
}
