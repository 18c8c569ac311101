import CrmlintCore
import Foundation
import PatternEngine
import Yams

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// What loading rules computes from pattern text alone, kept between runs in
/// a per-user cache folder so a scan of a small file (a pre-commit hook) does
/// not pay for it again: whether a pattern compiles and its capture count,
/// the backtracking probe's verdict, how a word class splits, whether a term
/// compiles; and, in a file of its own, the prefilter's tables for the rules
/// a scan runs (`LiteralPrefilter.cached`).
///
/// Every entry is keyed by a 128-bit hash (`CacheKey`) of the exact pattern
/// text (after expanding terms) and its options, so an entry stands only for
/// the computation it replaces (the file holds the hashes, not the megabytes
/// of expanded text, which reading cost more than it saved): the rule files are still read, parsed and checked on every run,
/// and every problem in them is reported as without a cache. A file is named
/// by a hash of the rule files' paths and contents and of this build of
/// crmlint (version, commit, the executable's size and time, PCRE2's
/// version); a file that cannot be read, is truncated or was written by
/// another build is ignored and rewritten, and a folder that cannot be
/// written is no error (the run just computes everything).
public final class RuleCache: @unchecked Sendable {
    /// Where the cache files go, or nil for none: `--no-cache` or
    /// `CRMLINT_NO_CACHE=1` turn it off; else `$XDG_CACHE_HOME/crmlint`, else `~/.cache/crmlint`.
    public static func defaultDirectory(environment: (String) -> String? = EnvironmentVariable.value) -> String? {
        if let off = environment("CRMLINT_NO_CACHE"), !off.isEmpty, off != "0" { return nil }
        if let xdg = environment("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/crmlint" }
        if let home = environment("HOME"), !home.isEmpty { return home + "/.cache/crmlint" }
        return nil
    }

    /// This build's identity, part of every cache key: a rebuilt binary with
    /// changed analysis code must not read an older build's answers.
    public static let buildIdentity: String = {
        var parts = [PCRE2Library.version]
        var status = stat()
        if let path = executablePath(), stat(path, &status) == 0 {
            parts.append("\(status.st_size)")
            parts.append("\(CacheFolder.modificationTime(status))")
        }
        return parts.joined(separator: "|")
    }()

    /// The running binary. On Linux from /proc: Foundation's `Bundle.main` lists the
    /// binary's whole folder first (a tenth of a small scan's start-up in a build folder).
    static func executablePath() -> String? {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath
    }

    static let magic = "crmlint-rule-cache 11\n"

    /// Compile result of a pattern: its capture count, and the probe's verdict (nil: passed or not probed).
    struct Compiled {
        var captureCount: Int
        var problem: String?
    }

    private let lock = NSLock()
    private var compiled: [CacheKey: Compiled] = [:]
    /// Pieces read from the file stay bytes of it until a pattern made from one is compiled:
    /// a warm run decodes cached code by key and needs no piece's text (decoding them all
    /// was a twentieth of a one-file scan).
    private var splits: [CacheKey: [PatternText]?] = [:]
    private var validTerms: Set<CacheKey> = []
    /// Each rule file's composed YAML (`YAMLNodeCodec`), by path: the file's
    /// name already stands for every path's contents, so a path names one text.
    private var documents: [String: CacheSlice] = [:]
    /// After a clean load: the word classes' fingerprint, and the files that hold nothing
    /// but word classes (whose documents a warm load then decodes only to expand a pattern).
    private var terms: (fingerprint: PatternSourceKey, files: Set<String>)?
    /// Classifier models read from their files, by the hash of the file's text: a model file
    /// is not a rule file, so the cache's name does not stand for it (parsing its 350 KB of
    /// base64 text was a twentieth of a one-file scan).
    private var models: [CacheKey: NgramModel] = [:]
    /// The models looked up or added in this run: only they are written back, so a retrained
    /// model's predecessor does not stay in the file.
    private var modelsUsed: Set<CacheKey> = []
    /// Whether something was added since the file was read.
    private(set) var changed = false
    /// The file this cache is read from and written to (nil: in memory only).
    public let path: String?
    /// Whether the file was there and read whole.
    public private(set) var wasRead = false
    /// Whether the file read said these rule files had loaded clean (`loadedClean` as it was read).
    public private(set) var startedClean = false
    /// Whether `save` wrote the file with the rules loaded clean: the next load of these files reads them from it.
    public private(set) var savedClean = false
    /// PCRE2's code of the patterns that ran, in a file of its own beside this one.
    public let codes: PatternCodeCache

