import CrmlintCore
import CrmlintReaders
import CrmlintReporters
import CrmlintRules
import Foundation

/// What a scan needs; built by the CLI (or tests) and handed to `Scanner`.
public struct ScanOptions: Sendable {
    public var paths: [String]
    /// Rule files or folders; empty means the configured or bundled rules.
    public var rulePaths: [String] = []
    public var configPath: String?
    /// False: read no crmlint.yml, not even ./crmlint.yml (`crmlint init` describes files as the defaults read them).
    public var readsConfig = true
    public var asOf: String?
    public var timezone: String?
    public var encoding: String?
    public var select: [String] = []
    public var ignore: [String] = []
    /// Worker threads for the per-record checks (nil: one per core). The findings are the same for any number.
    public var jobs: Int?
    /// crmlint.yml as the caller already read it (nil: read it from `configPath`, as `readsConfig` says).
    public var config: Config?
    /// `-` is read as if it were this file: findings name it, and its extension gives the format (else it is sniffed).
    public var stdinName: String?
    /// The paths are records streams written by `crmlint records` (see `RecordStream`), not exports: each record keeps
    /// its original file, line and dataset.
    public var recordStreams = false
    /// This scan is one partition of a larger one (Spark): findings of aggregated rules are reported one by one and
    /// in the order found, for the scan that merges the partitions (`partitionReports`) to group them.
    public var partition = false
    /// Findings JSON reports of `partition` scans: this scan reads no input but reports their findings as one scan of
    /// `paths` (the original inputs, for suppressions and SARIF paths) — aggregated rules grouped, counts added up.
    public var partitionReports: [String] = []
    /// Where loading the rules keeps what it computes between runs (`RuleCache`; nil: nowhere). The CLI sets it from
    /// `RuleCache.defaultDirectory()` unless `--no-cache`; the report is the same with and without it.
    public var ruleCacheDirectory: String?
    /// When set, the time each rule's checks take is added to it (`--rule-timing`); the report is the same.
    public var ruleTimes: RuleTimes?
    /// Keep the scan's rules, checkers and context until the process exits
    /// instead of freeing them when the scan returns (the command line, which
    /// exits right after; `KeptUntilExit`).
    public var keepsStateUntilExit = false

    /// `$XDG_CACHE_HOME/crmlint`, else `~/.cache/crmlint`; nil when `CRMLINT_NO_CACHE` is set (not 0).
    public static func defaultRuleCacheDirectory() -> String? { RuleCache.defaultDirectory() }

    public init(paths: [String]) { self.paths = paths }
}

/// Runs a scan: config → rules → inputs → records → checkers → report.
public enum Scanner {
    /// `onFinding` sees each finding as it is found (scan order, tier filled
    /// where already known) and returns whether to keep it: streaming
    /// outputs write it at once, baselines and suppressions drop it.
    /// `checkRules` sees every rule loaded (before --select/--ignore) and
    /// returns problems with settings that name rules (suppressions); they
    /// are reported with the other problems of the run, before any input is read.
    /// `problems` are those the caller found before (outputs, baseline,
    /// suppressions), reported together with the scan's own.
    /// `onReady` runs once every check has passed, before any input is read.
    public static func scan(
        _ options: ScanOptions, problems: [CrmlintError] = [], checkRules: (([Rule]) -> [CrmlintError])? = nil,
        onReady: (() throws -> Void)? = nil, onFinding: ((Finding) -> Bool)? = nil
    ) throws -> ScanReport {
        try materialized(
            scan(options, problems: problems, checkRules: checkRules, onReady: onReady, onFinding: onFinding, inspector: nil))
    }

    /// The same, with the findings apart from the report (whose `findings` is empty; its summary counts them): kept in
    /// memory for a small scan, read back from a temporary file for a large one, so writing the reports holds them
    /// one at a time (`ScanRun`).
    public static func scanStoring(
        _ options: ScanOptions, problems: [CrmlintError] = [], checkRules: (([Rule]) -> [CrmlintError])? = nil,
        onReady: (() throws -> Void)? = nil, onFinding: ((Finding) -> Bool)? = nil
    ) throws -> (report: ScanReport, findings: StoredFindings) {
        try scan(options, problems: problems, checkRules: checkRules, onReady: onReady, onFinding: onFinding, inspector: nil)
    }

    /// A report with its findings in it.
    static func materialized(_ scanned: (report: ScanReport, findings: StoredFindings)) throws -> ScanReport {
        var report = scanned.report
        report.findings = try scanned.findings.allFindings()
        return report
    }

    /// Inputs below this many bytes in all are scanned without the prefilter
    /// unless the rule cache holds its tables: building it
    /// (reading every pattern's words) costs as much as scanning a few hundred
    /// messages without it, and a pre-commit run checks a few.
    static let prefilterWorthwhileBytes = 64 * 1024

