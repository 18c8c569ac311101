import CrmlintCore
import Foundation
import Testing

/// The value parsers that turn export text into amounts, yes/no, channels,
/// directions and tier labels.
@Suite struct AmountTests {
    @Test(arguments: [
        ("120万", 1_200_000.0), ("¥1,200,000", 1_200_000), ("￥1,200,000", 1_200_000), ("85.5万元", 855_000),
        ("1.2亿", 120_000_000), ("300000", 300_000), ("RMB 3,000", 3000), ("800元", 800), ("３０万", 300_000),
        ("八百元", 800), ("两千五", 2500), ("一千零五", 1005), ("十二万", 120_000), ("一万二", 12_000), ("3k", 3000),
        ("1亿2000万", 120_000_000), ("人民币50万元整", 500_000), ("0.1万元", 1000), ("120w", 1_200_000),
    ])
    func parsesExportShapes(text: String, yuan: Double) {
        #expect(Amount.parse(text) == yuan)
    }

    @Test(arguments: ["", "约一百多万", "1,20,000", "abc", "12-3", "万", "¥", "1.2.3"])
    func rejectsWhatIsNotAnAmount(text: String) {
        #expect(Amount.parse(text) == nil)
    }

    /// Amounts as reps say them, at their stated size or the top of a range.
    @Test(arguments: [
        ("三百多块", 300.0), ("六百出头", 600), ("大概五百块钱", 500), ("一两百", 200), ("两三百", 300), ("两三千块", 3000),
        ("几百块", 300), ("好几百", 300), ("千把块", 1000), ("上千", 1000), ("200-300元", 300), ("￥1.2千", 1200),
        ("七八百来块", 800), ("约一百多万", 1_000_000), ("1,500元左右", 1500), ("将近两千", 2000), ("八百", 800),
        ("五百好几", 500), ("300蚊", 300), ("港币500", 500),
    ])
    func parsesApproximateAmounts(text: String, yuan: Double) {
        #expect(Amount.parseApproximate(text) == yuan)
    }

    @Test func moreThanMarkersMeanAboveTheNumber() {
        #expect(Amount.parseApproximateBound("两百多")! == (200, true))
        #expect(Amount.parseApproximateBound("两百几块")! == (200, true))
        #expect(Amount.parseApproximateBound("二百几蚊")! == (200, true))
        #expect(Amount.parseApproximateBound("十几块")! == (10, true))
        #expect(Amount.parseApproximateBound("200元出头")! == (200, true))
        #expect(Amount.parseApproximateBound("两百来块")! == (200, false))
        #expect(Amount.parseApproximateBound("不到两百多")! == (200, false))
        #expect(Amount.parseApproximateBound("200")! == (200, false))
    }

    @Test(arguments: ["", "多", "左右", "几", "abc元", "出头"])
    func approximateStillRejectsWhatIsNotAnAmount(text: String) {
        #expect(Amount.parseApproximate(text) == nil)
    }

    @Test func formatsInTheUnitsSalesTeamsUse() {
        #expect(Amount.format(800) == "800元")
        #expect(Amount.format(855_000) == "85.5万")
        #expect(Amount.format(1_000_000) == "100万")
        #expect(Amount.format(120_000_000) == "1.2亿")
        #expect(Amount.format(85.05) == "85.05元")
        #expect(Amount.format(-1.5) == "-1.5元")
        #expect(Amount.format(12_345.678) == "1.23万")
    }

    /// `format` writes what it wrote with `String(format: "%.2f")` and a trailing zero dropped by a regular
    /// expression: random amounts of every size, whole, with cents, negative.
    @Test func formatsAsPrintfWithATrailingZeroDropped() {
        func reference(_ yuan: Double) -> String {
            func trim(_ value: Double) -> String {
                let rounded = (value * 100).rounded() / 100
                return rounded == rounded.rounded()
                    ? String(Int64(rounded))
                    : String(format: "%.2f", rounded).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
            }
            if abs(yuan) >= 1e8 { return trim(yuan / 1e8) + "亿" }
            if abs(yuan) >= 1e4 { return trim(yuan / 1e4) + "万" }
            return trim(yuan) + "元"
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = pow(10, Double.random(in: -3...13, using: &generator))
            var yuan = Double.random(in: 0...magnitude, using: &generator)
            if Bool.random(using: &generator) { yuan = (yuan * 100).rounded() / 100 }
            if Int.random(in: 0..<5, using: &generator) == 0 { yuan = -yuan }
            #expect(Amount.format(yuan) == reference(yuan), "\(yuan)")
        }
    }
}

