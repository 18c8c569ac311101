import CrmlintCore
import CrmlintReaders
import Foundation

/// Maps a file's headers to canonical field names: `columns` from
/// crmlint.yml first, then the built-in header vocabulary (DatasetSchema),
/// each field to one header. Records of a file share their headers, so the
/// mapping is made once per set of headers.
final class FieldMapper {
    let dataset: Dataset
    /// Config aliases by match key → field.
    private let configured: [String: String]

    /// A class: each record takes its file's mapping (`last`), and a copy of a struct of six references
    /// retained and released each of them, per record.
    private final class Mapping {
        let keys: [String]
        /// Header → field name (a known field, or the header as shown when unknown).
        let names: [String: String]
        /// Header → suffix for its bare numbers (`年采购额(万元)` → `万`).
        let units: [String: String]
        /// `names` and `units` by column, in the order of `keys`: a record is mapped
        /// by position, without hashing each header per record. `place` is the
        /// field's place in `shape`; nil for a later column of a field already taken.
        let columns: [(place: Int?, unit: String?)]
        /// The records' field names, each once, in column order.
        let shape: FieldShape
        /// Whether every column is its own field, in order, with no unit: a record's values are then its row's as they are.
        let inOrder: Bool

        init(
            keys: [String], names: [String: String], units: [String: String], columns: [(place: Int?, unit: String?)], shape: FieldShape,
            inOrder: Bool
        ) {
            self.keys = keys
            self.names = names
            self.units = units
            self.columns = columns
            self.shape = shape
            self.inOrder = inOrder
        }
    }
    private var last: Mapping?
    private var mappings: [[String]: Mapping] = [:]

    init(dataset: Dataset, config: Config) {
        self.dataset = dataset
        var configured: [String: String] = [:]
        for (field, aliases) in config.columns[dataset] ?? [:] {
            for alias in aliases { configured[DatasetSchema.matchKey(alias).key] = field }
        }
        self.configured = configured
    }

    /// Header → field for one set of headers.
    func names(for keys: [String]) -> [String: String] { mapping(for: keys).names }

    /// A record's fields: the shape its file's records share, and its values by place in it.
    func map(_ raw: RawRecord) -> (shape: FieldShape, values: [String]) {
        // The records of a file share their headers (one array, so comparing them is comparing its identity).
        let mapping: Mapping
        if let last, last.keys == raw.keys {
            mapping = last
        } else {
            mapping = self.mapping(for: raw.keys)
        }
        // Most files: the row's values are the record's (copying them was a retain and a release per field).
        if mapping.inOrder { return (mapping.shape, raw.values) }
        var values = [String](repeating: "", count: mapping.shape.names.count)
        for (index, value) in raw.values.enumerated() {
            // A later column of the same field (two headers for one field) does not overwrite the first.
            let (place, unit) = mapping.columns[index]
            guard let place else { continue }
            if let unit, Self.isBareNumber(value) {
                values[place] = value.trimmingCharacters(in: .whitespaces) + unit
            } else {
                values[place] = value
            }
        }
        return (mapping.shape, values)
    }

    private func mapping(for keys: [String]) -> Mapping {
        if let last, last.keys == keys { return last }
        if let known = mappings[keys] {
            last = known
            return known
        }
        var names: [String: String] = [:]
        var taken: Set<String> = []
        for key in keys {
            if let field = configured[DatasetSchema.matchKey(key).key], !taken.contains(field) {
                names[key] = field
                taken.insert(field)
            }
        }
        let rest = keys.filter { names[$0] == nil }
        for (key, field) in DatasetSchema.mapping(headers: rest, in: dataset) where !taken.contains(field) {
            names[key] = field
            taken.insert(field)
        }
        var units: [String: String] = [:]
        for key in keys {
            if names[key] == nil { names[key] = DatasetSchema.normalizedHeader(key) }
            if let unit = DatasetSchema.unitSuffix(of: key) { units[key] = unit }
        }
        var shapeNames: [String] = []
        var places: [String: Int] = [:]
        let columns = keys.map { key -> (place: Int?, unit: String?) in
            let name = names[key] ?? key
            guard places[name] == nil else { return (nil, nil) }
            places[name] = shapeNames.count
            shapeNames.append(name)
            return (shapeNames.count - 1, units[key])
        }
        let inOrder = shapeNames.count == keys.count && columns.indices.allSatisfy { columns[$0].place == $0 && columns[$0].unit == nil }
        let made = Mapping(
            keys: keys, names: names, units: units, columns: columns, shape: FieldShape(names: shapeNames), inOrder: inOrder)
        if mappings.count < 64 { mappings[keys] = made }
        last = made
        return made
    }

    static func isBareNumber(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard let first = text.unicodeScalars.first, ("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "." || $0 == "," }
    }

    static func detect(keys: [String], config: Config) -> Dataset? {
        if let dataset = DatasetSchema.detect(headers: keys) { return dataset }
        // Config aliases can make an otherwise unknown header recognisable.
        for dataset in Dataset.allCases {
            let names = FieldMapper(dataset: dataset, config: config).names(for: keys)
            let score = Set(keys.compactMap { names[$0] }).intersection(dataset.distinctiveFields).count
            if score >= 2 { return dataset }
        }
        return nil
    }
}
