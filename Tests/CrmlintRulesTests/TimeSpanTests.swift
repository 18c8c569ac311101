import CrmlintRules
import Testing

@Suite struct TimeSpanTests {
    @Test(arguments: [
        ("24h", 86400), ("3d", 259_200), ("90m", 5400), ("90min", 5400), ("1d12h", 129_600), ("2w", 1_209_600), ("24小时", 86400),
        ("3天", 259_200),
    ])
    func parses(text: String, seconds: Int64) { #expect(TimeSpan.parse(text)?.seconds == seconds) }

    @Test(arguments: ["", "24", "soon", "3 days", "h"])
    func rejects(text: String) { #expect(TimeSpan.parse(text) == nil) }

    @Test(arguments: [
        (Int64(86400), "24h"), (94200, "26h10m"), (86460, "24h1m"), (259_200, "3d"), (2_592_000, "30d"), (2700, "45m"), (302_400, "3d12h"),
        (-5, "0s"),
    ])
    func formatsForMessages(seconds: Int64, text: String) { #expect(TimeSpan.format(seconds) == text) }
}
