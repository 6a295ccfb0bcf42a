import Dispatch
import Logging
import NoaberStore
import Synchronization

/// Checkpoints one database's WAL on a queue of its own (`WALCheckpointer`) once every so many
/// transactions, or once they wrote so many pages, so that the thread that commits them never
/// waits for the copy and its fsync.
final class BackgroundCheckpoints: Sendable {
    private struct Count {
        var sinceCheckpoint = 0
        var pagesSinceCheckpoint = 0
        var running = false
    }

    private let count = Mutex(Count())
    /// Checkpoints started so far (the tests watch it).
    let started = Atomic<Int>(0)
    private let checkpointer: Mutex<WALCheckpointer>
    private let queue: DispatchQueue
    private let every: Int
    private let everyPages: Int
    /// What the database is, for the log.
    private let name: String
    private let logger: Logger

    /// Checkpoints the database at `path` after every `every` transactions, or sooner once they
    /// wrote `everyPages` pages to the WAL; see `WALCheckpointer` for `restartAbove`.
    init(
        path: String, name: String, every: Int, everyPages: Int = .max,
        restartAbove: Int = WALCheckpointer.defaultRestartAbove, logger: Logger
    ) throws(StoreError) {
        checkpointer = Mutex(try WALCheckpointer(path: path, restartAbove: restartAbove))
        queue = DispatchQueue(label: "noaber.checkpoint.\(name)")
        self.every = every
        self.everyPages = everyPages
        self.name = name
        self.logger = logger
    }

    /// Counts a committed transaction that wrote `pages` pages to the WAL; starts a checkpoint once
    /// enough transactions or pages were, unless one is running.
    func committed(pages: Int = 0) {
        let due = count.withLock { count -> Bool in
            count.sinceCheckpoint += 1
            count.pagesSinceCheckpoint += pages
            guard count.sinceCheckpoint >= every || count.pagesSinceCheckpoint >= everyPages, !count.running else {
                return false
            }
            count.sinceCheckpoint = 0
            count.pagesSinceCheckpoint = 0
            count.running = true
            return true
        }
        guard due else { return }
        started.add(1, ordering: .relaxed)
        queue.async {
            do {
                try self.checkpointer.withLock { checkpointer throws(StoreError) in try checkpointer.checkpoint() }
            } catch {
                // What was committed is safe in the WAL; the next checkpoint tries again.
                self.logger.warning(
                    "cannot checkpoint the WAL", metadata: ["database": "\(self.name)", "error": .escaped(error)])
            }
            self.count.withLock { $0.running = false }
        }
    }

    /// Returns once a checkpoint that is running has finished, so that the database can be closed.
    func finish() { queue.sync {} }
}
