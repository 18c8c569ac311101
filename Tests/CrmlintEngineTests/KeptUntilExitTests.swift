import CrmlintEngine
import Foundation
import Testing

/// The command line keeps a scan's state until the process exits rather than
/// freeing it object by object; a library caller's scans free as usual.
@Suite(.serialized) struct KeptUntilExitTests {
    final class Marker {}

    @Test func keepsWhatItIsGivenForTheRestOfTheProcess() {
        weak var held: Marker?
        do {
            let marker = Marker()
            held = marker
            KeptUntilExit.keep(marker)
        }
        #expect(held != nil)
        weak var dropped: Marker?
        do {
            let marker = Marker()
            dropped = marker
        }
        #expect(dropped == nil) // the check above can fail: an object not kept is gone
    }

    @Test func aScanKeepsItsStateOnlyWhenAskedAndReportsTheSame() throws {
        let folder = try RuleTimingTests.folder(outbound: 40, inbound: 10)
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = RuleTimingTests.options(folder, jobs: 2)
        let before = KeptUntilExit.count
        let freed = try Scanner.scan(options)
        #expect(KeptUntilExit.count == before)
        options.keepsStateUntilExit = true
        let kept = try Scanner.scan(options)
        #expect(KeptUntilExit.count == before + 1)
        #expect(!freed.findings.isEmpty)
        #expect(kept.findings.map(\.fingerprint) == freed.findings.map(\.fingerprint))
    }
}
