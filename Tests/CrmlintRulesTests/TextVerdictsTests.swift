import Foundation
import TestHelpers
import Testing

@testable import CrmlintRules

/// The text verdicts kept between runs (`TextVerdicts`): what a run adds is read by the next, a damaged
/// slot or header reads as nothing, a rewrite keeps what was used and drops what was not for too long.
@Suite struct TextVerdictsTests {
    private func folder() throws -> String { try TestPaths.temporaryFolder("crmlint-verdicts").path }

    private func key(_ text: String) -> TextVerdicts.Key {
        var copy = text
        return copy.withUTF8 { TextVerdicts.Key(of: $0) }
    }

    /// The test vectors of the SipHash paper (appendix A): key 00 01 … 0f, messages 00 01 … of each length; then SipHash-1-3's.
    @Test func sipHashGivesThePublishedValues() {
        let key0: UInt64 = 0x0706_0504_0302_0100, key1: UInt64 = 0x0F0E_0D0C_0B0A_0908
        func hash(_ count: Int) -> UInt64 {
            let bytes = (0..<count).map { UInt8($0) }
            return bytes.withUnsafeBytes { SipHash.hash($0, key0: key0, key1: key1) }
        }
        #expect(hash(0) == 0x726F_DB47_DD0E_0E31)
        #expect(hash(1) == 0x74F8_39C5_93DC_67FD)
        #expect(hash(7) == 0xAB02_00F5_8B01_D137)
        #expect(hash(8) == 0x93F5_F579_9A93_2462)
        #expect(hash(15) == 0xA129_CA61_49BE_45E5)
        #expect(hash(63) == 0x958A_324C_EB06_4572)
        // SipHash-1-3 (the text keys' variant), as the reference implementation gives it: the empty message under
        // the zero key (Rust's `DefaultHasher` with nothing written), and under the paper's key messages 00 01 ….
        func hash13(_ count: Int, key0: UInt64 = key0, key1: UInt64 = key1) -> UInt64 {
            let bytes = (0..<count).map { UInt8($0) }
            return bytes.withUnsafeBytes { SipHash.hash($0, key0: key0, key1: key1, compression: 1, finalization: 3) }
        }
        #expect(hash13(0, key0: 0, key1: 0) == 0xD1FB_A762_150C_532C)
        #expect(hash13(0) == 0xABAC_0158_050F_C4DC)
        #expect(hash13(1) == 0xC9F4_9BF3_7D57_CA93)
        #expect(hash13(7) == 0xD392_7D98_9BB1_1140)
        #expect(hash13(8) == 0x3690_9511_8D29_9A8E)
    }

