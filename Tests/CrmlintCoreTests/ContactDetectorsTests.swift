import CrmlintCore
import PatternEngine
import Testing

/// Runs one detector over a text the way rules do (normalised first) and
/// returns each hit as its masked original text.
private func detect(_ detector: ContactDetector, _ text: String, latest: Int? = 2024_05_01) -> [String] {
    let normalized = TextNormalizer().normalize(text)
    let hits = normalized.bytes.withUnsafeBufferPointer {
        (try? detector.hits(in: $0, scratch: MatchScratch(), context: ValidationContext(latestDate: latest))) ?? []
    }
    let scalars = Array(text.unicodeScalars)
    return hits.map { hit in
        let masked = Set(hit.maskOffsets.map { Int(normalized.origins[$0]) })
        let range = normalized.originalScalarRange(of: hit.range)
        var view = String.UnicodeScalarView()
        for index in range { view.append(masked.contains(index) ? "*" : scalars[index]) }
        return String(view)
    }
}

@Suite struct ChecksumTests {
    @Test func luhnAcceptsKnownNumbersAndCatchesEverySingleDigitError() {
        for number in ["6222021234567890128", "4111111111111111", "6228480402564890018", "79927398713"] {
            let digits = number.utf8.map { $0 - 48 }
            #expect(ContactChecks.luhn(digits), "\(number)")
            for position in digits.indices {
                var changed = digits
                changed[position] = (changed[position] + 1) % 10
                #expect(!ContactChecks.luhn(changed), "\(number) with digit \(position) changed")
            }
        }
    }

    @Test func residentIDCheckCharacterMatchesTheStandardsExamples() {
        // GB 11643-1999 appendix A examples.
        #expect(ContactChecks.residentIDCheck(Array("11010519491231002".utf8).map { $0 - 48 }) == UInt8(ascii: "X"))
        #expect(ContactChecks.residentIDCheck(Array("44052418800101001".utf8).map { $0 - 48 }) == UInt8(ascii: "4"))
        #expect(ContactChecks.isResidentID("11010519491231002X"))
        #expect(ContactChecks.isResidentID("11010519491231002x"))
        #expect(ContactChecks.isResidentID("440524188001010014"))
        #expect(!ContactChecks.isResidentID("110105194912310021"))
    }

    @Test func residentIDNeedsARealPastBirthDateAndAProvince() {
        func id(_ body: String) -> String {
            let check = ContactChecks.residentIDCheck(Array(body.utf8).map { $0 - 48 })
            return body + String(UnicodeScalar(check))
        }
        #expect(ContactChecks.isResidentID(id("11010520000229123"))) // leap day
        #expect(!ContactChecks.isResidentID(id("11010519990229123"))) // no 29 Feb in 1999
        #expect(!ContactChecks.isResidentID(id("11010519991301123"))) // month 13
        #expect(!ContactChecks.isResidentID(id("11010520240502123"), latest: 2024_05_01))
        #expect(ContactChecks.isResidentID(id("11010520240501123"), latest: 2024_05_01))
        #expect(!ContactChecks.isResidentID(id("99010519491231002"))) // no province 99
        #expect(!ContactChecks.isResidentID(id("91110000600037341"))) // a credit code's digits
        #expect(ContactChecks.isResidentID("110105491231002")) // 15-digit legacy
        #expect(!ContactChecks.isResidentID("110105490231002"))
    }

    @Test func mobilePrefixesFollowTheLibphonenumberMetadata() {
        // Which 3-digit prefixes are mobile (the allocated 号段; docs/policy.md, P1).
        let mobile: Set<String> = Set(
            (130...139).map(String.init) + (180...189).map(String.init) + ["145", "147"]
                + ["150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167"]
                + ["170", "171", "172", "173", "175", "176", "177", "178"]
                + ["190", "191", "192", "193", "195", "196", "197", "198", "199"])
        for prefix in 100...199 {
            let number = "\(prefix)12345678"
            #expect(ContactChecks.isMobile(number) == mobile.contains(String(prefix)), "\(number)")
        }
        #expect(ContactChecks.isMobile("16101234567")) // the 1610x block
        #expect(!ContactChecks.isMobile("16111234567"))
        #expect(ContactChecks.isMobile("17405123456")) // satellite 17400–17405
        #expect(!ContactChecks.isMobile("17406123456"))
    }