    /// Whether to build the prefilter. The findings are the same either way;
    /// `CRMLINT_PREFILTER=off|on` (or `CRMLINT_NO_PREFILTER=1`) decides for
    /// benchmarks and for the test that proves it. Stdin counts as large.
    /// `cached`: the prefilter's tables come from the rule cache.
    /// `small`: `isSmall(inputs)`, asked once per scan (a file system lookup per input).
    static func wantsPrefilter(small: Bool, cached: Bool = false) -> Bool {
        let setting = EnvironmentVariable.value("CRMLINT_PREFILTER")
        if EnvironmentVariable.value("CRMLINT_NO_PREFILTER") != nil || setting == "off" { return false }
        if setting == "on" || cached { return true }
        return !small
    }

    /// The verdicts of earlier runs with these rules (`TextVerdicts`), kept beside the rule cache: none without a
    /// rule cache (`--no-cache`), without the text memory (`CRMLINT_TEXT_MEMO=off`), or with `CRMLINT_VERDICT_CACHE=off`.
    /// Named by the rule cache's file (the rule files, their paths and the build), the config file's text (its
    /// `overrides` change rules) and the classifier rules' model files' texts (which the rule files only name).
    static func textVerdicts(cache: RuleCache?, config: Config, rules: [Rule], remembersTexts: Bool) -> TextVerdicts? {
        guard remembersTexts, EnvironmentVariable.value("CRMLINT_VERDICT_CACHE") != "off", let path = cache?.path else { return nil }
        var models: [String] = []
        for case let rule as ClassifierRule in rules {
            // (Loaded through the rule cache, every model has its text's hash; without one, no verdicts.)
            guard let fingerprint = rule.modelFingerprint else { return nil }
            models.append(rule.metadata.id + " " + fingerprint)
        }
        return TextVerdicts(
            directory: (path as NSString).deletingLastPathComponent,
            identity: ([(path as NSString).lastPathComponent, config.text ?? "no config"] + models).joined(separator: "\u{0}"))
    }

