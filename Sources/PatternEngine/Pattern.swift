// The only Swift file that imports PCRE2. No raw pointer leaves it: callers see
// `Pattern`, `MatchScratch`, `PatternMatch` and typed errors.
import CPCRE2

/// A pattern that failed to compile, with the offset PCRE2 reports.
public struct PatternCompileError: Error, Equatable, CustomStringConvertible, Sendable {
    public let pattern: String
    /// Offset in the pattern, counted in characters (Unicode scalars).
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at offset \(offset) in pattern '\(pattern)'" }
}

/// A match that could not finish: a resource limit was hit (catastrophic
/// backtracking) or PCRE2 reported another run-time error.
public struct PatternMatchError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable { case matchLimit, depthLimit, heapLimit, other }
    public let kind: Kind
    public let reason: String
    public var description: String { reason }
}

/// Limits that bound one match attempt, so a pathological pattern fails with
/// an error instead of hanging the scan.
public struct MatchLimits: Sendable, Equatable {
    public var matchLimit: UInt32
    public var depthLimit: UInt32
    /// Heap for backtracking, in KiB.
    public var heapLimitKiB: UInt32
    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000, heapLimitKiB: UInt32 = 20_000) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }
    public static let `default` = MatchLimits()
}

/// One match: byte offsets into the subject (UTF-8), and capture groups.
public struct PatternMatch: Sendable, Equatable {
    public let range: Range<Int>
    /// Index 0 is the whole match; nil where a group did not take part.
    public let groups: [Range<Int>?]
}

/// PCRE2's serialized code of patterns, kept between runs (the rule cache):
/// a pattern given a store decodes its code from it instead of compiling,
/// then only JIT-compiles (JIT code cannot be serialized), and hands the
/// store the code of a pattern it had to compile. Called from any thread.
public protocol PatternCodeStore: AnyObject, Sendable {
    /// `key`: the pattern's `sourceKey`, when its maker gave it one (then the store need not hash
    /// `source`, and should not ask for it: a pattern's text may be made only when asked for).
    func serializedCode(source: () -> String, key: PatternSourceKey?, options: Pattern.Options) -> [UInt8]?
    func keep(serializedCode: [UInt8], source: String, key: PatternSourceKey?, options: Pattern.Options)
}

/// A 128-bit hash that names a pattern's text, computed once by its maker (the
/// rule cache: of the text, or of what fixes it, such as the unexpanded text
/// and the terms), carried with the pattern so caches keyed by the text need
/// not hash it again: expanded word classes are kilobytes each, and hashing
/// them once per cache was a tenth of a small file's start-up.
public struct PatternSourceKey: Hashable, Sendable {
    public let a: UInt64
    public let b: UInt64
    public init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }

    /// A table's hash of a 128-bit key that is a content hash already: its words mixed with the
    /// table's seed by splitmix64's finalizer (three multiplies and shifts), where the synthesised
    /// `Hashable` ran SipHash over them — ~100 instructions a lookup, and a warm one-file scan looks
    /// rule cache keys up ~14,000 times. Every bit of the result depends on every bit of both words
    /// and of the seed, so tables with different seeds order the same keys differently.
    public static func tableHash(_ a: UInt64, _ b: UInt64, seed: Int) -> Int {
        var z = a ^ (b &<< 32 | b &>> 32) ^ UInt64(UInt(bitPattern: seed))
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z &>> 31))
    }

    // Dictionary and Set ask this of a key (the default hashes `hash(into:)` with SipHash).
    public func _rawHashValue(seed: Int) -> Int { Self.tableHash(a, b, seed: seed) }
}