    /// An empty cache in memory (tests, and runs without a cache folder).
    public init() {
        path = nil
        codes = PatternCodeCache(path: nil)
    }

    /// The cache for these rule files (path and contents, in load order), read
    /// from `directory` when a valid file is there. `identity` names the build
    /// (the engine passes crmlint's version and `buildIdentity`).
    public init(directory: String, files: [(path: String, text: String)], identity: String) {
        // StableHash reads eight bytes a step (FNV-1a over the megabyte of rule text, twice, cost 1 % of a warm run).
        var hash = StableHash()
        hash.add(identity)
        for file in files {
            hash.add(file.path)
            hash.add(file.text)
        }
        let name = hash.hex
        path = (directory as NSString).appendingPathComponent("rules-\(name).bin")
        codes = PatternCodeCache(path: (directory as NSString).appendingPathComponent("codes-\(name).bin"))
        if let file = CacheFile.bytes(atPath: path!) { wasRead = read(file) }
        if !wasRead { clear() }
        startedClean = loadedClean
        changed = false
    }

    private func clear() {
        compiled = [:]
        splits = [:]
        validTerms = []
        documents = [:]
        models = [:]
        modelsUsed = []
        terms = nil
        loadedClean = false
    }

    /// Whether these rule files (the file's name stands for their contents and this build)
    /// loaded without a problem before: then what is read only to be checked, and used
    /// only by `rules test`, `explain` and the docs (dataset examples), is read on first use.
    public private(set) var loadedClean = false

    /// Records that the files loaded without a problem (kept when the file is next saved).
    func markLoadedClean() {
        lock.lock(); defer { lock.unlock() }
        guard !loadedClean else { return }
        loadedClean = true
        changed = true
    }

    // MARK: Entries

    /// `text`: the source's hash (`CacheKey.text`).
    func compiled(_ text: PatternSourceKey, options: Pattern.Options, probe: Bool) -> Compiled? {
        lock.lock(); defer { lock.unlock() }
        return compiled[CacheKey(text, options: options, flag: probe)]
    }

    func setCompiled(_ text: PatternSourceKey, options: Pattern.Options, probe: Bool, _ value: Compiled) {
        lock.lock(); defer { lock.unlock() }
        compiled[CacheKey(text, options: options, flag: probe)] = value
        changed = true
    }

    /// The pieces `TextMatcher.split` cut a word class into: `.some(nil)` when it leaves it whole.
    func split(_ pattern: Pattern) -> [PatternText]?? { pieces(CacheKey(pattern, options: [])) }

    func setSplit(_ pattern: Pattern, _ pieces: [String]?) { setPieces(CacheKey(pattern, options: []), pieces) }

    /// The parts `TextMatcher.partPatterns` searches a pattern through: `.some(nil)` when it searches it whole.
    /// Kept beside the splits, under keys of their own.
    /// Keyed with the pattern's options: how it is cut depends on whether it is caseless.
    func parts(_ pattern: Pattern) -> [PatternText]?? { pieces(CacheKey(pattern, flag: true)) }

    func setParts(_ pattern: Pattern, _ pieces: [String]?) { setPieces(CacheKey(pattern, flag: true), pieces) }

    private func pieces(_ key: CacheKey) -> [PatternText]?? {
        lock.lock(); defer { lock.unlock() }
        return splits[key]
    }

