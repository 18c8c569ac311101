import CrmlintCore
import CrmlintReporters
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A report being written, piece by piece, with `AtomicOutput`'s promises:
/// a regular file is written to a temporary file beside it and renamed over
/// it only by `commit` (after fsync, keeping the old file's permissions), so
/// nobody ever reads half a report and a failed run leaves the old one; a
/// device or pipe is written directly; standard output ends quietly when its
/// reader closed the pipe. Writes are buffered; the first failure is kept
/// and reported by `commit`.
public final class ReportFile: ReportSink {
    private enum Target {
        /// Standard output or an open descriptor of this process (/dev/stdout, /dev/fd/N): never closed here.
        case inherited(Int32)
        /// A device, FIFO or other non-regular file, opened for writing.
        case direct(Int32)
        /// A regular file (or none yet): the temporary file and where it goes.
        case atomic(descriptor: Int32, temporary: String, target: String, slot: Int)
    }

    /// How the path was given, for messages.
    public let path: String
    private let target: Target
    private var buffer: [UInt8] = []
    private var failure: String?
    /// The reader of a pipe went away: the rest is dropped, and that is no error.
    private var closedPipe = false
    private var finished = false
    /// Each write goes out at once to a pipe, terminal or device (JSON Lines as findings are found); a regular
    /// file is buffered all the same, since nobody reads it before `commit` puts it in place.
    private let streaming: Bool
    static let bufferSize = 1 << 16

    /// Opens the report's destination; nil or `-` is standard output. `streaming`: see the property.
    public init(path: String?, streaming: Bool = false) throws {
        self.streaming = streaming
        AtomicOutput.reserveStandardDescriptors()
        // Without this the first write to a closed pipe kills the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        buffer.reserveCapacity(Self.bufferSize)
        guard let path, path != "-" else {
            self.path = "standard output"
            target = .inherited(STDOUT_FILENO)
            return
        }
        self.path = path
        // /dev/stdout, /dev/fd/N, /proc/self/fd/N name an open file of this process: write to it, never replace it.
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") {
            target = try Self.openDirectly(path, shownAs: path)
            return
        }
        var resolved = path
        var existing = stat()
        if lstat(path, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) {
            // Replace the file a link points to, not the link.
            resolved = String(cString: real)
            free(real)
        }
        let exists = stat(resolved, &existing) == 0
        if exists, (existing.st_mode & S_IFMT) == S_IFDIR { throw CrmlintError.output(path: path, reason: "it is a folder") }
        if exists, (existing.st_mode & S_IFMT) != S_IFREG {
            target = try Self.openDirectly(resolved, shownAs: path)
            return
        }
        let folder = (resolved as NSString).deletingLastPathComponent
        let name = (resolved as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).crmlint-\(getpid())-\(TemporaryFiles.nextNumber()).tmp"
        // Registered before it exists: a signal between creating and registering would leave it behind.
        let slot = TemporaryFiles.register(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            TemporaryFiles.unregister(slot)
            throw CrmlintError.output(path: path, reason: String(cString: strerror(errno)))
        }
        // A replaced report keeps the permissions it had.
        if exists { fchmod(descriptor, existing.st_mode & 0o7777) }
        target = .atomic(descriptor: descriptor, temporary: temporary, target: resolved, slot: slot)
    }

    deinit { discard() }

    private static func openDirectly(_ target: String, shownAs path: String) throws -> Target {
        if let open = AtomicOutput.openDescriptor(named: target) {
            // The descriptor as the shell set it up: `>> log` keeps appending, `> file` keeps its offset.
            return .inherited(open)
        }
        var info = stat()
        let truncate = stat(target, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? O_TRUNC : 0
        let descriptor = open(target, O_WRONLY | truncate | O_CLOEXEC)
        guard descriptor >= 0 else { throw CrmlintError.output(path: path, reason: String(cString: strerror(errno))) }
        return .direct(descriptor)
    }

    private var descriptor: Int32 {
        switch target {
        case let .inherited(descriptor), let .direct(descriptor): descriptor
        case let .atomic(descriptor, _, _, _): descriptor
        }
    }

    public func write(_ text: String) {
        var copy = text
        copy.withUTF8 { write(utf8: $0) }
    }

    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, !closedPipe, !finished else { return }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize || (streaming && !isAtomic) { drain() }
    }

    private var isAtomic: Bool {
        if case .atomic = target { return true }
        return false
    }

    private func drain() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil, !closedPipe else { return }
        switch AtomicOutput.writeAll(buffer, to: descriptor, quietOnClosedPipe: !isAtomic) {
        case .none: break
        case .some(AtomicOutput.closedPipe): closedPipe = true
        case let .some(reason): failure = reason
        }
    }

    /// Finishes the report: the rest written, a regular file flushed to disk and put in place.
    public func commit() throws {
        guard !finished else { return }
        drain()
        finished = true
        switch target {
        case .inherited:
            if let failure { throw CrmlintError.output(path: path, reason: failure) }
        case let .direct(descriptor):
            close(descriptor)
            if let failure { throw CrmlintError.output(path: path, reason: failure) }
        case let .atomic(descriptor, temporary, resolved, slot):
            defer { TemporaryFiles.unregister(slot) }
            func fail(_ reason: String) -> CrmlintError {
                unlink(temporary)
                return CrmlintError.output(path: path, reason: reason)
            }
            if let failure {
                close(descriptor)
                throw fail(failure)
            }
            // Data on disk before the rename: after a crash the target is the old report or the new one, never an empty file.
            if fsync(descriptor) != 0, errno != EINVAL {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw fail(reason)
            }
            if close(descriptor) != 0 { throw fail(String(cString: strerror(errno))) }
            if rename(temporary, resolved) != 0 { throw fail(String(cString: strerror(errno))) }
            let folder = (resolved as NSString).deletingLastPathComponent
            let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                fsync(directory)
                close(directory)
            }
        }
    }

    /// Drops a report that will not be finished: the temporary file goes, the old report stays.
    public func discard() {
        guard !finished else { return }
        finished = true
        switch target {
        case .inherited: break
        case let .direct(descriptor): close(descriptor)
        case let .atomic(descriptor, temporary, _, slot):
            close(descriptor)
            unlink(temporary)
            TemporaryFiles.unregister(slot)
        }
    }
}