/// A compiled PCRE2 pattern (UTF + UCP, JIT when the platform has it).
/// Immutable after init, so it is shared between threads; per-thread match
/// state lives in `MatchScratch`.
public final class Pattern: @unchecked Sendable {
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
        public static let multiline = Options(rawValue: UInt32(PCRE2_MULTILINE))
        public static let dotAll = Options(rawValue: UInt32(PCRE2_DOTALL))
        /// Matches only at the start offset (see `anchored()`).
        public static let anchored = Options(rawValue: UInt32(PCRE2_ANCHORED))
        /// Lets a search stop trying start places past a given offset (`firstMatch(…, startingAtMost:)`).
        public static let offsetLimit = Options(rawValue: UInt32(PCRE2_USE_OFFSET_LIMIT))
    }

    /// The pattern's text. A pattern made from a `makeSource` (its code in the rule cache) makes it
    /// when first asked: a warm run decodes cached code and never needs the text, and expanding
    /// every word class into it was 2 % of a one-file scan's instructions and a quarter of its heap.
    public var source: String {
        if let fixedSource { return fixedSource }
        if let made = crmlint_pointer_load(sourceSlot!) { return Unmanaged<SourceText>.fromOpaque(made).takeUnretainedValue().text }
        let made = Unmanaged.passRetained(SourceText(makeSource!())).toOpaque()
        // Two threads may race here: one publishes, the other drops its copy.
        if crmlint_pointer_publish(sourceSlot!, made) == 0 { Unmanaged<SourceText>.fromOpaque(made).release() }
        return Unmanaged<SourceText>.fromOpaque(crmlint_pointer_load(sourceSlot!)!).takeUnretainedValue().text
    }

    private final class SourceText {
        let text: String
        init(_ text: String) { self.text = text }
    }

    private let fixedSource: String?
    private let makeSource: (@Sendable () -> String)?
    /// The made text (a retained `SourceText`), or nil; nil for a pattern with a fixed text.
    private let sourceSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    public let options: Options
    public let captureCount: Int
    /// The name its maker gave `source` (nil: none; stores then hash the text).
    public let sourceKey: PatternSourceKey?
    /// The compiled code and whether it is JIT-compiled, set once: at init, or
    /// on first use for a pattern made with `init(known:options:captureCount:)`.
    private let slot: UnsafeMutablePointer<UnsafeMutablePointer<crmlint_compiled>?>
    /// Where this pattern's serialized code is read from and kept (and its anchored twin's).
    private let store: PatternCodeStore?
    /// The code without JIT for the interpreter (`MatchScratch.interpreterFirst`),
    /// made on first use when `slot` is still empty: `slot`'s code is JIT-compiled
    /// on first use, in place, so the interpreter never reads it before it is published.
    private let plainSlot: UnsafeMutablePointer<UnsafeMutablePointer<crmlint_compiled>?>
    /// The anchored twin (`anchored()`), made once and shared by every rule
    /// checker and thread that uses this pattern: a retained `Pattern`, or nil.
    private let twinSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// An anchored pattern's searches run so far while `slot` was empty (by every thread), counted up to
    /// the scratch's `interpretedUses`: until then the interpreter answers and it is not JIT-compiled.
    private let uses: UnsafeMutablePointer<Int>

    public convenience init(_ source: String, options: Options = [], sourceKey: PatternSourceKey? = nil) throws {
        try self.init(source, options: options, sourceKey: sourceKey, store: nil)
    }

    private init(_ source: String, options: Options, sourceKey: PatternSourceKey?, store: PatternCodeStore?) throws {
        fixedSource = source
        makeSource = nil
        sourceSlot = nil
        self.options = options
        self.sourceKey = sourceKey
        self.store = store
        let compiled = try Pattern.compile({ source }, options: options, key: sourceKey, store: store)
        var groups: UInt32 = 0
        pcre2_pattern_info_8(compiled.pointee.code, UInt32(PCRE2_INFO_CAPTURECOUNT), &groups)
        captureCount = Int(groups)
        (slot, plainSlot, twinSlot, uses, _) = Pattern.words()
        slot.pointee = compiled
    }

    /// A pattern known to compile (the rule cache saw it compile, with this
    /// many capture groups), compiled and JIT-compiled on first use: a scan
    /// that never runs it never pays for it. Safe to use from several threads.
    /// With a `store`, its serialized code is decoded instead of compiled.
    public convenience init(
        known source: String, options: Options = [], captureCount: Int, sourceKey: PatternSourceKey? = nil, store: PatternCodeStore? = nil
    ) {
        self.init(known: source, making: nil, options: options, captureCount: captureCount, sourceKey: sourceKey, store: store)
    }

    /// The same for a pattern whose text is made when first asked for (by `makeSource`, at most
    /// once, from any thread): its code comes from the `store` by `sourceKey`, and the text is
    /// needed only to compile it when the store has none (or for messages).
    public convenience init(
        knownMaking makeSource: @escaping @Sendable () -> String, options: Options = [], captureCount: Int, sourceKey: PatternSourceKey,
        store: PatternCodeStore?
    ) {
        self.init(known: nil, making: makeSource, options: options, captureCount: captureCount, sourceKey: sourceKey, store: store)
    }

    /// A known pattern with its text (`source`) or a way to make it (`makeSource`), its slots empty.
    private init(
        known source: String?, making makeSource: (@Sendable () -> String)?, options: Options, captureCount: Int,
        sourceKey: PatternSourceKey?, store: PatternCodeStore?
    ) {
        fixedSource = source
        self.makeSource = makeSource
        let source: UnsafeMutablePointer<UnsafeMutableRawPointer?>
        (slot, plainSlot, twinSlot, uses, source) = Pattern.words()
        sourceSlot = makeSource != nil ? source : nil
        self.options = options
        self.captureCount = captureCount
        self.sourceKey = sourceKey
        self.store = store
    }

    /// The five words a pattern shares between threads, empty, in one block (`slot` first: the block's
    /// address). One allocation, not five: `UnsafeMutablePointer.allocate` takes glibc's aligned path
    /// (`posix_memalign`), and a warm one-file scan makes some 1,300 patterns (1.4 % of its instructions).
    private static func words() -> (
        slot: UnsafeMutablePointer<UnsafeMutablePointer<crmlint_compiled>?>,
        plain: UnsafeMutablePointer<UnsafeMutablePointer<crmlint_compiled>?>, twin: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
        uses: UnsafeMutablePointer<Int>, source: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) {
        guard let block = crmlint_words_alloc(5) else { fatalError("out of memory") }
        let word = MemoryLayout<UnsafeMutableRawPointer>.stride
        return (
            block.bindMemory(to: UnsafeMutablePointer<crmlint_compiled>?.self, capacity: 1),
            (block + word).bindMemory(to: UnsafeMutablePointer<crmlint_compiled>?.self, capacity: 1),
            (block + 2 * word).bindMemory(to: UnsafeMutableRawPointer?.self, capacity: 1),
            (block + 3 * word).bindMemory(to: Int.self, capacity: 1),
            (block + 4 * word).bindMemory(to: UnsafeMutableRawPointer?.self, capacity: 1)
        )
    }

    deinit {
        if let sourceSlot, let made = sourceSlot.pointee { Unmanaged<SourceText>.fromOpaque(made).release() }
        if let compiled = slot.pointee { Pattern.free(compiled) }
        if let plain = plainSlot.pointee { Pattern.free(plain) }
        if let twin = twinSlot.pointee { Unmanaged<Pattern>.fromOpaque(twin).release() }
        crmlint_words_free(UnsafeMutableRawPointer(slot))
    }

    private static func compile(
        _ source: () -> String, options: Options, key: PatternSourceKey?, store: PatternCodeStore?
    ) throws -> UnsafeMutablePointer<
        crmlint_compiled
    > {
        made(try code(source, options: options, key: key, store: store), jit: true)
    }

    /// `code` as a slot holds it, JIT-compiled when `jit` (and the JIT takes it).
    private static func made(_ code: OpaquePointer, jit: Bool) -> UnsafeMutablePointer<crmlint_compiled> {
        let jitted = jit && pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
        let compiled = UnsafeMutablePointer<crmlint_compiled>.allocate(capacity: 1)
        compiled.initialize(to: crmlint_compiled(code: code, jit: jitted ? 1 : 0))
        return compiled
    }

    /// The pattern's code without JIT: decoded from the store, else compiled (and kept there).
    private static func code(
        _ makeSource: () -> String, options: Options, key: PatternSourceKey?, store: PatternCodeStore?
    ) throws
        -> OpaquePointer
    {
        let code: OpaquePointer
        if let store, let decoded = decode(store.serializedCode(source: makeSource, key: key, options: options)) {
            code = decoded
        } else {
            let source = makeSource()
            var errorCode: Int32 = 0
            var errorOffset: Int = 0
            let flags = UInt32(PCRE2_UTF | PCRE2_UCP) | options.rawValue
            let compiled: OpaquePointer? = source.withCString { cString in
                cString.withMemoryRebound(to: UInt8.self, capacity: source.utf8.count + 1) { bytes in
                    pcre2_compile_8(bytes, source.utf8.count, flags, &errorCode, &errorOffset, nil)
                }
            }
            guard let compiled else {
                let characterOffset = UTF8Offsets.scalarCount(Array(source.utf8), upTo: errorOffset)
                throw PatternCompileError(pattern: source, offset: characterOffset, reason: Pattern.message(for: errorCode))
            }
            code = compiled
            if let store, let bytes = encode(code) { store.keep(serializedCode: bytes, source: source, key: key, options: options) }
        }
        return code
    }

    /// One pattern's code as `pcre2_serialize_encode` writes it (its header
    /// names the PCRE2 version and build, which `decode` checks).
    static func encode(_ code: OpaquePointer) -> [UInt8]? {
        var codes: [OpaquePointer?] = [code]
        var bytes: UnsafeMutablePointer<UInt8>?
        var size: Int = 0
        guard pcre2_serialize_encode_8(&codes, 1, &bytes, &size, nil) == 1, let bytes else { return nil }
        defer { pcre2_serialize_free_8(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// The code `encode` wrote, or nil (another PCRE2 build, not one pattern).
    /// PCRE2 does not check the code itself: the bytes must be what `encode`
    /// gave (the rule cache checks its file's checksum before handing them out).
    static func decode(_ bytes: [UInt8]?) -> OpaquePointer? {
        guard let bytes, !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard pcre2_serialize_get_number_of_codes_8(buffer.baseAddress) == 1 else { return nil }
            var codes: [OpaquePointer?] = [nil]
            guard pcre2_serialize_decode_8(&codes, 1, buffer.baseAddress, nil) == 1 else { return nil }
            return codes[0]
        }
    }

    private static func free(_ compiled: UnsafeMutablePointer<crmlint_compiled>) {
        pcre2_code_free_8(compiled.pointee.code)
        compiled.deallocate()
    }

    /// The compiled code, compiling it now if this is its first use.
    @inline(__always) private var compiled: crmlint_compiled {
        if let known = crmlint_compiled_load(slot) { return known.pointee }
        return compileOnFirstUse()
    }

    @inline(never) private func compileOnFirstUse() -> crmlint_compiled { makeOnFirstUse(in: slot, jit: true) }

    /// The pattern's code made and published in `target` (JIT-compiled when `jit`), or what another thread published first.
    private func makeOnFirstUse(in target: UnsafeMutablePointer<UnsafeMutablePointer<crmlint_compiled>?>, jit: Bool) -> crmlint_compiled {
        // Known to compile: the cache stored it only after compiling it (same source, options, PCRE2 and crmlint).
        guard let code = try? Pattern.code({ source }, options: options, key: sourceKey, store: store) else {
            fatalError("a cached pattern no longer compiles: \(source.prefix(200))")
        }
        let made = Pattern.made(code, jit: jit)
        // Two threads may race here: one publishes, the other frees its copy.
        if crmlint_compiled_publish(target, made) == 0 { Pattern.free(made) }
        return crmlint_compiled_load(target)!.pointee
    }

    /// Whether this search is one of an anchored pattern's first `limit` while it has no JIT code:
    /// each counts one (from any thread), and the search after the last compiles it. An anchored
    /// pattern (the prefilter's twins, tried where their words stand) searched a few times in a scan
    /// costs less interpreted than its JIT compile (up to milliseconds for a word class of hundreds
    /// of words). Not an unanchored one: the interpreter tries such a word class at every start
    /// place (about 16 times the JIT's instructions a search, measured on messages), which cost more
    /// than the compile it saved.
    @inline(__always) private func interpretsNext(_ limit: Int) -> Bool {
        options.contains(.anchored) && crmlint_compiled_load(slot) == nil && crmlint_count_use(uses) < limit
    }

    /// Code the interpreter may run: the published JIT slot's (its JIT compile
    /// is done, so the code no longer changes), else code of its own without JIT.
    @inline(__always) private var interpreterCode: OpaquePointer {
        if let known = crmlint_compiled_load(slot) { return known.pointee.code }
        if let plain = crmlint_compiled_load(plainSlot) { return plain.pointee.code }
        return makePlainCode()
    }

    @inline(never) private func makePlainCode() -> OpaquePointer { makeOnFirstUse(in: plainSlot, jit: false).code }

    /// Whether the pattern has been compiled yet (false until first use for a `known` pattern).
    public var isCompiled: Bool { crmlint_compiled_load(slot) != nil || crmlint_compiled_load(plainSlot) != nil }

    /// Whether it has been JIT-compiled yet (a match the interpreter answered compiles no JIT code).
    public var hasJITCode: Bool { crmlint_compiled_load(slot)?.pointee.jit ?? 0 != 0 }

    public var isJITCompiled: Bool { compiled.jit != 0 }

    /// The number of the capture group called `name` (`(?<name>...)`), or nil.
    public func groupNumber(named name: String) -> Int? {
        let code = interpreterCode // any code will do: no JIT compile for a question about the pattern
        let number = name.withCString { cString in
            cString.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) { pcre2_substring_number_from_name_8(code, $0) }
        }
        return number > 0 ? Int(number) : nil
    }

    /// The first match at or after `start` (a byte offset) that starts at or before
    /// `limit`, or nil: the search stops trying start places past `limit` (the text
    /// after it is still read by lookarounds and by the match itself). For a pattern
    /// compiled with `.offsetLimit` only.
    public func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int, startingAtMost limit: Int, scratch: MatchScratch
    ) throws -> PatternMatch? {
        precondition(options.contains(.offsetLimit), "the pattern was not compiled for an offset limit")
        // Both of the scratch's match contexts (the JIT's, and the interpreter's for small inputs),
        // back to no limit after this search.
        func setLimit(_ offset: Int) {
            pcre2_set_offset_limit_8(scratch.context, offset)
            pcre2_set_offset_limit_8(scratch.interpreterContext, offset)
        }
        setLimit(max(limit, start))
        defer { setLimit(crmlint_pcre2_unset()) }
        return try firstMatch(in: subject, from: start, scratch: scratch)
    }

    /// The first match at or after `start` (a byte offset), or nil.
    @inline(__always)
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from start: Int = 0, scratch: MatchScratch) throws -> PatternMatch? {
        guard let clock = scratch.patternClock else { return try search(subject, from: start, scratch: scratch) }
        let started = crmlint_now_ns()
        var found = false
        defer { clock.add(self, nanoseconds: UInt64(crmlint_now_ns() &- started), found: found) }
        let match = try search(subject, from: start, scratch: scratch)
        found = match != nil
        return match
    }

    private func search(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, scratch: MatchScratch) throws -> PatternMatch? {
        guard start <= subject.count else { return nil }
        // An empty buffer may have no base address; PCRE2 wants a valid pointer
        // (a static byte: allocating one per call cost a heap round trip per match).
        let base = subject.baseAddress ?? UnsafePointer(Pattern.emptySubject)
        do {
            var rc: Int32 = PCRE2_ERROR_NOMATCH
            var answered = false
            if scratch.interpreterFirst || (scratch.interpretedUses > 0 && interpretsNext(scratch.interpretedUses)) {
                // A small input, or one of a pattern's first searches: PCRE2's interpreter, which
                // needs no JIT compile (most of the cost of a pre-commit file; of a mid-sized one,
                // the compiles of patterns that run a few times). Its answer is taken only when it
                // finished; on any error the JIT-compiled pattern answers, so every limit finding is the JIT's.
                rc = pcre2_match_8(
                    interpreterCode, base, subject.count, start, UInt32(PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT), scratch.matchData,
                    scratch.interpreterContext)
                answered = rc >= 0 || rc == PCRE2_ERROR_NOMATCH
                if !answered { scratch.interpreterFallbacks += 1 }
            }
            if !answered {
                let compiled = self.compiled, code = compiled.code
                // JIT-compiled patterns take PCRE2's fast path (same limits, no option checks).
                rc =
                    compiled.jit != 0
                    ? pcre2_jit_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.context)
                    : pcre2_match_8(code, base, subject.count, start, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
            }
            if rc == PCRE2_ERROR_NOMATCH { return nil }
            if rc < 0 { throw Pattern.matchError(rc) }
            let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
            let pairs = rc == 0 ? Int(pcre2_get_ovector_count_8(scratch.matchData)) : Int(rc)
            let unset = crmlint_pcre2_unset()
            var groups: [Range<Int>?] = []
            groups.reserveCapacity(captureCount + 1)
            for index in 0...captureCount {
                if index < pairs, ovector[2 * index] != unset {
                    let lower = Int(ovector[2 * index]), upper = Int(ovector[2 * index + 1])
                    groups.append(lower <= upper ? lower..<upper : upper..<lower)
                } else {
                    groups.append(nil)
                }
            }
            guard let whole = groups[0] else { return nil }
            return PatternMatch(range: whole, groups: groups)
        }
    }

    nonisolated(unsafe) static let emptySubject: UnsafeMutablePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()

    /// Every non-overlapping match, in order. Subject must be valid UTF-8.
    public func allMatches(in subject: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws -> [PatternMatch] {
        var found: [PatternMatch] = []
        var position = 0
        while position <= subject.count, let match = try firstMatch(in: subject, from: position, scratch: scratch) {
            found.append(match)
            if match.range.upperBound > position {
                position = match.range.upperBound
            } else {
                // Empty match: step over one whole UTF-8 scalar.
                position = UTF8Offsets.nextScalarStart(subject, after: position)
            }
        }
        return found
    }

    /// The same pattern compiled to match only where a search starts: tried
    /// at a few known start positions it costs a fraction of a scan (JIT
    /// takes no anchoring option at match time, hence a second compile).
    /// Made once per pattern and compiled on first use: each rule checker of
    /// each thread compiling its own twin JIT-compiled 34 of the 213 patterns
    /// of a small file twice. Anchoring a pattern that compiles cannot make
    /// it fail to compile, so the twin is a `known` pattern.
    public func anchored() -> Pattern {
        if let twin = crmlint_pointer_load(twinSlot) { return Unmanaged<Pattern>.fromOpaque(twin).takeUnretainedValue() }
        // With this pattern's text, or its way to make it: the twin makes its own only if it must compile.
        let twin = Pattern(
            known: fixedSource, making: makeSource, options: options.union(.anchored), captureCount: captureCount, sourceKey: sourceKey,
            store: store)
        let made = Unmanaged.passRetained(twin).toOpaque()
        // Two threads may race here: one publishes, the other drops its copy (never compiled).
        if crmlint_pointer_publish(twinSlot, made) == 0 { Unmanaged<Pattern>.fromOpaque(made).release() }
        return Unmanaged<Pattern>.fromOpaque(crmlint_pointer_load(twinSlot)!).takeUnretainedValue()
    }

    /// The anchored twin when `anchored()` has made it (nil otherwise; asking makes none).
    public var madeTwin: Pattern? {
        crmlint_pointer_load(twinSlot).map { Unmanaged<Pattern>.fromOpaque($0).takeUnretainedValue() }
    }

    /// What `allMatches` finds, for a pattern every match of which starts at
    /// one of `starts` (ascending byte offsets): `self` must be `anchored()`.
    ///
    /// With `resumingInDigitRuns`, `starts` may leave out ASCII digits that follow an ASCII digit, where the
    /// caller has proved that a match starting there implies one starting a digit earlier (the rules'
    /// `DigitRunStarts`): a search that resumes inside such a run (after a match, perhaps an empty one, that
    /// ended there) then tries the place it resumes at, the first of the run left for it.
    public func allMatches(
        in subject: UnsafeBufferPointer<UInt8>, startingAt starts: [Int], resumingInDigitRuns: Bool = false, scratch: MatchScratch
    ) throws -> [PatternMatch] {
        var found: [PatternMatch] = []
        var position = 0
        var next = 0
        while let (start, match) = try firstMatch(
            in: subject, startingAt: starts, from: position, next: &next, resumingInDigitRuns: resumingInDigitRuns, scratch: scratch)
        {
            found.append(match)
            position = match.range.upperBound > start ? match.range.upperBound : UTF8Offsets.nextScalarStart(subject, after: start)
        }
        return found
    }

    /// The first match at one of `starts` at or after `position`, and where it was tried: the search
    /// `allMatches(in:startingAt:resumingInDigitRuns:)` makes from there (with `resumingInDigitRuns`, `position`
    /// itself first when it lies inside a run of digits and is no start). `next`: the index of `starts` to
    /// look from, moved on past the starts tried.
    public func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, startingAt starts: [Int], from position: Int, next: inout Int,
        resumingInDigitRuns: Bool = false, scratch: MatchScratch
    ) throws -> (start: Int, match: PatternMatch)? {
        while next < starts.count, starts[next] < position { next += 1 }
        if resumingInDigitRuns, UTF8Offsets.insideDigitRun(subject, at: position), next == starts.count || starts[next] != position,
            let match = try firstMatch(in: subject, from: position, scratch: scratch)
        {
            return (position, match)
        }
        while next < starts.count, starts[next] <= subject.count {
            let start = starts[next]
            next += 1
            if let match = try firstMatch(in: subject, from: start, scratch: scratch) { return (start, match) }
        }
        return nil
    }

    /// Convenience for tests and one-off checks on a Swift string.
    public func matches(_ text: String, scratch: MatchScratch = MatchScratch()) throws -> [PatternMatch] {
        var copy = text
        return try copy.withUTF8 { try allMatches(in: $0, scratch: scratch) }
    }

    static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(errorCode)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }

    static func matchError(_ rc: Int32) -> PatternMatchError {
        let kind: PatternMatchError.Kind
        switch rc {
        case PCRE2_ERROR_MATCHLIMIT: kind = .matchLimit
        case PCRE2_ERROR_DEPTHLIMIT: kind = .depthLimit
        case PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT, PCRE2_ERROR_NOMEMORY: kind = .heapLimit
        default: kind = .other
        }
        return PatternMatchError(kind: kind, reason: message(for: rc))
    }
}