    @Test func cardPrefixesAndLengths() {
        #expect(ContactChecks.isCardNumber("6222021234567890128")) // UnionPay 19
        #expect(ContactChecks.isCardNumber("6217001234567893")) // UnionPay 16
        #expect(ContactChecks.isCardNumber("4111111111111111")) // Visa 16
        #expect(ContactChecks.isCardNumber("378282246310005")) // AmEx 15
        #expect(!ContactChecks.isCardNumber("7992739871300000")) // Luhn-valid maybe, but prefix 7 is no card
        #expect(!ContactChecks.isCardNumber("79927398713")) // too short
    }
}

@Suite struct ContactDetectorTests {
    @Test func mobileInEveryTypedForm() {
        let forms = [
            ("手机13812345678谢谢", "138****5678"), ("138 1234 5678", "138 **** 5678"), ("138-1234-5678", "138-****-5678"),
            ("138.1234.5678", "138.****.5678"), ("+86 138 1234 5678", "+86 138 **** 5678"), ("+8613812345678", "+86138****5678"),
            ("0086 13812345678", "0086 138****5678"), ("86-138-1234-5678", "86-138-****-5678"), ("(+86)13812345678", "(+86)138****5678"),
            ("（＋86）138 1234 5678", "（＋86）138 **** 5678"), ("１３８１２３４５６７８", "１３８****５６７８"),
            ("Tel:13812345678", "138****5678"), ("tel13812345678", "138****5678"), ("138  1234  5678", "138  ****  5678"),
        ]
        for (text, expected) in forms {
            #expect(detect(ContactDetectors.mobile, text) == [expected], "\(text)")
        }
    }

    @Test func mobileNotInsideLongerNumbersOrRecordNumbers() {
        for text in [
            "订单号2024031513812345678", "2024-13812345678", "138123456789", "1381234567", "时间戳1710481234567",
            "订单号：13812345678", "发票号码13812345678", "合同金额13812345678元", "¥13812345678", "13812345678.50吨",
            "SO13812345678", "IP 172.16.100.101", "版本 13.8.1234.5678", "14012345678", "15412345678", "17912345678", "19412345678",
            "13812345678@163.com",
        ] {
            #expect(detect(ContactDetectors.mobile, text).isEmpty, "\(text)")
        }
    }

    @Test func maskedFormsNeverValidate() {
        let masked = [
            "138****5678", "138-****-5678", "138 **** 5678", "1385678", "1381234****", "138xxxx5678", "***@example.com",
            "w***@163.com", "110105********002X", "1101**********18", "6222 **** **** 0128", "622202******0128",
            "010-****5678", "尾号5678", "微信号w***8",
        ]
        for text in masked {
            for detector in ContactDetectors.all {
                #expect(detect(detector, text).isEmpty, "\(detector.name) on \(text)")
            }
        }
    }

    @Test func landlineForms() {
        let forms = [
            ("010-62345678", "010-****5678"), ("(0755)26781234转8001", "(0755)****1234转8001"), ("（0571）8812 3456", "（0571）**** 3456"),
            ("021 5123 4567", "021 **** 4567"), ("+86-755-2678-1234", "+86-755-****-1234"), ("0086 531 88123456", "0086 531 ****3456"),
            ("+86 (0)10 62345678", "+86 (0)10 ****5678"), ("028-85123456-8001", "028-****3456-8001"), ("0512-6812345", "0512-***2345"),
            ("010 6234 5678 ext. 12", "010 **** 5678 ext. 12"), ("07552678123", "0755***8123"),
        ]
        for (text, expected) in forms {
            #expect(detect(ContactDetectors.landline, text) == [expected], "\(text)")
        }
        for text in [
            "400-820-8820", "800-820-8820", "95588", "2024-05201234", "026-81234567", "021-12345678", "010-6234567",
            "合同号：0755-26781234", "2024-05-20 14:30",
        ] {
            #expect(detect(ContactDetectors.landline, text).isEmpty, "\(text)")
        }
    }