    /// The two hashes of a key computed in one pass are the two of `SipHash.hash` with SipHash-1-3's rounds, at every
    /// length a block boundary can fall on (and under the paper's key too).
    @Test func pairedSipHashGivesWhatTwoHashesGive() {
        let paperKey: (UInt64, UInt64) = (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908)
        var generator = SystemRandomNumberGenerator()
        for count in 0..<200 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for (first, second) in [(TextVerdicts.Key.firstKey, TextVerdicts.Key.secondKey), (paperKey, TextVerdicts.Key.firstKey)] {
                let paired = bytes.withUnsafeBytes { SipHash.pair($0, first: first, second: second) }
                let single = bytes.withUnsafeBytes {
                    (
                        SipHash.hash($0, key0: first.0, key1: first.1, compression: 1, finalization: 3),
                        SipHash.hash($0, key0: second.0, key1: second.1, compression: 1, finalization: 3)
                    )
                }
                #expect(paired == single, "\(count) bytes")
            }
        }
        let paper = (0..<8).map { UInt8($0) }.withUnsafeBytes { SipHash.pair($0, first: paperKey, second: paperKey) }
        #expect(paper == (0x3690_9511_8D29_9A8E, 0x3690_9511_8D29_9A8E))
    }

    /// Keys tell texts apart by every byte and are the same in every process (fixed, not seeded).
    @Test func keysTellTextsApartAndNeverMarkAnEmptySlot() {
        #expect(key("好的") == key("好的"))
        #expect(key("好的") != key("好的。"))
        #expect(key("保证收益翻倍") != key("保证收益翻番"))
        var seen = Set<TextVerdicts.Key>()
        for number in 0..<10_000 { seen.insert(key("第\(number)次回访")) }
        #expect(seen.count == 10_000)
        #expect(!seen.contains(TextVerdicts.Key(first: 0, second: 0)))
    }

    /// Facts told by one run are read by the next, by name: a new name gets a bit after the file's.
    @Test func whatARunLearntIsReadByTheNext() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = TextVerdicts(directory: directory, identity: "rules A", minimumNew: 2)
        #expect(first.fileNames.isEmpty && first.facts(of: key("好的")) == nil)
        let nothingA = try #require(first.index(ofName: "found nothing: a"))
        let nothingB = try #require(first.index(ofName: "found nothing: b"))
        first.add([(key("好的"), 1 << UInt64(nothingA) | 1 << UInt64(nothingB)), (key("给您回扣"), 1 << UInt64(nothingB))])
        // Told again with another fact: the facts add up.
        first.add([(key("收到"), 1 << UInt64(nothingA)), (key("收到"), 1 << UInt64(nothingB))])
        #expect(first.save())
        let path = first.path
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600, "the verdicts are the owner's alone")

        let second = TextVerdicts(directory: directory, identity: "rules A", minimumNew: 2)
        #expect(second.fileNames == ["found nothing: a", "found nothing: b"])
        #expect(second.facts(of: key("好的")) == 0b11)
        #expect(second.facts(of: key("给您回扣")) == 0b10)
        #expect(second.facts(of: key("收到")) == 0b11)
        #expect(second.facts(of: key("没见过")) == nil)
        #expect(second.index(ofName: "found nothing: c") == 2)
        // Other rules (or another build, or config) name another file.
        let other = TextVerdicts(directory: directory, identity: "rules B", minimumNew: 2)
        #expect(other.path != path && other.facts(of: key("好的")) == nil)
    }

    /// A run that learnt too little leaves the file as it was; one that learnt enough rewrites it with both.
    @Test func aSmallRunDoesNotRewriteTheFile() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = TextVerdicts(directory: directory, identity: "r", minimumNew: 3)
        let bit = try #require(first.index(ofName: "found nothing: a"))
        first.add([(key("一"), 1 << UInt64(bit)), (key("二"), 1 << UInt64(bit))])
        #expect(!first.save(), "two new texts are fewer than three")
        #expect(!FileManager.default.fileExists(atPath: first.path))
        first.add([(key("三"), 1 << UInt64(bit))])
        #expect(first.save())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first.path))
        let second = TextVerdicts(directory: directory, identity: "r", minimumNew: 3)
        second.add([(key("四"), 1)])
        // Texts the file holds already, with no new fact, are not new.
        second.add([(key("一"), 1), (key("二"), 1)])
        #expect(second.newTexts == 1)
        #expect(!second.save())
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.path)) == bytes)
        second.add([(key("五"), 1), (key("六"), 1)])
        #expect(second.save())
        let third = TextVerdicts(directory: directory, identity: "r", minimumNew: 3)
        for text in ["一", "二", "三", "四", "五", "六"] { #expect(third.facts(of: key(text)) == 1, "\(text)") }
    }

    /// A rewrite drops the texts no run has used for `CacheFolder.maxAge`, and keeps those this run used.
    @Test func aRewriteDropsWhatWasNotUsedForAMonth() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let first = TextVerdicts(directory: directory, identity: "r", today: start, minimumNew: 1)
        _ = first.index(ofName: "found nothing: a")
        first.add([(key("用过"), 1), (key("没用过"), 1)])
        #expect(first.save())
        let later = start.addingTimeInterval(CacheFolder.maxAge + 10 * 86_400)
        let second = TextVerdicts(directory: directory, identity: "r", today: later, minimumNew: 1)
        second.add([(key("用过"), 1), (key("新的"), 1)])
        #expect(second.save())
        let third = TextVerdicts(directory: directory, identity: "r", today: later, minimumNew: 1)
        #expect(third.facts(of: key("用过")) == 1)
        #expect(third.facts(of: key("新的")) == 1)
        #expect(third.facts(of: key("没用过")) == nil)
    }

    /// A damaged slot reads as no verdict (never as other facts); a damaged header, or a file of the wrong size, as no file.
    @Test func damageReadsAsNothing() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = TextVerdicts(directory: directory, identity: "r", minimumNew: 1)
        _ = first.index(ofName: "found nothing: a")
        let texts = (0..<200).map { "第\($0)条" }
        first.add(texts.map { (key($0), 1) })
        #expect(first.save())
        let path = first.path
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        // Each slot's facts flipped: every text that was found reads as not found.
        var damaged = good
        let slotCount = Int(good.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) })
        let slotsStart = good.count - slotCount * TextVerdicts.slotBytes
        for slot in 0..<slotCount { damaged[slotsStart + slot * TextVerdicts.slotBytes + 16] ^= 0x02 }
        try damaged.write(to: URL(fileURLWithPath: path))
        let read = TextVerdicts(directory: directory, identity: "r", minimumNew: 1)
        #expect(read.fileNames == ["found nothing: a"], "the header is intact")
        #expect(texts.allSatisfy { read.facts(of: key($0)) == nil })
        // A byte of the names changed: no file at all.
        var header = good
        header[7 * 8 + 4] ^= 0x01
        try header.write(to: URL(fileURLWithPath: path))
        let unread = TextVerdicts(directory: directory, identity: "r", minimumNew: 1)
        #expect(unread.fileNames.isEmpty && unread.facts(of: key(texts[0])) == nil)
        // Cut short: no file.
        try good.prefix(good.count - 1).write(to: URL(fileURLWithPath: path))
        #expect(TextVerdicts(directory: directory, identity: "r", minimumNew: 1).facts(of: key(texts[0])) == nil)
        // And whole again, read again.
        try good.write(to: URL(fileURLWithPath: path))
        #expect(TextVerdicts(directory: directory, identity: "r", minimumNew: 1).facts(of: key(texts[0])) == 1)
    }

    /// The folder's pruning counts the verdicts as the cache's own files.
    @Test func theVerdictsAreTheCachesOwnFiles() {
        #expect(CacheFolder.isCacheFile("verdicts-0123456789abcdef0123456789abcdef.bin"))
        #expect(CacheFolder.isCacheFile("verdicts-0123456789abcdef0123456789abcdef.bin.123.tmp"))
        #expect(!CacheFolder.isCacheFile("verdicts-notahash.bin"))
    }
}