    private func setPieces(_ key: CacheKey, _ pieces: [String]?) {
        lock.lock(); defer { lock.unlock() }
        splits[key] = .some(pieces?.map(PatternText.text))
        changed = true
    }

    func isValidTerm(_ fragment: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return validTerms.contains(CacheKey(fragment))
    }

    func setValidTerm(_ fragment: String) {
        lock.lock(); defer { lock.unlock() }
        validTerms.insert(CacheKey(fragment))
        changed = true
    }

    /// The YAML document of the rule file at `path` as it was composed when
    /// the cache was written (`.some(nil)`: an empty document), or nil.
    func document(_ path: String) -> Node?? { document(path, deferring: []).root }

    /// The model a file of this text holds, read before.
    func model(_ key: CacheKey) -> NgramModel? {
        lock.lock(); defer { lock.unlock() }
        guard let model = models[key] else { return nil }
        modelsUsed.insert(key)
        return model
    }

    func setModel(_ key: CacheKey, _ model: NgramModel) {
        lock.lock(); defer { lock.unlock() }
        modelsUsed.insert(key)
        guard models[key] == nil else { return }
        models[key] = model
        changed = true
    }

    /// The word classes as the last clean load of these files found them (`setTerms`).
    func cleanTerms() -> (fingerprint: PatternSourceKey, files: Set<String>)? {
        lock.lock(); defer { lock.unlock() }
        return loadedClean ? terms : nil
    }

    /// Records the word classes' fingerprint and the files holding only them, after a load without problems.
    func setTerms(fingerprint: PatternSourceKey, files: Set<String>) {
        lock.lock(); defer { lock.unlock() }
        guard terms?.fingerprint != fingerprint || terms?.files != files else { return }
        terms = (fingerprint, files)
        changed = true
    }

    /// The same, with the values of `keys` in its rule items left encoded (`YAMLNodeCodec.decode(_:deferring:)`).
    func document(_ path: String, deferring keys: Set<String>) -> (root: Node??, deferred: [Int: [String: YAMLNodeCodec.DeferredNode]]) {
        lock.lock()
        let bytes = documents[path]
        lock.unlock()
        guard let bytes else { return (nil, [:]) }
        return YAMLNodeCodec.decode(bytes, deferring: keys)
    }

    /// Keeps a file's composed document; only documents that composed without
    /// error are kept, so every problem is still found by parsing.
    func setDocument(_ path: String, _ root: Node?) {
        guard let bytes = YAMLNodeCodec.encode(root) else { return }
        lock.lock(); defer { lock.unlock() }
        documents[path] = CacheSlice(copying: bytes)
        changed = true
    }

    // MARK: The file

    /// Writes the file when something was added (atomically: a temporary file
    /// renamed over it). Failing to write is not an error: the next run computes again.
    func save() {
        guard let path, changed else { return }
        var out = CacheWriter()
        out.string(Self.magic)
        lock.lock()
        out.count(compiled.count)
        for (key, value) in compiled {
            out.key(key)
            out.count(value.captureCount)
            out.optionalString(value.problem)
        }
        out.count(splits.count)
        for (key, pieces) in splits {
            out.key(key)
            if let pieces {
                out.count(pieces.count + 1)
                for piece in pieces {
                    switch piece.storage {
                    case let .text(text): out.string(text)
                    case let .stored(slice):
                        out.count(slice.count)
                        slice.withBytes { out.bytes += $0 }
                    }
                }
            } else {
                out.count(0)
            }
        }
        out.count(validTerms.count)
        validTerms.forEach { out.key($0) }
        out.count(documents.count)
        for (path, bytes) in documents {
            out.string(path)
            out.count(bytes.count)
            bytes.withBytes { out.bytes += $0 }
        }
        let kept = models.filter { modelsUsed.contains($0.key) }
        out.count(kept.count)
        for (key, model) in kept {
            out.key(key)
            out.count(model.labels.count)
            model.labels.forEach { out.string($0) }
            out.count(model.buckets)
            out.count(model.maxGram)
            out.word(UInt64(model.scale.bitPattern))
            out.raw(model.bias)
            out.raw(model.weights)
            out.count(model.notes.count)
            model.notes.forEach { out.string($0) }
        }
        out.count(loadedClean ? 1 : 0)
        if let terms {
            out.count(terms.files.count + 1)
            out.key(CacheKey(a: terms.fingerprint.a, b: terms.fingerprint.b))
            terms.files.sorted().forEach { out.string($0) }
        } else {
            out.count(0)
        }
        lock.unlock()
        out.string("end")
        out.checksum()
        savedClean = Self.write(out.bytes, to: path) && loadedClean
        changed = false
    }