    @Test func emailForms() {
        #expect(detect(ContactDetectors.email, "请发到wang.fang@example.cn谢谢") == ["*********@example.cn"])
        #expect(detect(ContactDetectors.email, "li_na＠example.com.cn") == ["*****＠example.com.cn"])
        #expect(detect(ContactDetectors.email, "<Chen.Jie+crm@Gmail.com>") == ["************@Gmail.com"])
        for text in ["@张经理", "example.com", "v1.2@2024", "wang@@example.com", "user@localhost", ".wang@example.com", "a..b@example.com"] {
            #expect(detect(ContactDetectors.email, text).isEmpty, "\(text)")
        }
    }

    @Test func residentIDForms() {
        #expect(detect(ContactDetectors.residentID, "身份证11010519491231002X，") == ["110105********002X"])
        #expect(detect(ContactDetectors.residentID, "110105 19491231 002x") == ["110105 ******** 002x"])
        #expect(detect(ContactDetectors.residentID, "１１０１０５１９４９１２３１００２Ｘ") == ["１１０１０５********００２Ｘ"])
        #expect(detect(ContactDetectors.residentID, "旧证110105491231002") == ["110105*****1002"])
        for text in [
            "11010519491231002Y", "110105194912310021", "91110000600037341L", "单号11010519491231002X", "卡号11010519491231002X",
            "2011010519491231002X",
        ] {
            #expect(detect(ContactDetectors.residentID, text).isEmpty, "\(text)")
        }
    }

    @Test func bankCardForms() {
        #expect(detect(ContactDetectors.bankCard, "卡号6222021234567890128") == ["6222***********0128"])
        #expect(detect(ContactDetectors.bankCard, "6217 0012 3456 7893") == ["6217 **** **** 7893"])
        #expect(detect(ContactDetectors.bankCard, "4367-4212-3456-7896") == ["4367-****-****-7896"])
        for text in [
            "6222021234567890127", "物流单号6222021234567890128", "订单号：6217001234567893", "62220212345678901280",
            "身份证号620102199001012340",
        ] {
            #expect(detect(ContactDetectors.bankCard, text).isEmpty, "\(text)")
        }
    }

    @Test func messengerIDsOnlyWhenIntroduced() {
        let forms = [
            ("微信号：wangfang_88", "wangfang_88"), ("加微信zhao_lei1990详谈", "zhao_lei1990"), ("wx: liuyang_bj", "liuyang_bj"),
            ("WeChat ID: Chen_Jie88", "Chen_Jie88"), ("QQ：12345678", "12345678"), ("扣扣 987654321", "987654321"),
            ("微信号是huangqiang", "huangqiang"), ("wxid_a1b2c3d4e5", "wxid_a1b2c3d4e5"), ("微信號：wangfang_88", "wangfang_88"),
        ]
        for (text, id) in forms {
            #expect(detect(ContactDetectors.messenger, text) == [String(repeating: "*", count: id.count)], "\(text)")
        }
        for text in [
            "已通过微信沟通", "拉了个微信群", "QQ群123456789", "用微信 meeting 功能", "wxyz12345", "QQ 20240315", "QQ：13812345678",
            "12345678@qq.com", "请关注微信公众号：ourco_tech", "微信同号13812345678",
        ] {
            #expect(detect(ContactDetectors.messenger, text).isEmpty, "\(text)")
        }
    }