    /// Whether the inputs are files of under `prefilterWorthwhileBytes` in all (stdin counts as large).
    static func isSmall(_ inputs: [PreparedInput]) -> Bool {
        var total = 0
        for input in inputs {
            // stat(2), not FileManager's attributes: casting their `Any` values looked up protocol
            // conformances through the whole static binary's tables (1 % of a one-file scan). A pipe
            // or device counts as large, as stdin does: its size says nothing of what it holds.
            var status = stat()
            guard let path = input.openPath, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return false }
            total += Int(status.st_size)
            if total >= prefilterWorthwhileBytes { return false }
        }
        return true
    }

    /// Whether patterns are matched with PCRE2's interpreter first (`MatchScratch`,
    /// which says why the findings are the same): for small inputs, where
    /// JIT-compiling each pattern that runs costs more than all its matches.
    /// `CRMLINT_INTERPRETER=on|off` forces either way (tests compare the two).
    static func wantsInterpreter(small: Bool) -> Bool {
        switch EnvironmentVariable.value("CRMLINT_INTERPRETER") {
        case "on": return true
        case "off": return false
        default: return small
        }
    }

    /// How many times an anchored pattern is searched with PCRE2's interpreter before it is JIT-compiled
    /// (`MatchScratch.interpretedUses`); `CRMLINT_JIT_AFTER=N` sets it (0: compile on first use).
    static var interpretedUses: Int {
        EnvironmentVariable.value("CRMLINT_JIT_AFTER").flatMap { Int($0) }.map { max(0, $0) } ?? defaultInterpretedUses
    }
    static let defaultInterpretedUses = 64

    /// `crmlint records`: reads the inputs as a scan does and hands each record to `tap` (with its sheet, for a
    /// workbook) in scan order, running no rule. The report holds the inputs read and the problems met reading them.
    public static func readRecords(_ options: ScanOptions, tap: @escaping (Record, String?) -> Void) throws -> ScanReport {
        try materialized(scan(options, inspector: nil, recordTap: tap))
    }

    /// The same, telling `inspector` each record's headers and values (for `crmlint inspect`).
    static func scan(
        _ options: ScanOptions, problems: [CrmlintError] = [], checkRules: (([Rule]) -> [CrmlintError])? = nil,
        onReady: (() throws -> Void)? = nil, onFinding: ((Finding) -> Bool)? = nil, inspector: InputInspector?,
        recordTap: ((Record, String?) -> Void)? = nil
    ) throws -> (report: ScanReport, findings: StoredFindings) {
        AtomicOutput.reserveStandardDescriptors()
        // Every problem with the settings is collected, so one run shows them all.
        let config: Config
        do { config = try ScanSettings.config(for: options) } catch let error as CrmlintError {
            throw CrmlintError.combine(problems + [error])!
        }
        let settings = ScanSettings(options, config: config)
        // Reading records only (`crmlint records`): no rule is loaded or run.
        let readsOnly = recordTap != nil
        let selection: RuleSelection?
        do {
            selection =
                readsOnly
                ? nil
                : try RuleSelection(
                    explicit: options.rulePaths, select: options.select, ignore: options.ignore, config: config,
                    cacheDirectory: options.ruleCacheDirectory)
        } catch let error as CrmlintError {
            throw CrmlintError.combine(problems + settings.problems + [error])!
        }
        let settingProblems =
            problems + settings.problems + (selection?.problems ?? []) + (selection.map { checkRules?($0.loaded.rules) ?? [] } ?? [])
        if let error = CrmlintError.combine(settingProblems) { throw error }
        try onReady?()
        let rules = selection?.rules ?? [], rulePaths = selection?.sources ?? []
        let timeZone = settings.timeZone, timezoneName = settings.timezoneName, asOf = settings.asOf
        let defaultEncoding = settings.defaultEncoding

        let jobs = options.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let findings = FindingSpool(redactor: .shared, sorts: !options.partition, inBackground: jobs > 1)
        var tiers: [String: String] = [:]
        // A partition reports aggregated findings one by one: their groups may span partitions (by rep, by file).
        let groups = FindingGroups(rules: options.partition ? [] : rules)
        func emit(_ finding: Finding) {
            if groups.take(finding) { return }
            report(finding)
        }
        func report(_ finding: Finding) {
            var finding = finding
            // Customers are read first, so `tiers` already covers the records
            // that follow; the final pass below fills any still missing.
            if finding.tier == nil, let customer = finding.customerId { finding.tier = tiers[customer] }
            if onFinding?(finding) ?? true { findings.append(finding) }
        }
        var problems: [Finding] = []
        let readsExports = !options.recordStreams && options.partitionReports.isEmpty
        var summaries: [InputSummary] = []
        let discovered = readsExports ? InputDiscovery.expand(options.paths, stdinName: options.stdinName, problems: &problems) : []
        let inputs = discovered.flatMap { input in
            prepare(input, config: config, defaultEncoding: defaultEncoding, findings: &problems, summaries: &summaries)
        }.sorted { ($0.dataset, $0.path, $0.sheet?.index ?? 0) < ($1.dataset, $1.path, $1.sheet?.index ?? 0) }
        problems.forEach(emit)

        let small = Self.isSmall(inputs)
        let context = CheckContext(
            asOf: asOf, timeZone: timeZone, interpreterFirst: Self.wantsInterpreter(small: small), interpretedUses: Self.interpretedUses)
        // With a rule cache the prefilter's tables are read from it (built and kept there on
        // the first run), so even a small input runs only the patterns its words allow, and
        // the patterns it never runs are never compiled (cached patterns compile on first use).
        if let cache = selection?.loaded.cache, Self.wantsPrefilter(small: small, cached: true) {
            context.prefilter = LiteralPrefilter.cached(rules: rules, cache: cache)
        } else if Self.wantsPrefilter(small: small) {
            context.prefilter = LiteralPrefilter(rules: rules)
        }
        context.companyDomains = config.companyDomains
        context.vocabulary = config.vocabulary
        context.timesSharedWork = options.ruleTimes != nil
        // `CRMLINT_TEXT_MEMO=off`: every rule runs on every text, for the test that proves it changes nothing.
        context.remembersTexts = EnvironmentVariable.value("CRMLINT_TEXT_MEMO") != "off"
        context.verdicts = Self.textVerdicts(
            cache: selection?.loaded.cache, config: config, rules: selection?.loaded.rules ?? rules, remembersTexts: context.remembersTexts)
        let checkers = rules.map { ($0.metadata, $0.makeChecker()) }
        let gates = rules.map(\.metadata.gate)
        let fallbackRules = Set(rules.filter(\.reportsOnlyIfUnreported).map(\.metadata.id))
        let ruleCheckers = checkers.map(\.1)
        // Called without a reference count per record and rule.
        let calls = UnretainedCheckers(ruleCheckers)
        let workers = RecordWorkers(
            rules: rules, checkers: ruleCheckers, context: context,
            jobs: jobs, timed: options.ruleTimes != nil)
        defer { workers.stop() }
        // The checkers this thread runs itself (the stateful ones): a record without findings of the workers'
        // checkers walks these alone (walking all of them, ~60, to pass the workers' by was ~1,000 instructions a record).
        let allCheckers = Array(checkers.indices), ownCheckers = allCheckers.filter { workers.slots[$0] == nil }
        // The checkers run on this thread (stateful ones, and all of them with one job), timed when asked.
        let clock = options.ruleTimes.map { _ in RuleClock(count: checkers.count, context: context) }
        var serial = 0
        // Records dated after --as-of: counted for a note, since no deadline rule judges them.
        var future = (count: 0, latest: asOf)
        var otherNotes: [RunNote] = []
        // The input being read: where its findings are (a sheet, the column letter of each field), its records waiting
        // for the workers. Records gather in `batch`; a full batch goes to the workers for their record-local checks
        // while the next is read (`inFlight`, at most one); the rest, and every emit, follow in record order, as with
        // one thread.
        var located: (Finding) -> Finding = { $0 }
        var currentSheet: String?
        let gathering = Gathering()
        var inFlight: RecordWorkers.Job?
        /// Hands the full batch to the workers, then completes the one handed over before.
        func dispatch() {
            let batch = gathering.takeBatch()
            let job =
                workers.hasWork
                ? workers.submit(records: batch.records, count: batch.count, directions: batch.directions)
                : RecordWorkers.Job(records: batch.records, count: batch.count, directions: batch.directions)
            if let previous = inFlight { complete(previous) }
            inFlight = job
        }
        /// Every record read so far checked and its findings emitted (before a problem is emitted, at the end of an input).
        func flush() {
            if gathering.count > 0 { dispatch() }
            if let job = inFlight {
                inFlight = nil
                complete(job)
            }
        }
        /// The rest of a batch's checks, in record order, on this thread: stateful rules and every emit.
        func complete(_ job: RecordWorkers.Job) {
            if workers.hasWork { workers.finish(job) }
            let local = job.results
            // One record's findings, in rule order, before they are emitted (reused from record to record;
            // a local of this function, not of the scan: a captured `var` costs an access check per use).
            var pending: [Finding] = []
            // Each record moved out of the batch, not copied (see `Job.takeRecord`).
            for index in 0..<job.count {
                let record = job.takeRecord(index), direction = job.directions[index]
                recordTap?(record, currentSheet)
                if record.dataset == .customers, let id = record.customerId, let tier = record["tier"]?.trimmed { tiers[id] = tier }
                // Here, just before the stateful rules of this record: they read the time from the same per-record cache
                // (counted while reading, it was parsed a second time once the batch moved the cache on).
                if let field = eventField(record.dataset), let time = context.time(record, field: field), time.start > asOf {
                    future.count += 1
                    future.latest = max(future.latest, time.start)
                }
                // (Only when it holds any: most records have no finding, and emptying took the unspecialised `replaceSubrange`.)
                if !pending.isEmpty { pending.removeAll(keepingCapacity: true) }
                // Read when the record was (`add`), with this context's vocabulary: the stateful rules need not again.
                context.noteDirection(direction, of: record)
                for checkerIndex in local[index].isEmpty ? ownCheckers : allCheckers {
                    if let slot = workers.slots[checkerIndex] {
                        pending += local[index][slot]
                    } else if gates[checkerIndex].applies(to: record, direction: direction) {
                        RuleClock.time(clock, checkerIndex, context: context) {
                            calls.check(checkerIndex, record, context: context) { pending.append($0) }
                        }
                    }
                }
                // A rule that reports only what no rule of its category reported (a model behind the
                // patterns) is judged once the record's other findings are known; the order stays.
                if !fallbackRules.isEmpty, pending.contains(where: { fallbackRules.contains($0.rule) }) {
                    let reported = Set(pending.lazy.filter { !fallbackRules.contains($0.rule) }.map(\.category))
                    pending.removeAll { fallbackRules.contains($0.rule) && reported.contains($0.category) }
                }
                // The record's day, read once and only for a record with findings (a closure made per record
                // to do this boxed the day and captured the record, for every record).
                var day: String??
                for var finding in pending {
                    if finding.day == nil {
                        if day == nil { day = .some(recordDay(record, context: context)) }
                        finding.day = day!
                    }
                    emit(located(finding))
                }
            }
        }
        /// (Consuming: the record goes into the batch without a copy, a reference count on its name, shape and values.)
        func add(_ record: consuming Record) {
            let direction = record.value(number: FieldNumbers.direction).flatMap(context.direction)
            gathering.add(consume record, direction: direction)
            if gathering.count == RecordWorkers.batchSize { dispatch() }
        }
        /// The notes rules left about the input just read (absent columns, unknown words).
        func takeNotes(into summary: inout InputSummary) {
            let notes = context.takeFileNotes()
            if !notes.absent.isEmpty {
                summary.absentFields = notes.absent.keys.sorted().map {
                    InputSummary.AbsentField(field: $0, records: notes.absent[$0]!.records, rules: notes.absent[$0]!.rules.sorted())
                }
            }
            if !notes.unknown.isEmpty {
                summary.unknownValues = notes.unknown.keys.sorted().flatMap { field in
                    notes.unknown[field]!.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
                        InputSummary.UnknownValue(field: field, value: context.redactor.redact($0.key), records: $0.value)
                    }
                }
            }
        }
        if options.recordStreams {
            // Records streams (`crmlint records`): each record keeps its original file, line, position and dataset; a run
            // of records of one file is scanned like that file. Records are counted where they are scanned; the stream's
            // `input` lines add the file's format, encoding and rejected rows, its `finding` lines the problems reading it.
            for path in options.paths {
                let stream = try RecordStream.Reader(path: path)
                while let item = try stream.peek(serial: serial + 1) {
                    switch item {
                    case let .input(entry):
                        stream.take()
                        summaries.append(entry)
                    case let .finding(finding):
                        stream.take()
                        emit(finding)
                    case let .record(first, sheet):
                        var summary = InputSummary(path: first.file, dataset: first.dataset, format: "", encoding: nil)
                        summary.sheet = sheet
                        currentSheet = sheet
                        located = { finding in
                            guard let sheet else { return finding }
                            var finding = finding
                            finding.sheet = sheet
                            return finding
                        }
                        while case let .record(record, recordSheet)? = try stream.peek(serial: serial + 1),
                            record.file == first.file, record.dataset == first.dataset, recordSheet == sheet
                        {
                            stream.take()
                            serial += 1
                            summary.recordsRead += 1
                            summary.recordsScanned += 1
                            add(record)
                        }
                        flush()
                        takeNotes(into: &summary)
                        summaries.append(summary)
                    }
                }
            }
            summaries = InputSummary.combine(summaries)
        } else if !options.partitionReports.isEmpty {
            otherNotes = try replayPartitions(
                options.partitionReports, rules: rules, timeZone: timeZone, summaries: &summaries,
                future: &future, emit: emit)
        }
        for input in inputs {
            var summary = InputSummary(path: input.path, dataset: input.dataset, format: input.format.rawValue, encoding: nil)
            summary.sheet = input.sheet?.name
            currentSheet = input.sheet?.name
            defer { summaries.append(summary) }
            let reader: RecordReader
            var source: ByteSource?
            // Where a finding of this input is, for a sheet: its name, and the column letter of each field.
            var cellColumns: [String: String] = [:]
            located = { finding in
                guard let sheet = input.sheet else { return finding }
                var finding = finding
                finding.sheet = sheet.name
                if let field = finding.field, let letters = cellColumns[field] { finding.cell = "\(letters)\(finding.line)" }
                return finding
            }
            if let workbook = input.workbook, let sheet = input.sheet {
                reader = XLSXReader(workbook: workbook, sheet: sheet)
            } else {
                if let opened = input.stdinSource {
                    source = opened
                } else if let openPath = input.openPath {
                    do { source = try ByteSource(path: openPath) } catch {
                        emit(
                            InputErrors.finding(
                                file: input.path, line: 0, rule: InputErrors.unreadableFile,
                                reason: "cannot open: \((error as? InputProblem)?.reason ?? "\(error)")"))
                        continue
                    }
                } else {
                    source = ByteSource()
                }
                reader = ReaderFactory.open(source!, format: input.format, encoding: input.encoding)
            }
            summary.encoding = reader.encoding.rawValue
            let mapper = FieldMapper(dataset: input.dataset, config: config)
            var position = 0
            source?.willWait = flush
            defer { source?.willWait = nil }
            while let event = reader.next() {
                switch event {
                case let .problem(problem):
                    flush()
                    // A problem stands for `records` records (0 for a note about the file), so read = scanned + rejected.
                    position += problem.records
                    summary.recordsRead += problem.records
                    summary.recordsRejected += problem.records
                    emit(
                        located(
                            InputErrors.finding(
                                file: input.path, line: problem.line,
                                rule: problem.records == 0 ? InputErrors.malformedFile : InputErrors.unreadableRecord,
                                reason: problem.records == 1 ? "record could not be read: \(problem.reason)" : problem.reason,
                                dataset: input.dataset)))
                case let .record(raw):
                    if input.sheet != nil, cellColumns.isEmpty, let xlsx = reader as? XLSXReader {
                        let names = mapper.names(for: xlsx.headerColumns.map(\.key))
                        for (key, letters) in xlsx.headerColumns { cellColumns[names[key] ?? key] = letters }
                    }
                    position += 1
                    summary.recordsRead += 1
                    summary.recordsScanned += 1
                    serial += 1
                    let (shape, values) = mapper.map(raw)
                    let record = Record(
                        dataset: input.dataset, file: input.path, line: raw.line, position: position, shape: shape,
                        values: values, serial: serial)
                    inspector?.record(
                        raw.fields, names: mapper.names(for: raw.keys), path: input.path, sheet: input.sheet?.name)
                    add(record)
                }
            }
            flush()
            takeNotes(into: &summary)
            // A CSV file's encoding may be settled only by its first non-ASCII row.
            summary.encoding = reader.encoding.rawValue
            if let source, let problem = InputErrors.endOfInput(source) {
                emit(
                    InputErrors.finding(
                        file: input.path, line: 0, rule: InputErrors.unreadableFile, reason: problem, dataset: input.dataset))
            }
        }
        // Findings over several records name their file, dataset and line: the sheet is known when the
        // workbook had one sheet of that dataset scanned (the usual case), or one sheet at all.
        var sheetsByFile: [String: Set<String>] = [:], sheetsByDataset: [String: Set<String>] = [:]
        for input in inputs {
            guard let sheet = input.sheet else { continue }
            sheetsByFile[input.path, default: []].insert(sheet.name)
            sheetsByDataset[input.path + "\u{0}" + input.dataset.rawValue, default: []].insert(sheet.name)
        }
        func withSheet(_ finding: Finding) -> Finding {
            guard finding.sheet == nil,
                let sheets = finding.dataset.flatMap({ sheetsByDataset[finding.file + "\u{0}" + $0.rawValue] })
                    ?? sheetsByFile[finding.file],
                sheets.count == 1
            else { return finding }
            var finding = finding
            finding.sheet = sheets.first
            return finding
        }
        if let clock {
            // Timed per rule: one after another, on this thread.
            for (index, (_, checker)) in checkers.enumerated() {
                RuleClock.time(clock, index, context: context, record: false) {
                    checker.finish(context: context) { emit(withSheet($0)) }
                }
            }
        } else {
            CheckerFinish.run(ruleCheckers, context: context, parallel: jobs > 1) { emit(withSheet($0)) }
        }
        // Every record checked (the workers are idle): what the text rules learnt is kept for the next run.
        if let verdicts = context.verdicts {
            workers.flushVerdicts()
            context.flushVerdicts()
            let new = verdicts.newTexts
            let written = verdicts.save()
            options.ruleTimes?.verdictUse = RuleTimes.VerdictUse(
                found: verdicts.hits, new: new, written: written, file: (verdicts.path as NSString).lastPathComponent)
        }
        // Each thread's time per rule, when asked.
        if let times = options.ruleTimes, let clock {
            times.add(clock, rules: checkers.map(\.0))
            workers.addTimes(to: times)
            times.nameOwners(of: rules)
        }
        // Grouped rules are reported now, each group once (streaming outputs see them last).
        groups.finish().forEach(report)
        // Tiers filled where still missing, every field redacted (the last line of defence: no contact detail leaves
        // in any field of any finding), then report order — except a partition's, which keeps the order found so the
        // merge meets each group's findings in scan order.
        let stored = try findings.finish(tiers: tiers)
        summaries.sort { ($0.path, $0.sheet ?? "") < ($1.path, $1.sheet ?? "") }
        var run = RunInfo(
            version: CrmlintVersion.current, asOf: TimeValue.iso8601(asOf, timeZone: timeZone), timezone: timezoneName,
            inputs: summaries,
            rules: rules.map {
                RuleSummary(
                    id: $0.metadata.id, kind: $0.metadata.kind, category: $0.metadata.category, severity: $0.metadata.severity,
                    message: $0.metadata.message, description: $0.metadata.description, policy: $0.metadata.policy)
            })
        run.ruleSources = rulePaths
        run.config = config.file
        var report = ScanReport(run: run, findings: [])
        report.summary = Summary(counts: stored.counts, inputs: run.inputs)
        if future.count > 0 {
            let records = future.count == 1 ? "1 record is" : "\(future.count) records are"
            report.addNote(
                RunNote(
                    kind: RunNote.recordsAfterAsOf,
                    message:
                        "\(records) dated after --as-of \(run.asOf) (the latest \(TimeValue.iso8601(future.latest, timeZone: timeZone))): "
                        + "deadline and cadence rules judge only what happened by --as-of; is --as-of right?",
                    count: future.count))
        }
        otherNotes.forEach { report.addNote($0) }
        if options.keepsStateUntilExit { KeptUntilExit.keep((selection, checkers, context, workers, calls)) }
        return (report, stored)
    }

    /// The findings of partition reports, in the order a single scan meets them: each partition's own order (a
    /// customer's findings, groups by customer, are all in one partition), then the findings of rules aggregated by
    /// rep or file — whose groups span partitions — in scan order (dataset, file, sheet, line), stable, so each group's
    /// first finding, count and related records are a single scan's. Inputs and the records-after-as-of note add up.
    static func replayPartitions(
        _ paths: [String], rules: [Rule], timeZone: TimeZone, summaries: inout [InputSummary],
        future: inout (count: Int, latest: Date), emit: (Finding) -> Void
    ) throws -> [RunNote] {
        var spanning: Set<String> = []
        for rule in rules { if let by = rule.metadata.aggregate?.by, by != .customer { spanning.insert(rule.metadata.id) } }
        var later: [Finding] = []
        var notes: [RunNote] = []
        for path in paths {
            let report = try FindingsDocument.load(path: path)
            summaries += report.run.inputs
            for finding in report.findings {
                if spanning.contains(finding.rule) { later.append(finding) } else { emit(finding) }
            }
            for note in report.notes ?? [] {
                guard note.kind == RunNote.recordsAfterAsOf else {
                    notes.append(note)
                    continue
                }
                future.count += note.count ?? 0
                if let range = note.message.range(of: "(the latest "), let end = note.message[range.upperBound...].firstIndex(of: ")"),
                    let latest = TimeValue.parse(String(note.message[range.upperBound..<end]), timeZone: timeZone)
                {
                    future.latest = max(future.latest, latest.start)
                }
            }
        }
        func order(_ finding: Finding) -> (Int, String, String, Int) {
            (finding.dataset?.scanOrder ?? -1, finding.file, finding.sheet ?? "", finding.line)
        }
        let keyed = later.enumerated().map { (order($0.element), $0.offset, $0.element) }
        for (_, _, finding) in keyed.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) { emit(finding) }
        summaries = InputSummary.combine(summaries)
        return notes
    }

    /// The field that dates a record of a dataset (nil: customers have none).
    static func eventField(_ dataset: Dataset) -> String? {
        switch dataset {
        case .messages: "timestamp"
        case .followups: "contact_time"
        case .complaints: "complaint_time"
        case .customers: nil
        }
    }

    /// Decides format, encoding and dataset (a workbook's, sheet by sheet); an
    /// input that cannot be placed becomes an input-error finding and is dropped from the scan.
    static func prepare(
        _ input: InputFile, config: Config, defaultEncoding: TextEncoding?, findings: inout [Finding],
        summaries: inout [InputSummary]
    ) -> [PreparedInput] {
        var input = input
        let rule = config.inputRule(for: input.path)
        if let format = rule?.format {
            input.format = InputFormat(rawValue: format)
            if input.format == nil {
                findings.append(
                    InputErrors.finding(
                        file: input.path, line: 0, rule: InputErrors.unknownFileType,
                        reason: "unknown format '\(format)' in config (csv, jsonl, json, xlsx)"))
                return []
            }
        }
        input.encoding = rule?.encoding.flatMap(TextEncoding.init(name:)) ?? defaultEncoding
        input.dataset = rule?.dataset
        if let openPath = input.openPath, !InputDiscovery.isRegularFile(openPath) {
            // A pipe (`<(cat export.csv)`, a FIFO) can be read only once: open it here, and
            // detection and the scan share its buffered start, as for stdin.
            do { input.stdinSource = try ByteSource(path: openPath) } catch {
                findings.append(
                    InputErrors.finding(
                        file: input.path, line: 0, rule: InputErrors.unreadableFile,
                        reason: "cannot open: \((error as? InputProblem)?.reason ?? "\(error)")"))
                return []
            }
        }
        if input.openPath == nil {
            input.stdinSource = ByteSource()
        }
        if let source = input.stdinSource, input.format == nil {
            // Sniff the format from the first bytes; they stay buffered for the scan.
            input.format = InputDiscovery.sniffFormat(source)
        }
        guard let format = input.format else {
            findings.append(
                InputErrors.finding(
                    file: input.path, line: 0, rule: InputErrors.unknownFileType,
                    reason: "unknown file type (crmlint reads \(InputFormat.knownExtensions); or set 'format' in crmlint.yml)"
                ))
            summaries.append(InputSummary(path: input.path, dataset: nil, format: "unknown", encoding: nil))
            return []
        }
        // A workbook's datasets are found sheet by sheet.
        if format == .xlsx { return prepareWorkbook(input, config: config, findings: &findings, summaries: &summaries) }
        guard let dataset = input.dataset ?? detectDataset(input, format: format, config: config) else {
            let empty = InputDiscovery.isBlank(input)
            // Still `unknown-dataset` when empty: --skip-unrecognized passes over it like any other non-export.
            findings.append(
                InputErrors.finding(
                    file: input.path, line: 1, rule: InputErrors.unknownDataset,
                    reason: empty
                        ? "the file is empty"
                        : "cannot tell which dataset this file holds from its header (name it under 'inputs' in crmlint.yml)"))
            summaries.append(InputSummary(path: input.path, dataset: nil, format: format.rawValue, encoding: nil))
            return []
        }
        return [PreparedInput(input, format: format, dataset: dataset)]
    }

    /// A workbook's sheets to scan: each sheet whose first non-empty row is a
    /// header naming a dataset (or whose name, or the file's for a workbook of
    /// one sheet, names one; or the dataset set in crmlint.yml). Other sheets
    /// holding data are skipped with a note; a workbook that cannot be read,
    /// or has no such sheet, is reported like a file that cannot.
    static func prepareWorkbook(
        _ input: InputFile, config: Config, findings: inout [Finding], summaries: inout [InputSummary]
    ) -> [PreparedInput] {
        let workbook: XLSXReader.Workbook
        if let source = input.stdinSource {
            // A workbook on stdin or a pipe is read into memory, up to the limit for one sheet.
            var bytes: [UInt8] = []
            let limit = Int(XLSXReader.Limits().sheetBytes)
            while bytes.count <= limit, let byte = source.next() { bytes.append(byte) }
            if bytes.count > limit {
                findings.append(
                    InputErrors.finding(
                        file: input.path, line: 0, rule: InputErrors.unreadableFile,
                        reason: "a workbook over \(limit >> 20) MiB on standard input or a pipe: name the file instead"))
                summaries.append(InputSummary(path: input.path, dataset: nil, format: "xlsx", encoding: nil))
                return []
            }
            workbook = XLSXReader.Workbook(data: Data(bytes))
        } else {
            workbook = XLSXReader.Workbook(path: input.openPath!)
        }
        if let problem = workbook.problem {
            findings.append(InputErrors.finding(file: input.path, line: 0, rule: InputErrors.unreadableFile, reason: problem))
            summaries.append(InputSummary(path: input.path, dataset: nil, format: "xlsx", encoding: nil))
            return []
        }
        let fileName = (input.path as NSString).lastPathComponent.lowercased()
        var found: [PreparedInput] = []
        var skipped: [(sheet: XLSXReader.Workbook.Sheet, line: Int)] = []
        for sheet in workbook.sheets {
            let reader = XLSXReader(workbook: workbook, sheet: sheet)
            var firstLine: Int?
            var unreadable: InputProblem?
            for _ in 0..<3 {
                guard let event = reader.next() else { break }
                if case let .record(raw) = event { firstLine = firstLine ?? raw.line; break }
                if case let .problem(problem) = event, reader.headerNames == nil, !reader.sheetIsEmpty {
                    unreadable = unreadable ?? problem
                }
            }
            let header = reader.headerNames
            if header == nil {
                // An empty sheet (Sheet2, Sheet3 of a new workbook) is passed over; one that cannot be read is reported.
                if let unreadable {
                    var finding = InputErrors.finding(
                        file: input.path, line: unreadable.line, rule: InputErrors.unreadableFile, reason: unreadable.reason)
                    finding.sheet = sheet.name
                    findings.append(finding)
                }
                continue
            }
            var dataset = input.dataset
            if dataset == nil, let header { dataset = FieldMapper.detect(keys: header, config: config) }
            if dataset == nil {
                let name = sheet.name.lowercased()
                dataset =
                    Dataset.allCases.first { name.contains($0.rawValue) }
                    ?? (workbook.sheets.count == 1 ? Dataset.allCases.first { fileName.contains($0.rawValue) } : nil)
            }
            if let dataset {
                found.append(PreparedInput(input, format: .xlsx, dataset: dataset, workbook: workbook, sheet: sheet))
            } else {
                skipped.append((sheet, max(1, (firstLine ?? 2) - 1)))
            }
        }
        if found.isEmpty {
            let names = workbook.sheets.map { XLSXReader.shownName($0.name) }.joined(separator: ", ")
            findings.append(
                InputErrors.finding(
                    file: input.path, line: 1, rule: InputErrors.unknownDataset,
                    reason:
                        "cannot tell which dataset any sheet of this workbook holds from its header (sheets: \(names); name it under 'inputs' in crmlint.yml)"
                ))
            summaries.append(InputSummary(path: input.path, dataset: nil, format: "xlsx", encoding: nil))
            return []
        }
        for (sheet, line) in skipped {
            var note = InputErrors.finding(
                file: input.path, line: line, rule: InputErrors.malformedFile,
                reason: "\(XLSXReader.shownName(sheet.name)) skipped: its first row is not the header of a CRM export")
            // A note, not an error: a workbook may well hold an instructions or summary sheet beside its export.
            note.severity = .info
            note.sheet = sheet.name
            findings.append(note)
            var summary = InputSummary(path: input.path, dataset: nil, format: "xlsx", encoding: nil)
            summary.sheet = sheet.name
            summaries.append(summary)
        }
        return found
    }

    /// Reads the first record's keys (the header) and matches them to a dataset;
    /// falls back to the file name (`customers.csv`).
    static func detectDataset(_ input: InputFile, format: InputFormat, config: Config) -> Dataset? {
        // Detection reads its own copy: a file is reopened, stdin's buffered start is re-read.
        let detectionSource =
            input.stdinSource.map { ByteSource(bytes: Array($0.lookahead())) }
            ?? input.openPath.flatMap { try? ByteSource(path: $0) }
        if let source = detectionSource {
            let reader = ReaderFactory.open(source, format: format, encoding: input.encoding)
            for _ in 0..<5 {
                guard let event = reader.next() else { break }
                if case let .record(raw) = event {
                    return FieldMapper.detect(keys: raw.keys, config: config)
                }
            }
            if let header = reader.headerNames, let dataset = FieldMapper.detect(keys: header, config: config) {
                return dataset
            }
        }
        let name = (input.path as NSString).lastPathComponent.lowercased()
        return Dataset.allCases.first { name.contains($0.rawValue) }
    }

    static func recordDay(_ record: Record, context: CheckContext) -> String? {
        guard let field = eventField(record.dataset) else { return nil }
        return context.time(record, field: field).map { TimeValue.day(of: $0.start, timeZone: context.timeZone) }
    }
}