    /// Writes a cache file atomically (a temporary file renamed over it); failing is no error. True when written.
    @discardableResult static func write(_ bytes: [UInt8], to path: String) -> Bool {
        bytes.withUnsafeBytes { write(parts: [$0], to: path) }
    }

    /// The same for a file of `parts`, one after another (written from where they are: no copy of a large table).
    /// `ownerOnly`: readable by its owner alone (what it holds was derived from scanned records).
    @discardableResult static func write(parts: [UnsafeRawBufferPointer], to path: String, ownerOnly: Bool = false) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return false
        }
        // Owner only: made so, so no other user can read it even before the rename.
        guard writeAll(parts, to: temporary, mode: ownerOnly ? 0o600 : 0o666), rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            return false
        }
        // A run that writes a cache file keeps the folder bounded (`CacheFolder`).
        CacheFolder.markInUse(path)
        CacheFolder.pruneOnce(directory)
        return true
    }

    private static func writeAll(_ parts: [UnsafeRawBufferPointer], to path: String, mode: mode_t) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if mode == 0o600, fchmod(descriptor, 0o600) != 0 { return false }
        for buffer in parts where buffer.count > 0 {
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
        }
        return true
    }

    /// Reads a file whole; false (and nothing kept) when it is not one this build wrote.
    private func read(_ file: CacheBytes) -> Bool {
        // The whole file is checked first: a damaged byte inside a kept YAML
        // document or a capture count would otherwise read as another value.
        guard var input = CacheReader(checked: file), input.string() == Self.magic else { return false }
        guard let compiledCount = input.count() else { return false }
        compiled.reserveCapacity(compiledCount)
        for _ in 0..<compiledCount {
            guard let key = input.key(), let captures = input.count(), let problem = input.optionalString() else { return false }
            compiled[key] = Compiled(captureCount: captures, problem: problem)
        }
        guard let splitCount = input.count() else { return false }
        splits.reserveCapacity(splitCount)
        for _ in 0..<splitCount {
            guard let key = input.key(), let count = input.count() else { return false }
            if count == 0 {
                splits[key] = .some(nil)
                continue
            }
            var pieces: [PatternText] = []
            pieces.reserveCapacity(count - 1)
            for _ in 0..<(count - 1) {
                guard let piece = input.slice() else { return false }
                pieces.append(PatternText(stored: piece))
            }
            splits[key] = pieces
        }
        guard let termCount = input.count() else { return false }
        for _ in 0..<termCount {
            guard let key = input.key() else { return false }
            validTerms.insert(key)
        }
        guard let documentCount = input.count() else { return false }
        for _ in 0..<documentCount {
            guard let path = input.string(), let bytes = input.slice() else { return false }
            documents[path] = bytes
        }
        guard let modelCount = input.count() else { return false }
        for _ in 0..<modelCount {
            guard let key = input.key(), let labelCount = input.count() else { return false }
            var labels: [String] = []
            for _ in 0..<labelCount {
                guard let label = input.string() else { return false }
                labels.append(label)
            }
            guard let buckets = input.count(), let maxGram = input.count(), let scale = input.word(), scale <= UInt64(UInt32.max),
                let bias = input.raw(Float.self), let weights = input.raw(Int8.self), let noteCount = input.count()
            else { return false }
            var notes: [String] = []
            for _ in 0..<noteCount {
                guard let note = input.string() else { return false }
                notes.append(note)
            }
            let model = NgramModel(
                labels: labels, buckets: buckets, maxGram: maxGram, scale: Float(bitPattern: UInt32(scale)), bias: bias, weights: weights,
                notes: notes)
            guard model.isConsistent else { return false }
            models[key] = model
        }
        guard let clean = input.count(), clean <= 1 else { return false }
        loadedClean = clean == 1
        guard let termFiles = input.count() else { return false }
        if termFiles > 0 {
            guard let fingerprint = input.key() else { return false }
            var files: Set<String> = []
            for _ in 0..<(termFiles - 1) {
                guard let file = input.string() else { return false }
                files.insert(file)
            }
            terms = (PatternSourceKey(a: fingerprint.a, b: fingerprint.b), files)
        }
        return input.string() == "end" && input.atEnd
    }
}

