import CrmlintCore
import Foundation
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streaming reader of one sheet of an `.xlsx` workbook (Office Open XML).
///
/// The zip is read with ZIPFoundation and the XML with Foundation's SAX
/// parser, never as a DOM: a sheet's entry is inflated in 64 KiB chunks on a
/// background thread, handed through a bounded byte channel to an
/// `XMLParser` on a second thread, whose rows come back through a bounded
/// event channel to `next()`. Memory stays bounded by the channels, one row,
/// and the shared strings (capped: `Limits.sharedStringBytes`).
///
/// Like the CSV reader, the first non-empty row is the header and each later
/// non-empty row a record; `line` is the sheet's row number. Cells are
/// rendered as the text a CSV export of the sheet would hold: shared and
/// inline strings as written, numbers as written (integers without `.0`),
/// booleans `TRUE`/`FALSE`, date-formatted numbers as local wall time
/// (`2024-03-15 14:30`, no zone: the scan's `--timezone` applies), errors
/// (`#DIV/0!`) as empty with a note. Every problem names the sheet.
///
/// A workbook that cannot be read at all (not a zip, an encrypted or legacy
/// `.xls` file, missing parts, a part over its limit, a DTD) is reported by
/// `Workbook.problem`; a sheet whose XML breaks mid-way keeps the rows read
/// before it and ends with a problem at the row where it broke.
public final class XLSXReader: RecordReader {
    public var encoding: TextEncoding { .utf8 }

    /// Size limits: what a hostile workbook (a zip bomb, a 2 GB
    /// sharedStrings.xml) meets before memory or time does.
    public struct Limits: Sendable {
        /// Uncompressed bytes of one sheet's XML.
        public var sheetBytes: Int64 = 1 << 30
        /// Uncompressed bytes of sharedStrings.xml.
        public var sharedStringsXMLBytes: Int64 = 1 << 30
        /// Text kept from the shared strings (UTF-8 bytes plus 32 a string).
        public var sharedStringBytes = 256 << 20
        /// Uncompressed bytes of workbook.xml, styles.xml and relationship parts.
        public var partBytes: Int64 = 64 << 20
        /// Text of one cell, and of one row.
        public var cellBytes = 32 << 20
        /// Excel's own limit: column XFD.
        public var columns = 16_384
        public init() {}
    }

    // MARK: - Workbook

    /// The parts every sheet needs, read once per file: the sheet list, the
    /// date system, which cell styles are dates, and the shared strings.
    public final class Workbook: @unchecked Sendable {
        public struct Sheet: Sendable, Equatable {
            /// The sheet's name as Excel shows it on its tab.
            public let name: String
            /// 0-based position in the workbook.
            public let index: Int
            let part: String?
        }

        /// Why the workbook cannot be read at all; nil when it can.
        public private(set) var problem: String?
        public private(set) var sheets: [Sheet] = []
        public let limits: Limits
        let location: Location
        var date1904 = false
        /// Per cell style (`s` attribute): how a number in it is rendered.
        var styleKinds: [DateKind] = []
        var sharedStrings: [String] = []

        enum Location {
            case file(URL)
            case memory(Data)
        }

        public convenience init(path: String, limits: Limits = Limits()) {
            self.init(location: .file(URL(fileURLWithPath: path)), limits: limits)
        }

