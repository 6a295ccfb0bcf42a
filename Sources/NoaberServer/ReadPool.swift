import Dispatch
import NoaberStore
import Synchronization

/// Reader connections for queries. In WAL mode each reads its own snapshot, so queries run while
/// the writer commits; the blocking SQLite calls run off the event loops and the task pool.
final class ReadPool: Sendable {
    /// A reader connection checked out by exactly one query at a time.
    private final class Pooled: @unchecked Sendable {
        let connection: Connection
        init(_ connection: Connection) { self.connection = connection }
    }

    private let database: Database
    private let idle = Mutex<[Pooled]>([])
    private let maxIdle: Int

    init(database: Database, maxIdle: Int = 8) {
        self.database = database
        self.maxIdle = maxIdle
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let pooled = try idle.withLock { $0.popLast() } ?? Pooled(database.openReader())
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try body(pooled.connection) })
            }
        }
        idle.withLock { if $0.count < maxIdle { $0.append(pooled) } }
        return try result.get()
    }
}
