import CrmlintCore
import Foundation
import TestHelpers
import Testing

@testable import CrmlintRules

private let repoRoot = TestPaths.repoRoot

private func load(_ yaml: String) -> ([Rule], [String]) {
    let (rules, errors) = RuleLoader.load(yaml: yaml, file: "test.yml")
    return (rules, errors.flatMap(\.lines))
}

private func makeRule(_ body: String) throws -> ContactDetailRule {
    let yaml = """
        - id: test.contact
          kind: contact-detail
          category: pii-leak
          severity: error
          message: contact detail
        \(body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    let (rules, errors) = load(yaml)
    #expect(errors.isEmpty, "\(errors)")
    return try #require(rules.first as? ContactDetailRule)
}

private func findings(
    _ rule: ContactDetailRule, _ fields: [String: String], dataset: Dataset = .messages,
    companyDomains: [String] = []
) -> [Finding] {
    let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    context.companyDomains = companyDomains
    let record = Record(dataset: dataset, file: "t.csv", line: 2, position: 1, fields: fields)
    var found: [Finding] = []
    rule.makeChecker().check(record, context: context) { found.append($0) }
    return found
}

@Suite struct ContactDetailRuleTests {
    static let scope = """
        detector: mobile-cn
        scope:
          recipient_types: [third_party, external, internal, unknown]
          outside_company_domains: true
        """

    @Test func messagesToTheCustomerAreNotLeaks() throws {
        let rule = try makeRule(Self.scope)
        let text = "王总手机13812345678"
        #expect(findings(rule, ["text": text, "recipient_type": "customer"]).isEmpty)
        #expect(findings(rule, ["text": text, "recipient_type": "客户"]).isEmpty)
        for type in ["third_party", "第三方", "external", "internal", "同事"] {
            #expect(findings(rule, ["text": text, "recipient_type": type]).count == 1, "\(type)")
        }
        #expect(findings(rule, ["text": text]).count == 1) // undeclared recipient
    }

    @Test func recipientAddressDecidesWhenTheTypeDoesNot() throws {
        let rule = try makeRule(
            """
            detector: mobile-cn
            scope:
              recipient_types: [third_party, external]
              outside_company_domains: true
            """)
        let text = "王总手机13812345678"
        let domains = ["ourco.com"]
        #expect(findings(rule, ["text": text, "recipient": "ops@partner.cn"], companyDomains: domains).count == 1)
        #expect(findings(rule, ["text": text, "recipient": "li@ourco.com"], companyDomains: domains).isEmpty)
        #expect(findings(rule, ["text": text, "recipient": "li@sh.ourco.com"], companyDomains: domains).isEmpty)
        // Labelled internal, but the address is outside: it left the company.
        #expect(
            findings(rule, ["text": text, "recipient_type": "internal", "recipient": "li@ourco.com; x@gmail.com"], companyDomains: domains)
                .count == 1)
        // Without company domains nothing is known about addresses.
        #expect(findings(rule, ["text": text, "recipient": "ops@partner.cn"]).isEmpty)
        #expect(
            findings(rule, ["text": text, "recipient_type": "customer", "recipient": "ops@client.cn"], companyDomains: domains).isEmpty)
    }

    /// The context works out a record's audience once for all contact-detail rules with the same
    /// `outside_company_domains`: rules with either setting, checked on one record and context in either
    /// order, each still see their own (the address outside the company counts only where it is set).
    @Test func rulesWithEitherAddressSettingShareAContext() throws {
        let byAddress = try makeRule("detector: mobile-cn\nscope:\n  recipient_types: [external]\n  outside_company_domains: true")
        let byType = try makeRule("detector: mobile-cn\nscope:\n  recipient_types: [external]\n  outside_company_domains: false")
        for order in [[(byAddress, true), (byType, false)], [(byType, false), (byAddress, true)]] {
            let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            context.companyDomains = ["ourco.com"]
            let checkers = order.map { $0.0.makeChecker() }
            for (line, recipient) in [(2, "ops@partner.cn"), (3, "li@ourco.com")] {
                let record = Record(
                    dataset: .messages, file: "t.csv", line: line, position: line - 1,
                    fields: ["text": "王总手机13812345678", "recipient": recipient])
                for ((_, readsAddress), checker) in zip(order, checkers) {
                    var found = 0
                    checker.check(record, context: context) { _ in found += 1 }
                    let expected = readsAddress && recipient == "ops@partner.cn" ? 1 : 0
                    #expect(found == expected, "\(recipient), outside_company_domains \(readsAddress), first: \(order[0].1)")
                }
            }
        }
    }

    /// The context numbers each audience it is told of (`CheckContext.audienceNumber`), once per record and
    /// setting; past `audienceLimit` names a record's audience gets a slot of its own per setting, so two
    /// settings' audiences of one record never overwrite each other and the list stays bounded.
    @Test func audienceNumbersNameTheirAudienceAndStayBounded() {
        let context = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        var numbers: [String: Int] = [:]
        for serial in 0..<(CheckContext.audienceLimit + 10) {
            let record = Record(
                dataset: .messages, file: "t.csv", line: serial + 2, position: serial + 1, fields: ["text": "x"], serial: serial)
            var made = 0
            let plain = context.audienceNumber(of: record, outsideCompanyDomains: false) {
                made += 1
                return "label \(serial)"
            }
            // The last records' second audience is new too: both settings' audiences pass.
            let late = serial >= CheckContext.audienceLimit + 5
            let outsideName = late ? "late \(serial)" : "outside \(serial % 3)"
            let outside = context.audienceNumber(of: record, outsideCompanyDomains: true) {
                made += 1
                return outsideName
            }
            // Asked again for the same record: remembered, not made again.
            #expect(context.audienceNumber(of: record, outsideCompanyDomains: false) { "other" } == plain)
            #expect(made == 2)
            #expect(context.audienceNames[plain] == "label \(serial)")
            #expect(context.audienceNames[outside] == outsideName)
            #expect(context.audienceNames[plain] == "label \(serial)", "the second setting's audience kept the first's")
            #expect(CheckContext.isPassingAudience(plain) == (serial >= CheckContext.audienceLimit - 3))
            #expect(CheckContext.isPassingAudience(outside) == late)
            if !late, let earlier = numbers[outsideName] { #expect(outside == earlier) }
            numbers[outsideName] = outside
        }
        #expect(context.audienceNames.count <= CheckContext.audienceLimit + 2)
        let none = Record(dataset: .messages, file: "t.csv", line: 1, position: 1, fields: ["text": "x"], serial: 1_000)
        #expect(context.audienceNumber(of: none, outsideCompanyDomains: false) { nil } == -1)
    }

    /// A checker asked by a second context judges that context's audience numbers anew: the two number audiences in
    /// the order each met them, so a verdict kept from the first would let a message to the customer through.
    @Test func aCheckerKeepsItsAudienceVerdictsPerContext() throws {
        let rule = try makeRule("detector: mobile-cn\nscope:\n  recipient_types: [third_party]")
        let checker = rule.makeChecker()
        func found(_ type: String, _ context: CheckContext) -> Int {
            let record = Record(
                dataset: .messages, file: "t.csv", line: 2, position: 1, fields: ["text": "王总手机13812345678", "recipient_type": type])
            var count = 0
            checker.check(record, context: context) { _ in count += 1 }
            return count
        }
        let first = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let second = CheckContext(asOf: Date(timeIntervalSince1970: 1_714_492_800), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(found("third_party", first) == 1)
        #expect(found("customer", second) == 0)
        #expect(found("third_party", second) == 1)
        #expect(found("customer", first) == 0)
    }

    @Test func contactColumnsAreWhereDetailsBelong() throws {
        let rule = try makeRule(Self.scope)
        let phone = "13812345678"
        let record = ["needs": "客户要报价", "notes": "客户手机\(phone)", "phone": phone, "联系电话": phone, "email_address": phone, "备注2": phone]
        let fields = Set(findings(rule, record, dataset: .followups).compactMap(\.field))
        #expect(fields == ["notes", "备注2"])
        #expect(findings(rule, ["contact_info": phone, "content": "投诉内容"], dataset: .complaints).isEmpty)
        #expect(findings(rule, ["contact_info": phone, "content": "请回电\(phone)"], dataset: .complaints).count == 1)
    }

    @Test func fieldsAndExclusionsPerDataset() throws {
        let rule = try makeRule(
            """
            detector: mobile-cn
            scope:
              fields: {followups: [needs], complaints: [content, contact_info]}
              exclude_fields: {complaints: [content]}
            """)
        let phone = "13812345678"
        #expect(findings(rule, ["needs": phone, "notes": phone], dataset: .followups).compactMap(\.field) == ["needs"])
        // The explicit list replaces the built-in contact columns: contact_info is read, content excluded.
        #expect(findings(rule, ["content": phone, "contact_info": phone], dataset: .complaints).compactMap(\.field) == ["contact_info"])
    }

    @Test func companyAddressesAreNotCustomerDetails() throws {
        let rule = try makeRule("detector: email")
        #expect(findings(rule, ["text": "请联系 service@ourco.com"], companyDomains: ["ourco.com"]).isEmpty)
        #expect(findings(rule, ["text": "请联系 service@ourco.com"]).count == 1)
        #expect(findings(rule, ["text": "客户 wang@client.cn"], companyDomains: ["ourco.com"]).count == 1)
        let reporting = try makeRule("detector: email\nscope: {company_addresses: true}")
        #expect(findings(reporting, ["text": "请联系 service@ourco.com"], companyDomains: ["ourco.com"]).count == 1)
    }

    @Test func findingsShowOnlyTheMaskedDetail() throws {
        let rule = try makeRule(Self.scope)
        let found = findings(rule, ["id": "M1", "text": "第一行\n客户手机１３８ １２３４ ５６７８，另一个13987654321", "recipient_type": "third_party"])
        #expect(found.count == 2)
        #expect(found.map(\.column) == [9, 26])
        #expect(found[0].excerpt?.contains("１３８ **** ５６７８") == true)
        #expect(found.allSatisfy { !($0.excerpt ?? "").contains("13987654321") && !($0.excerpt ?? "").contains("１２３４") })
        #expect(found[0].message.hasSuffix("(recipient: third_party)"))
        #expect(Set(found.map(\.fingerprint)).count == 2)
    }

    @Test func aCustomDetectorIsAPatternPlusAValidator() throws {
        let rule = try makeRule(
            """
            patterns: ['(?:会员卡|积分卡)[:：]?\\s*([0-9]{12,19})']
            validator: luhn
            not_after: [作废]
            """)
        #expect(findings(rule, ["text": "会员卡：6222021234567890128"]).count == 1)
        #expect(findings(rule, ["text": "会员卡：6222021234567890127"]).isEmpty) // fails Luhn
        #expect(findings(rule, ["text": "卡号6222021234567890128"]).isEmpty) // not introduced as a member card
        let found = findings(rule, ["text": "会员卡：6222021234567890128"])
        #expect(found.first?.excerpt == "会员卡：6222***********0128")
        #expect(found.first?.column == 5) // group 1: the number, not the word before it
    }

    @Test func badDefinitionsGiveOneClearErrorEach() {
        let cases: [(String, String)] = [
            ("detector: fax-cn", "unknown detector 'fax-cn'"),
            ("patterns: ['\\\\d+']", "missing required key 'validator'"),
            ("patterns: ['\\\\d+']\nvalidator: crc32", "unknown validator 'crc32'"),
            ("detector: email\npatterns: ['x']", "either 'detector'"),
            ("detector: email\nvalidator: luhn", "'validator' goes with 'patterns'"),
            ("detector: email\nscope: {recipient_types: [thrid_party]}", "unknown recipient type 'thrid_party'"),
            ("detector: email\nscope: {outside_domains: true}", "unknown key 'outside_domains' in scope"),
            ("detector: email\nscope: {fields: {chats: [text]}}", "unknown dataset 'chats'"),
            ("detector: email\nfields: [text]\nscope: {fields: [text]}", "either at the top level or in scope"),
            ("detector: email\nexamples: {match: [{txt: a}]}", "unknown key 'txt' in an example"),
            ("detector: email\nvalidator_typo: luhn", "unknown key 'validator_typo'"),
            ("patterns: ['(unclosed']\nvalidator: luhn", "bad pattern in 'patterns'"),
        ]
        for (body, reason) in cases {
            let yaml = """
                - id: test.bad
                  kind: contact-detail
                  category: pii-leak
                  severity: error
                  message: m
                \(body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                """
            let (rules, errors) = load(yaml)
            #expect(rules.isEmpty, "\(body)")
            #expect(errors.count == 1, "\(body): \(errors.joined(separator: " | "))")
            #expect(errors.first?.contains(reason) == true, "\(body): \(errors)")
            #expect(errors.first?.contains("test.yml") == true)
        }
    }

    @Test func examplesCanFail() throws {
        let rule = try makeRule(
            """
            detector: mobile-cn
            scope: {recipient_types: [third_party]}
            examples:
              match: ['王总手机13812345678', '号码14012345678']
              no_match: ['客户手机138****5678', {text: '手机13812345678', recipient_type: third_party}]
            """)
        let failures = rule.exampleFailures()
        #expect(failures.count == 2)
        #expect(failures.contains { $0.contains("should match but does not") && $0.contains("14012345678") })
        #expect(failures.contains { $0.contains("should not match but does") })
    }

    @Test func theDefaultP1RulesPassTheirOwnExamples() throws {
        let rules = try RuleLoader.load(paths: [repoRoot.appendingPathComponent("rules/P1-contact-leak.yml").path])
        let contact = rules.compactMap { $0 as? ContactDetailRule }
        #expect(Set(contact.map(\.detector.name)) == Set(ContactDetectors.all.map(\.name)))
        for rule in contact {
            #expect(rule.metadata.category == .piiLeak)
            #expect(rule.metadata.policy == "P1")
            #expect(rule.exampleCounts.match >= 8 && rule.exampleCounts.noMatch >= 8, "\(rule.metadata.id)")
            #expect(rule.exampleFailures().isEmpty, "\(rule.exampleFailures())")
            // The shared scope (a YAML anchor) reached every rule; colleagues are inside the sales team.
            #expect(rule.scope.recipientTypes == ["third_party", "external", "unknown"], "\(rule.metadata.id)")
            #expect(rule.scope.outsideCompanyDomains)
        }
    }

    /// P1: customer information may circulate inside the sales team, not beyond it.
    @Test func theDefaultScopeLeavesColleaguesOutAndOneLineBringsThemBack() throws {
        let file = repoRoot.appendingPathComponent("rules/P1-contact-leak.yml")
        let mobile = try #require(try RuleLoader.load(paths: [file.path]).first { $0.metadata.id == "pii.mobile" } as? ContactDetailRule)
        let text = "王总手机13812345678，一三九零一二三四五六七"
        let domains = ["ourco.com"]
        for type in ["internal", "同事", "内部", "colleague", "内部同事", "Internal"] {
            #expect(findings(mobile, ["text": text, "recipient_type": type], companyDomains: domains).isEmpty, "\(type)")
        }
        #expect(findings(mobile, ["text": text, "recipient": "lina@ourco.com"], companyDomains: domains).isEmpty)
        // Third parties, outside addresses, undeclared recipients and free-text notes stay in scope.
        for fields in [
            ["recipient_type": "third_party"], ["recipient_type": "代理商"], ["recipient": "ops@partner.cn"],
            ["recipient_type": "internal", "recipient": "lina@ourco.com; x@gmail.com"], [:],
        ] {
            #expect(findings(mobile, fields.merging(["text": text]) { $1 }, companyDomains: domains).count == 2, "\(fields)")
        }
        #expect(findings(mobile, ["notes": text], dataset: .followups).count == 2)

        // The YAML line that brings colleagues back in.
        let yaml = try String(contentsOf: file, encoding: .utf8)
        let line = "    recipient_types: [third_party, external, unknown]"
        #expect(yaml.components(separatedBy: "\n").filter { $0.hasPrefix(line) }.count == 1)
        let edited = yaml.replacingOccurrences(of: line, with: "    recipient_types: [third_party, external, internal, unknown]")
        let (rules, errors) = RuleLoader.load(yaml: edited, file: "P1-contact-leak.yml")
        #expect(errors.isEmpty)
        // The edited pack still passes its own examples (a scan runs them at load).
        #expect(rules.allSatisfy { $0.exampleFailures().isEmpty }, "\(rules.flatMap { $0.exampleFailures() })")
        let included = try #require(rules.first { $0.metadata.id == "pii.mobile" } as? ContactDetailRule)
        #expect(findings(included, ["text": text, "recipient_type": "同事"], companyDomains: domains).count == 2)
        #expect(rules.compactMap { ($0 as? ContactDetailRule)?.scope.recipientTypes }.allSatisfy { $0.contains("internal") })
    }
}