        /// Bytes in memory (stdin, tests, fuzzing) are read from a temporary
        /// file, deleted with the workbook: ZIPFoundation's in-memory archive
        /// traps on a damaged zip that seeks past its end, its file one does not.
        public convenience init(data: Data, limits: Limits = Limits()) {
            var template = Array((NSTemporaryDirectory() + "/crmlint-xlsx-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            let path = String(cString: template)
            if fd >= 0 {
                let written = data.withUnsafeBytes { buffer -> Bool in
                    var offset = 0
                    while offset < buffer.count {
                        let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if count <= 0 { return false }
                        offset += count
                    }
                    return true
                }
                close(fd)
                if written {
                    self.init(location: .file(URL(fileURLWithPath: path)), limits: limits, temporary: path)
                    return
                }
                unlink(path)
            }
            self.init(location: .memory(data), limits: limits)
            problem = "cannot keep the workbook in a temporary file to read it"
        }

        private var temporary: String?

        deinit { if let temporary { unlink(temporary) } }

        init(location: Location, limits: Limits, temporary: String? = nil) {
            self.location = location
            self.limits = limits
            self.temporary = temporary
            if case .memory = location { return }
            do {
                try open()
            } catch let failure as PartFailure {
                problem = failure.reason
            } catch {
                problem = "not a readable .xlsx workbook: \(error)"
            }
        }

        func openArchive() throws -> Archive {
            switch location {
            case let .file(url): return try Archive(url: url, accessMode: .read)
            case .memory: throw PartFailure(reason: "cannot keep the workbook in a temporary file to read it")
            }
        }

        private func open() throws {
            let signature: [UInt8]
            switch location {
            case let .file(url):
                guard let handle = try? FileHandle(forReadingFrom: url) else { throw PartFailure(reason: "cannot open the file") }
                signature = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
                try? handle.close()
            case let .memory(data):
                signature = [UInt8](data.prefix(8))
            }
            if signature.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                throw PartFailure(reason: "encrypted or legacy .xls workbook; save as .xlsx without a password")
            }
            guard signature.starts(with: [0x50, 0x4B]) else {
                throw PartFailure(
                    reason: signature.isEmpty ? "the file is empty: not an .xlsx workbook" : "not an .xlsx workbook (not a zip archive)")
            }
            let archive: Archive
            do { archive = try openArchive() } catch {
                throw PartFailure(reason: "not an .xlsx workbook (the zip archive is damaged or not a zip)")
            }
            // The workbook part: named by the package relationships, else the usual place.
            var workbookPart = "xl/workbook.xml"
            if let rels = try? readPart("_rels/.rels", archive: archive) {
                for relation in try Self.relationships(rels, base: "") where relation.type.hasSuffix("/officeDocument") {
                    workbookPart = relation.target
                }
            }
            guard archive[workbookPart] != nil else {
                throw PartFailure(reason: "not an .xlsx workbook: it has no \(workbookPart) (an .ods, .docx or other zip?)")
            }
            let base = (workbookPart as NSString).deletingLastPathComponent
            let relsPart = (base.isEmpty ? "" : base + "/") + "_rels/" + (workbookPart as NSString).lastPathComponent + ".rels"
            var targets: [String: String] = [:]
            var sharedStringsPart: String?, stylesPart: String?
            if let rels = try? readPart(relsPart, archive: archive) {
                for relation in try Self.relationships(rels, base: base) {
                    targets[relation.id] = relation.target
                    if relation.type.hasSuffix("/sharedStrings") { sharedStringsPart = relation.target }
                    if relation.type.hasSuffix("/styles") { stylesPart = relation.target }
                }
            }
            if sharedStringsPart == nil, archive[base + "/sharedStrings.xml"] != nil { sharedStringsPart = base + "/sharedStrings.xml" }
            if stylesPart == nil, archive[base + "/styles.xml"] != nil { stylesPart = base + "/styles.xml" }

            // workbook.xml: the sheets in tab order, and the date system.
            var found: [(name: String, id: String?)] = []
            try parseSmall(readPart(workbookPart, archive: archive), part: workbookPart) { name, attributes in
                switch name {
                case "sheet":
                    let id = attributes.first { $0.key == "r:id" || $0.key.hasSuffix(":id") }?.value
                    found.append((attributes["name"] ?? "Sheet\(found.count + 1)", id))
                case "workbookPr":
                    let value = attributes["date1904"]?.lowercased()
                    self.date1904 = value == "1" || value == "true"
                default: break
                }
            }
            sheets = found.enumerated().map { index, sheet in
                var part = sheet.id.flatMap { targets[$0] }
                if part == nil, found.count == 1 || sheet.id == nil { part = base + "/worksheets/sheet\(index + 1).xml" }
                return Sheet(name: sheet.name, index: index, part: part)
            }
            if sheets.isEmpty { throw PartFailure(reason: "the workbook lists no sheets") }
            if let stylesPart, archive[stylesPart] != nil { try readStyles(readPart(stylesPart, archive: archive), part: stylesPart) }
            if let sharedStringsPart, archive[sharedStringsPart] != nil { try readSharedStrings(sharedStringsPart) }
        }

        /// Refuses an entry whose data would run past the end of the file.
        /// ZIPFoundation reads such an entry for ever (at the end of the file
        /// each read brings 0 bytes and its loop waits for the declared size):
        /// found by FuzzXLSX, kept in fuzz/regressions/xlsx.
        func checkBounds(_ entry: Entry, part: String) throws {
            var info = stat()
            guard case let .file(url) = location, stat(url.path, &info) == 0 else { return }
            let fileSize = UInt64(info.st_size)
            let size = entry.isCompressed ? entry.compressedSize : entry.uncompressedSize
            let end = Self.dataStart(of: entry).map { $0.addingReportingOverflow(size) }
            if size > fileSize || end.map({ $0.overflow || $0.partialValue > fileSize }) == true {
                throw PartFailure(reason: "\(part) runs past the end of the file (a damaged or forged zip)")
            }
        }

        /// Where an entry's data starts. ZIPFoundation keeps it internal; its
        /// stored fields (pinned at 0.9.20) are read by reflection, and nil
        /// means they were not found (only the size is checked then).
        static func dataStart(of entry: Entry) -> UInt64? {
            func child(_ value: Any, _ label: String) -> Any? {
                Mirror(reflecting: value).children.first { $0.label == label }?.value
            }
            guard let directory = child(entry, "centralDirectoryStructure"), let local = child(entry, "localFileHeader"),
                let offset32 = child(directory, "relativeOffsetOfLocalHeader") as? UInt32,
                let nameLength = child(local, "fileNameLength") as? UInt16,
                let extraLength = child(local, "extraFieldLength") as? UInt16
            else { return nil }
            var offset = UInt64(offset32)
            if offset32 == .max {
                guard let zip64 = child(directory, "zip64ExtendedInformation").flatMap({ Mirror(reflecting: $0).children.first?.value }),
                    let offset64 = child(zip64, "relativeOffsetOfLocalHeader") as? UInt64
                else { return nil }
                offset = offset64
            }
            let (start, overflow) = offset.addingReportingOverflow(30 + UInt64(nameLength) + UInt64(extraLength))
            return overflow ? .max : start
        }

        /// Inflates an entry in chunks into `consumer`. The compressed bytes
        /// are read here, no further than the entry's declared end, and handed
        /// to ZIPFoundation's inflater: its own extract reads on past the
        /// entry until the deflate stream ends, and for ever at the end of
        /// the file when it never does (a FuzzXLSX timeout, kept in
        /// fuzz/regressions/xlsx).
        func inflate(_ entry: Entry, part: String, archive: Archive, consumer: (Data) throws -> Void) throws {
            try checkBounds(entry, part: part)
            guard let start = Self.dataStart(of: entry), case let .file(url) = location else {
                _ = try archive.extract(entry, bufferSize: 64 << 10, consumer: consumer)
                return
            }
            let damaged = PartFailure(reason: "\(part) is cut short or damaged (the zip archive is damaged)")
            guard let handle = try? FileHandle(forReadingFrom: url) else { throw PartFailure(reason: "cannot open the file") }
            defer { try? handle.close() }
            do { try handle.seek(toOffset: start) } catch { throw damaged }
            var remaining = entry.isCompressed ? entry.compressedSize : entry.uncompressedSize
            let provider: Provider = { _, wanted in
                guard remaining > 0 else { throw damaged }
                let data = (try? handle.read(upToCount: Int(min(UInt64(max(wanted, 1)), remaining)))) ?? Data()
                guard !data.isEmpty else { throw damaged }
                remaining -= UInt64(data.count)
                return data
            }
            if entry.isCompressed {
                let checksum = try Data.decompress(
                    size: Int64(clamping: entry.compressedSize), bufferSize: 64 << 10, skipCRC32: false,
                    provider: provider, consumer: consumer)
                if checksum != entry.checksum { throw PartFailure(reason: "\(part) fails its checksum (the zip archive is damaged)") }
            } else {
                while remaining > 0 { try consumer(provider(0, 64 << 10)) }
            }
        }

        /// A small part, inflated into memory up to `limits.partBytes`.
        func readPart(_ part: String, archive: Archive) throws -> Data {
            guard let entry = archive[part] else { throw PartFailure(reason: "the workbook has no \(part)") }
            try checkBounds(entry, part: part)
            if Int64(clamping: entry.uncompressedSize) > limits.partBytes {
                throw PartFailure(reason: "\(part) is larger than \(byteSize(Int(limits.partBytes))) uncompressed (a zip bomb?)")
            }
            var data = Data()
            do {
                try inflate(entry, part: part, archive: archive) { chunk in
                    if Int64(data.count + chunk.count) > self.limits.partBytes {
                        throw PartFailure(
                            reason: "\(part) is larger than \(byteSize(Int(self.limits.partBytes))) uncompressed (a zip bomb?)")
                    }
                    data.append(chunk)
                }
            } catch let failure as PartFailure {
                throw failure
            } catch {
                throw PartFailure(reason: "\(part) cannot be inflated (the zip archive is damaged)")
            }
            return data
        }

        /// Parses a small part, calling `element` with each start tag's local name and attributes.
        func parseSmall(_ data: Data, part: String, element: @escaping (String, [String: String]) -> Void) throws {
            if let bad = DTDGuard.badStart([UInt8](data.prefix(256))[...]) { throw PartFailure(reason: "\(part) \(bad)") }
            if DTDGuard.declaresDTD(data) {
                throw PartFailure(reason: "\(part) declares a DTD, which no .xlsx part does (an XML entity attack?)")
            }
            let parser = XMLParser(data: data)
            let handler = ElementHandler(element)
            parser.delegate = handler
            if !parser.parse() || handler.failed {
                throw PartFailure(reason: "\(part) is not well-formed XML")
            }
        }

        static func relationships(_ data: Data, base: String) throws -> [(id: String, type: String, target: String)] {
            var out: [(id: String, type: String, target: String)] = []
            let parser = XMLParser(data: data)
            guard DTDGuard.badStart([UInt8](data.prefix(256))[...]) == nil else {
                throw PartFailure(reason: "a relationship part is not UTF-8 XML")
            }
            guard !DTDGuard.declaresDTD(data) else {
                throw PartFailure(reason: "a relationship part declares a DTD (an XML entity attack?)")
            }
            let handler = ElementHandler { name, attributes in
                guard name == "Relationship", let target = attributes["Target"] else { return }
                if attributes["TargetMode"] == "External" { return }
                out.append((attributes["Id"] ?? "", attributes["Type"] ?? "", resolve(target, base: base)))
            }
            parser.delegate = handler
            _ = parser.parse()
            return out
        }

        /// A relationship target as a path inside the zip.
        static func resolve(_ target: String, base: String) -> String {
            var parts = target.hasPrefix("/") ? [] : base.split(separator: "/").map(String.init)
            for piece in target.split(separator: "/") {
                if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(String(piece)) }
            }
            return parts.joined(separator: "/")
        }

