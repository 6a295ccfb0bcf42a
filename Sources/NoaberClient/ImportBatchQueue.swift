/// The batches of an import between the task that plans them, a window at a time, and the
/// connections that sign and send them. The connections take batches as they come, across the
/// windows' ends: when each window's batches were sent and answered before the next window's were
/// asked about (`ledger.used_ids`) and sent, the daemon's writer idled at every window's end
/// (Benchmarks/README.md, "The import path", fifth round).
package actor ImportBatchQueue {
    package struct Item: Sendable {
        /// The batch's place among all the import's batches, in the order they were put.
        package var index: Int
        package var batch: ImportBatch
    }

    /// Batches past which `put` waits for the connections to take some: with half a window's
    /// batches waiting and the next window being planned, the client holds about two windows'
    /// credits, as when each window was sent before the next.
    private let ahead: Int
    private var pending: [Item] = []
    private var takers: [CheckedContinuation<Item?, Never>] = []
    private var room: CheckedContinuation<Void, Never>?
    private var count = 0
    /// No more batches come: the ones waiting are still taken.
    private var finished = false
    /// A batch was refused or a connection failed: nothing more is taken or put.
    package private(set) var stopped = false

    package init(ahead: Int) { self.ahead = max(ahead, 1) }

    /// Batches put and not yet taken.
    package var waitingBatches: Int { pending.count }
    /// Connections waiting for a batch.
    package var waitingConnections: Int { takers.count }

    /// Adds `batches` in order, then waits while more than `ahead` wait to be taken. False once
    /// the queue is stopped: nothing more is sent.
    package func put(_ batches: [ImportBatch]) async -> Bool {
        guard !stopped else { return false }
        for batch in batches {
            let item = Item(index: count, batch: batch)
            count += 1
            if takers.isEmpty { pending.append(item) } else { takers.removeFirst().resume(returning: item) }
        }
        if pending.count > ahead { await withCheckedContinuation { room = $0 } }
        return !stopped
    }

    /// The next batch; with `waiting`, waits for one until the queue is finished or stopped,
    /// else nil when none is waiting now.
    package func take(waiting: Bool = true) async -> Item? {
        guard !stopped else { return nil }
        if !pending.isEmpty {
            let item = pending.removeFirst()
            if pending.count <= ahead, let room {
                self.room = nil
                room.resume()
            }
            return item
        }
        guard waiting, !finished else { return nil }
        return await withCheckedContinuation { takers.append($0) }
    }

    /// No more batches come; those waiting are still taken.
    package func finish() {
        finished = true
        if pending.isEmpty { endTakers() }
    }

    /// Nothing more is taken or put: a batch was refused, or a connection or the plan failed.
    /// A `put` or `take` that waits returns.
    package func stop() {
        stopped = true
        finished = true
        pending = []
        endTakers()
        room?.resume()
        room = nil
    }

    private func endTakers() {
        for taker in takers { taker.resume(returning: nil) }
        takers = []
    }
}
