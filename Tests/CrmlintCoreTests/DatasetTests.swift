import Foundation
import Testing

@testable import CrmlintCore

@Suite struct DatasetTests {
    /// Datasets compared and hashed by case (not by name) still tell every case apart, and
    /// decode from and encode to their names.
    @Test func datasetsAreEqualOnlyToThemselves() throws {
        for a in Dataset.allCases {
            for b in Dataset.allCases { #expect((a == b) == (a.rawValue == b.rawValue)) }
        }
        #expect(Set(Dataset.allCases).count == Dataset.allCases.count)
        let table = Dictionary(uniqueKeysWithValues: Dataset.allCases.map { ($0, $0.rawValue) })
        for dataset in Dataset.allCases { #expect(table[dataset] == dataset.rawValue) }
        let decoded = try JSONDecoder().decode([Dataset].self, from: Data(#"["messages","customers"]"#.utf8))
        #expect(decoded == [.messages, .customers])
    }

    /// Plain headers (ASCII letters and digits, dropped separators, Han) are keyed scalar by scalar;
    /// the key is the one normalising gives, for every alias and for random plain headers.
    @Test func plainHeadersKeyAsNormalisingKeysThem() {
        var headers = DatasetSchema.fields.values.flatMap { $0.flatMap { [$0.name] + $0.aliases } }
        let alphabet = Array("aZ09 _-.:*#/\t客戶編號跟進時間联系人電話微信俱樂部")
        var generator = SystemRandomNumberGenerator()
        headers += (0..<2000).map { _ in
            String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        var plain = 0
        for header in headers {
            guard let key = DatasetSchema.plainMatchKey(header) else { continue }
            plain += 1
            let normalized = DatasetSchema.normalizedMatchKey(header)
            #expect(key == normalized.key && normalized.unit == nil, "\(header.debugDescription)")
        }
        // Most of them take the plain way; headers with brackets or full-width forms do not.
        #expect(plain > headers.count / 2)
        #expect(DatasetSchema.plainMatchKey("年采购额（万元）") == nil)
        #expect(DatasetSchema.plainMatchKey("\u{FEFF}客户编号") == nil)
    }

    /// Headers are trimmed of what Foundation's `whitespacesAndNewlines` holds, every such scalar
    /// (U+200B included, which is not White_Space), as Foundation's trimming did.
    @Test func headersAreTrimmedAsFoundationTrims() {
        let base = DatasetSchema.normalizedMatchKey("客户名称").key
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value), CharacterSet.whitespacesAndNewlines.contains(scalar) else { continue }
            let padded = String(scalar) + "客户名称" + String(scalar)
            #expect(DatasetSchema.normalizedMatchKey(padded).key == base, "U+\(String(value, radix: 16))")
        }
        #expect(DatasetSchema.canonicalField(for: "客户名称\n\u{200B}", in: .followups) == "customer_name")
    }

    @Test func detectsTemplateHeaders() {
        #expect(DatasetSchema.detect(headers: ["客户名称", "客户编号", "联系人", "职务", "沟通时间", "沟通方式", "需求描述", "异议点"]) == .followups)
        #expect(DatasetSchema.detect(headers: ["客户名称", "投诉时间", "投诉人", "联系方式", "投诉内容"]) == .complaints)
        #expect(DatasetSchema.detect(headers: ["客户编号", "客户名称", "客户等级", "年采购额"]) == .customers)
        #expect(DatasetSchema.detect(headers: ["id", "customer_id", "timestamp", "direction", "text"]) == .messages)
    }

    @Test func detectsTraditionalAndBOMHeaders() {
        #expect(DatasetSchema.detect(headers: ["\u{FEFF}訊息編號", "客戶編號", "時間", "方向", "內容"]) == .messages)
    }

    @Test func rejectsUnrelatedHeaders() {
        #expect(DatasetSchema.detect(headers: ["name", "price", "sku"]) == nil)
        #expect(DatasetSchema.detect(headers: ["text"]) == nil)
    }

    @Test func mapsAliasesToCanonicalFields() {
        #expect(DatasetSchema.canonicalField(for: "需求描述", in: .followups) == "needs")
        #expect(DatasetSchema.canonicalField(for: " Customer ID ", in: .messages) == "customer_id")
        #expect(DatasetSchema.canonicalField(for: "客戶等級", in: .customers) == "tier")
        #expect(DatasetSchema.canonicalField(for: "*客户名称", in: .customers) == "customer_name")
        #expect(DatasetSchema.canonicalField(for: "Customer Name", in: .customers) == "customer_name")
        #expect(DatasetSchema.canonicalField(for: "ＩＤ", in: .messages) == "id")
        #expect(DatasetSchema.canonicalField(for: "年采购额（万元）", in: .customers) == "annual_purchase")
        #expect(DatasetSchema.unitSuffix(of: "年采购额（万元）") == "万")
        #expect(DatasetSchema.unitSuffix(of: "年采购额") == nil)
    }

    /// 跟进时间 is the template's next follow-up time beside 沟通时间, and a CRM's
    /// contact time beside 下次跟进时间.
    @Test func aSharedHeaderTakesTheFieldNoOtherHeaderNames() {
        let template = DatasetSchema.mapping(headers: ["沟通时间", "跟进时间", "跟进内容"], in: .followups)
        #expect(template["跟进时间"] == "next_followup_time")
        #expect(template["沟通时间"] == "contact_time")
        let crm = DatasetSchema.mapping(headers: ["跟进时间", "下次跟进时间", "下一步计划"], in: .followups)
        #expect(crm["跟进时间"] == "contact_time")
        #expect(crm["下次跟进时间"] == "next_followup_time")
        #expect(crm["下一步计划"] == "next_followup_content")
    }

    /// The complaints header of a real CRM export (the issue's), every column placed.
    @Test func aCRMComplaintsHeaderIsMappedWhole() {
        let header = [
            "投诉编号", "客户编号", "客户名称", "投诉人", "联系电话", "投诉时间", "投诉渠道", "投诉类型", "投诉内容", "涉及人员",
            "处理人", "处理措施", "处理结果", "客户满意度", "结案时间",
        ]
        #expect(DatasetSchema.detect(headers: header) == .complaints)
        let mapping = DatasetSchema.mapping(headers: header, in: .complaints)
        #expect(mapping.count == header.count)
        #expect(mapping["投诉编号"] == "id" && mapping["涉及人员"] == "rep" && mapping["客户编号"] == "customer_id")
        #expect(mapping["联系电话"] == "contact_info" && mapping["处理措施"] == "resolution" && mapping["结案时间"] == "closed_at")
        #expect(Set(mapping.values).count == header.count, "two headers took one field")
    }

    @Test func failThresholds() {
        #expect(FailThreshold.error.isFailing(.error))
        #expect(!FailThreshold.error.isFailing(.warning))
        #expect(FailThreshold.warning.isFailing(.warning))
        #expect(!FailThreshold.never.isFailing(.error))
        #expect(FailThreshold.info.isFailing(.info))
    }
}
