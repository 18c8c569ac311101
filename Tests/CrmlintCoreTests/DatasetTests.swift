import CrmlintCore
import Testing

@Suite struct DatasetTests {
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
        #expect(DatasetSchema.canonicalField(for: "跟进时间", in: .followups) == "next_followup_time")
    }

    @Test func failThresholds() {
        #expect(FailThreshold.error.isFailing(.error))
        #expect(!FailThreshold.error.isFailing(.warning))
        #expect(FailThreshold.warning.isFailing(.warning))
        #expect(!FailThreshold.never.isFailing(.error))
        #expect(FailThreshold.info.isFailing(.info))
    }
}