/// A pattern text with its options and a flag, as the rule cache keys it: a
/// 128-bit `StableHash` of them (the same in every process), so the file
/// holds 16 bytes per entry instead of the text.
struct CacheKey: Hashable {
    let a: UInt64
    let b: UInt64

    /// The key as 32 hex digits.
    var hex: String { StableHash.hex(a, b) }

    // A content hash already: mixed, not SipHashed, for a table (`PatternSourceKey.tableHash`).
    func _rawHashValue(seed: Int) -> Int { PatternSourceKey.tableHash(a, b, seed: seed) }

    init(_ source: String, options: Pattern.Options = [], flag: Bool = false) {
        self.init(Self.text(source), options: options, flag: flag)
    }

    /// A pattern's key: from its name (`name(of:)`), with its options unless others are given.
    init(_ pattern: Pattern, options: Pattern.Options? = nil, flag: Bool = false) {
        self.init(Self.name(of: pattern), options: options ?? pattern.options, flag: flag)
    }

    /// A pattern's name: the one its maker gave it (`Pattern.sourceKey`), else its text's hash.
    static func name(of pattern: Pattern) -> PatternSourceKey { pattern.sourceKey ?? text(pattern.source) }

    /// The name given (`key`), else the hash of `source`, for stores handed the two apart.
    static func name(_ key: PatternSourceKey?, source: String) -> PatternSourceKey { key ?? text(source) }

    /// The text's hash, which a key then mixes with options and flag: a text is hashed once however many keys it has.
    init(_ text: PatternSourceKey, options: Pattern.Options = [], flag: Bool = false) {
        var hash = StableHash()
        hash.add(word: text.a)
        hash.add(word: text.b)
        hash.add(word: UInt64(options.rawValue) << 1 | (flag ? 1 : 0))
        (a, b) = hash.words
    }

    /// A pattern with `{{term}}` references: its text and the term table's fingerprint, which
    /// together fix its expansion (domain-separated from `text`).
    static func referencing(_ source: String, terms: PatternSourceKey) -> PatternSourceKey {
        var hash = StableHash()
        hash.add(word: 0x7465_726D_7321) // "terms!"
        hash.add(word: terms.a)
        hash.add(word: terms.b)
        hash.add(source)
        return hash.key
    }

    /// The `index`th piece a pattern (`parent`) was cut into for `split` (or for `parts` when
    /// `parts`): the piece's text is fixed by its parent's, so it need not be hashed.
    static func piece(of parent: PatternSourceKey, options: Pattern.Options, parts: Bool, index: Int) -> PatternSourceKey {
        var hash = StableHash()
        hash.add(word: parts ? 0x7061_7274_7321 : 0x7370_6C69_7421) // "parts!" / "split!"
        hash.add(word: parent.a)
        hash.add(word: parent.b)
        hash.add(word: UInt64(options.rawValue))
        hash.add(word: UInt64(index))
        return hash.key
    }