/// Per-thread match state: match data (ovector), a match context carrying the
/// limits, and a JIT stack. Reuse one per thread; never share it.
public final class MatchScratch {
    fileprivate let matchData: OpaquePointer
    fileprivate let context: OpaquePointer
    private let jitStack: OpaquePointer?
    public let limits: MatchLimits
    /// The interpreter's match context, with its limits (`interpreterLimits`).
    fileprivate let interpreterContext: OpaquePointer
    /// Every match is tried with the interpreter first (`init`).
    public let interpreterFirst: Bool
    /// How many of a pattern's searches (by any thread) the interpreter answers before the pattern
    /// is JIT-compiled (`init`).
    public let interpretedUses: Int

    /// The JIT stack's largest size: what the JIT may use where the interpreter uses heap.
    static let jitStackBytes = 1024 * 1024

    /// `interpreterFirst`: every match is tried first with PCRE2's interpreter,
    /// within the tighter `interpreterLimits`, and only when it stops with an
    /// error (any: a limit, memory) the JIT-compiled pattern is run and its
    /// answer taken, result or error. For small inputs, where JIT-compiling the
    /// patterns costs far more than matching (a pre-commit file: ~20 ms of ~75).
    /// `interpretedUses`: the same for an anchored pattern's first searches only,
    /// while it has no JIT code (0: none): it is JIT-compiled when it has been
    /// searched that often (by any thread), so the anchored twins a scan runs a
    /// few times are never compiled (JIT-compiling the large word classes cost a
    /// mid-sized export more than all its matching).
    ///
    /// Why the findings are the same: both engines implement the same matching
    /// (PCRE2 runs its whole test suite through both), so where both finish they
    /// give the same match and groups; where the interpreter does not finish, the
    /// JIT answers as without this option. What is left: a match the interpreter
    /// finishes within a tenth of the match limit and a JIT stack's worth of heap
    /// while the JIT, which counts the limit its own way and needs its stack,
    /// would have stopped at the limit. PCRE2 documents no bound between the two
    /// counts, so that is not proved impossible, only far from anything a
    /// finished match needs (see README, Performance).
    public init(limits: MatchLimits = .default, maxGroups: Int = 64, interpreterFirst: Bool = false, interpretedUses: Int = 0) {
        self.limits = limits
        matchData = pcre2_match_data_create_8(UInt32(maxGroups), nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, Self.jitStackBytes, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
        let tighter = Self.interpreterLimits(limits)
        let interpreter = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(interpreter, tighter.matchLimit)
        pcre2_set_depth_limit_8(interpreter, tighter.depthLimit)
        pcre2_set_heap_limit_8(interpreter, tighter.heapLimitKiB)
        interpreterContext = interpreter
        self.interpreterFirst = interpreterFirst
        self.interpretedUses = max(0, interpretedUses)
    }

    /// The interpreter's limits: a tenth of the match limit, and no more heap
    /// than the JIT's stack, so that any match near what would stop the JIT is
    /// handed to it instead of being answered by the interpreter.
    public static func interpreterLimits(_ limits: MatchLimits) -> MatchLimits {
        MatchLimits(
            matchLimit: max(1, limits.matchLimit / 10), depthLimit: limits.depthLimit,
            heapLimitKiB: min(limits.heapLimitKiB, UInt32(jitStackBytes / 1024)))
    }

    /// When set, every search with this scratch is timed into it, per pattern (`--rule-timing`).
    @exclusivity(unchecked) public var patternClock: PatternClock?

    /// Matches the interpreter stopped with an error and the JIT answered.
    @exclusivity(unchecked) public fileprivate(set) var interpreterFallbacks = 0

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        pcre2_match_context_free_8(interpreterContext)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }
}

