import CrmlintCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes reports so that nobody ever reads half of one. A regular file is
/// written to a temporary file beside it, flushed to disk and renamed over
/// the target, so yesterday's report stays whole until today's is complete;
/// a full disk or an unwritable folder is a one-line error and the old file
/// is untouched. A device or pipe (`/dev/stdout`, `/dev/null`, a FIFO) is
/// written directly: it cannot be replaced, and renaming over it would
/// replace the device node. Standard output treats a closed pipe
/// (`crmlint scan … | head`) as the reader having had enough: no error.
public enum AtomicOutput {
    public static func write(_ text: String, to path: String) throws {
        let file = try ReportFile(path: path)
        file.write(text)
        try file.commit()
    }

    /// Writes to standard output; a reader that closed the pipe early ends
    /// the output quietly, any other failure (a full disk) is an error.
    public static func writeStandardOutput(_ text: String) throws {
        let file = try ReportFile(path: nil)
        file.write(text)
        try file.commit()
    }

    /// Opens /dev/null on any of descriptors 0, 1 and 2 that a parent left
    /// closed (`2>&-`): otherwise the next file opened would take that number,
    /// and messages meant for standard error would land in a report.
    public static func reserveStandardDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            _ = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
        }
    }

    /// Writes messages to standard error. When that fails too (closed by
    /// `2>&-`, or a full disk) there is nowhere left to say so: the exit
    /// status still tells. FileHandle.standardError would trap instead.
    public static func writeStandardError(_ text: String) {
        signal(SIGPIPE, SIG_IGN)
        _ = writeAll(Array(text.utf8), to: STDERR_FILENO, quietOnClosedPipe: true)
    }

    /// The descriptor a path such as /dev/stdout or /proc/self/fd/3 names.
    static func openDescriptor(named path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let number = Int32(path.dropFirst(prefix.count)), fcntl(number, F_GETFD) >= 0 { return number }
            }
            return nil
        }
    }

    /// What `writeAll` returns when the reader of a pipe went away and that is no failure.
    static let closedPipe = "closed pipe"

    /// Writes every byte, retrying short writes and interruptions; the reason on failure (`closedPipe` when
    /// quiet about one: the caller stops writing).
    static func writeAll(_ bytes: [UInt8], to fd: Int32, quietOnClosedPipe: Bool = false) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EPIPE, quietOnClosedPipe {
                return closedPipe
            } else {
                return written < 0 ? String(cString: strerror(errno)) : "nothing was written"
            }
        }
        return nil
    }
}

/// Temporary files that must not outlive an interrupted run. A handler for
/// SIGINT, SIGTERM and SIGHUP removes them and then lets the signal end the
/// process as it would have (exit status 128 + signal). The paths live in
/// fixed C buffers, since a signal handler may not allocate or take locks.
public enum TemporaryFiles {
    static let slots = 16
    static let pathCapacity = Int(PATH_MAX) + 1
    // nonisolated(unsafe): only the thread writing a report, and a signal handler on it, touch these.
    nonisolated(unsafe) static let paths = UnsafeMutablePointer<CChar>.allocate(capacity: slots * pathCapacity)
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var counter = 0
    static let lock = NSLock()

    static func nextNumber() -> Int {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        return counter
    }

    /// Remembers a temporary file until `unregister`; returns its slot (-1 when all are taken).
    @discardableResult
    public static func register(_ path: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if !installed {
            paths.initialize(repeating: 0, count: slots * pathCapacity)
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                // A signal the parent chose to ignore (nohup) stays ignored.
                let previous = Glibc.signal(signal, interrupted)
                if let previous, unsafeBitCast(previous, to: Int.self) == 1 { Glibc.signal(signal, previous) }
            }
            installed = true
        }
        let bytes = Array(path.utf8)
        guard bytes.count < pathCapacity else { return -1 }
        for slot in 0..<slots where paths[slot * pathCapacity] == 0 {
            let start = paths + slot * pathCapacity
            start[bytes.count] = 0
            // Back to front: the first byte, which marks the slot as taken, is written last,
            // so the handler never sees a half-copied path.
            for (index, byte) in bytes.enumerated().reversed() { start[index] = CChar(bitPattern: byte) }
            return slot
        }
        return -1
    }

    public static func unregister(_ slot: Int) {
        guard slot >= 0, slot < slots else { return }
        lock.lock()
        defer { lock.unlock() }
        paths[slot * pathCapacity] = 0
    }
}

/// Removes registered temporary files, then dies of the signal as if no handler had been installed.
private func interrupted(_ signal: Int32) {
    for slot in 0..<TemporaryFiles.slots {
        let path = TemporaryFiles.paths + slot * TemporaryFiles.pathCapacity
        if path.pointee != 0 { unlink(path) }
    }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}
