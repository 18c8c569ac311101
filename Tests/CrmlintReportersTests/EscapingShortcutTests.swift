import TestHelpers
import Testing

@testable import CrmlintReporters

/// The GitHub, CSV and JUnit reporters return most texts as they are after a look at their bytes; what they
/// return must be what escaping the text character by character gives, for every text.
@Suite struct EscapingShortcutTests {
    /// Every character some format escapes, quotes or drops, beside ones none does; white space of both kinds,
    /// a combining mark and a character that joins what follows it (U+0600).
    static let alphabet = [
        "a", "Z", "1", "好", "零", "é", "😀", ",", "\"", "\n", "\r", "\r\n", " ", "\u{3000}", "\t", "=", "+", "-", "@", "%",
        ":", "&", "<", ">", "'", "\u{1}", "\u{1F}", "\u{7F}", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{EFBF}", "\u{301}",
        "\u{600}", "\u{4DC0}", "\u{85}",
    ]

    static func texts() -> [String] {
        var generator = SeededGenerator(seed: 7)
        var texts = [""] + alphabet
        for first in alphabet {
            for second in alphabet { texts.append(first + second) }
        }
        for _ in 0..<3000 {
            texts.append((0..<Int.random(in: 3...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        return texts
    }

    @Test func shortcutsGiveWhatEscapingEachCharacterGives() {
        for text in Self.texts() {
            #expect(GitHubReporter.data(text) == GitHubReporter.escapedData(text), "\(Array(text.unicodeScalars))")
            #expect(GitHubReporter.property(text) == GitHubReporter.escapedProperty(text), "\(Array(text.unicodeScalars))")
            #expect(CSVReporter.cell(text) == CSVReporter.quotedIfNeeded(text), "\(Array(text.unicodeScalars))")
            // A quoted cell reads back (RFC 4180: every quote inside doubled) as the text, a formula's guard aside.
            let cell = Array(CSVReporter.cell(text).utf8)
            if cell.first == UInt8(ascii: "\"") {
                #expect(cell.count >= 2 && cell.last == UInt8(ascii: "\""), "\(Array(text.unicodeScalars))")
                var back: [UInt8] = []
                var index = 1
                while index < cell.count - 1 {
                    if cell[index] == UInt8(ascii: "\"") {
                        #expect(cell[index + 1] == UInt8(ascii: "\""), "a lone quote: \(Array(text.unicodeScalars))")
                        index += 1
                    }
                    back.append(cell[index])
                    index += 1
                }
                #expect(back == Array(text.utf8) || back == Array(("'" + text).utf8), "\(Array(text.unicodeScalars))")
            }
            for attribute in [true, false] {
                #expect(
                    JUnitReporter.escape(text, attribute: attribute) == JUnitReporter.escapedEach(text, attribute: attribute),
                    "\(Array(text.unicodeScalars))")
            }
        }
    }

    /// The shortcut is taken for the usual values (else the comparison above proves nothing about it).
    @Test func usualValuesTakeTheShortcut() {
        for value in ["零故障", "FU-2024-0010", "conduct.zero-failure", "保证 100% 有效", "客户说：好的"] {
            #expect(CSVReporter.isPlain(value), "\(value)")
        }
        #expect(!"零故障 no breaks".hasUTF8Byte { $0 == 0x0A })
        #expect("a\nb".hasUTF8Byte { $0 == 0x0A })
    }
}