/// Byte ↔ character conversions for UTF-8 buffers.
public enum UTF8Offsets {
    /// Unicode scalars in `bytes[0..<byteOffset]`.
    public static func scalarCount<C: Collection>(_ bytes: C, upTo byteOffset: Int) -> Int where C.Element == UInt8 {
        var count = 0
        for byte in bytes.prefix(byteOffset) where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    public static func nextScalarStart(_ bytes: UnsafeBufferPointer<UInt8>, after offset: Int) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    /// Whether `offset` holds an ASCII digit that follows an ASCII digit.
    @inline(__always) public static func insideDigitRun(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        offset > 0 && offset < bytes.count && bytes[offset] &- 0x30 < 10 && bytes[offset - 1] &- 0x30 < 10
    }
}

/// The PCRE2 library crmlint runs on, for `crmlint version --verbose`.
public enum PCRE2Library {
    /// e.g. `10.42 2022-12-11`.
    public static var version: String {
        let size = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), nil) // code units, with the NUL
        guard size > 0 else { return "unknown" }
        var buffer = [UInt8](repeating: 0, count: Int(size))
        guard pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), &buffer) > 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Whether PCRE2 was built with JIT support (patterns then run JIT-compiled).
    public static var jitAvailable: Bool {
        var available: UInt32 = 0
        return pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &available) >= 0 && available == 1
    }
}

