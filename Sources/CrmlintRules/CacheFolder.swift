import Foundation

/// Keeps the rule cache's folder bounded. Every change of the rule files, and
/// every new build of crmlint, names new cache files (`rules-…`, `codes-…`,
/// `prefilter-…`, megabytes each) and nothing ever reads the old ones again:
/// a developer's folder had grown to 800 MB. So a run that writes a cache file
/// prunes the folder: files of those names not used for `maxAge`, then the
/// least recently used until the rest fit in `maxBytes` (the files the run
/// has read or written are kept). A file a run reads is "used": its time is moved to now
/// when it is more than `refreshAfter` old (one `futimens` a day, not a write
/// each run). Other files in the folder are never touched; failing to list,
/// read or delete is no error.
public enum CacheFolder {
    public static let maxAge: TimeInterval = 30 * 86_400
    public static let maxBytes = 256 << 20
    static let refreshAfter: TimeInterval = 86_400
    /// A temporary file a crashed writer left (`….bin.PID.tmp`) goes after this long.
    static let abandonedAfter: TimeInterval = 3_600

    /// The cache's own files: `rules-`, `codes-`, `prefilter-` or `verdicts-`, 32 hex digits, `.bin` (or a writer's
    /// temporary beside one).
    static func isCacheFile(_ name: String) -> Bool {
        guard let prefix = ["rules-", "codes-", "prefilter-", "verdicts-"].first(where: name.hasPrefix) else { return false }
        let rest = name.utf8.dropFirst(prefix.utf8.count)
        let hex = rest.prefix(32)
        guard hex.count == 32, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return false }
        let tail = String(decoding: rest.dropFirst(32), as: UTF8.self)
        return tail == ".bin" || isTemporaryTail(tail)
    }

    private static func isTemporaryTail(_ tail: String) -> Bool {
        tail.hasPrefix(".bin.") && tail.hasSuffix(".tmp") && tail.dropFirst(5).dropLast(4).allSatisfy(\.isNumber)
    }

    /// Cache files this process has read or written: never removed by its own pruning (reading one
    /// refreshes its time at most daily, so by time alone it could rank as least recently used).
    nonisolated(unsafe) private static var inUse: Set<String> = []
    private static let inUseLock = NSLock()

    static func markInUse(_ path: String) {
        inUseLock.lock(); defer { inUseLock.unlock() }
        inUse.insert(path)
    }

    /// Folders this process has pruned: a cold run writes three files, and the folder needs
    /// listing once (the files written after are its own, which pruning keeps anyway).
    nonisolated(unsafe) private static var pruned: Set<String> = []

    /// `prune(directory)` the first time a run writes to `directory`.
    static func pruneOnce(_ directory: String) {
        inUseLock.lock()
        let first = pruned.insert(directory).inserted
        inUseLock.unlock()
        if first { prune(directory) }
    }

    /// Seconds since 1970 of a file's last change.
    static func modificationTime(_ status: stat) -> TimeInterval {
        #if canImport(Darwin)
            TimeInterval(status.st_mtimespec.tv_sec) + TimeInterval(status.st_mtimespec.tv_nsec) / 1e9
        #else
            TimeInterval(status.st_mtim.tv_sec) + TimeInterval(status.st_mtim.tv_nsec) / 1e9
        #endif
    }

    /// Removes what the folder's policy says goes (see the type); `keeping` are paths never removed,
    /// nor are the cache files this process has used. Returns the names removed, for tests.
    @discardableResult
    public static func prune(_ directory: String, keeping: Set<String> = [], now: Date = Date(), limit: Int = maxBytes) -> [String] {
        inUseLock.lock()
        let kept = keeping.union(inUse)
        inUseLock.unlock()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var files: [(name: String, path: String, time: TimeInterval, size: Int)] = []
        for name in names where isCacheFile(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            files.append((name, path, modificationTime(status), Int(status.st_size)))
        }
        var removed: [String] = []
        func remove(_ file: (name: String, path: String, time: TimeInterval, size: Int)) -> Bool {
            guard !kept.contains(file.path), unlink(file.path) == 0 else { return false }
            removed.append(file.name)
            return true
        }
        let nowTime = now.timeIntervalSince1970
        var remaining: [(name: String, path: String, time: TimeInterval, size: Int)] = []
        for file in files {
            let maxIdle = file.name.hasSuffix(".bin") ? maxAge : abandonedAfter
            if nowTime - file.time > maxIdle, remove(file) { continue }
            remaining.append(file)
        }
        var total = remaining.reduce(0) { $0 + $1.size }
        // Oldest first until the rest fit.
        for file in remaining.sorted(by: { ($0.time, $0.name) < ($1.time, $1.name) }) where total > limit {
            if remove(file) { total -= file.size }
        }
        return removed
    }

    /// Marks an open cache file as used now when its time is more than `refreshAfter` old.
    static func markUsed(_ descriptor: Int32, status: stat, now: Date = Date()) {
        guard now.timeIntervalSince1970 - modificationTime(status) > refreshAfter else { return }
        _ = futimens(descriptor, nil)
    }
}
