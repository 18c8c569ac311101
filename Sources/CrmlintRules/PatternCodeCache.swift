import Foundation
import PatternEngine

/// PCRE2's serialized code of the patterns scans have run, beside the rule
/// cache's file and named like it (`codes-….bin`), so a pattern's first use
/// in a later run decodes its code and only JIT-compiles. Only patterns that
/// ran are kept (a first run compiles all 1,300 to check them, but a small
/// file runs a few hundred): the file grows as scans meet new words, and is
/// written at the end of the run that added to it (`saveAll`). Entries are
/// keyed by the pattern's name (`Pattern.sourceKey`, else its text's hash)
/// and options; the file ends with a checksum, and one that does not match is
/// ignored and rewritten.
public final class PatternCodeCache: PatternCodeStore, @unchecked Sendable {
    static let magic = "crmlint-pattern-codes 2\n"

    private let lock = NSLock()
    /// Each pattern's code as a slice of the mapped file (copied out only for the patterns a run uses).
    private var codes: [CacheKey: CacheSlice] = [:]
    private var changed = false
    let path: String?

    /// Caches that kept new code since they were read, for `saveAll`.
    nonisolated(unsafe) private static var unsaved: [PatternCodeCache] = []
    private static let unsavedLock = NSLock()

    init(path: String?) {
        self.path = path
        guard let path, let file = CacheFile.bytes(atPath: path), let read = Self.read(file) else { return }
        codes = read
    }

    public func serializedCode(source: () -> String, key text: PatternSourceKey?, options: Pattern.Options) -> [UInt8]? {
        let key = CacheKey(text ?? CacheKey.text(source()), options: options)
        lock.lock(); defer { lock.unlock() }
        return codes[key]?.withBytes { Array($0) }
    }

    public func keep(serializedCode: [UInt8], source: String, key text: PatternSourceKey?, options: Pattern.Options) {
        let key = CacheKey(CacheKey.name(text, source: source), options: options)
        lock.lock()
        let first = !changed
        codes[key] = CacheSlice(copying: serializedCode)
        changed = true
        lock.unlock()
        guard first, path != nil else { return }
        Self.unsavedLock.lock()
        Self.unsaved.append(self)
        Self.unsavedLock.unlock()
    }

    /// Writes every cache that kept new code in this process (the command
    /// line calls it when a command ends); failing to write is no error.
    public static func saveAll() {
        unsavedLock.lock()
        let caches = unsaved
        unsaved = []
        unsavedLock.unlock()
        caches.forEach { $0.save() }
    }

    func save() {
        guard let path else { return }
        lock.lock()
        guard changed else {
            lock.unlock()
            return
        }
        var out = CacheWriter()
        out.string(Self.magic)
        out.count(codes.count)
        for (key, bytes) in codes {
            out.key(key)
            out.count(bytes.count)
            bytes.withBytes { out.bytes += $0 }
        }
        changed = false
        lock.unlock()
        out.string("end")
        out.checksum()
        RuleCache.write(out.bytes, to: path)
    }

    private static func read(_ file: CacheBytes) -> [CacheKey: CacheSlice]? {
        guard var input = CacheReader(checked: file), input.string() == magic, let count = input.count() else { return nil }
        var codes: [CacheKey: CacheSlice] = [:]
        codes.reserveCapacity(count)
        for _ in 0..<count {
            guard let key = input.key(), let bytes = input.slice() else { return nil }
            codes[key] = bytes
        }
        return input.string() == "end" && input.atEnd ? codes : nil
    }
}
