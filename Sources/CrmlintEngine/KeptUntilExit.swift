import Foundation

/// What a one-shot command keeps until the process exits instead of freeing
/// it, as compilers do (clang's `-disable-free`): a scan's rules, checkers and
/// their memos are a graph of thousands of objects, and taking it apart one
/// release at a time was 3.3 M of a one-file pre-commit scan's 118.9 M
/// instructions, spent just before the process gives all its memory back at
/// once. Only the command line asks for it (`ScanOptions.keepsStateUntilExit`);
/// a library caller's scans free as usual.
public enum KeptUntilExit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Holds `value` (and all it refers to) for the rest of the process.
    public static func keep(_ value: Any) {
        lock.lock()
        defer { lock.unlock() }
        kept.append(value)
    }

    /// How many values are held.
    public static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return kept.count
    }
}
