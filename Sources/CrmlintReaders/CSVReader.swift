import CByteScan
import CrmlintCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streaming RFC 4180 CSV reader over bytes: quoted delimiters, doubled
/// quotes, newlines inside quotes, CRLF/LF/CR, UTF-8 with or without BOM and
/// GB18030. Written by hand rather than with SwiftCSV or CSV.swift because
/// both stop at the first malformed row, and crmlint must turn each bad row
/// into an input-error with its line and go on, decode GB18030 field by field,
/// and count physical lines for `file:line` messages.
///
/// Byte-level parsing is safe for GB18030: its trail bytes are never below
/// 0x30, so `,` `"` CR and LF always stand for themselves.
///
/// An unterminated quote would swallow the rest of the file into one field.
/// A quoted field that spans lines and then runs to the end of the file, ends
/// with text right after its closing quote (it "closed" on the next field's
/// opening quote), or grows past `maxQuotedLines` or `maxFieldBytes`, is taken
/// for one: its row is reported, and reading resumes on the line after the
/// one where the quote opened, from bytes kept for that purpose.
public final class CSVReader: RecordReader {
    /// The encoding given, or marked by a byte-order mark; else the first row
    /// holding non-ASCII bytes decides it (valid UTF-8 → UTF-8, else valid
    /// GB18030 → GB18030, else UTF-8 with a hint on each bad row). Deciding
    /// from that row, not from a sample of the file, gives the same answer
    /// however the bytes arrive (a pipe may deliver a header and wait), and
    /// a file whose rows mix both is read in the one its first such row uses.
    @exclusivity(unchecked) public private(set) var encoding: TextEncoding
    // Unchecked: read per byte of a row, never overlapping (the runtime check cost ~6 % of a scan).
    @exclusivity(unchecked) private var undecided: Bool
    private let source: ByteSource
    @exclusivity(unchecked) private var delimiter: UInt8
    @exclusivity(unchecked) private var header: [String]?
    /// The header as written, to recognise it when it is repeated (files joined together).
    @exclusivity(unchecked) private var headerAsWritten: [String] = []
    /// Whether some all-ASCII text can equal the first header name as a `String` (`mayEqualASCII`).
    @exclusivity(unchecked) private var firstHeaderMayEqualASCII = true
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var headerFailed = false
    @exclusivity(unchecked) private var sawContent = false
    @exclusivity(unchecked) private var queued: [ReaderEvent] = []
    /// Fields above this size make the row an input error (the bytes are
    /// skipped, not kept), so one runaway field cannot exhaust memory.
    /// (The limits are read per field, set only before reading: unchecked as above.)
    @exclusivity(unchecked) public var maxFieldBytes = 32 << 20
    /// A quoted field spanning more lines than this is taken for an unterminated quote.
    @exclusivity(unchecked) public var maxQuotedLines = 10_000
    /// A row with more fields than this is an input error (a file of commas would otherwise hold an array per comma).
    @exclusivity(unchecked) public var maxFields = 10_000

    /// Set by `parseRow` for a row it split in one pass (`splitPlainLine`): whether its bytes are valid UTF-8
    /// with no NUL (`isValidUTF8Row`'s answer, found on the way); nil for a row read the other way.
    @exclusivity(unchecked) private var plainLineIsValidUTF8: Bool?

