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
        // GB 11643-1999 appendix A examples (china-domain.md §a).
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
        #expect(ContactChecks.isResidentID(id("11010520000229123")))     // leap day
        #expect(!ContactChecks.isResidentID(id("11010519990229123")))    // no 29 Feb in 1999
        #expect(!ContactChecks.isResidentID(id("11010519991301123")))    // month 13
        #expect(!ContactChecks.isResidentID(id("11010520240502123"), latest: 2024_05_01))
        #expect(ContactChecks.isResidentID(id("11010520240501123"), latest: 2024_05_01))
        #expect(!ContactChecks.isResidentID(id("99010519491231002")))    // no province 99
        #expect(!ContactChecks.isResidentID(id("91110000600037341")))    // a credit code's digits
        #expect(ContactChecks.isResidentID("110105491231002"))           // 15-digit legacy
        #expect(!ContactChecks.isResidentID("110105490231002"))
    }

    @Test func mobilePrefixesFollowTheLibphonenumberMetadata() {
        // china-domain.md §d: which 3-digit prefixes are mobile.
        let mobile: Set<String> = Set((130...139).map(String.init) + (180...189).map(String.init) + ["145", "147"]
            + ["150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167"]
            + ["170", "171", "172", "173", "175", "176", "177", "178"]
            + ["190", "191", "192", "193", "195", "196", "197", "198", "199"])
        for prefix in 100...199 {
            let number = "\(prefix)12345678"
            #expect(ContactChecks.isMobile(number) == mobile.contains(String(prefix)), "\(number)")
        }
        #expect(ContactChecks.isMobile("16101234567"))    // the 1610x block
        #expect(!ContactChecks.isMobile("16111234567"))
        #expect(ContactChecks.isMobile("17405123456"))    // satellite 17400–17405
        #expect(!ContactChecks.isMobile("17406123456"))
    }

    @Test func cardPrefixesAndLengths() {
        #expect(ContactChecks.isCardNumber("6222021234567890128"))   // UnionPay 19
        #expect(ContactChecks.isCardNumber("6217001234567893"))      // UnionPay 16
        #expect(ContactChecks.isCardNumber("4111111111111111"))      // Visa 16
        #expect(ContactChecks.isCardNumber("378282246310005"))       // AmEx 15
        #expect(!ContactChecks.isCardNumber("7992739871300000"))     // Luhn-valid maybe, but prefix 7 is no card
        #expect(!ContactChecks.isCardNumber("79927398713"))          // too short
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
        for text in ["订单号2024031513812345678", "2024-13812345678", "138123456789", "1381234567", "时间戳1710481234567",
                     "订单号：13812345678", "发票号码13812345678", "合同金额13812345678元", "¥13812345678", "13812345678.50吨",
                     "SO13812345678", "14012345678", "15412345678", "17912345678", "19412345678", "13812345678@163.com"] {
            #expect(detect(ContactDetectors.mobile, text).isEmpty, "\(text)")
        }
    }

    @Test func maskedFormsNeverValidate() {
        let masked = ["138****5678", "138-****-5678", "138 **** 5678", "1385678", "1381234****", "138xxxx5678", "***@example.com",
                      "w***@163.com", "110105********002X", "1101**********18", "6222 **** **** 0128", "622202******0128",
                      "010-****5678", "尾号5678", "微信号w***8"]
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
        for text in ["400-820-8820", "800-820-8820", "95588", "2024-05201234", "026-81234567", "021-12345678", "010-6234567",
                     "合同号：0755-26781234", "2024-05-20 14:30"] {
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
        for text in ["11010519491231002Y", "110105194912310021", "91110000600037341L", "单号11010519491231002X", "卡号11010519491231002X",
                     "2011010519491231002X"] {
            #expect(detect(ContactDetectors.residentID, text).isEmpty, "\(text)")
        }
    }

    @Test func bankCardForms() {
        #expect(detect(ContactDetectors.bankCard, "卡号6222021234567890128") == ["6222***********0128"])
        #expect(detect(ContactDetectors.bankCard, "6217 0012 3456 7893") == ["6217 **** **** 7893"])
        #expect(detect(ContactDetectors.bankCard, "4367-4212-3456-7896") == ["4367-****-****-7896"])
        for text in ["6222021234567890127", "物流单号6222021234567890128", "订单号：6217001234567893", "62220212345678901280",
                     "身份证号620102199001012340"] {
            #expect(detect(ContactDetectors.bankCard, text).isEmpty, "\(text)")
        }
    }

    @Test func messengerIDsOnlyWhenIntroduced() {
        let forms = [("微信号：wangfang_88", "wangfang_88"), ("加微信zhao_lei1990详谈", "zhao_lei1990"), ("wx: liuyang_bj", "liuyang_bj"),
                     ("WeChat ID: Chen_Jie88", "Chen_Jie88"), ("QQ：12345678", "12345678"), ("扣扣 987654321", "987654321"),
                     ("微信号是huangqiang", "huangqiang"), ("wxid_a1b2c3d4e5", "wxid_a1b2c3d4e5"), ("微信號：wangfang_88", "wangfang_88")]
        for (text, id) in forms {
            #expect(detect(ContactDetectors.messenger, text) == [String(repeating: "*", count: id.count)], "\(text)")
        }
        for text in ["已通过微信沟通", "拉了个微信群", "QQ群123456789", "用微信 meeting 功能", "wxyz12345", "QQ 20240315", "QQ：13812345678",
                     "12345678@qq.com", "请关注微信公众号：ourco_tech", "微信同号13812345678"] {
            #expect(detect(ContactDetectors.messenger, text).isEmpty, "\(text)")
        }
    }

    /// SwiftLint-style: the same hit after multi-byte text (Han, a 4-byte
    /// character, full-width forms, zero-width spaces) masks the same characters.
    @Test func masksSurviveMultiByteTextBefore() {
        for prefix in ["", "客户", "𠀀𠀁", "ＡＢＣ：", "\u{200B}", "客户说：「", "e\u{301}"] {
            #expect(detect(ContactDetectors.mobile, prefix + "138 1234 5678") == ["138 **** 5678"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.bankCard, prefix + "6222021234567890128") == ["6222***********0128"], "prefix \(prefix)")
            #expect(detect(ContactDetectors.email, prefix + " wang@example.cn") == ["****@example.cn"], "prefix \(prefix)")
        }
    }

    @Test func validatorsByName() {
        #expect(ContactValidator(rawValue: "luhn-card") == .luhnCard)
        #expect(Set(ContactValidator.allCases.map(\.rawValue)).isSuperset(of: ["mobile-cn", "landline-cn", "email", "resident-id-cn", "luhn-card", "messenger-id"]))
        #expect(ContactDetectors.named("bank-card") === ContactDetectors.bankCard)
        #expect(ContactDetectors.named("nope") == nil)
    }
}