        private func readStyles(_ data: Data, part: String) throws {
            var formats: [Int: String] = [:]
            var inCellXfs = false
            var kinds: [DateKind] = []
            var xfs: [Int] = []
            let handler = ElementHandler { name, attributes in
                switch name {
                case "numFmt":
                    if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] { formats[id] = code }
                case "cellXfs": inCellXfs = true
                case "xf" where inCellXfs:
                    xfs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
                default: break
                }
            } end: { name in
                if name == "cellXfs" { inCellXfs = false }
            }
            if let bad = DTDGuard.badStart([UInt8](data.prefix(256))[...]) { throw PartFailure(reason: "\(part) \(bad)") }
            if DTDGuard.declaresDTD(data) {
                throw PartFailure(reason: "\(part) declares a DTD, which no .xlsx part does (an XML entity attack?)")
            }
            let parser = XMLParser(data: data)
            parser.delegate = handler
            if !parser.parse() || handler.failed { throw PartFailure(reason: "\(part) is not well-formed XML") }
            var cache: [Int: DateKind] = [:]
            for id in xfs {
                if let known = cache[id] { kinds.append(known); continue }
                let kind = DateKind(formatCode: formats[id] ?? DateKind.builtin[id] ?? "General")
                cache[id] = kind
                kinds.append(kind)
            }
            styleKinds = kinds
        }

