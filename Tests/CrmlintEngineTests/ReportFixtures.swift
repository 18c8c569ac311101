import CrmlintCore
import CrmlintReporters
import Foundation
import TestHelpers

/// A small export folder written fresh for each test: rules, a messages
/// file with Chinese text before the hits, and a customers file.
enum ReportFixtures {
    static let rules = """
        - id: conduct.zero-failure
          category: exaggeration
          severity: error
          message: 不得夸大产品功能 — absolute reliability claim
          description: Sales staff must not claim the equipment never fails.
          policy: R1
          datasets: [messages, followups]
          patterns: ['零\\s*故障']
          unless: ['(?:不能|无法)\\s*(?:保证)?']
          examples:
            match: ['我们的设备零故障']
            no_match: ['我们不能保证零故障']
        - id: contact.phone-in-text
          category: pii-leak
          severity: warning
          message: 消息中含客户手机号
          datasets: [messages]
          patterns: ['1[3-9]\\d{9}']
        - id: conduct.guarantee
          category: overpromise
          severity: info
          message: 承诺包退包换
          datasets: [messages]
          patterns: ['包退包换']

        """

    static let header = "id,customer_id,timestamp,channel,direction,recipient_type,recipient,rep,text\n"
    /// m-1: error at character column 9 (byte column 25); m-2: warning with
    /// a phone number inside a multi-line field; m-3: clean; m-4: info.
    static let rows = [
        "m-1,C1,2024-03-15 14:00,wechat,out,customer,张三,王五,您好，我们的设备零故障，请放心\n",
        "m-2,C2,2024-03-15 15:00,wechat,out,customer,李四,王五,\"多行\n内容 电话13812345678\"\n",
        "m-3,C1,2024-03-16 09:00,phone,out,customer,张三,赵六,明天上午拜访\n",
        "m-4,C3,2024-03-16 10:00,wechat,out,customer,钱七,赵六,保证包退包换\n",
    ]
    static let phone = "13812345678"

    static let customers =
        "customer_id,customer_name,tier,annual_purchase,strategic,high_growth,owner\nC1,甲公司,A,120万,是,否,王五\nC2,乙公司,B,50万,否,否,王五\n"

    /// Writes rules.yml, exports/messages.csv and exports/customers.csv into a new folder.
    static func folder(rows: [String] = rows) throws -> URL {
        let root = try TestPaths.temporaryFolder("crmlint-reports")
        try rules.write(to: root.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let exports = root.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try (header + rows.joined()).write(to: exports.appendingPathComponent("messages.csv"), atomically: true, encoding: .utf8)
        try customers.write(to: exports.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
        return root
    }

    static let scanArguments = ["scan", "exports", "--rules", "rules.yml", "--as-of", "2024-05-01", "--fail-on", "error"]

    static func decode(_ text: String) throws -> ScanReport {
        try JSONReporter.decoder().decode(ScanReport.self, from: Data(text.utf8))
    }

    static var findingsSchema: URL { TestPaths.repoRoot.appendingPathComponent("docs/findings.schema.json") }
}