/// Time in PCRE2 searches per pattern, for one thread (a `MatchScratch`'s, no lock):
/// `crmlint scan --rule-timing` adds every thread's to show a rule author which
/// pattern of a slow rule to tighten. A search's time includes its pattern's
/// compile when that search made it.
public final class PatternClock {
    public struct Entry {
        public let pattern: Pattern
        public var nanoseconds: UInt64
        public var searches: Int
        /// How many of the searches found a match: far fewer than `searches` means the pattern is tried
        /// where it cannot match (its first words, or the words the prefilter requires, are common).
        public var found: Int
    }

    public private(set) var entries: [ObjectIdentifier: Entry] = [:]

    public init() {}

    func add(_ pattern: Pattern, nanoseconds: UInt64, found: Bool) {
        add(pattern, nanoseconds: nanoseconds, searches: 1, found: found ? 1 : 0)
    }

    /// Adds another thread's clock (the caller keeps the two from being used at once).
    public func add(_ other: PatternClock) {
        for entry in other.entries.values {
            add(entry.pattern, nanoseconds: entry.nanoseconds, searches: entry.searches, found: entry.found)
        }
    }

    private func add(_ pattern: Pattern, nanoseconds: UInt64, searches: Int, found: Int) {
        let key = ObjectIdentifier(pattern)
        if entries[key] != nil {
            entries[key]!.nanoseconds &+= nanoseconds
            entries[key]!.searches += searches
            entries[key]!.found += found
        } else {
            entries[key] = Entry(pattern: pattern, nanoseconds: nanoseconds, searches: searches, found: found)
        }
    }
}