        private func readSharedStrings(_ part: String) throws {
            let bytes = ByteChannel()
            Extraction.start(self, part: part, cap: limits.sharedStringsXMLBytes, into: bytes)
            let parser = XMLParser(stream: ChannelInputStream(bytes))
            let handler = SharedStringsHandler(cap: limits.sharedStringBytes, parser: parser)
            parser.delegate = handler
            let parsed = parser.parse()
            bytes.cancel()
            if let failure = bytes.failure { throw failure }
            if let reason = handler.overflow { throw PartFailure(reason: "\(part) \(reason)") }
            if !parsed || handler.failed { throw PartFailure(reason: "\(part) is not well-formed XML") }
            sharedStrings = handler.strings
        }
    }

    // MARK: - Reader

    private let workbook: Workbook
    private let sheets: [Workbook.Sheet]
    private var sheetPosition = 0
    private var channel: EventChannel?
    private var current: SheetParse?
    private var reported = false

    /// Reads one sheet, or with `sheet` nil every sheet in turn.
    public init(workbook: Workbook, sheet: Workbook.Sheet?) {
        self.workbook = workbook
        self.sheets = sheet.map { [$0] } ?? workbook.sheets
    }

    /// Reads a whole workbook from bytes (stdin, tests, fuzzing): every sheet in turn.
    public convenience init(source: ByteSource, limits: Limits = Limits()) {
        var bytes: [UInt8] = []
        while let byte = source.next() { bytes.append(byte) }
        self.init(workbook: Workbook(data: Data(bytes), limits: limits), sheet: nil)
    }

    deinit { channel?.cancel() }

    /// The header as read, after the first call to `next` (nil before, or when the sheet has none).
    public var headerNames: [String]? { current?.header }
    /// True once the sheet has been read to its end and held no row.
    public var sheetIsEmpty: Bool { current?.isEmpty ?? false }
    /// The column letter of each header name.
    public var headerColumns: [String: String] { current?.headerColumns ?? [:] }

    public func next() -> ReaderEvent? {
        if let problem = workbook.problem {
            if reported { return nil }
            reported = true
            return .problem(InputProblem(line: 1, reason: problem, records: 0))
        }
        while true {
            if channel == nil {
                guard sheetPosition < sheets.count else { return nil }
                let sheet = sheets[sheetPosition]
                sheetPosition += 1
                let events = EventChannel()
                let parse = SheetParse(workbook: workbook, sheet: sheet, events: events)
                channel = events
                current = parse
                parse.start()
            }
            if let event = channel!.take() { return event }
            channel = nil
        }
    }

    /// Column letters of a 0-based column index: 0 → A, 26 → AA.
    public static func columnLetters(_ index: Int) -> String {
        var index = index + 1
        var letters: [Character] = []
        while index > 0 {
            let remainder = (index - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + remainder))))
            index = (index - 1) / 26
        }
        return String(letters.reversed())
    }

    /// A sheet name fit for a one-line reason.
    public static func shownName(_ name: String) -> String {
        let clean = String(name.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }.prefix(60))
        return "sheet '\(clean)'"
    }
}

// MARK: - Failures

/// Why a part of a workbook cannot be read, in words for an input-error.
struct PartFailure: Error {
    let reason: String
}

// MARK: - Dates

/// How a number in a cell style reads: a plain number, or a date and/or time.
struct DateKind: Equatable {
    var date = false
    var time = false
    var seconds = false
    var isDate: Bool { date || time }

    /// Built-in number formats that show dates or times (ids 14–22, 45–47,
    /// and the East Asian ids 27–36 and 50–58 that Chinese Excel writes).
    static let builtin: [Int: String] = [
        14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
        20: "h:mm", 21: "h:mm:ss", 22: "yyyy-mm-dd h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0",
        27: "yyyy\"年\"m\"月\"", 28: "m\"月\"d\"日\"", 29: "m\"月\"d\"日\"", 30: "m-d-yy", 31: "yyyy\"年\"m\"月\"d\"日\"",
        32: "h\"时\"mm\"分\"", 33: "h\"时\"mm\"分\"ss\"秒\"", 34: "上午/下午h\"时\"mm\"分\"", 35: "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        36: "yyyy\"年\"m\"月\"", 50: "yyyy\"年\"m\"月\"", 51: "m\"月\"d\"日\"", 52: "yyyy\"年\"m\"月\"", 53: "m\"月\"d\"日\"",
        54: "m\"月\"d\"日\"", 55: "上午/下午h\"时\"mm\"分\"", 56: "上午/下午h\"时\"mm\"分\"ss\"秒\"", 57: "yyyy\"年\"m\"月\"", 58: "m\"月\"d\"日\"",
    ]

    init() {}

    /// Reads a format code: y, m, d, h, s outside quotes, escapes and
    /// brackets ([Red], [$-804]) make it a date or time; `m` next to h or s
    /// is minutes. Only the first section (positive numbers) counts.
    init(formatCode: String) {
        var letters: [Character] = []
        var iterator = formatCode.makeIterator()
        while let char = iterator.next() {
            switch char {
            case "\"": while let c = iterator.next(), c != "\"" {}
            case "\\", "_", "*": _ = iterator.next()
            case "[":
                var inside = ""
                while let c = iterator.next(), c != "]" { inside.append(c) }
                // [h], [mm], [ss]: elapsed time.
                let lower = inside.lowercased()
                if !lower.isEmpty, lower.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { letters.append(contentsOf: lower) }
            case ";": break
            default:
                let lower = Character(char.lowercased())
                if "ymdhs".contains(lower) { letters.append(lower) }
                continue
            }
            if char == ";" { break }
        }
        guard !formatCode.lowercased().hasPrefix("general") else { return }
        for (index, letter) in letters.enumerated() {
            switch letter {
            case "y", "d": date = true
            case "h": time = true
            case "s": time = true; seconds = true
            case "m":
                let before = letters[..<index].last { $0 != "m" }
                let after = letters[(index + 1)...].first { $0 != "m" }
                if before == "h" || after == "s" { time = true } else { date = true }
            default: break
            }
        }
    }