@Suite struct BooleanValueTests {
    @Test(arguments: ["是", "Y", "y", "yes", "TRUE", "true", "1", "√", " 是 "])
    func readsYes(text: String) { #expect(BooleanValue.parse(text) == true) }

    @Test(arguments: ["否", "N", "no", "False", "0", "×", "不是"])
    func readsNo(text: String) { #expect(BooleanValue.parse(text) == false) }

    @Test(arguments: ["", "maybe", "待定", "2"])
    func rejectsOthers(text: String) { #expect(BooleanValue.parse(text) == nil) }
}

@Suite struct ChannelTests {
    @Test(arguments: [
        ("上门拜访", Channel.visit), ("拜访", .visit), ("visit", .visit), ("電話", .phone), ("电话", .phone), ("Phone", .phone),
        ("call", .phone), ("微信", .wechat), ("WeChat", .wechat), ("短信", .sms), ("SMS", .sms), ("邮件", .email),
        ("E-mail", .email), ("email", .email), ("视频会议", .video), (" 电话 ", .phone),
    ])
    func readsChannelWords(text: String, channel: Channel) { #expect(Channel.parse(text) == channel) }

    @Test(arguments: ["", "飞鸽传书", "电话+微信"])
    func unknownWordsAreNil(text: String) { #expect(Channel.parse(text) == nil) }
}

@Suite struct DirectionTests {
    @Test(arguments: [
        ("outbound", Direction.outbound), ("out", .outbound), ("呼出", .outbound), ("发出", .outbound), ("OUT", .outbound),
        ("inbound", .inbound), ("in", .inbound), ("呼入", .inbound), ("收到", .inbound), ("来电", .inbound),
    ])
    func readsDirections(text: String, direction: Direction) { #expect(Direction.parse(text) == direction) }

    @Test(arguments: ["", "sideways", "转接"])
    func unknownIsNil(text: String) { #expect(Direction.parse(text) == nil) }
}

@Suite struct TierLabelTests {
    @Test(arguments: [("A", "A"), ("a", "A"), ("A类", "A"), ("A级客户", "A"), ("Tier B", "B"), ("c-tier", "C"), ("Ｂ", "B"), ("VIP", "VIP")])
    func stripsDecoration(text: String, label: String) { #expect(TierLabel.parse(text) == label) }

    @Test func emptyIsNil() {
        #expect(TierLabel.parse("") == nil)
        #expect(TierLabel.parse("类") == nil)
    }
}

/// Channels and directions are found by the value as written when it is a key: the same answer
/// as making its key first, for every word the vocabulary knows written every way an export does.
@Suite struct ValueVocabularyTests {
    @Test func valuesWrittenAsKeysReadAsTheirKeysDo() {
        let vocabulary = ValueVocabulary(extraChannels: [.wechat: ["企业 微信"]], extraDirections: [.inbound: ["IN_BOUND"]])
        let words =
            Channel.defaultWords.values.flatMap { $0 } + Direction.defaultWords.values.flatMap { $0 }
            + Channel.allCases.map(\.rawValue) + Direction.allCases.map(\.rawValue) + ["企业 微信", "IN_BOUND", "unknown", "", "ＰＨＯＮＥ"]
        var generator = SystemRandomNumberGenerator()
        for word in words {
            let fullWidth = String(
                String.UnicodeScalarView(
                    word.unicodeScalars.map {
                        (0x21...0x7E).contains($0.value) ? Unicode.Scalar($0.value + 0xFEE0)! : $0
                    }))
            for written in [
                word, word.uppercased(), " \(word) ", fullWidth, word.replacingOccurrences(of: "_", with: ""),
                String(word.shuffled(using: &generator)),
            ] {
                #expect(vocabulary.channel(written) == vocabulary.channel(ValueKey.make(written)), "\(written)")
                #expect(vocabulary.direction(written) == vocabulary.direction(ValueKey.make(written)), "\(written)")
            }
        }
        #expect(vocabulary.channel("Ｗｅｃｈａｔ") == .wechat)
        // A dictionary finds canonically equivalent keys; making the key, scalar by scalar, does not.
        let accented = ValueVocabulary(extraChannels: [.wechat: ["Åpp"]], extraDirections: [.inbound: ["Ån"]])
        #expect(accented.channel("A\u{30A}pp") == accented.channel(ValueKey.make("A\u{30A}pp")))
        #expect(accented.direction("A\u{30A}n") == accented.direction(ValueKey.make("A\u{30A}n")))
        #expect(accented.channel("Åpp") == .wechat)
        #expect(vocabulary.direction(" IN_BOUND ") == .inbound)
    }
}
