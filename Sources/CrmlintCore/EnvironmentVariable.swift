#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One environment variable, read with `getenv`. `ProcessInfo.processInfo.environment`
/// builds a dictionary of every variable on each call (about 400,000 instructions in
/// the shipped binary; a one-file scan asked it seven times for seven names: 2 % of it).
public enum EnvironmentVariable {
    public static func value(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }
}