    /// An Excel serial as local wall time: `2024-03-15`, `2024-03-15 14:30`,
    /// `14:30:05`; nil when the serial is no date (negative, past 9999).
    func render(_ serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var totalSeconds = Int64((serial * 86_400).rounded())
        var days = totalSeconds / 86_400
        totalSeconds -= days * 86_400
        let hour = Int(totalSeconds / 3600), minute = Int(totalSeconds % 3600 / 60), second = Int(totalSeconds % 60)
        var text = ""
        if date || !time {
            let ymd: (Int, Int, Int)
            if date1904 {
                ymd = CivilDate.civil(days + CivilDate.days(1904, 1, 1))
            } else if days == 60 {
                ymd = (1900, 2, 29) // the day Lotus 1-2-3 invented and Excel kept
            } else {
                if days < 60 { days += 1 }
                ymd = CivilDate.civil(days + CivilDate.days(1899, 12, 30))
            }
            text = String(format: "%04d-%02d-%02d", ymd.0, ymd.1, ymd.2)
        }
        if time {
            if !text.isEmpty { text += " " }
            text += String(format: "%02d:%02d", hour, minute)
            if seconds { text += String(format: ":%02d", second) }
        }
        return text
    }

}

/// Numbers as Excel writes them in a sheet's XML, as the text a person saw:
/// `2200000.0` → `2200000`, `0.30000000000000004` → `0.3` (Excel shows 15
/// significant digits).
enum NumberText {
    static func render(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespaces)
        let digits = text.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        if digits > 15 || text.contains("E") || text.contains("e"), let value = Double(text), value.isFinite {
            text = String(format: "%.15g", value)
            if text.contains("e") {
                // Keep the exponent form Excel shows (1.5E+20), without redundant zeros.
                return text.uppercased()
            }
        }
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            if fraction.allSatisfy({ $0 == "0" }) {
                text = String(text[..<dot])
            } else {
                while text.hasSuffix("0") { text.removeLast() }
            }
        }
        if text == "-0" { text = "0" }
        return text
    }
}

/// OOXML writes control characters in strings as `_xHHHH_` (`_x000D_` for CR).
enum EscapedText {
    static func decode(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first {
            if first == "_", scalars.count >= 7 {
                let candidate = scalars.prefix(7)
                let chars = Array(candidate)
                if chars[1] == "x", chars[6] == "_", let value = UInt32(String(String.UnicodeScalarView(chars[2...5])), radix: 16),
                    let scalar = Unicode.Scalar(value)
                {
                    out.unicodeScalars.append(scalar)
                    scalars = scalars.dropFirst(7)
                    continue
                }
            }
            out.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        return out
    }
}

/// No part of an .xlsx declares a DTD; one that does is refused before the
/// parser sees it, so entity expansion (billion laughs) and external
/// entities never start.
enum DTDGuard {
    static let markers: [[UInt8]] = [Array("<!DOCTYPE".utf8), Array("<!ENTITY".utf8)]

    /// Why the start of a part is not UTF-8 XML, or nil. Excel, LibreOffice
    /// and openpyxl write UTF-8; anything else is refused before libxml2
    /// guesses an encoding from the first bytes (NUL bytes there made it
    /// pick UCS-4 and crash inside xmlParseChunk: fuzz/regressions/xlsx).
    static func badStart(_ bytes: ArraySlice<UInt8>) -> String? {
        var rest = bytes
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        rest = rest.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = rest.first else { return nil }
        guard first == 0x3C else { return "is not UTF-8 XML" }
        if rest.starts(with: Array("<?xml".utf8)) {
            let declaration = String(decoding: rest.prefix(200).prefix { $0 != 0x3E }, as: UTF8.self).lowercased()
            if let range = declaration.range(of: "encoding") {
                let value = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }.prefix {
                    $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_"
                }
                if value != "utf-8" && value != "utf8" { return "is not UTF-8 XML (it declares \(value.prefix(20)))" }
            }
        }
        return nil
    }

