import Dispatch
import NoaberStore
import Synchronization

/// Reader connections for queries. In WAL mode each reads its own snapshot, so queries run while
/// the writer commits; the blocking SQLite calls run off the event loops and the task pool.
///
/// At most `maxConcurrent` queries run at once; further ones wait, in the order they came, without
/// holding a thread. This bounds the memory that reads can take whatever the number of clients: a
/// `ledger.entries` page holds up to 8 MiB of payload (`EntriesParams.maxPageBytes`) as rows, about
/// 11 MiB as base64 and as much again as the encoded line, some 40–70 MiB at its peak with the
/// encoder's own copies (the service encodes the page inside its read for this reason). Four at
/// once keeps that to a few hundred MiB: 16 concurrent pages of 64 KiB payloads raise the daemon's
/// peak RSS by about 280 MiB, against 1 GB without the bound (and 3.2 GB for 96 requests in the
/// review). Four is also enough to keep the two cores of the target machine busy: a query is CPU
/// work on pages SQLite mostly has cached, and a few more than the cores cover one that waits for
/// the disk. Queries take milliseconds, so a wait in the queue is short.
final class ReadPool: Sendable {
    /// Queries that may run at once; see the type's comment for why four.
    static let defaultMaxConcurrent = 4

    /// A reader connection checked out by exactly one query at a time.
    private final class Pooled: @unchecked Sendable {
        let connection: Connection
        init(_ connection: Connection) { self.connection = connection }
    }

    /// The running queries and, in arrival order, the ones waiting for a slot.
    private struct Gate {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        /// Index of the first waiter in `waiting`; served ones before it are dropped in bulk.
        var head = 0
    }

    private let database: Database
    private let idle = Mutex<[Pooled]>([])
    private let gate = Mutex(Gate())
    let maxConcurrent: Int

    init(database: Database, maxConcurrent: Int = ReadPool.defaultMaxConcurrent) {
        precondition(maxConcurrent >= 1)
        self.database = database
        self.maxConcurrent = maxConcurrent
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        // At most `maxConcurrent` connections are ever checked out, so that many are kept.
        let pooled = try idle.withLock { $0.popLast() } ?? Pooled(database.openReader())
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try body(pooled.connection) })
            }
        }
        idle.withLock { if $0.count < maxConcurrent { $0.append(pooled) } }
        return try result.get()
    }

    /// Takes a slot, waiting in line for one if all are taken.
    private func acquire() async {
        let free = gate.withLock { gate -> Bool in
            guard gate.running < maxConcurrent, gate.head == gate.waiting.count else { return false }
            gate.running += 1
            return true
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = gate.withLock { gate -> Bool in
                // A slot may have been freed since the first look.
                if gate.running < maxConcurrent, gate.head == gate.waiting.count {
                    gate.running += 1
                    return true
                }
                gate.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        // A waiter is resumed only by `release`, which hands it the slot it frees.
    }

    /// Frees a slot, or hands it straight to the longest waiter.
    private func release() {
        let next = gate.withLock { gate -> CheckedContinuation<Void, Never>? in
            guard gate.head < gate.waiting.count else {
                gate.running -= 1
                return nil
            }
            let next = gate.waiting[gate.head]
            gate.head += 1
            if gate.head == gate.waiting.count {
                gate.waiting.removeAll()
                gate.head = 0
            } else if gate.head >= 64, gate.head * 2 >= gate.waiting.count {
                // Under steady load the line may never empty; drop the served part now and then.
                gate.waiting.removeFirst(gate.head)
                gate.head = 0
            }
            return next
        }
        next?.resume()
    }
}
