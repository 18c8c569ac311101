import CrmlintCore
import Foundation

/// `crmlint init PATH…`: a commented crmlint.yml for these exports, from
/// what `crmlint inspect` sees with the defaults: the files and their
/// datasets, each header's field, and — commented out, to fill in — the
/// headers crmlint did not map, the channel and direction words it does not
/// know, and files it could not place.
public enum ConfigInit {
    /// `rules` is written as `rulePaths` (as seen from the config's folder, `configFolder`), or `[bundled]`.
    public static func text(paths: [String], rulePaths: [String] = [], configFolder: String = "") throws -> String {
        var options = ScanOptions(paths: paths)
        options.rulePaths = rulePaths
        // Described as the defaults read them: an old crmlint.yml being replaced must not colour it.
        options.readsConfig = false
        // Paths in crmlint.yml are relative to its folder: one written elsewhere gets absolute paths.
        let sameFolder = configFolder.isEmpty || configFolder == "."
        let rules =
            rulePaths.isEmpty
            ? [Config.bundledRules]
            : rulePaths.map { path in
                path == Config.bundledRules || sameFolder || (path as NSString).isAbsolutePath
                    ? path : URL(fileURLWithPath: path).standardizedFileURL.path
            }
        return render(try Inspection.run(options), rules: rules)
    }

    /// Writes the file, refusing to replace one unless `force`; returns what was written.
    @discardableResult
    public static func write(paths: [String], to output: String, force: Bool, rulePaths: [String] = []) throws -> String {
        if !force, FileManager.default.fileExists(atPath: output) {
            throw CrmlintError.usage("\(output) already exists; crmlint init leaves it as it is (--force replaces it)")
        }
        let text = try text(paths: paths, rulePaths: rulePaths, configFolder: (output as NSString).deletingLastPathComponent)
        // What init writes must load: a header with YAML's special characters is quoted, and this proves it.
        _ = try Config.parse(text, file: output)
        try AtomicOutput.write(text, to: output)
        return text
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A comment line never breaks: whatever a header holds stays on one line.
    static func comment(_ text: String) -> String {
        String(
            text.unicodeScalars.map {
                $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : Character($0)
            })
    }

    static func render(_ files: [FileInspection], rules: [String] = [Config.bundledRules]) -> String {
        var out = """
            # crmlint.yml — written by `crmlint init`. Every key is described in
            # docs/configuration.md; `crmlint config` shows the settings in effect and
            # where each comes from. Paths (rules) are relative to this file's folder.

            # Rule sources: `bundled` is the pack shipped with crmlint; add your own
            # folders beside it, e.g. [bundled, team-rules/] (duplicate rule ids are an error).
            rules: [\(rules.map { $0 == Config.bundledRules ? $0 : quoted($0) }.joined(separator: ", "))]

            # Times without an offset are read in this IANA zone.
            timezone: Asia/Shanghai

            # Exit 1 when a finding is at or above: error | warning | info | never.
            fail_on: error


            """
        out += "# How each file was read (crmlint inspect shows the same):\n"
        for file in files {
            let place = comment(file.sheet.map { "\(file.path) (sheet '\($0)')" } ?? file.path)
            guard let dataset = file.dataset else {
                out += "#   \(place): not recognised (see 'inputs' below)\n"
                continue
            }
            out += "#   \(place): \(dataset.rawValue) (\(comment(file.datasetReason))), \(file.records) records\n"
            for column in file.columns {
                out += "#     \(comment(column.header)) → \(column.field ?? "(unknown column, read as text)")\n"
            }
            for absent in file.absentFields {
                out += "#     missing: \(absent.field) (\(absent.records) records), needed by \(absent.rules.joined(separator: ", "))\n"
            }
        }
        out += "\n"

        // Unmapped headers per dataset, with the fields files of that dataset lack: the likely pairs.
        var unmapped: [Dataset: [(header: String, file: String)]] = [:]
        var missing: [Dataset: Set<String>] = [:]
        for file in files {
            guard let dataset = file.dataset else { continue }
            for header in file.unmapped where !(unmapped[dataset] ?? []).contains(where: { $0.header == header }) {
                unmapped[dataset, default: []].append((header, file.path))
            }
            missing[dataset, default: []].formUnion(file.absentFields.map(\.field))
        }
        if unmapped.isEmpty {
            out += "# Every header was mapped to a field. To read another header as a field:\n"
            out += "# columns:\n#   followups:\n#     next_followup_content: [\"后续动作\"]\n"
        } else {
            out += "# Headers crmlint did not map (read as free text). If one holds a known field,\n"
            out += "# uncomment it (and `columns:` and its dataset) and replace FIELD with the field.\n"
            out += "# columns:\n"
            for dataset in unmapped.keys.sorted() {
                out += "#   \(dataset.rawValue):\n"
                let lacking = missing[dataset].map { $0.sorted() } ?? []
                out += "#     # fields: \(dataset.canonicalFields.joined(separator: ", "))\n"
                if !lacking.isEmpty { out += "#     # missing in these files: \(lacking.joined(separator: ", "))\n" }
                for (header, file) in unmapped[dataset]! {
                    out += "#     FIELD: [\(comment(quoted(header)))]   # \(comment(file))\n"
                }
            }
        }
        out += "\n"

        for (key, name, known, values) in [
            ("channels", "CHANNEL", Channel.allCases.map(\.rawValue), files.flatMap(\.channels)),
            ("directions", "DIRECTION", Direction.allCases.map(\.rawValue), files.flatMap(\.directions)),
        ] {
            var unknown: [String: Int] = [:]
            for value in values where value.meaning == nil { unknown[value.value, default: 0] += value.records }
            guard !unknown.isEmpty else { continue }
            out +=
                "# \(key == "channels" ? "Channel" : "Direction") words crmlint does not know: replace \(name) with one of \(known.joined(separator: ", ")).\n"
            out += "# \(key):\n"
            for (word, count) in unknown.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                out += "#   \(name): [\(comment(quoted(word)))]   # \(count) record\(count == 1 ? "" : "s")\n"
            }
            out += "\n"
        }

        let unplaced = files.filter { $0.dataset == nil && $0.sheet == nil }
        if !unplaced.isEmpty {
            out += "# Files crmlint could not place: name the dataset each holds (path is a glob).\n# inputs:\n"
            for file in unplaced {
                out += "#   - path: \(comment(quoted((file.path as NSString).lastPathComponent)))\n"
                out += "#     dataset: DATASET   # \(Dataset.allCases.map(\.rawValue).joined(separator: " | "))\n"
            }
            out += "\n"
        }

        out += """
            # Change a rule without copying it: by rule id, id prefix (conduct.) or
            # category; any key of the rule (severity, fields, datasets, the kind's
            # parameters such as within, max, required), or enabled: false.
            # overrides:
            #   timing.late-log:
            #     within: 48h
            #   sensitive-topic:
            #     severity: info
            #   conduct.slang:
            #     enabled: false

            """ + "\n"
        return out
    }
}