    static func declaresDTD(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        return markers.contains { contains(bytes[...], $0) }
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var index = haystack.startIndex
        while index <= haystack.endIndex - needle.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

// MARK: - Channels and threads

/// Inflated bytes of one zip entry, from the extracting thread to the
/// parsing one; bounded, so a fast inflater waits for a slow parser.
final class ByteChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var offset = 0
    private var buffered = 0
    private var finished = false
    private var cancelled = false
    private var failureValue: PartFailure?
    /// The last bytes of the previous chunk, to find a DTD marker split across chunks.
    private var tail: [UInt8] = []
    private var started = false
    let capacity: Int

    init(capacity: Int = 1 << 20) { self.capacity = capacity }

    var failure: PartFailure? {
        condition.lock(); defer { condition.unlock() }
        return failureValue
    }

    /// Producer: adds a chunk; throws once the consumer is gone.
    func put(_ data: Data) throws {
        let bytes = [UInt8](data)
        if !started {
            started = true
            if let bad = DTDGuard.badStart(bytes.prefix(256)) { throw PartFailure(reason: bad) }
        }
        var window = tail
        window.append(contentsOf: bytes.prefix(16))
        if DTDGuard.markers.contains(where: { DTDGuard.contains(window[...], $0) || DTDGuard.contains(bytes[...], $0) }) {
            throw PartFailure(reason: "declares a DTD, which no .xlsx part does (an XML entity attack?)")
        }
        tail = Array(bytes.suffix(16))
        condition.lock(); defer { condition.unlock() }
        while buffered >= capacity, !cancelled { condition.wait() }
        if cancelled { throw CancellationError() }
        chunks.append(bytes)
        buffered += bytes.count
        condition.broadcast()
    }

    /// Producer: no more bytes (with why, when it stopped short).
    func finish(_ failure: PartFailure?) {
        condition.lock(); defer { condition.unlock() }
        finished = true
        if failureValue == nil { failureValue = failure }
        condition.broadcast()
    }

    /// Consumer: up to `count` bytes; 0 at the end, -1 after a failure.
    func take(_ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        condition.lock(); defer { condition.unlock() }
        while chunks.isEmpty, !finished, !cancelled { condition.wait() }
        if cancelled || (chunks.isEmpty && failureValue != nil) { return -1 }
        guard !chunks.isEmpty else { return 0 }
        var written = 0
        while written < count, !chunks.isEmpty {
            let chunk = chunks[0]
            let n = min(count - written, chunk.count - offset)
            chunk.withUnsafeBufferPointer { (buffer + written).update(from: $0.baseAddress! + offset, count: n) }
            written += n
            offset += n
            if offset == chunk.count { chunks.removeFirst(); offset = 0 }
        }
        buffered -= written
        condition.broadcast()
        return written
    }

    /// Either side: stop; the producer's next `put` throws, the consumer's `take` returns -1.
    func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        chunks = []
        buffered = 0
        condition.broadcast()
    }
}

/// An InputStream over a byte channel, for `XMLParser(stream:)`.
final class ChannelInputStream: InputStream {
    private let channel: ByteChannel

    init(_ channel: ByteChannel) {
        self.channel = channel
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { true }
    override var streamError: Error? { channel.failure }
    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        channel.take(buffer, len)
    }
}