    static func text(_ source: String) -> PatternSourceKey {
        var hash = StableHash()
        hash.add(source)
        return hash.key
    }

    init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }
}

struct CacheWriter {
    var bytes: [UInt8] = []

    mutating func count(_ value: Int) {
        var v = UInt64(value)
        for _ in 0..<8 {
            bytes.append(UInt8(v & 0xFF))
            v >>= 8
        }
    }

    mutating func string(_ text: String) {
        count(text.utf8.count)
        bytes += text.utf8
    }

    mutating func optionalString(_ text: String?) {
        if let text {
            bytes.append(1)
            string(text)
        } else {
            bytes.append(0)
        }
    }

    mutating func key(_ key: CacheKey) {
        word(key.a)
        word(key.b)
    }

    mutating func word(_ value: UInt64) {
        var v = value
        for _ in 0..<8 {
            bytes.append(UInt8(v & 0xFF))
            v >>= 8
        }
    }

    /// Ends the bytes with a 128-bit hash of them (`CacheReader(checked:)` checks it).
    mutating func checksum() {
        let (a, b) = CacheChecksum.of(bytes[...])
        word(a)
        word(b)
    }

    /// An array of plain values (integers, booleans), as their bytes.
    mutating func raw<T>(_ values: [T]) {
        count(values.count)
        values.withUnsafeBytes { bytes += $0 }
    }

    /// The same, its values starting at a multiple of eight bytes from the file's start (zero
    /// bytes before its count), so a reader may use them in place (`CacheReader.table`).
    mutating func aligned<T: BitwiseCopyable>(_ values: FlatTable<T>) {
        while bytes.count % 8 != 0 { bytes.append(0) }
        count(values.count)
        values.withUnsafeBufferPointer { bytes += UnsafeRawBufferPointer($0) }
    }
}

/// Reading a cache file whole.
enum CacheFile {
    /// The file's bytes, mapped read-only. Read into an array, each megabyte of
    /// the cache files took 256 fresh pages (and their faults), and copying
    /// tables out of it as many again: the two were a third of a one-file
    /// pre-commit scan's page faults. A mapping shares the page cache's pages.
    /// Cache files are only ever replaced by renaming a new file over them,
    /// never truncated in place, so a mapping stays whole while it is read.
    static func bytes(atPath path: String) -> CacheBytes? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size >= 0 else { return nil }
        CacheFolder.markUsed(descriptor, status: status)
        CacheFolder.markInUse(path)
        return CacheBytes(mapping: descriptor, size: Int(status.st_size))
    }
}

/// A cache file's bytes, kept while a reader or a slice of them lives: a
/// read-only mapping of the file, or a copy of bytes made in memory (tests,
/// documents encoded in this run).
final class CacheBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer
    private let mapped: Bool

    /// The first `size` bytes of an open file, or nil when it cannot be mapped.
    init?(mapping descriptor: Int32, size: Int) {
        guard size > 0 else {
            buffer = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        // MAP_POPULATE: the checksum reads every page at once, so they are mapped in one call.
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | Int32(MAP_POPULATE), descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        buffer = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
    }

    /// A copy of `bytes`.
    init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        _ = copy.initializeMemory(as: UInt8.self, from: bytes)
        buffer = UnsafeRawBufferPointer(copy)
        mapped = false
    }

    deinit {
        guard let base = buffer.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), buffer.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    var count: Int { buffer.count }

    subscript(range: Range<Int>) -> CacheSlice { CacheSlice(owner: self, range: range) }
}

/// A pattern's text as the rule cache keeps it: made in this run, or bytes of
/// the cache file, decoded (once per use) only when something needs the text.
struct PatternText: Sendable {
    enum Storage: Sendable {
        case text(String)
        case stored(CacheSlice)
    }

    let storage: Storage

    static func text(_ text: String) -> PatternText { PatternText(storage: .text(text)) }