    @Test func mobilesAsTypedToThirdParties() {
        let forms = [
            ("一三九零一二三四五六七", "一三九****四五六七"), ("幺五八 幺幺零九 三三二六", "幺五八 **** 三三二六"),
            ("一五二，六六七八，九零一二", "一五二，****，九零一二"), ("1 5 8 0 2 7 7 3 6 1 9", "1 5 8 * * * * 3 6 1 9"),
            ("前三位137，后八位 5520 1983", "137，后八位 **** 1983"), ("138,1234,5678", "138,****,5678"),
            ("电话：138 一二三四 5678", "138 **** 5678"), ("周一一三九零一二三四五六七", "一三九****四五六七"),
            ("一三九零一二三四五六七一定打", "一三九****四五六七"), ("前七位1390123，后四位4567", "139****，后四位4567"),
            ("一三九零一二三四五六七、一五二六六七八九零一二", "一三九****四五六七"),
        ]
        for (text, expected) in forms {
            #expect(detect(ContactDetectors.mobile, text).first == expected, "\(text)")
        }
        #expect(detect(ContactDetectors.mobile, "一三九零一二三四五六七、一五二六六七八九零一二").count == 2)
        for text in [
            "订单号一三九零一二三四五六七", "金额13,812,345,678元", "一三九零一二三四五六七元", "IP 172.16.100.101",
            "版本1.3.8.1.2.3.4.5.6.7.8", "前三位138，后四位5678", "二零二四年五月一二日", "一二三四五六七八九零一二",
            "SO一三九零一二三四五六七", "一三九零一二三四五六七八", "2024-13812345678", "1 3 8 1 2 3 4",
        ] {
            #expect(detect(ContactDetectors.mobile, text).isEmpty, "\(text)")
        }
    }

    @Test func landlinesInPartsAndSpoken() {
        #expect(detect(ContactDetectors.landline, "区号0571，号码8823 4410") == ["0571，号码**** 4410"])
        #expect(detect(ContactDetectors.landline, "区号：010 电话：6234 5678") == ["010 电话：**** 5678"])
        #expect(detect(ContactDetectors.landline, "号码8823 4410（区号0571）") == ["**** 4410（区号0571"])
        #expect(detect(ContactDetectors.landline, "零五七一 八八二三 四四一零") == ["零五七一 **** 四四一零"])
        for text in [
            "区号0755，号码见联系方式字段", "区号0571。号码8823 4410", "区号0571，号码123", "区号021，订单数量88234410",
            "区号0571，号码8823 4410元", "区号026，号码88234410",
        ] {
            #expect(detect(ContactDetectors.landline, text).isEmpty, "\(text)")
        }
    }

    @Test func spelledEmails() {
        let forms = [
            ("wang.li at qq dot com", "******* at qq dot com"), ("chen [at] foxmail [dot] com", "**** [at] foxmail [dot] com"),
            ("wangli#163.com（#换成@）", "******#163.com"), ("zhang_wei(at)126(dot)com", "*********(at)126(dot)com"),
            ("tom＠163。com", "***＠163。com"), ("liu AT sina DOT cn", "*** AT sina DOT cn"), ("li.na at gmail.com", "***** at gmail.com"),
            ("wang_fang艾特163点com", "*********艾特163点com"),
        ]
        for (text, expected) in forms {
            #expect(detect(ContactDetectors.email, text) == [expected], "\(text)")
        }
        for text in [
            "please look at example.com", "meet at 3 dot 30", "订单#163.5kg", "C#.net", "x**** at 163 dot com",
            "z*** [at] qq [dot] com", "wang at home dot", "v1.2#2024.05",
        ] {
            #expect(detect(ContactDetectors.email, text).isEmpty, "\(text)")
        }
    }

    @Test func looseMessengerTriggers() {
        let forms = [
            ("加我 tom_zhang88", "tom_zhang88"), ("VX搜 li-na1990", "li-na1990"), ("V：abc_12345", "abc_12345"),
            ("薇信 chen_88jie", "chen_88jie"), ("Q号 12345678", "12345678"), ("扣扣 987654321", "987654321"),
            ("微信搜一下 zhaolei_01", "zhaolei_01"), ("搜我 wang_fang88", "wang_fang88"),
        ]
        for (text, id) in forms {
            #expect(detect(ContactDetectors.messenger, text) == [String(repeating: "*", count: id.count)], "\(text)")
        }
        for text in [
            "型号V:KX2000", "V2版本", "vx-200型号", "Q1目标12345678元", "加我 linkedin", "搜 iphone15", "Q2 完成",
            "加我 13812345678", "V: 2.0.1",
        ] {
            #expect(detect(ContactDetectors.messenger, text).isEmpty, "\(text)")
        }
    }

