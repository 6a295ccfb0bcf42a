import Dispatch
import Glibc
import Synchronization

/// Makes the writer's commits durable with an `fdatasync` of the WAL of its own, so that the writer
/// can go on with the next group while the last one's sync runs (Benchmarks/README.md, "The submit
/// path, fourth round").
///
/// The writer's connection runs at `synchronous=NORMAL`: a COMMIT writes its WAL frames without
/// syncing them, and SQLite still syncs the WAL before and the file after every checkpoint, and a
/// WAL's header when it starts over. What NORMAL gives up, the sync of each commit, is done here:
/// nothing the commit wrote is acknowledged or shown to a reader until a sync begun after the
/// COMMIT returned has finished (docs/DESIGN.md, invariant 5; the answers wait in
/// `GroupCommitWriter`, the reads in `untilDurable`). Each commit is numbered by `beginCommit`,
/// before its COMMIT, so that a reader who may have seen it knows what to wait for.
package final class WALSync: Sendable {
    /// Syncs the file at a path; `fdatasync` by default, replaced only by tests.
    package typealias SyncFile = @Sendable (_ path: String) throws(StoreError) -> Void

    private struct Pending {
        var waiting: [(through: UInt64, done: @Sendable (StoreError?) -> Void)] = []
        var running = false
    }

    private struct Readers {
        var waiting: [(through: UInt64, continuation: CheckedContinuation<StoreError?, Never>)] = []
    }

    private let walPath: String
    private let syncFile: SyncFile
    /// Numbers of commits begun, and the highest one known durable (every one below it is too).
    private let begun = Atomic<UInt64>(0)
    private let durable = Atomic<UInt64>(0)
    private let failed = Mutex<StoreError?>(nil)
    private let pending = Mutex(Pending())
    private let readers = Mutex(Readers())
    private let queue = DispatchQueue(label: "noaber.wal-sync")

    package init(walPath: String, syncFile: @escaping SyncFile = WALSync.fdatasync()) {
        self.walPath = walPath
        self.syncFile = syncFile
    }

    /// The first sync that failed, if one did: from then on nothing is durable that was not before,
    /// and the writer stops (as PostgreSQL does after a failed fsync: the kernel may have dropped
    /// the pages it could not write, so a retry proves nothing).
    package var failure: StoreError? { failed.withLock { $0 } }

    /// Numbers the commit about to run; called before its COMMIT.
    package func beginCommit() -> UInt64 { begun.add(1, ordering: .sequentiallyConsistent).newValue }

    /// Whether every commit up to `commit` is durable.
    package func isDurable(through commit: UInt64) -> Bool {
        durable.load(ordering: .sequentiallyConsistent) >= commit
    }

    /// Whether every commit begun so far is durable: a read need not wait (`untilDurable`).
    package var isCaughtUp: Bool {
        durable.load(ordering: .sequentiallyConsistent) >= begun.load(ordering: .sequentiallyConsistent)
    }

    /// The number of the last commit begun.
    package var lastBegun: UInt64 { begun.load(ordering: .sequentiallyConsistent) }

    /// Syncs the WAL now, on the caller's thread: for the writer's rare commits (checkpoints in
    /// interval mode, migrations, restores), which are answered only after it.
    package func syncNow(through commit: UInt64) throws(StoreError) {
        if let failure { throw failure }
        do { try syncFile(walPath) } catch {
            fail(error)
            throw error
        }
        markDurable(through: commit)
    }

    /// Calls `done` on the sync's own thread once every commit up to `commit` is durable, or with
    /// the failure. Commits that end while a sync runs are taken by the next one, together.
    package func whenDurable(through commit: UInt64, _ done: @escaping @Sendable (StoreError?) -> Void) {
        let start = pending.withLock { p -> Bool in
            p.waiting.append((commit, done))
            defer { p.running = true }
            return !p.running
        }
        if start { queue.async { self.drain() } }
    }

    /// Waits until every commit begun so far is durable: a read's answer is held by it, so that
    /// nothing is shown that a power loss could take back. Nil once durable, or the sync's failure.
    /// Without writes in flight this is two atomic loads.
    package func untilDurable() async -> StoreError? {
        let mark = lastBegun
        if durable.load(ordering: .sequentiallyConsistent) >= mark { return nil }
        return await withCheckedContinuation { continuation in
            let now: StoreError?? = readers.withLock { r in
                if let failure { return .some(failure) }
                if durable.load(ordering: .sequentiallyConsistent) >= mark { return .some(nil) }
                r.waiting.append((mark, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Returns once every sync asked for so far has run.
    package func finish() { queue.sync {} }

    private func drain() {
        while true {
            let batch = pending.withLock { p -> [(through: UInt64, done: @Sendable (StoreError?) -> Void)] in
                if p.waiting.isEmpty { p.running = false }
                defer { p.waiting.removeAll(keepingCapacity: true) }
                return p.waiting
            }
            guard !batch.isEmpty else { return }
            let through = batch.map(\.through).max() ?? 0
            var outcome: StoreError? = failure
            if outcome == nil, durable.load(ordering: .sequentiallyConsistent) < through {
                do { try syncFile(walPath) } catch {
                    fail(error)
                    outcome = error
                }
                if outcome == nil { markDurable(through: through) }
            }
            for waiting in batch { waiting.done(outcome) }
        }
    }

    private func markDurable(through commit: UInt64) {
        var current = durable.load(ordering: .sequentiallyConsistent)
        while current < commit {
            let (exchanged, original) = durable.compareExchange(
                expected: current, desired: commit, ordering: .sequentiallyConsistent)
            if exchanged { break }
            current = original
        }
        let ready = readers.withLock { r in
            let reached = durable.load(ordering: .sequentiallyConsistent)
            let ready = r.waiting.filter { $0.through <= reached }
            r.waiting.removeAll { $0.through <= reached }
            return ready
        }
        for reader in ready { reader.continuation.resume(returning: nil) }
    }

    private func fail(_ error: StoreError) {
        failed.withLock { if $0 == nil { $0 = error } }
        let waiting = readers.withLock { r in
            defer { r.waiting.removeAll() }
            return r.waiting
        }
        for reader in waiting { reader.continuation.resume(returning: error) }
    }

    /// `fdatasync` of the WAL through a descriptor of its own (Linux syncs the file, whichever
    /// descriptor asks), opened at the first sync and held open from then on: a write-back error
    /// is reported once to each descriptor open when it happened, so a descriptor opened afresh
    /// for each sync would miss one that SQLite's checkpoint saw first, and take pages the kernel
    /// could not write for synced. The first sync also syncs the WAL's directory, so that the file
    /// itself survives a power loss, as SQLite does for files it creates. A WAL not there yet has
    /// nothing to sync; one that is no longer the file held open (replaced or removed while the
    /// daemon runs) fails the sync.
    package static func fdatasync() -> SyncFile {
        let held = Mutex<HeldFile?>(nil)
        return { path throws(StoreError) in
            try held.withLock { held throws(StoreError) in
                if held == nil {
                    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
                    guard fd >= 0 else {
                        if errno == ENOENT { return }
                        throw .file(path: path, reason: String(cString: strerror(errno)))
                    }
                    var info = stat()
                    guard fstat(fd, &info) == 0 else {
                        close(fd)
                        throw .file(path: path, reason: "fstat: \(String(cString: strerror(errno)))")
                    }
                    held = HeldFile(fd: fd, identity: FileIdentity(info))
                    try syncDirectory(of: path)
                }
                guard let file = held else { return }
                var named = stat()
                guard stat(path, &named) == 0, FileIdentity(named) == file.identity else {
                    throw .file(path: path, reason: "the WAL was replaced or removed while noaberd ran")
                }
                guard Glibc.fdatasync(file.fd) == 0 else {
                    throw .file(path: path, reason: "fdatasync: \(String(cString: strerror(errno)))")
                }
            }
        }
    }

    private static func syncDirectory(of path: String) throws(StoreError) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw .file(path: directory, reason: String(cString: strerror(errno))) }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else {
            throw .file(path: directory, reason: "fsync: \(String(cString: strerror(errno)))")
        }
    }

    /// The WAL as held open; never closed, since the daemon syncs it for as long as it runs.
    private struct HeldFile {
        var fd: Int32
        var identity: FileIdentity
    }

    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }
}