/// The records read for the next batch of `RecordWorkers`, and each one's direction, in storage a job takes
/// over as it is (`RecordWorkers.Job`): each record moved in as read and out as completed, never copied. A
/// class with unchecked properties, not locals: the scan's nested functions capture what they change, and a
/// captured `var` was checked for exclusive access at run time on every record (three times a record).
/// Used by the scanning thread alone.
private final class Gathering {
    @exclusivity(unchecked) private var records: UnsafeMutablePointer<Record>
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var directions: [Direction?] = []

    init() {
        records = .allocate(capacity: RecordWorkers.batchSize)
        directions.reserveCapacity(RecordWorkers.batchSize)
    }

    func add(_ record: consuming Record, direction: Direction?) {
        precondition(count < RecordWorkers.batchSize, "a batch is handed over once full")
        (records + count).initialize(to: consume record)
        count += 1
        directions.append(direction)
    }

    /// The records gathered (for a job to free) and their directions; the next batch starts empty.
    func takeBatch() -> (records: UnsafeMutablePointer<Record>, count: Int, directions: [Direction?]) {
        defer {
            records = .allocate(capacity: RecordWorkers.batchSize)
            count = 0
            directions = []
            directions.reserveCapacity(RecordWorkers.batchSize)
        }
        return (records, count, directions)
    }

    deinit {
        records.deinitialize(count: count)
        records.deallocate()
    }
}
