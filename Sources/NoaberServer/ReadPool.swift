import NIOPosix
import NoaberStore

/// Reader connections for queries. In WAL mode each reads its own snapshot, so queries run while
/// the writer commits; the blocking SQLite calls run on threads of their own, off the event loops
/// and the task pool, except a lookup of a row by its key (`lookup`), which takes less time than
/// the hand-off would.
///
/// The pool has `maxConcurrent` threads and each keeps one reader connection, so at most that many
/// queries run at once; further ones wait, in the order they came, without holding a thread. This
/// bounds the memory that reads can take whatever the number of clients: a `ledger.entries` page
/// holds up to 8 MiB of payload (`EntriesParams.maxPageBytes`) as rows, about 11 MiB as base64 and
/// as much again as the encoded line, some 40–70 MiB at its peak with the encoder's own copies (the
/// service encodes the page inside its read for this reason). Four at once keeps that to a few
/// hundred MiB: 16 concurrent pages of 64 KiB payloads raise the daemon's peak RSS by about
/// 280 MiB, against 1 GB without the bound (and 3.2 GB for 96 requests in the review). Four is also
/// enough to keep the two cores of the target machine busy: a query is CPU work on pages SQLite
/// mostly has cached, and a few more than the cores cover one that waits for the disk. Queries take
/// milliseconds, so a wait in the queue is short.
///
/// Queries that read a page (`Lane.page`: `ledger.entries`, account lists, statements…) take up to
/// tens of milliseconds each and may come in hundreds at once from clients that do not even read
/// the answers; in one queue with them, a `ledger.status` waited more than 10 s. So pages run at most
/// `maxConcurrent - 1` at once and wait their turn before the pool's queue: one thread is always
/// left for the quick queries, which never wait behind more than the pages already running.
final class ReadPool: Sendable {
    /// Queries that may run at once; see the type's comment for why four.
    static let defaultMaxConcurrent = 4

    /// Which queue a query waits in.
    enum Lane: Sendable {
        /// A lookup of a few rows: answered in a millisecond or so.
        case quick
        /// A page of rows, or a whole table: up to megabytes.
        case page
    }

    /// A thread's reader connection. Only the thread that opened it ever uses it, which is what
    /// SQLite asks of a connection opened without its own mutex.
    private final class Reader: @unchecked Sendable {
        let connection: Connection
        init(_ connection: Connection) { self.connection = connection }
    }

    private let database: Database
    private let threads: NIOThreadPool
    private let readers = ThreadSpecificVariable<Reader>()
    let maxConcurrent: Int
    private let pages: AsyncLimiter

    init(database: Database, maxConcurrent: Int = ReadPool.defaultMaxConcurrent) {
        precondition(maxConcurrent >= 1)
        self.database = database
        self.maxConcurrent = maxConcurrent
        pages = AsyncLimiter(max(maxConcurrent - 1, 1))
        threads = NIOThreadPool(numberOfThreads: maxConcurrent)
        threads.start()
    }

    deinit {
        // Queries already queued still run; each thread closes its reader as it ends.
        threads.shutdownGracefully { _ in }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(body)
    }

    func read<T: Sendable>(
        _ lane: Lane, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        guard lane == .page else { return try await run(body) }
        await pages.acquire()
        defer { pages.release() }
        return try await run(body)
    }

    /// Runs a lookup of a row or two by key on the calling thread, with that thread's own reader
    /// connection: for `account.get`, the most frequent read, the two thread hand-offs to the pool
    /// and back cost the daemon more CPU than the lookup itself (docs in Benchmarks/README.md,
    /// "The read path"). Only for lookups by primary key or unique index, whose pages SQLite keeps
    /// cached: an event loop that runs one is held for microseconds, never for a page's
    /// milliseconds.
    func lookup<T>(_ body: (Connection) throws -> T) throws -> T {
        let reader = try readers.currentValue ?? Reader(database.openReader())
        readers.currentValue = reader
        return try body(reader.connection)
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await threads.runIfActive { [database, readers] in
            // Opened on a thread's first query, so a pool that is never read opens nothing.
            let reader = try readers.currentValue ?? Reader(database.openReader())
            readers.currentValue = reader
            return try body(reader.connection)
        }
    }
}
