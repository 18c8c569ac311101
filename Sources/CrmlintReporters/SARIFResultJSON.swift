import CrmlintCore

/// A SARIF result as `SARIFReporter`'s JSONEncoder writes it (sorted keys, pretty, slashes unescaped), written
/// directly at its depth in the log. Encoding each result through JSONEncoder and then indenting its lines
/// (splitting the text into lines by character) was ~200 µs a result: a scan with 163,000 findings took 4 s
/// with the findings JSON alone and 36 s with SARIF beside it (perf: the encoder 42 %, the indenting 36 %).
/// `SARIFResultJSONTests` checks the bytes against the encoder's on random findings.
///
/// Members are written in the encoder's order: the keys are this writer's own names, ASCII letters (and a
/// slash), for which the encoder's sorting (case-insensitive) and byte order agree.
enum SARIFResultJSON {
    /// `result`, its lines after the first indented by `indent`.
    static func write(_ result: SARIFReporter.Result, into out: inout [UInt8], indent: [UInt8]) {
        var object = FindingJSON.ObjectWriter(into: &out, indent: indent)
        let inner = object.inner ?? []
        object.add("baselineState", result.baselineState, into: &out)
        object.add("level", result.level, into: &out)
        object.key("locations", into: &out)
        locations(result.locations, into: &out, indent: inner)
        object.key("message", into: &out)
        message(result.message, into: &out, indent: inner)
        object.key("partialFingerprints", into: &out)
        var fingerprints = FindingJSON.ObjectWriter(into: &out, indent: inner)
        for key in result.partialFingerprints.keys.sorted() {
            fingerprints.dynamicKey(key, into: &out)
            FindingJSON.string(result.partialFingerprints[key]!, into: &out)
        }
        fingerprints.end(into: &out)
        object.key("properties", into: &out)
        properties(result.properties, into: &out, indent: inner)
        if let related = result.relatedLocations {
            object.key("relatedLocations", into: &out)
            locations(related, into: &out, indent: inner)
        }
        object.add("ruleId", result.ruleId, into: &out)
        object.add("ruleIndex", result.ruleIndex, into: &out)
        object.end(into: &out)
    }

    /// A list of locations, its opening bracket where the cursor is and its closing one at `indent`.
    private static func locations(_ locations: [SARIFReporter.Location], into out: inout [UInt8], indent: [UInt8]) {
        FindingJSON.list(locations.count, into: &out, indent: indent) { index, inner, out in
            let location = locations[index]
            var object = FindingJSON.ObjectWriter(into: &out, indent: inner)
            let deeper = object.inner ?? []
            object.add("id", location.id, into: &out)
            if let message = location.message {
                object.key("message", into: &out)
                self.message(message, into: &out, indent: deeper)
            }
            object.key("physicalLocation", into: &out)
            var physical = FindingJSON.ObjectWriter(into: &out, indent: deeper)
            let deepest = physical.inner ?? []
            physical.key("artifactLocation", into: &out)
            var artifact = FindingJSON.ObjectWriter(into: &out, indent: deepest)
            artifact.add("uri", location.physicalLocation.artifactLocation.uri, into: &out)
            artifact.add("uriBaseId", location.physicalLocation.artifactLocation.uriBaseId, into: &out)
            artifact.end(into: &out)
            if let region = location.physicalLocation.region {
                physical.key("region", into: &out)
                var regionObject = FindingJSON.ObjectWriter(into: &out, indent: deepest)
                regionObject.add("startColumn", region.startColumn, into: &out)
                regionObject.add("startLine", region.startLine, into: &out)
                regionObject.end(into: &out)
            }
            physical.end(into: &out)
            object.end(into: &out)
        }
    }

    private static func message(_ message: SARIFReporter.Message, into out: inout [UInt8], indent: [UInt8]) {
        var object = FindingJSON.ObjectWriter(into: &out, indent: indent)
        object.add("text", message.text, into: &out)
        object.end(into: &out)
    }

    private static func properties(
        _ properties: [String: SARIFReporter.PropertyValue], into out: inout [UInt8], indent: [UInt8]
    ) {
        var object = FindingJSON.ObjectWriter(into: &out, indent: indent)
        let inner = object.inner ?? []
        for key in properties.keys.sorted() {
            object.dynamicKey(key, into: &out)
            switch properties[key]! {
            case let .string(value): FindingJSON.string(value, into: &out)
            case let .int(value): FindingJSON.integer(value, into: &out)
            case let .strings(values):
                FindingJSON.list(values.count, into: &out, indent: inner) { index, _, out in
                    FindingJSON.string(values[index], into: &out)
                }
            }
        }
        object.end(into: &out)
    }
}
