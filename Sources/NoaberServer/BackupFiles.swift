import Foundation
import Glibc
import NIOPosix
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The copies `backup.start` made in the data directory, kept until the key that asked for one
/// has read it to the end (then removed), or for `idleLimit` after its last read. The copies are
/// the daemon's files (mode 0600, in its private directory); a client gets the bytes over the
/// protocol and writes its own file, so a remote admin or auditor can take one too.
final class BackupFiles: Sendable {
    struct Copy: Sendable {
        var copy: BackupCopy
        var takenAt: Timestamp
        /// Only this key reads the copy.
        var owner: KeyID
        var lastUsed: ContinuousClock.Instant
    }

    /// Copies kept at once: each is as large as the ledger, so a few bound the disk they take.
    static let maxCopies = 2
    static let idleLimit: Duration = .seconds(600)
    static let filePrefix = "backup-"
    static let fileSuffix = ".sqlite.tmp"

    let directory: String
    /// Copies are made and read on a thread of their own: a copy takes seconds for a large
    /// ledger, which neither an event loop nor one of the read pool's few threads should wait.
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let copies = Mutex<[String: Copy]>([:])
    /// Copies being made, counted against `maxCopies` before their file exists.
    private let making = Atomic<Int>(0)

    /// Removes the copies a previous run left behind (it stopped before they were read).
    init(directory: String) {
        self.directory = directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(Self.filePrefix) && name.hasSuffix(Self.fileSuffix) {
            unlink(directory + "/" + name)
        }
        thread.start()
    }

    deinit { thread.shutdownGracefully { _ in } }

    /// Runs blocking file work on the copies' thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await thread.runIfActive(body)
    }

    /// Makes a copy of `database` for `owner`. Blocking: called through `run`.
    func make(
        _ database: Database, owner: KeyID, logKeyID: KeyID, at time: Timestamp
    ) throws -> (id: String, copy: BackupCopy) {
        expireIdle()
        let open = copies.withLock { $0.count }
        guard making.add(1, ordering: .relaxed).newValue + open <= Self.maxCopies else {
            making.subtract(1, ordering: .relaxed)
            throw RPCError.backupBusy(limit: Self.maxCopies)
        }
        defer { making.subtract(1, ordering: .relaxed) }
        let id = Hex.encode(try SecureRandom.bytes(16))
        let copy = try database.copy(to: path(id), takenAt: time, logKeyID: logKeyID)
        copies.withLock { $0[id] = Copy(copy: copy, takenAt: time, owner: owner, lastUsed: .now) }
        return (id, copy)
    }

    /// Up to `BackupReadResult.maxPieceBytes` of a copy from `offset`; the last piece removes it.
    /// Blocking: called through `run`.
    func read(_ id: String, offset: Int64, by reader: KeyID) throws -> BackupReadResult {
        expireIdle()
        guard let entry = copies.withLock({ $0[id] }) else {
            throw RPCError.invalidParams("no backup \(id): it was read to the end, or unused for 10 minutes")
        }
        guard entry.owner == reader else { throw RPCError.readForbidden("backup \(id) was started by another key") }
        guard offset >= 0, offset < entry.copy.bytes else {
            throw RPCError.invalidParams("offset must be from 0 to \(entry.copy.bytes - 1), not \(offset)")
        }
        let count = Int(min(Int64(BackupReadResult.maxPieceBytes), entry.copy.bytes - offset))
        let data = try Self.read(entry.copy.path, offset: offset, count: count)
        let done = offset + Int64(count) == entry.copy.bytes
        if done { remove(id) } else { copies.withLock { $0[id]?.lastUsed = .now } }
        return BackupReadResult(data: data.base64EncodedString(), done: done)
    }

    private func path(_ id: String) -> String { directory + "/" + Self.filePrefix + id + Self.fileSuffix }

    private func remove(_ id: String) {
        copies.withLock { $0[id] = nil }
        unlink(path(id))
    }

    private func expireIdle() {
        let now = ContinuousClock.now
        let idle = copies.withLock { copies in copies.filter { now - $0.value.lastUsed > Self.idleLimit }.map(\.key) }
        for id in idle { remove(id) }
    }

    private static func read(_ path: String, offset: Int64, count: Int) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var data = Data(count: count)
        var done = 0
        while done < count {
            let got = data.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else {
                throw StoreError.file(
                    path: path, reason: got == 0 ? "shorter than expected" : String(cString: strerror(errno)))
            }
            done += got
        }
        return data
    }
}