    @Test func englishIntroductionsWinOverNo() {
        #expect(detect(ContactDetectors.bankCard, "card no. 6228 4800 1234 5671") == ["6228 **** **** 5671"])
        #expect(detect(ContactDetectors.bankCard, "Card No.: 6222021234567890128") == ["6222***********0128"])
        #expect(detect(ContactDetectors.bankCard, "order no. 6222021234567890128").isEmpty)
        #expect(detect(ContactDetectors.bankCard, "no. 6222021234567890128").isEmpty)
        #expect(detect(ContactDetectors.mobile, "mobile no. 13812345678") == ["138****5678"])
    }

    /// Issue #11: masked forms are compliant in every spelling.
    @Test func maskedTypedFormsNeverValidate() {
        for text in [
            "x****@163.com", "z***@qq.com", "138****5678", "1385678", "****5678", "138 **** 5678", "一三八****五六七八",
            "一三八 **** 五六七八", "x**** at 163 dot com", "z*** [at] qq [dot] com", "前三位138，后四位5678",
            "1 3 8 * * * * 5 6 7 8", "区号0571，号码****4410", "card no. 6228 **** **** 5671", "加我 t***8", "V：a****5",
        ] {
            for detector in ContactDetectors.all {
                #expect(detect(detector, text).isEmpty, "\(detector.name) on \(text)")
            }
        }
    }

    /// SwiftLint-style: the same hit after multi-byte text (Han, a 4-byte
    /// character, full-width forms, zero-width spaces) masks the same characters.
    @Test func masksSurviveMultiByteTextBefore() {
        for prefix in ["", "客户", "𠀀𠀁", "ＡＢＣ：", "\u{200B}", "客户说：「", "e\u{301}"] {
            #expect(detect(ContactDetectors.mobile, prefix + "138 1234 5678") == ["138 **** 5678"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.bankCard, prefix + "6222021234567890128") == ["6222***********0128"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.email, prefix + " wang@example.cn") == ["****@example.cn"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.mobile, prefix + "一三九 零一二三 四五六七") == ["一三九 **** 四五六七"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.email, prefix + " wang at qq dot com") == ["**** at qq dot com"], "prefix \(prefix)")
        }
    }

    /// A detector given the text's digit profile (as the redactor makes it once for all six) finds what it finds
    /// working the profile out itself; a profile that undercounts the digits would miss the spoken and typed forms.
    @Test func aProfileGivenFindsWhatOneMadeFinds() {
        let texts = [
            "138 1234 5678", "一三九 零一二三 四五六七", "区号0571，号码8765 4410", "身份证 11010519491231002X",
            "6222021234567890128", "wang at qq dot com", "加我 wxid_abc123", "前三位138，后八位12345678", "您好，没有号码",
        ]
        for text in texts {
            let bytes = TextNormalizer().normalize(text).bytes
            bytes.withUnsafeBufferPointer { buffer in
                let profile = DigitView.profile(buffer)
                for detector in ContactDetectors.all {
                    let found = try? detector.hits(in: buffer, scratch: MatchScratch(), context: ValidationContext(), useContext: false)
                    let given = try? detector.hits(
                        in: buffer, scratch: MatchScratch(), context: ValidationContext(), useContext: false, profile: profile)
                    #expect(given?.map(\.range) == found?.map(\.range), "\(detector.name) on \(text)")
                    #expect(given?.map(\.maskOffsets) == found?.map(\.maskOffsets), "\(detector.name) on \(text)")
                }
            }
        }
        // The texts hold details: the comparison is not of empty lists only.
        let mobiles = Array(TextNormalizer().normalize("一三九 零一二三 四五六七").bytes).withUnsafeBufferPointer { buffer in
            (try? ContactDetectors.mobile.hits(
                in: buffer, scratch: MatchScratch(), context: ValidationContext(), useContext: false, profile: DigitView.profile(buffer)))
                ?? []
        }
        #expect(mobiles.count == 1)
    }

    @Test func validatorsByName() {
        #expect(ContactValidator(rawValue: "luhn-card") == .luhnCard)
        #expect(
            Set(ContactValidator.allCases.map(\.rawValue)).isSuperset(of: [
                "mobile-cn", "landline-cn", "email", "resident-id-cn", "luhn-card", "messenger-id",
            ]))
        #expect(ContactDetectors.named("bank-card") === ContactDetectors.bankCard)
        #expect(ContactDetectors.named("nope") == nil)
    }
}
