import ArgumentParser
import Foundation
import Glibc
import NoaberClient
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the whole ledger from the running daemon to a file (admin or auditor key).",
        discussion: """
            The daemon takes a consistent copy while it goes on serving (SQLite's VACUUM INTO on a \
            snapshot, so writers never wait), marks it as a backup, and sends it here in pieces; \
            it is checked against the daemon's SHA-256 and written with mode 0600, since it holds \
            everyone's personal data. A daemon started on a restored backup holds its checkpoints \
            until it is given the last published one (deploy/README.md, "Restore"). The access log \
            is not part of it. Works over --host ssh:// too.
            """)

    @Option(help: "Where to write the copy (mode 0600). An existing file is kept unless --force.")
    var out: String

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        if !force, FileManager.default.fileExists(atPath: out) {
            throw ClientFailure("\(out) exists; choose another name, or --force to replace it")
        }
        let started = ContinuousClock.now
        let file = try BackupFile(path: out)
        let copy: BackupStartResult
        do {
            copy = try await Session.with(connection) { session in
                let copy = try await session.client.call(.backupStart, NoParams(), as: BackupStartResult.self)
                var offset: Int64 = 0
                while offset < copy.bytes {
                    let piece = try await session.client.call(
                        .backupRead, BackupReadParams(backupId: copy.backupId, offset: offset),
                        as: BackupReadResult.self)
                    guard let bytes = Data(base64Encoded: piece.data), !bytes.isEmpty else {
                        throw ClientFailure("the daemon sent a piece of the backup that is not base64")
                    }
                    try file.write(bytes)
                    offset += Int64(bytes.count)
                    if piece.done { break }
                }
                return copy
            }
            try file.finish(expecting: copy, replace: force)
        } catch {
            file.abandon()
            throw error
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        if output.json { return try printJSON(copy) }
        print(
            "backup of \(copy.entries) entries (\(copy.bytes) bytes, sha256 \(copy.sha256)) written to \(out) in \(String(format: "%.2f", seconds)) s"
        )
    }
}

/// The backup as it arrives: `FILE.tmp`, created with mode 0600 (never readable by others, not
/// even while it is written), hashed as it is written, synced, and put in place only when whole
/// and equal to the daemon's digest.
final class BackupFile {
    let path: String
    private var temporary: String { path + ".tmp" }
    private let fd: Int32
    private var closed = false
    private let hasher = SHA256Hasher()
    private var written: Int64 = 0

    init(path: String) throws {
        self.path = path
        // O_EXCL: a FILE.tmp left by another run is not written through; O_NOFOLLOW: nor a symlink.
        let fd = open(path + ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw ClientFailure(
                "cannot create \(path).tmp: \(String(cString: strerror(errno))) (remove it if a failed run left it)")
        }
        self.fd = fd
        guard fchmod(fd, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw ClientFailure("cannot set the mode of \(path).tmp: \(reason)")
        }
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw ClientFailure("cannot write \(temporary): \(String(cString: strerror(errno)))")
                }
                offset += count
            }
            hasher.update(buffer)
        }
        written += Int64(data.count)
    }

    /// Checks size and digest, syncs, and moves the file into place.
    func finish(expecting copy: BackupStartResult, replace: Bool) throws {
        let digest = hasher.finalize().hex
        guard written == copy.bytes, digest == copy.sha256 else {
            throw ClientFailure(
                "the backup arrived damaged: \(written) bytes with sha256 \(digest), but the daemon's copy has \(copy.bytes) bytes with sha256 \(copy.sha256); nothing was kept, try again"
            )
        }
        guard fsync(fd) == 0 else {
            throw ClientFailure("cannot sync \(temporary): \(String(cString: strerror(errno)))")
        }
        closeOnce()
        if replace {
            guard rename(temporary, path) == 0 else {
                throw ClientFailure("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
            }
        } else {
            // link() refuses an existing FILE atomically, where a check and a rename would race.
            guard link(temporary, path) == 0 else {
                throw ClientFailure("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            unlink(temporary)
        }
        // The new name is durable only once its directory is.
        let parent = (path as NSString).deletingLastPathComponent
        let directory = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Removes the partial file after a failure.
    func abandon() {
        closeOnce()
        unlink(temporary)
    }

    private func closeOnce() {
        guard !closed else { return }
        closed = true
        close(fd)
    }
}