    private static let quote: UInt8 = 0x22, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF], gb18030BOM: [UInt8] = [0x84, 0x31, 0x95, 0x33]

    public init(source: ByteSource, encoding: TextEncoding?, delimiter: UInt8? = nil) {
        self.source = source
        let sample = Array(source.lookahead().prefix(64 << 10))
        var body = sample[...]
        var detected = encoding
        if sample.starts(with: Self.utf8BOM) {
            detected = detected ?? .utf8
            if detected == .utf8 { for _ in 0..<3 { _ = source.next() } }
            body = sample.dropFirst(3)
        } else if sample.starts(with: Self.gb18030BOM) {
            detected = detected ?? .gb18030
            if detected == .gb18030 { for _ in 0..<4 { _ = source.next() } }
            body = sample.dropFirst(4)
        }
        self.encoding = detected ?? .utf8
        undecided = detected == nil
        if let delimiter {
            self.delimiter = delimiter
        } else {
            // The first line that is not blank: the header.
            let firstLine = body.drop { $0 == Self.lineFeed || $0 == Self.carriageReturn }.prefix {
                $0 != Self.lineFeed && $0 != Self.carriageReturn
            }
            let commas = firstLine.filter { $0 == 0x2C }.count, tabs = firstLine.filter { $0 == 0x09 }.count
            self.delimiter = tabs > commas ? 0x09 : 0x2C
        }
    }

    public func next() -> ReaderEvent? {
        if !queued.isEmpty { return queued.removeFirst() }
        while true {
            guard let row = parseRow() else {
                if !sawContent {
                    sawContent = true
                    return .problem(InputProblem(line: 1, reason: "the file is empty: no header row", records: 0))
                }
                return nil
            }
            if isBlank(row) { continue }
            sawContent = true
            if undecided { decideEncoding(row) }
            if headerFailed { return skippedAfterBadHeader(first: row) }
            guard let header else {
                if let problem = readHeader(row) {
                    headerFailed = true
                    return .problem(problem)
                }
                if !queued.isEmpty { return queued.removeFirst() }
                continue
            }
            if let problem = row.problem { return .problem(InputProblem(line: row.line, reason: problem)) }
            var count = fieldRanges.count
            // Excel writes a trailing delimiter on some rows: empty fields past the header hold nothing to lose.
            while count > header.count, fieldRanges[count - 1].isEmpty { count -= 1 }
            if count != header.count {
                return .problem(InputProblem(line: row.line, reason: "row has \(count) fields but the header has \(header.count)"))
            }
            var values: [String] = []
            // The row's bytes held once for all its fields, and each value moved into `values`: per
            // field, holding them and copying the value out of a `Result` cost four reference counts.
            let failed: (index: Int, failure: FieldFailure)? = rowBuffer.withUnsafeBufferPointer { bytes in
                // A UTF-8 row checked once as a whole (no NUL byte, valid UTF-8), its fields then copied out
                // without checking each again: per field, the NUL search, validating and comparing the
                // decoded copy with the bytes were ~200 instructions, half of reading a message.
                if encoding == .utf8, plainLineIsValidUTF8 ?? Self.isValidUTF8Row(bytes, fields: fieldRanges[..<count]) {
                    // In an array of the closure's own (appended to the captured one, each append checked its uniqueness).
                    var made: [String] = []
                    made.reserveCapacity(count)
                    let previousCount = previousValues.count
                    for index in 0..<count {
                        let field = UnsafeBufferPointer(rebasing: bytes[fieldRanges[index]])
                        if field.count > String.smallStringBytes, index < previousCount, previousValues[index].hasBytes(field) {
                            made.append(previousValues[index])
                        } else {
                            made.append(String(checkedUTF8: field))
                        }
                    }
                    previousValues = made
                    values = made
                    return nil
                }
                values.reserveCapacity(count)
                for index in 0..<count {
                    if let failure = decode(UnsafeBufferPointer(rebasing: bytes[fieldRanges[index]]), into: &values) {
                        return (index, failure)
                    }
                }
                return nil
            }
            if let (index, failure) = failed {
                return .problem(
                    InputProblem(line: row.line, reason: "field \(Self.shown(headerAsWritten[index], column: index + 1)) \(failure.reason)")
                )
            }
            if Self.repeats(values, header: headerAsWritten, firstMayEqualASCII: firstHeaderMayEqualASCII) {
                return .problem(
                    InputProblem(
                        line: row.line, reason: "the header row is repeated here (files joined together?); it is skipped", records: 0))
            }
            // The values line up with `header` (`count` is its count), the one array every row of the file shares.
            return .record(RawRecord(line: row.line, keys: header, values: values))
        }
    }

    /// The header as read (after the first call to `next`).
    public var headerNames: [String]? { header }

    /// A header name as problem reasons show it: quoted when it reads as a
    /// name; by column number when it could be data (a file without a header
    /// row has a record there, maybe a phone number), or holds line breaks or
    /// control characters that would break the one-line message.
    static func shown(_ name: String, column: Int) -> String {
        let digits = name.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        let plain =
            name.count <= 40 && digits < 5 && !name.contains("@")
            && !name.unicodeScalars.contains {
                $0.properties.generalCategory == .control || $0.properties.generalCategory == .format || $0 == "'"
            }
        return plain ? "'\(name)'" : "in column \(column)"
    }

    // MARK: - Header

    /// Takes the first row as the header; duplicate and empty names are
    /// renamed (their values are still read) and reported once.
    private func readHeader(_ row: Row) -> InputProblem? {
        if let problem = row.problem {
            return InputProblem(line: row.line, reason: "the header row could not be read: \(problem)", records: 0)
        }
        var names: [String] = []
        for index in fieldRanges.indices {
            switch decodeField(index) {
            case let .success(name): names.append(name)
            case let .failure(failure):
                return InputProblem(
                    line: row.line, reason: "the header row could not be read: column \(index + 1) \(failure.reason)", records: 0)
            }
        }
        headerAsWritten = names
        firstHeaderMayEqualASCII = names.first.map(Self.mayEqualASCII) ?? true
        let named = Self.nameColumns(names)
        header = named.names
        if let note = named.note {
            queued.append(.problem(InputProblem(line: row.line, reason: note, records: 0)))
        }
        return nil
    }

    /// Header names as read: an empty name becomes `column N`, a repeated one
    /// `name (column N)`, so every value is still read; the note (one line)
    /// says what was renamed. Shared with the XLSX reader.
    static func nameColumns(_ written: [String]) -> (names: [String], note: String?) {
        var names = written
        var notes: [String] = []
        var seen: [String: Int] = [:]
        var unnamed: [Int] = []
        for index in names.indices {
            let key = DatasetSchema.normalizedHeader(names[index])
            if key.isEmpty {
                unnamed.append(index + 1)
                names[index] = "column \(index + 1)"
            } else if let first = seen[key] {
                let shown = Self.shown(names[index], column: index + 1)
                notes.append(
                    shown.hasPrefix("'")
                        ? "\(shown) names columns \(first + 1) and \(index + 1) (column \(index + 1) is read as '\(names[index]) (column \(index + 1))')"
                        : "columns \(first + 1) and \(index + 1) have the same name (column \(index + 1) is read under a name of its own)")
                names[index] = "\(names[index]) (column \(index + 1))"
            } else {
                seen[key] = index
            }
        }
        if !unnamed.isEmpty {
            let list = unnamed.map(String.init).joined(separator: ", ")
            notes.insert(
                unnamed.count == 1
                    ? "column \(list) has no name (read as 'column \(list)')"
                    : "columns \(list) have no name (read as 'column N')", at: 0)
        }
        return (names, notes.isEmpty ? nil : "header: " + notes.joined(separator: "; "))
    }

    /// After an unreadable header no row can be matched to columns: count
    /// them, so the summary still accounts for every record.
    private func skippedAfterBadHeader(first: Row) -> ReaderEvent? {
        var count = 1
        while let row = parseRow() {
            if isBlank(row) { continue }
            count += 1
        }
        return .problem(
            InputProblem(
                line: first.line, reason: "\(count) record\(count == 1 ? "" : "s") not read: the header row could not be read",
                records: count))
    }

    // MARK: - Fields

    private func decideEncoding(_ row: Row) {
        guard row.problem == nil, fieldRanges.contains(where: { rowBuffer[$0].contains { $0 >= 0x80 } }) else { return }
        undecided = false
        let fields = fieldRanges.map { rowBuffer[$0] }
        if fields.allSatisfy({ String(validUTF8: $0) != nil }) {
            encoding = .utf8
        } else if fields.allSatisfy({ !$0.contains { $0 >= 0x80 } || TextEncoding.gb18030.decode($0) != nil }) {
            encoding = .gb18030
        }
    }

    /// Field `index` of the last row, decoded.
    private func decodeField(_ index: Int) -> Result<String, FieldFailure> {
        rowBuffer.withUnsafeBufferPointer { decode(UnsafeBufferPointer(rebasing: $0[fieldRanges[index]])) }
    }

    /// `decode`'s value appended to `values`, or why the field cannot be read.
    @inline(__always) private func decode(_ bytes: UnsafeBufferPointer<UInt8>, into values: inout [String]) -> FieldFailure? {
        switch decode(bytes) {
        case let .success(value):
            values.append(consume value)
            return nil
        case let .failure(failure): return failure
        }
    }

    /// Whether a row's values are the header's names as written, each equal as a `String`. An ASCII first value
    /// (a record's id) cannot equal a first name that no ASCII text equals (a Chinese one): said without
    /// comparing them, which normalised both (~320 instructions a record).
    static func repeats(_ values: [String], header: [String], firstMayEqualASCII: Bool) -> Bool {
        if !firstMayEqualASCII, var first = values.first, first.withUTF8({ UTF8Validation.isASCII($0) }) { return false }
        for index in values.indices where values[index] != header[index] { return false }
        return true
    }

    /// Whether an all-ASCII text can equal `name` as a `String` (canonical equivalence): only when each of
    /// its scalars is ASCII or one whose canonical decomposition is (K, ;, ` as U+212A, U+037E, U+1FEF).
    /// Any other scalar stays non-ASCII in every canonically equivalent form.
    static func mayEqualASCII(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { $0.isASCII || $0.value == 0x212A || $0.value == 0x037E || $0.value == 0x1FEF }
    }

    /// Splits a line (without its line feed, and its carriage return before it) at `delimiter` (ASCII) into
    /// `ranges`, and answers whether it is valid UTF-8 with no NUL byte, as `isValidUTF8Row` would (an ASCII
    /// delimiter between valid characters leaves each field valid); nil, with `ranges` left partial, when the
    /// line holds a quote or a carriage return, which the byte-wise reading handles.
    ///
    /// One pass, sixteen bytes a step (`crmlint_csv_classes16`), validated as `UTF8Validation.isValid` does:
    /// finding the quote, the carriage return and each delimiter with `memchr` (a call per field: a row of a
    /// messages export has nine, most under sixteen bytes) and then validating the row was ~2,700
    /// instructions a row, half of reading one; this is ~1,000.
    static func splitPlainLine(
        _ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, into ranges: inout [Range<Int>]
    ) -> Bool? {
        precondition(delimiter < 0x80, "an ASCII delimiter")
        let bytes = UnsafeBufferPointer(start: base, count: count)
        var valid = true
        var fieldStart = 0
        var index = 0
        // The continuation bytes at the start of the next step that a character of this one runs into (a bit each).
        var owed: UInt32 = 0
        @inline(__always) func split(at found: UInt32, from offset: Int) {
            var found = found
            while found != 0 {
                let end = offset &+ found.trailingZeroBitCount
                ranges.append(fieldStart..<end)
                fieldStart = end &+ 1
                found &= found &- 1
            }
        }
        while index &+ 16 <= count {
            let classes = crmlint_csv_classes16(base + index, delimiter, quote, carriageReturn)
            if classes.stops != 0 { return nil }
            if classes.zeros != 0 { valid = false }
            // (Once not valid, the line is decoded field by field, which says where; its delimiters are still
            // found: no byte of a multi-byte character is ASCII.)
            if valid, classes.utf8.non_ascii != 0 || owed != 0 {
                valid = UTF8Validation.checkStep(bytes, at: index, from: index, classes: classes.utf8, owed: &owed)
            }
            split(at: classes.delimiters, from: index)
            index &+= 16
        }
        if index < count, count >= 16 {
            // The last bytes: the line's last sixteen, those before `index` (read above) masked off.
            let last = count &- 16
            let kept: UInt32 = 0xFFFF &<< UInt32(index &- last) & 0xFFFF
            let classes = crmlint_csv_classes16(base + last, delimiter, quote, carriageReturn)
            if classes.stops & kept != 0 { return nil }
            if classes.zeros & kept != 0 { valid = false }
            if valid { valid = UTF8Validation.checkLastStep(bytes, from: index, classes: classes.utf8, owed: owed) }
            split(at: classes.delimiters & kept, from: last)
        } else if index < count {
            // A line shorter than a step.
            while index < count {
                let byte = base[index]
                if byte == delimiter {
                    ranges.append(fieldStart..<index)
                    fieldStart = index &+ 1
                } else if byte == quote || byte == carriageReturn {
                    return nil
                } else if byte == 0 {
                    valid = false
                }
                index &+= 1
            }
            valid = valid && UTF8Validation.checkCharacters(bytes, from: 0, upTo: count, owed: 0) == count
        } else if owed != 0 {
            valid = false
        }
        ranges.append(fieldStart..<count)
        return valid
    }

    /// Whether `bytes` hold no NUL byte and are valid UTF-8, and each of `fields` starts and ends at a
    /// character's boundary (so each is valid UTF-8 too); when not, each field is decoded on its own, which
    /// says which one is wrong and why.
    static func isValidUTF8Row(_ bytes: UnsafeBufferPointer<UInt8>, fields: ArraySlice<Range<Int>>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        if memchr(base, 0, bytes.count) != nil { return false }
        guard UTF8Validation.isValid(bytes) else { return false }
        for range in fields {
            if range.lowerBound < bytes.count, bytes[range.lowerBound] & 0xC0 == 0x80 { return false }
            if range.upperBound < bytes.count, bytes[range.upperBound] & 0xC0 == 0x80 { return false }
        }
        return true
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, FieldFailure> {
        // memchr, not `contains`: a byte-by-byte loop was a fifth of decoding a field.
        if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil { return .failure(FieldFailure("contains a NUL byte")) }
        // UTF-8 Chinese read as GB18030 often decodes without error, to nonsense; catch it before.
        if encoding == .gb18030, TextEncoding.looksLikeUTF8Chinese(bytes) {
            return .failure(FieldFailure("is UTF-8 text, not gb18030 (try --encoding utf-8)"))
        }
        guard let value = encoding.decode(bytes) else {
            let hint = encoding == .utf8 ? " (the file may be GB18030: try --encoding gb18030)" : " (try --encoding utf-8)"
            return .failure(FieldFailure("is not valid \(encoding.rawValue) text\(hint)"))
        }
        return .success(value)
    }

    private struct FieldFailure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: - Rows

    /// A row as `parseRow` read it; its fields are `rowBuffer`'s `fieldRanges` until the next row is read.
    private struct Row {
        var line: Int
        var problem: String?
    }

    /// The last row's field bytes one after another, and each field's place in them (none for a row with a
    /// problem): kept from row to row, where an array per field cost an allocation and a release each.
    @exclusivity(unchecked) private var rowBuffer: [UInt8] = []
    /// The last row's values (a checked UTF-8 row's). A value longer than a small string (`String.smallStringBytes`: made
    /// with an allocation of its own) that has the same bytes as the value above it in its column is that string
    /// again, shared: an export sorted by time repeats the minute (`2023-11-01 08:00`, 16 bytes) on nine rows in
    /// ten of the benchmark's messages, and each copy was an allocation, a copy and a free.
    @exclusivity(unchecked) private var previousValues: [String] = []
    @exclusivity(unchecked) private var fieldRanges: [Range<Int>] = []

    /// A blank line: one empty field.
    private func isBlank(_ row: Row) -> Bool { row.problem == nil && fieldRanges.count == 1 && fieldRanges[0].isEmpty }

    private func parseRow() -> Row? {
        guard source.peek() != nil else { return nil }
        let startLine = line
        rowBuffer.removeAll(keepingCapacity: true)
        fieldRanges.removeAll(keepingCapacity: true)
        plainLineIsValidUTF8 = nil
        // Most rows: a whole line buffered, holding no quote and no carriage return but one before its
        // line feed, shorter than the limits. Its bytes are taken at once and split at the delimiters
        // (byte by byte, through the cases below, this was most of reading a file).
        let plain = source.takeLine(limit: maxFieldBytes) { line in
            var count = line.count
            if count > 0, line[count - 1] == Self.carriageReturn { count -= 1 }
            guard count > 0, let base = line.baseAddress else {
                fieldRanges.append(0..<0) // a blank line: one empty field
                return true
            }
            // (A delimiter past ASCII, which the sniffer never picks and only an odd caller could pass, is left to
            // the byte-wise reading below, which reads every row the same way, only slower.)
            guard delimiter < 0x80, let valid = Self.splitPlainLine(base, count: count, delimiter: delimiter, into: &fieldRanges)
            else {
                fieldRanges.removeAll(keepingCapacity: true)
                return false
            }
            plainLineIsValidUTF8 = valid
            guard fieldRanges.count <= maxFields else {
                fieldRanges.removeAll(keepingCapacity: true)
                return false
            }
            rowBuffer.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
            return true
        }
        if plain {
            line += 1
            return finish(Row(line: startLine), tooLarge: false, tooManyFields: false)
        }
        // The field being read is `rowBuffer[fieldStart...]`.
        var fieldStart = 0
        var rowBytes = 0
        var tooLarge = false, tooManyFields = false

        // The quoted field being read: where it opened, how many line breaks
        // it holds, and its raw bytes from the line after its first line
        // break, kept (up to the field limit) in case it has to be re-read.
        var inQuotes = false
        var quoteLine = startLine
        var quotedLines = 0
        var replay: [UInt8] = []
        var replayLine = 0

        @inline(__always) func append(_ byte: UInt8) {
            if rowBytes < maxFieldBytes, rowBuffer.count - fieldStart < maxFieldBytes { rowBuffer.append(byte) } else { tooLarge = true }
            rowBytes += 1
        }

        func resynchronise(_ why: String) -> Row {
            source.pushBack(replay)
            line = replayLine
            fieldRanges.removeAll()
            return Row(
                line: startLine,
                problem: "quoted field opened on line \(quoteLine) \(why) (an unterminated quote?); reading resumes on line \(replayLine)")
        }

        while true {
            // The plain bytes of a field at once (those the cases below would append one by one). In a
            // quoted field spanning lines they are also kept for a re-read, as each byte below is: byte
            // by byte, the later lines of a quoted e-mail body cost ~130 instructions a byte, 1.2 % of a scan.
            let room = maxFieldBytes - max(rowBytes, rowBuffer.count - fieldStart)
            if room > 0 {
                let keeping = inQuotes && quotedLines > 0
                // Kept for a re-read: at most one byte past the replay's limit, which then re-reads from the
                // replay's start as a byte at a time would (every byte taken since is in `replay`, pushed back whole).
                let taken = source.takeRun(
                    into: &rowBuffer, stoppingAt: inQuotes ? Self.quote : delimiter, Self.lineFeed, Self.carriageReturn, Self.quote,
                    limit: keeping ? min(room, maxFieldBytes + 1 - replay.count) : room)
                rowBytes += taken
                // (Checked only when the run took bytes: a doubled quote below adds its second quote unchecked,
                // so the replay may already be one past its limit here, and then the next byte, or the end of
                // the file, decides, as it did a byte at a time.)
                if keeping, taken > 0 {
                    replay.append(contentsOf: rowBuffer[(rowBuffer.count - taken)...])
                    if replay.count > maxFieldBytes { return resynchronise("runs over \(byteSize(maxFieldBytes)) without closing") }
                }
            }
            guard let byte = source.next() else { break }
            if inQuotes {
                if quotedLines > 0 {
                    replay.append(byte)
                    if replay.count > maxFieldBytes { return resynchronise("runs over \(byteSize(maxFieldBytes)) without closing") }
                }
                switch byte {
                case Self.quote:
                    if source.peek() == Self.quote {
                        _ = source.next()
                        if quotedLines > 0 { replay.append(Self.quote) }
                        append(Self.quote)
                    } else {
                        if quotedLines > 0, let after = source.peek(), after != delimiter, after != Self.lineFeed,
                            after != Self.carriageReturn
                        {
                            return resynchronise("is followed by text after its closing quote on line \(line)")
                        }
                        inQuotes = false
                        replay = []
                    }
                case Self.lineFeed, Self.carriageReturn:
                    if byte == Self.carriageReturn, source.peek() == Self.lineFeed {
                        append(byte)
                        continue
                    }
                    line += 1
                    append(byte)
                    if quotedLines == 0 { replayLine = line }
                    quotedLines += 1
                    if quotedLines > maxQuotedLines { return resynchronise("runs over \(maxQuotedLines) lines without closing") }
                default:
                    append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                if fieldRanges.count < maxFields {
                    fieldRanges.append(fieldStart..<rowBuffer.count)
                } else {
                    tooManyFields = true
                    rowBuffer.removeLast(rowBuffer.count - fieldStart)
                }
                fieldStart = rowBuffer.count
            case Self.lineFeed, Self.carriageReturn:
                if byte == Self.carriageReturn, source.peek() == Self.lineFeed { _ = source.next() }
                line += 1
                fieldRanges.append(fieldStart..<rowBuffer.count)
                return finish(Row(line: startLine), tooLarge: tooLarge, tooManyFields: tooManyFields)
            case Self.quote where rowBuffer.count == fieldStart:
                inQuotes = true
                quoteLine = line
                quotedLines = 0
            case Self.quote where fieldRanges.isEmpty && isBOM(rowBuffer[fieldStart...]):
                // A byte-order mark mid-file (files joined together) before a quoted first field.
                rowBuffer.removeLast(rowBuffer.count - fieldStart)
                inQuotes = true
                quoteLine = line
                quotedLines = 0
            default:
                // A quote inside an unquoted field is kept as text, as Excel does.
                append(byte)
            }
        }
        if inQuotes {
            if quotedLines > 0, !replay.isEmpty { return resynchronise("is not closed before the end of the file") }
            fieldRanges.removeAll()
            return Row(
                line: startLine, problem: "unterminated quoted field (opened on line \(quoteLine)) runs to the end of the file")
        }
        fieldRanges.append(fieldStart..<rowBuffer.count)
        return finish(Row(line: startLine), tooLarge: tooLarge, tooManyFields: tooManyFields)
    }

    private func isBOM(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.elementsEqual(Self.utf8BOM) || (encoding == .gb18030 && bytes.elementsEqual(Self.gb18030BOM))
    }

    private func finish(_ row: Row, tooLarge: Bool, tooManyFields: Bool) -> Row {
        if tooLarge || tooManyFields { fieldRanges.removeAll() }
        if tooLarge { return Row(line: row.line, problem: "the row is larger than \(byteSize(maxFieldBytes))") }
        if tooManyFields { return Row(line: row.line, problem: "the row has more than \(maxFields) fields") }
        // A byte-order mark at the start of a line mid-file is an artefact of joining files, not text.
        // (Both marks start with a byte no ASCII field does: tested first, as a generic `starts(with:)` on
        // the row's slice per row was ~180 instructions, a thirtieth of reading a message.)
        if let first = fieldRanges.first, first.count >= 3, rowBuffer[first.lowerBound] >= 0x80 {
            let bytes = rowBuffer[first]
            if bytes.starts(with: Self.utf8BOM) {
                fieldRanges[0] = first.lowerBound + 3..<first.upperBound
            } else if encoding == .gb18030, bytes.starts(with: Self.gb18030BOM) {
                fieldRanges[0] = first.lowerBound + 4..<first.upperBound
            }
        }
        return row
    }
}

/// A limit in words: "32 MiB", or bytes below one MiB.
func byteSize(_ count: Int) -> String {
    count >= 1 << 20 && count % (1 << 20) == 0 ? "\(count >> 20) MiB" : "\(count) bytes"
}

extension InputFormat {
    /// CSV and TSV (`delimiter` from crmlint.yml, else sniffed).
    public static let csv = InputFormat(name: "csv", extensions: [".csv", ".tsv"]) { source, encoding, delimiter in
        CSVReader(source: source, encoding: encoding, delimiter: delimiter)
    }
}