/// Inflates one zip entry on a thread of its own into a byte channel,
/// stopping at `cap` uncompressed bytes (what a zip bomb meets).
enum Extraction {
    static func start(_ workbook: XLSXReader.Workbook, part: String, cap: Int64, into channel: ByteChannel) {
        let thread = Thread {
            do {
                let archive = try workbook.openArchive()
                guard let entry = archive[part] else {
                    channel.finish(PartFailure(reason: "\(part) is missing from the workbook"))
                    return
                }
                try workbook.checkBounds(entry, part: part)
                let tooLarge = PartFailure(
                    reason: "\(part) is larger than \(byteSize(Int(cap))) uncompressed (a zip bomb?); reading stopped there")
                if Int64(clamping: entry.uncompressedSize) > cap { channel.finish(tooLarge); return }
                var total: Int64 = 0
                try workbook.inflate(entry, part: part, archive: archive) { data in
                    total += Int64(data.count)
                    if total > cap { throw tooLarge }
                    try channel.put(data)
                }
                channel.finish(nil)
            } catch let failure as PartFailure {
                channel.finish(
                    failure.reason.hasPrefix("declares") || failure.reason.hasPrefix("is not")
                        ? PartFailure(reason: "\(part) \(failure.reason)") : failure)
            } catch is CancellationError {
                channel.finish(nil)
            } catch {
                channel.finish(PartFailure(reason: "\(part) cannot be inflated (the zip archive is damaged)"))
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Rows of a sheet, from the parsing thread to `next()`; bounded by count
/// and by the text it holds, so a fast parser waits for the scan.
final class EventChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [ReaderEvent] = []
    private var head = 0
    private var bytes = 0
    private var finished = false
    private(set) var cancelled = false

    /// Producer: false once the consumer is gone.
    func put(_ event: ReaderEvent) -> Bool {
        let size: Int
        if case let .record(record) = event { size = record.fields.reduce(64) { $0 + $1.value.utf8.count + 16 } } else { size = 64 }
        condition.lock(); defer { condition.unlock() }
        while events.count - head >= 256 || bytes >= 8 << 20, !cancelled { condition.wait() }
        if cancelled { return false }
        events.append(event)
        bytes += size
        condition.broadcast()
        return true
    }

    func finish() {
        condition.lock(); defer { condition.unlock() }
        finished = true
        condition.broadcast()
    }

    /// Consumer: the next event, nil at the end.
    func take() -> ReaderEvent? {
        condition.lock(); defer { condition.unlock() }
        while head == events.count, !finished, !cancelled { condition.wait() }
        guard head < events.count else { return nil }
        let event = events[head]
        head += 1
        if case let .record(record) = event { bytes -= record.fields.reduce(64) { $0 + $1.value.utf8.count + 16 } } else { bytes -= 64 }
        if head > 1024 { events.removeFirst(head); head = 0 }
        condition.broadcast()
        return event
    }

    func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        events = []
        head = 0
        condition.broadcast()
    }
}

// MARK: - XML handlers

/// Start tags (local names) of a small part, for workbook.xml, rels and styles.
final class ElementHandler: NSObject, XMLParserDelegate {
    let start: (String, [String: String]) -> Void
    let end: (String) -> Void
    var failed = false

    init(_ start: @escaping (String, [String: String]) -> Void, end: @escaping (String) -> Void = { _ in }) {
        self.start = start
        self.end = end
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        start(localName(elementName), attributeDict)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        end(localName(elementName))
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failed = true
        parser.abortParsing()
    }
}

@inline(__always) func localName(_ name: String) -> String {
    guard let colon = name.lastIndex(of: ":") else { return name }
    return String(name[name.index(after: colon)...])
}

/// sharedStrings.xml: each `<si>`'s text (plain `<t>`, or the `<t>` of its
/// rich-text runs; phonetic `<rPh>` runs left out), up to a byte cap.
final class SharedStringsHandler: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var failed = false
    var overflow: String?
    private let cap: Int
    private var used = 0
    private var text = ""
    private var inItem = false, inText = false, phonetic = 0
    private weak var parser: XMLParser?

    init(cap: Int, parser: XMLParser) {
        self.cap = cap
        self.parser = parser
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        switch localName(elementName) {
        case "si": inItem = true; text = ""
        case "t": inText = inItem && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch localName(elementName) {
        case "si":
            inItem = false
            let value = EscapedText.decode(text)
            used += value.utf8.count + 32
            if used > cap {
                overflow = "holds more than \(byteSize(cap)) of text: the workbook is not read"
                parser.abortParsing()
                return
            }
            strings.append(value)
            text = ""
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inText else { return }
        if used + text.utf8.count > cap {
            overflow = "holds more than \(byteSize(cap)) of text: the workbook is not read"
            parser.abortParsing()
            return
        }
        text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        failed = true
        parser.abortParsing()
    }
}

/// One sheet being read: a thread inflating its XML, a thread parsing it
/// into rows, and the rows turned into header, records and problems.
final class SheetParse: NSObject, XMLParserDelegate, @unchecked Sendable {
    let workbook: XLSXReader.Workbook
    let sheet: XLSXReader.Workbook.Sheet
    let events: EventChannel
    private let limits: XLSXReader.Limits
    private let label: String
    private let lock = NSLock()
    private var headerValue: [String]?
    private var headerColumnsValue: [String: String] = [:]

    /// Header state lives on the parsing thread; the reader reads it after events it received.
    var header: [String]? { lock.lock(); defer { lock.unlock() }; return headerValue }
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return emptyValue }
    private var emptyValue = false
    var headerColumns: [String: String] { lock.lock(); defer { lock.unlock() }; return headerColumnsValue }

    // Parsing state (parsing thread only).
    private var headerWritten: [String] = []
    private var width = 0
    private var rowNumber = 0
    private var rowCells: [Int: String] = [:]
    private var rowBytes = 0
    private var rowProblem: String?
    private var errorCells: [String] = []
    private var inRow = false
    private var cellColumn = 0
    private var cellType = ""
    private var cellStyle = 0
    private var cellText = ""
    private var capture = false
    private var inInline = false
    private var phonetic = 0
    private var nextColumn = 0
    private var stopped = false
    private var sawRow = false
    private weak var parser: XMLParser?

    init(workbook: XLSXReader.Workbook, sheet: XLSXReader.Workbook.Sheet, events: EventChannel) {
        self.workbook = workbook
        self.sheet = sheet
        self.events = events
        self.limits = workbook.limits
        self.label = XLSXReader.shownName(sheet.name)
    }

    func start() {
        let thread = Thread { self.run() }
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func run() {
        defer { events.finish() }
        guard let part = sheet.part else {
            _ = events.put(.problem(InputProblem(line: 1, reason: "\(label): the workbook does not say where its data is", records: 0)))
            return
        }
        let bytes = ByteChannel()
        Extraction.start(workbook, part: part, cap: limits.sheetBytes, into: bytes)
        let parser = XMLParser(stream: ChannelInputStream(bytes))
        self.parser = parser
        parser.delegate = self
        let parsed = parser.parse()
        bytes.cancel()
        if events.cancelled { return }
        let near = max(1, inRow ? rowNumber : rowNumber + 1)
        if let failure = bytes.failure {
            _ = events.put(
                .problem(
                    InputProblem(
                        line: near, reason: "\(label): \(failure.reason); rows after row \(max(0, near - 1)) not read",
                        records: headerValue == nil ? 0 : 1)))
        } else if !parsed || stopped {
            if !stopped || xmlError != nil {
                let detail = xmlError.map { " (\($0))" } ?? ""
                _ = events.put(
                    .problem(
                        InputProblem(
                            line: near, reason: "\(label): the sheet's XML is broken near row \(near)\(detail); rows after it not read",
                            records: headerValue == nil ? 0 : 1)))
            }
        } else if headerValue == nil, !sawRow {
            lock.lock(); emptyValue = true; lock.unlock()
            _ = events.put(.problem(InputProblem(line: 1, reason: "\(label) is empty: no header row", records: 0)))
        }
    }

    private var xmlError: String?

    private func emit(_ event: ReaderEvent) {
        if !events.put(event) {
            stopped = true
            parser?.abortParsing()
        }
    }

    // MARK: XMLParserDelegate

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard !stopped else { return }
        switch localName(elementName) {
        case "row":
            inRow = true
            sawRow = true
            let number = attributeDict["r"].flatMap { Int($0) }
            if let number, number > rowNumber, number <= 1_048_576 { rowNumber = number } else { rowNumber += 1 }
            rowCells = [:]
            rowBytes = 0
            rowProblem = nil
            errorCells = []
            nextColumn = 0
        case "c":
            cellType = attributeDict["t"] ?? "n"
            cellStyle = attributeDict["s"].flatMap { Int($0) } ?? 0
            cellText = ""
            if let reference = attributeDict["r"], let column = Self.column(of: reference) {
                cellColumn = column
            } else {
                cellColumn = nextColumn
            }
            nextColumn = cellColumn + 1
            if cellColumn >= limits.columns, rowProblem == nil {
                rowProblem = "a cell lies beyond column \(XLSXReader.columnLetters(limits.columns - 1))"
            }
        case "v": capture = true
        case "is": inInline = true
        case "t": capture = inInline && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard !stopped else { return }
        switch localName(elementName) {
        case "v", "t": capture = false
        case "is": inInline = false
        case "rPh": phonetic -= 1
        case "c": finishCell()
        case "row":
            inRow = false
            finishRow()
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard capture, !stopped else { return }
        if cellText.utf8.count + string.utf8.count > limits.cellBytes {
            if rowProblem == nil { rowProblem = "a cell holds more than \(byteSize(limits.cellBytes))" }
            return
        }
        cellText += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard !stopped else { return }
        let error = parseError as NSError
        xmlError = "XML error \(error.code) at line \(parser.lineNumber), column \(parser.columnNumber)"
        stopped = true
        parser.abortParsing()
    }

    // MARK: Cells and rows

    /// 0-based column of a reference such as `C5` or `AA10`; nil when it has no letters.
    static func column(of reference: String) -> Int? {
        var column = 0
        var letters = 0
        for byte in reference.utf8 {
            switch byte {
            case 0x41...0x5A: column = column * 26 + Int(byte - 0x40)
            case 0x61...0x7A: column = column * 26 + Int(byte - 0x60)
            default:
                guard letters > 0 else { return nil }
                return column - 1
            }
            letters += 1
            if letters > 4 { return 1 << 20 }
        }
        return letters > 0 ? column - 1 : nil
    }

    private func finishCell() {
        guard cellColumn < limits.columns else { return }
        let value: String
        switch cellType {
        case "s":
            let text = cellText.trimmingCharacters(in: .whitespaces)
            guard let index = Int(text), index >= 0, index < workbook.sharedStrings.count else {
                if rowProblem == nil {
                    rowProblem =
                        "cell \(XLSXReader.columnLetters(cellColumn))\(rowNumber) refers to shared string \(text.prefix(12)), which the workbook does not have (\(workbook.sharedStrings.count) strings)"
                }
                return
            }
            value = workbook.sharedStrings[index]
        case "inlineStr", "str":
            value = EscapedText.decode(cellText)
        case "b":
            let text = cellText.trimmingCharacters(in: .whitespaces)
            value = text.isEmpty ? "" : (text == "1" || text.lowercased() == "true" ? "TRUE" : "FALSE")
        case "e":
            if !cellText.isEmpty { errorCells.append("\(XLSXReader.columnLetters(cellColumn))\(rowNumber) (\(cellText.prefix(16)))") }
            value = ""
        case "d":
            // ISO 8601 in strict OOXML: local wall time as written.
            var text = cellText.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "T", with: " ")
            if text.hasSuffix("Z") { text.removeLast() }
            value = text
        default:
            let text = cellText.trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                value = ""
            } else if cellStyle < workbook.styleKinds.count, workbook.styleKinds[cellStyle].isDate, let serial = Double(text),
                let rendered = workbook.styleKinds[cellStyle].render(serial, date1904: workbook.date1904)
            {
                value = rendered
            } else {
                value = Double(text) == nil ? text : NumberText.render(text)
            }
        }
        guard !value.isEmpty else { return }
        rowBytes += value.utf8.count
        if rowBytes > limits.cellBytes {
            if rowProblem == nil { rowProblem = "the row is larger than \(byteSize(limits.cellBytes))" }
            rowCells = [:]
            return
        }
        if rowProblem == nil { rowCells[cellColumn] = value }
    }

    private func finishRow() {
        let line = rowNumber
        if let problem = rowProblem {
            if headerValue == nil {
                emit(.problem(InputProblem(line: line, reason: "\(label): the header row could not be read: \(problem)", records: 0)))
                stopped = true
                parser?.abortParsing()
            } else {
                emit(.problem(InputProblem(line: line, reason: "\(label): \(problem)")))
            }
            return
        }
        guard !rowCells.isEmpty else { return } // an empty row
        if !errorCells.isEmpty {
            emit(
                .problem(
                    InputProblem(
                        line: line,
                        reason:
                            "\(label): cell\(errorCells.count == 1 ? "" : "s") \(errorCells.prefix(5).joined(separator: ", ")) hold\(errorCells.count == 1 ? "s" : "") an Excel error; read as empty",
                        records: 0)))
        }
        guard let header = headerValue else {
            width = (rowCells.keys.max() ?? 0) + 1
            headerWritten = (0..<width).map { rowCells[$0] ?? "" }
            let named = CSVReader.nameColumns(headerWritten)
            var columns: [String: String] = [:]
            for (index, name) in named.names.enumerated() { columns[name] = XLSXReader.columnLetters(index) }
            lock.lock()
            headerValue = named.names
            headerColumnsValue = columns
            lock.unlock()
            if let note = named.note { emit(.problem(InputProblem(line: line, reason: "\(label): \(note)", records: 0))) }
            return
        }
        if let beyond = rowCells.keys.filter({ $0 >= width }).min() {
            emit(
                .problem(
                    InputProblem(
                        line: line,
                        reason:
                            "\(label): row has a value in column \(XLSXReader.columnLetters(beyond)), right of the header's last column \(XLSXReader.columnLetters(width - 1))"
                    )))
            return
        }
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(width)
        for index in 0..<width { fields.append((header[index], rowCells[index] ?? "")) }
        if fields.map(\.value) == headerWritten {
            emit(.problem(InputProblem(line: line, reason: "\(label): the header row is repeated here; it is skipped", records: 0)))
            return
        }
        emit(.record(RawRecord(line: line, fields: fields)))
    }
}

extension InputFormat {
    /// An Excel workbook. From bytes (stdin, fuzzing) it is read whole, every
    /// sheet in turn; the engine opens files by path, a sheet at a time.
    public static let xlsx = InputFormat(name: "xlsx", extensions: [".xlsx"]) { source, _, _ in XLSXReader(source: source) }
}