    /// Bytes written from a `String` (the file's checksum held), so valid UTF-8.
    init(stored slice: CacheSlice) { storage = .stored(slice) }

    private init(storage: Storage) { self.storage = storage }

    var string: String {
        switch storage {
        case let .text(text): return text
        case let .stored(slice): return slice.withBytes { String(decoding: $0, as: UTF8.self) }
        }
    }
}

/// Part of a file's bytes (a kept YAML document, a pattern's code), holding the file.
struct CacheSlice: Sendable {
    let owner: CacheBytes
    let range: Range<Int>

    init(owner: CacheBytes, range: Range<Int>) {
        self.owner = owner
        self.range = range
    }

    /// Bytes made in this run.
    init(copying bytes: [UInt8]) {
        owner = CacheBytes(copying: bytes)
        range = 0..<bytes.count
    }

    var count: Int { range.count }

    /// The bytes, valid while `body` runs (and while this slice lives).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(UnsafeRawBufferPointer(rebasing: owner.buffer[range])) }
    }
}

struct CacheReader {
    let file: CacheBytes
    /// The file's bytes (`file` keeps them mapped while the reader lives).
    private let bytes: UnsafeRawBufferPointer
    var position = 0
    /// Where the bytes read end: the checksum after it is not part of them.
    let end: Int

    init(bytes file: CacheBytes) {
        self.file = file
        bytes = file.buffer
        end = file.count
    }

    /// The bytes before a `CacheWriter.checksum()`, or nil when they do not match it.
    init?(checked file: CacheBytes) {
        guard file.count >= 16 else { return nil }
        let body = file.count - 16
        var tail = CacheReader(bytes: file)
        tail.position = body
        guard let a = tail.word(), let b = tail.word(), CacheChecksum.of(UnsafeRawBufferPointer(rebasing: file.buffer[..<body])) == (a, b)
        else { return nil }
        self.file = file
        bytes = file.buffer
        end = body
    }

    /// Bytes in memory (tests).
    init?(checked bytes: [UInt8]) {
        self.init(checked: CacheBytes(copying: bytes))
    }

    var atEnd: Bool { position == end }

    mutating func byte() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func count() -> Int? {
        guard position + 8 <= end else { return nil }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        // Counts and lengths are bounded by the file itself: a corrupt one must not allocate without end.
        guard value <= UInt64(end) else { return nil }
        return Int(value)
    }

    mutating func string() -> String? {
        guard let length = count(), position + length <= end else { return nil }
        defer { position += length }
        return String(validUTF8: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]))
    }

    /// A length and that many bytes, as a slice of the file (decoded when used).
    mutating func slice() -> CacheSlice? {
        guard let length = count(), position + length <= end else { return nil }
        defer { position += length }
        return file[position..<position + length]
    }

    mutating func optionalString() -> String?? {
        switch byte() {
        case 0: return .some(nil)
        case 1: return string().map { .some($0) }
        default: return nil
        }
    }

    mutating func key() -> CacheKey? {
        guard let a = word(), let b = word() else { return nil }
        return CacheKey(a: a, b: b)
    }

    /// Eight bytes as they are (a hash: not bounded by the file's size like `count`).
    mutating func word() -> UInt64? {
        guard position + 8 <= end else { return nil }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return value
    }

    /// Values `CacheWriter.aligned` wrote, read in place from the mapped file.
    mutating func table<T: BitwiseCopyable>(_ type: T.Type) -> FlatTable<T>? {
        position = (position + 7) & ~7
        guard let count = count(), position + count * MemoryLayout<T>.stride <= end,
            let table = FlatTable<T>(file: file, offset: position, count: count)
        else { return nil }
        position += count * MemoryLayout<T>.stride
        return table
    }

    mutating func raw<T>(_ type: T.Type) -> [T]? {
        guard let count = count(), position + count * MemoryLayout<T>.stride <= end else { return nil }
        let size = count * MemoryLayout<T>.stride
        defer { position += size }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<position + size]))
            initialized = count
        }
    }
}

