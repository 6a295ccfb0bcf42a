import Glibc
package import NoaberCore
package import NoaberCrypto

/// A finished copy of the ledger: what it holds and how to check that it arrived whole.
package struct BackupCopy: Sendable, Equatable {
    package var path: String
    package var bytes: Int64
    package var sha256: SHA256Digest
    /// The entries the copy holds, and the hash of the last.
    package var entries: Int64
    package var headHash: SHA256Digest
}

extension Database {
    /// Copies the ledger to `path`, a file that must not exist yet, and marks the copy as a backup
    /// (`restore_guard`, docs/FORMAT.md §6).
    ///
    /// `VACUUM INTO` reads one snapshot on a read-only connection of its own, so the copy is
    /// consistent and the writer never waits for it: in WAL mode a reader and the writer do not
    /// block each other, however long the copy takes. (SQLite's backup API, which `sqlite3
    /// .backup` uses, starts over whenever the source changes, and so may never finish while
    /// clients write.) The copy is compacted, so it holds no free pages with erased texts.
    ///
    /// The file is created with mode 0600 before SQLite writes a byte into it, whatever the umask.
    package func copy(
        to path: String, takenAt: Timestamp, logKeyID: KeyID
    ) throws(StoreError) -> BackupCopy {
        try Self.createPrivateFile(path)
        do {
            let source = try Connection(path: self.path, readOnly: true)
            try source.statement("VACUUM INTO ?").run([.text(path)])
            let copy = try Connection(path: path)
            // No journal file beside the copy: it would hold its pages under the umask's mode.
            try copy.execute("PRAGMA journal_mode = MEMORY")
            let summary = try copy.summary()
            try copy.transaction { () throws(StoreError) in
                try copy.writeRestoreGuard(
                    RestoreGuard(takenAt: takenAt, treeSize: UInt64(summary.entries), logKeyID: logKeyID))
            }
            let (bytes, digest) = try Self.digest(path)
            return BackupCopy(
                path: path, bytes: bytes, sha256: digest, entries: summary.entries, headHash: summary.headHash)
        } catch {
            unlink(path)
            throw error
        }
    }

    private static func createPrivateFile(_ path: String) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        // The umask can only narrow the mode; this states it.
        guard fchmod(fd, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw .file(path: path, reason: reason)
        }
    }

    /// The file's size and SHA-256, read in 1 MiB blocks.
    package static func digest(_ path: String) throws(StoreError) -> (Int64, SHA256Digest) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .file(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            total += Int64(count)
        }
        return (total, hasher.finalize())
    }
}
