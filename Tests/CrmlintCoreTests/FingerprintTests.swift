import Testing

@testable import CrmlintCore

/// Fingerprints are in every report and every baseline: the same parts must give the same sixteen hex digits.
@Suite struct FingerprintTests {
    /// FNV-1a over the parts with a separator, written as sixteen lower-case hex digits, zero-padded: known values
    /// and random parts against that definition written plainly.
    @Test func aFingerprintIsTheFNVHashOfItsPartsInSixteenHexDigits() {
        func reference(_ parts: [String]) -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for (index, part) in parts.enumerated() {
                if index > 0 { hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3 }
                for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        #expect(Fingerprint.make([]) == "cbf29ce484222325")
        #expect(Fingerprint.make([""]) == "cbf29ce484222325")
        var generator = SystemRandomNumberGenerator()
        var padded = 0
        for _ in 0..<20_000 {
            let parts = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...6, using: &generator)).map { _ in "ab保证1 ".randomElement(using: &generator)! })
            }
            let made = Fingerprint.make(parts)
            #expect(made == reference(parts), "\(parts)")
            if made.hasPrefix("0") { padded += 1 }
        }
        #expect(padded > 100, "fingerprints that need padding were met")
    }
}
