import Foundation

/// Writes a report to a file atomically (temporary file, then rename), so a
/// failed run never leaves half a report where the last good one was; or to
/// standard output. See `AtomicOutput`.
public enum OutputWriter {
    public static func write(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            try AtomicOutput.writeStandardOutput(text)
            return
        }
        try AtomicOutput.write(text, to: path)
    }
}