/// A 128-bit hash of a cache file's bytes: not against tampering, only damage.
enum CacheChecksum {
    /// Each 64-byte stripe as four 16-byte vectors, each added to its own accumulator together
    /// with the product of its 32-bit halves after mixing in a key that changes every stripe
    /// (XXH3's accumulate step: a 32x32-bit multiply per 64-bit lane is one SSE2 instruction,
    /// no lane waits on another); the rest as 8-byte words and a tail, all folded at the end with
    /// the length. Detects damage, not tampering: the cache is the user's own. Checking a scan's
    /// 7 MB of cache files cost 7.4 M instructions with four scalar lanes (1 a byte), ~0.55 a
    /// byte this way: 3 % of a one-file scan.
    static func of(_ bytes: ArraySlice<UInt8>) -> (UInt64, UInt64) {
        bytes.withUnsafeBytes { of($0) }
    }

    static func of(_ raw: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let prime: UInt64 = 0x9E37_79B1_85EB_CA87
        @inline(__always) func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
            let mixed = lane &+ word &* 0xC2B2_AE3D_27D4_EB4F
            return (mixed << 31 | mixed >> 33) &* prime
        }
        @inline(__always) func accumulate(_ sum: SIMD2<UInt64>, _ data: SIMD2<UInt64>, _ key: SIMD2<UInt64>) -> SIMD2<UInt64> {
            let mixed = data ^ key
            return sum &+ data &+ (mixed & 0xFFFF_FFFF) &* (mixed &>> 32)
        }
        var sums = (
            SIMD2<UInt64>(0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F), SIMD2<UInt64>(0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5),
            SIMD2<UInt64>(0x85EB_CA77_C2B2_AE63, 0x9FB2_1C65_1E98_DF25), SIMD2<UInt64>(0x165E_A15A_8E9A_1B67, 0xD6E8_FEB8_6659_FD93)
        )
        var key = SIMD2<UInt64>(0x2545_F491_4F6C_DD1D, 0x9E6C_63D0_676A_9A99)
        let step = SIMD2<UInt64>(prime, 0xC2B2_AE3D_27D4_EB4F)
        var words: UInt64 = 0x27D4_EB2F_1656_67C5, tail: UInt64 = 0
        if let base = raw.baseAddress {
            let count = raw.count
            var index = 0
            while index + 64 <= count {
                sums.0 = accumulate(sums.0, base.loadUnaligned(fromByteOffset: index, as: SIMD2<UInt64>.self), key)
                sums.1 = accumulate(sums.1, base.loadUnaligned(fromByteOffset: index + 16, as: SIMD2<UInt64>.self), key)
                sums.2 = accumulate(sums.2, base.loadUnaligned(fromByteOffset: index + 32, as: SIMD2<UInt64>.self), key)
                sums.3 = accumulate(sums.3, base.loadUnaligned(fromByteOffset: index + 48, as: SIMD2<UInt64>.self), key)
                key &+= step
                index += 64
            }
            while index + 8 <= count {
                words = round(words, base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            while index < count {
                tail = tail << 8 | UInt64(base.load(fromByteOffset: index, as: UInt8.self))
                index += 1
            }
        }
        // Every lane through a multiply and a rotate, in a fixed order (lanes that swapped places differ).
        var a = UInt64(raw.count) &* prime ^ round(words, tail), b = a ^ 0x1656_67B1_9E37_79F9
        @inline(__always) func fold(_ lanes: SIMD2<UInt64>) {
            a = round(a, lanes[0])
            b = round(b, a)
            a = round(a, lanes[1])
            b = round(b, a)
        }
        fold(sums.0)
        fold(sums.1)
        fold(sums.2)
        fold(sums.3)
        b ^= b >> 29
        a ^= a >> 32
        return (a, b)
    }
}
