import Foundation
import Glibc
import NoaberClient

/// Where `noaber export` (and `checkpoint`, `proof`) writes: standard output as it goes, or
/// `--out FILE` by way of `FILE.tmp`, which is synced and renamed over FILE only once complete.
/// FILE is therefore either the previous file or the whole new one, never half of one, even after
/// a crash.
final class ExportOutput {
    /// How the closing summary names the destination.
    let name: String
    private let fd: Int32
    private let path: String?
    private var temporaryPath: String? { path.map { $0 + ".tmp" } }
    var isStandardOutput: Bool { path == nil }
    private var closed = false

    private init(name: String, fd: Int32, path: String?) {
        self.name = name
        self.fd = fd
        self.path = path
    }

    static func standardOutput() -> ExportOutput {
        ExportOutput(name: "standard output", fd: STDOUT_FILENO, path: nil)
    }

    static func file(_ path: String) throws -> ExportOutput {
        let temporary = path + ".tmp"
        // O_NOFOLLOW: a symlink planted at FILE.tmp must not redirect the export elsewhere.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw ClientFailure("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        // The umask may have narrowed the mode; an export is meant to be read by others.
        guard fchmod(fd, 0o644) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw ClientFailure("cannot set the mode of \(temporary): \(String(cString: strerror(code)))")
        }
        return ExportOutput(name: path, fd: fd, path: path)
    }

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        let failure = bytes.withUnsafeMutableBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if failure != 0 {
            throw ClientFailure("cannot write to \(temporaryPath ?? name): \(String(cString: strerror(failure)))")
        }
    }

    /// Makes the export durable and puts it in place: fsync, rename, then fsync the folder so the rename survives too.
    func commit() throws {
        guard let path, let temporary = temporaryPath else { return }
        func fail(_ what: String, _ code: Int32) -> ClientFailure {
            ClientFailure("cannot \(what): \(String(cString: strerror(code)))")
        }
        if fsync(fd) != 0 { throw fail("sync \(temporary)", errno) }
        closed = true
        if close(fd) != 0 { throw fail("close \(temporary)", errno) }
        if rename(temporary, path) != 0 { throw fail("rename \(temporary) to \(path)", errno) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            defer { close(dir) }
            if fsync(dir) != 0 { throw fail("sync the folder of \(path)", errno) }
        }
    }

    /// Writes `text` as the whole of FILE, or leaves FILE as it was.
    static func writeWhole(_ text: String, to path: String) throws {
        let output = try file(path)
        do {
            try output.write(text)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// Removes the unfinished temporary file; FILE is left as it was.
    func discard() {
        guard let temporary = temporaryPath, !closed else { return }
        closed = true
        close(fd)
        unlink(temporary)
    }
}
