import Foundation
import NoaberCore
import NoaberCrypto
import NoaberTransparency

/// What the log key has signed, kept beside the key rather than in the database: the largest
/// checkpoint's size and root. A database restored from an older backup, or edited and cut short,
/// carries its own (older) checkpoint row, so only a record that travels with the key can tell
/// that signing from this tree would contradict a checkpoint already given out.
///
/// Written after each checkpoint is durable in the database (after its WAL's sync, `WALSync`): the first time to a temporary file,
/// then renamed, so that it never appears empty; from then on in place, over the open file, since
/// the temporary file and the rename cost the single writer more than the commit's SQLite work
/// (Benchmarks/README.md, "The submit path, second round"). The line stays one short write at
/// offset 0, within one disk sector, and never gets shorter while the tree grows (sizes only grow,
/// and the root's base64 is always 44 characters). It is not fsynced: after a crash the database's
/// own checkpoint row, which is, covers the gap; this file guards against restores and edits,
/// which do not lose the page cache.
///
/// Written under `WriterCore.rememberedSize`'s lock (by the writer's queue, or by the WAL's sync
/// once a group's checkpoint is durable), and read at start-up, before either runs; hence unchecked.
final class SignedHeadFile: @unchecked Sendable {
    let path: String
    /// The file as last written by this daemon, open for writing in place; -1 before the first.
    private var descriptor: Int32 = -1
    /// The length of the line last written, so that a shorter one is not followed by a stale tail.
    private var written = 0

    init(logKeyPath: String) { path = logKeyPath + ".signed" }

    deinit { if descriptor >= 0 { close(descriptor) } }

    struct Head: Equatable {
        var size: UInt64
        var root: SHA256Digest
    }

    func read() throws -> Head? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 2, let size = UInt64(parts[0]), let root = SHA256Digest(base64: parts[1]) else {
            throw DaemonError.logKey(path: path, reason: "is not `SIZE BASE64ROOT`")
        }
        return Head(size: size, root: root)
    }

    func write(_ head: Head) throws {
        let line = Array("\(head.size) \(head.root.base64)\n".utf8)
        if descriptor >= 0, isStillThePath() {
            guard pwrite(descriptor, line, line.count, 0) == line.count,
                line.count >= written || ftruncate(descriptor, off_t(line.count)) == 0
            else { throw failure() }
            written = line.count
            return
        }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        let temporary = path + ".tmp"
        try Data(line).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw failure() }
        // Should the open fail, the next checkpoint writes a new file again.
        descriptor = open(path, O_WRONLY | O_CLOEXEC)
        written = line.count
    }

    /// False once the open file is no longer the one at `path` (removed or replaced by hand while
    /// the daemon ran): the next line then goes into a new file there.
    private func isStillThePath() -> Bool {
        var held = stat()
        var named = stat()
        return fstat(descriptor, &held) == 0 && stat(path, &named) == 0 && held.st_ino == named.st_ino
            && held.st_dev == named.st_dev
    }

    private func failure() -> DaemonError {
        .logKey(path: path, reason: String(cString: strerror(errno)))
    }
}
