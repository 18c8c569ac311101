import CrmlintCore
import Testing

/// `String(validUTF8:)` answers what the standard library's validating initializer answers.
@Suite struct ValidUTF8Tests {
    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        // Pieces that make valid and invalid UTF-8 alike: ASCII, Chinese, 4-byte emoji, lone
        // continuation bytes, truncated and overlong sequences, surrogates, U+FFFD itself, bytes never valid.
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("保证".utf8), Array("😀".utf8), Array("\u{FFFD}".utf8), [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF],
            [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x90, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xBF], [0xF5], [0xFF], [0xFE],
            [0x00],
        ]
        var valid = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            let expected = String(validating: bytes, as: UTF8.self)
            #expect(String(validUTF8: bytes) == expected, "\(bytes)")
            #expect(String(validUTF8: bytes[...]) == expected, "\(bytes)")
            if expected != nil { valid += 1 }
        }
        // Both answers were met often.
        #expect(valid > 500 && valid < 4_500)
    }

    @Test func theTextComesBackWhole() {
        #expect(String(validUTF8: Array("零故障，保证 100%".utf8)) == "零故障，保证 100%")
        #expect(String(validUTF8: []) == "")
        // A truncated 4-byte sequence repairs to one U+FFFD of the same length: still rejected.
        #expect(String(validUTF8: [0x61, 0xF0, 0x90, 0x80, 0x62]) == nil)
    }

    /// `UTF8Validation.isValid` against the standard library: every sequence of one and two bytes, every
    /// three-byte sequence led by E0-EF, every four-byte one led by F0-F4 with a continuation byte or an
    /// ASCII letter after the second byte, and random runs of pieces (long enough for the eight-byte ASCII steps
    /// and the runs of three-byte characters).
    @Test func theValidatorAgreesWithTheStandardLibrary() {
        func agrees(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer(UTF8Validation.isValid) == (String(validating: bytes, as: UTF8.self) != nil)
        }
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            let one = [UInt8(first)]
            if !agrees(one) { disagreements.append(one) }
            for second in 0...255 {
                let two = one + [UInt8(second)]
                if !agrees(two) { disagreements.append(two) }
                if (0xE0...0xEF).contains(first) {
                    for third in 0...255 where !agrees(two + [UInt8(third)]) { disagreements.append(two + [UInt8(third)]) }
                }
                if (0xF0...0xF4).contains(first) {
                    for third in [0x41, 0x80, 0xBF] {
                        for fourth in 0...255 where !agrees(two + [UInt8(third), UInt8(fourth)]) {
                            disagreements.append(two + [UInt8(third), UInt8(fourth)])
                        }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("abcdefgh".utf8), Array("a".utf8), Array("保证".utf8), Array("😀".utf8), [0x80], [0xC3, 0xA9], [0xE4, 0xBF],
            [0xF0, 0x90, 0x80],
            [0xED, 0xA0, 0x80], [0xFF], [0x00],
            // For the run of three-byte characters: E0 (valid from A0 on, overlong below), EE-EF, a continuation short.
            Array("\u{0800}".utf8), [0xE0, 0x80, 0x80], Array("\u{FF01}".utf8), Array("中文字".utf8), [0xE4, 0xB8, 0x41],
        ]
        var valid = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            #expect(agrees(bytes), "\(bytes)")
            if String(validating: bytes, as: UTF8.self) != nil { valid += 1 }
        }
        #expect(valid > 200 && valid < 4_800)
    }

    /// The validator reads sixteen bytes a step and checks a step of Chinese text from its bit masks: every
    /// short sequence, valid or not, placed at each offset across a step's edge among Chinese characters
    /// and ASCII, gets the standard library's verdict.
    @Test func theValidatorAgreesAcrossStepEdges() {
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        var sequences: [[UInt8]] = []
        for first in [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xF5, 0xFF] as [UInt8] {
            for second in edges { sequences.append([first, second]) }
        }
        for first in 0xE0...0xEF {
            for second in edges {
                for third in edges { sequences.append([UInt8(first), second, third]) }
                sequences.append([UInt8(first), second])
            }
        }
        for first in [0xF0, 0xF1, 0xF4] as [UInt8] {
            for second in edges { for fourth in [0x41, 0x80, 0xBF] as [UInt8] { sequences.append([first, second, 0x80, fourth]) } }
        }
        let chinese = Array("中文字".utf8)
        var disagreements: [[UInt8]] = []
        var valid = 0
        for sequence in sequences {
            for offset in 0...18 {
                // Before: ASCII, or Chinese characters and ASCII to reach the offset; after: Chinese, or nothing.
                let ascii = [UInt8](repeating: 0x61, count: offset)
                let mixed = Array((chinese + chinese + chinese).prefix(offset / 3 * 3)) + [UInt8](repeating: 0x62, count: offset % 3)
                for before in [ascii, mixed] {
                    for after in [chinese + chinese + chinese + chinese, [], [0x63]] {
                        let bytes = before + sequence + after
                        let expected = String(validating: bytes, as: UTF8.self) != nil
                        if bytes.withUnsafeBufferPointer(UTF8Validation.isValid) != expected { disagreements.append(bytes) }
                        valid += expected ? 1 : 0
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(valid > 1_000)
    }

    /// `hasSameBytes` is byte equality of the UTF-8 (not `==`, which equates canonically equivalent texts), for
    /// small and large strings alike; `withUTF8InPlace` reads the string's own bytes.
    @Test func sameBytesIsByteEquality() {
        let texts = [
            "", "a", "2024-05-01 09:30", "2024-05-01 09:31", "2024-05-01 09:30:00 +08:00 and more than fifteen bytes",
            "2024-05-01 09:30:00 +08:00 and more than fifteen bytez", "caf\u{E9}", "cafe\u{301}", "客户", "客戶",
        ]
        for left in texts {
            for right in texts {
                #expect(left.hasSameBytes(as: right) == (Array(left.utf8) == Array(right.utf8)), "\(left) / \(right)")
                // A copy made from a substring, and one made by appending (a native buffer of its own).
                var grown = String(right.prefix(0))
                grown.append(contentsOf: right)
                #expect(left.hasSameBytes(as: grown) == (Array(left.utf8) == Array(right.utf8)), "\(left) / \(right)")
            }
        }
        #expect("caf\u{E9}" == "cafe\u{301}" && !"caf\u{E9}".hasSameBytes(as: "cafe\u{301}"))
        for text in texts {
            #expect(text.withUTF8InPlace { Array($0) } == Array(text.utf8), "\(text)")
            let large = text + String(repeating: "客", count: 20)
            #expect(large.withUTF8InPlace { Array($0) } == Array(large.utf8), "\(large)")
        }
    }
}
