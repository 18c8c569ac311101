import Foundation
import Testing

@testable import CrmlintRules

/// The rule cache's folder stays bounded: stale and least recently used cache
/// files go, the files just written and anything not the cache's own stay.
@Suite struct CacheFolderTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmlint-folder-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A file of `size` bytes last changed `age` seconds before `now`.
    private func file(_ folder: String, _ name: String, size: Int = 10, age: TimeInterval, now: Date) throws -> String {
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(repeating: 7, count: size).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-age)], ofItemAtPath: path)
        return path
    }

    private static let hex = String(repeating: "0123456789abcdef", count: 2)

    @Test func onlyTheCachesOwnFilesAreItsOwn() {
        #expect(CacheFolder.isCacheFile("rules-\(Self.hex).bin"))
        #expect(CacheFolder.isCacheFile("codes-\(Self.hex).bin"))
        #expect(CacheFolder.isCacheFile("prefilter-\(Self.hex).bin"))
        #expect(CacheFolder.isCacheFile("rules-\(Self.hex).bin.4242.tmp"))
        #expect(!CacheFolder.isCacheFile("rules-\(Self.hex.uppercased()).bin"))
        #expect(!CacheFolder.isCacheFile("rules-\(Self.hex.dropLast()).bin"))
        #expect(!CacheFolder.isCacheFile("rules-\(Self.hex).binx"))
        #expect(!CacheFolder.isCacheFile("rules-\(Self.hex).bin.x.tmp"))
        #expect(!CacheFolder.isCacheFile("notes-\(Self.hex).bin"))
        #expect(!CacheFolder.isCacheFile("my-rules.yml"))
    }

    @Test func staleFilesGoAndTheRestFitTheLimit() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let day: TimeInterval = 86_400
        let stale = try file(folder, "rules-\(Self.hex).bin", age: CacheFolder.maxAge + day, now: now)
        let fresh = try file(folder, "codes-\(Self.hex).bin", age: day, now: now)
        let crashed = try file(folder, "prefilter-\(Self.hex).bin.77.tmp", age: 2 * CacheFolder.abandonedAfter, now: now)
        let writing = try file(folder, "rules-\(String(Self.hex.reversed())).bin.78.tmp", age: 60, now: now)
        let foreign = try file(folder, "notes.txt", age: 10 * CacheFolder.maxAge, now: now)
        let keptAlthoughStale = try file(folder, "prefilter-\(String(Self.hex.reversed())).bin", age: CacheFolder.maxAge + day, now: now)
        let removed = CacheFolder.prune(folder, keeping: [keptAlthoughStale], now: now)
        #expect(Set(removed) == [(stale as NSString).lastPathComponent, (crashed as NSString).lastPathComponent])
        for path in [fresh, writing, foreign, keptAlthoughStale] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        for path in [stale, crashed] { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
    }

    @Test func overTheLimitTheLeastRecentlyUsedGoFirst() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let limit = 3_000
        let third = limit / 3 + 1
        let names = (0..<4).map { "rules-\(String(repeating: "\($0)", count: 32)).bin" }
        // Ages 4, 3, 2, 1 hours: the first two must go for the last two (2 × a third) to fit.
        let paths = try names.enumerated().map { try file(folder, $1, size: third, age: TimeInterval(4 - $0) * 3_600, now: now) }
        let removed = CacheFolder.prune(folder, keeping: [paths[0]], now: now, limit: limit)
        // The oldest is kept (just written), so the next two go.
        #expect(removed == [names[1], names[2]])
        #expect(FileManager.default.fileExists(atPath: paths[0]) && FileManager.default.fileExists(atPath: paths[3]))
    }

    /// A cache file this process read stays, however old its time says it is (its time is
    /// refreshed at most daily, and the run still needs it).
    @Test func filesThisProcessUsedStay() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let read = try file(folder, "rules-\(Self.hex).bin", age: 3_600, now: now)
        let other = try file(folder, "codes-\(Self.hex).bin", age: 7_200, now: now)
        #expect(CacheFile.bytes(atPath: read) != nil)
        // Over a limit only one file fits: the unused one goes, though it is the newer.
        let removed = CacheFolder.prune(folder, now: now.addingTimeInterval(CacheFolder.maxAge + 86_400), limit: 15)
        #expect(removed == [(other as NSString).lastPathComponent])
        #expect(FileManager.default.fileExists(atPath: read))
    }

    @Test func readingAnOldCacheFileMarksItUsed() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let old = try file(folder, "codes-\(Self.hex).bin", age: 3 * 86_400, now: now)
        let recent = try file(folder, "rules-\(Self.hex).bin", age: 3_600, now: now)
        #expect(CacheFile.bytes(atPath: old)?.count == 10)
        #expect(CacheFile.bytes(atPath: recent)?.count == 10)
        func age(_ path: String) throws -> TimeInterval {
            let date = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
            return Date().timeIntervalSince(date)
        }
        #expect(try age(old) < 60)
        // A file used within the day is not written to.
        #expect(try age(recent) > 3_000)
    }
}

/// The rule cache is keyed by the running binary's size and time (a rebuilt
/// crmlint reads none of an older build's cache), found without Foundation's bundle.
struct BuildIdentityTests {
    @Test func theIdentityNamesTheRunningBinary() throws {
        let path = try #require(RuleCache.executablePath())
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = try #require(attributes[.size] as? Int)
        #expect(size > 0)
        #expect(RuleCache.buildIdentity.split(separator: "|").dropFirst().first == Substring(String(size)))
        #expect(
            Bundle.main.executablePath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    }
}
