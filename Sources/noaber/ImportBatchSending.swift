import Foundation
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport
import Synchronization

extension Import {
    /// Connections a format 2 import sends its `credits` entries over at once. While the daemon's
    /// single writer commits one batch, others are parsed and their signatures checked on its
    /// other threads and the next ones signed here: on two cores, one connection left each side
    /// idle while the other worked. A connection through ssh is not multiplied.
    static let lanes = 3

    /// `ledger.used_ids` requests sent in one round trip.
    static let usedIDRequestsPerTrip = 20

    /// Lines planned and asked about at a time: twelve `credits` entries of 1000 lines. The
    /// connections take them as they come (`ImportBatchQueue`) while the next window is planned,
    /// so two windows' credits are what the client holds.
    static let windowLines = 12_000

    /// Format 2 (docs/FORMAT.md §17): takes the `lines` credits of `stream` a window at a time,
    /// leaves out those whose credit id the ledger has, then signs and sends the rest as
    /// `credits` entries of up to `--batch-size` lines, each written whole or not at all, several
    /// at a time (`lanes`), while the next window is planned and asked about: over a Unix socket
    /// the connections take the batches as they come, across the windows' ends (`ImportBatchQueue`).
    /// A refused batch stops the import: the batches already sent finish, and the message says
    /// how many lines were written.
    func sendBatches(
        _ stream: ImportStream, lines: Int, key: Ed25519PrivateKey, session: Session
    ) async throws
        -> Summary
    {
        var progress = ProgressBar(
            label: "importing", unit: "lines", total: Int64(lines),
            enabled: ProgressBar.wanted(writingToStandardOutput: true))
        let sending = BatchSending()
        let plan = WindowPlan(
            stream: stream, issuer: issuer.value, ledgerID: session.ledgerID,
            size: batchSize ?? CreditBatch.maxCredits)
        let skipped: Int
        let endpoint = session.target.endpoint
        if case .unixSocket = endpoint {
            // The session's connection asks about each window; the batches go over connections of their own.
            let queue = ImportBatchQueue(ahead: Self.windowLines / plan.size / 2)
            skipped = try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.lanes {
                    group.addTask {
                        do {
                            try await RPCClient.withConnection(to: endpoint) { client in
                                await sending.lane(client, key: key, queue: queue)
                            }
                        } catch {
                            await queue.stop()
                            throw error
                        }
                    }
                }
                let skipped = try await plan.put(into: queue, client: session.client) { skipped in
                    progress.update(Int64(skipped + sending.outcome.withLock(\.lines)))
                }
                try await group.waitForAll()
                return skipped
            }
        } else {
            // A connection through ssh is not multiplied: each window is asked about, then sent, on it.
            let queue = ImportBatchQueue(ahead: .max)
            skipped = try await plan.put(into: queue, client: session.client) { skipped in
                await sending.lane(session.client, key: key, queue: queue, waiting: false)
                progress.update(Int64(skipped + sending.outcome.withLock(\.lines)))
            }
        }
        progress.clear()
        return try summary(sending.outcome.withLock { $0 }, skipped: skipped)
    }

    /// What the batches came to: the lines written, in how many entries, and those imported
    /// before; or the first refusal, as the user reads it.
    private func summary(_ outcome: BatchSending.Outcome, skipped: Int) throws -> Summary {
        var summary = Summary()
        summary.entries = 0
        summary.alreadyImported = skipped
        for (_, (result, lines)) in outcome.results.sorted(by: { $0.key < $1.key }) {
            if result.replayed {
                summary.alreadyImported += lines
            } else {
                summary.written += lines
                summary.entries? += 1
            }
        }
        if let (_, (error, batch)) = outcome.refusals.min(by: { $0.key < $1.key }) {
            throw ClientFailure(refusal(of: batch, error, written: summary.written))
        }
        return summary
    }

    /// The ids of `ids` that the ledger has, asked `UsedIDsParams.maxIDs` at a time, several
    /// requests to a round trip.
    static func usedIDs(_ ids: [String], client: RPCClient) async throws -> Set<String> {
        var used = Set<String>()
        let chunks = stride(from: 0, to: ids.count, by: UsedIDsParams.maxIDs).map {
            Array(ids[$0..<min($0 + UsedIDsParams.maxIDs, ids.count)])
        }
        for start in stride(from: 0, to: chunks.count, by: Self.usedIDRequestsPerTrip) {
            var trip = RPCClient.Batch()
            let answers = chunks[start..<min(start + Self.usedIDRequestsPerTrip, chunks.count)].map {
                trip.add(.usedIDs, UsedIDsParams(ids: $0), as: UsedIDsResult.self)
            }
            let results = try await client.send(trip)
            for answer in answers { used.formUnion(try results.result(answer).used.map(\.id)) }
        }
        return used
    }

    /// What the user reads when the daemon refuses a batch: its lines, and the line of the credit
    /// the daemon names (`credits[i]`), if it names one.
    private func refusal(of batch: ImportBatch, _ error: any Error, written: Int) -> String {
        // A batch holds its lines by account (`ImportBatch.make`), so they may not be all the
        // lines from its first to its last.
        let first = batch.lines.min()!
        let last = batch.lines.max()!
        let lines =
            last - first + 1 == batch.lines.count
            ? "lines \(first)–\(last)" : "\(batch.lines.count) lines from \(first) to \(last)"
        var which = ""
        let text = "\(error)"
        if let open = text.range(of: "credits["), let close = text[open.upperBound...].firstIndex(of: "]"),
            let index = Int(text[open.upperBound..<close]), let line = batch.line(ofCredit: index)
        {
            which = " at line \(line)"
        }
        return
            "the batch of \(lines) was refused\(which), nothing of it was written (\(error)); \(written) lines of other batches were; fix the file and run it again: those are skipped"
    }
}

/// An import's credits planned a window at a time (`ImportStream`), the lines the ledger has
/// already left out, the rest batched and put into the queue the connections take from.
struct WindowPlan: Sendable {
    let stream: ImportStream
    let issuer: AccountID
    let ledgerID: String
    let size: Int

    /// Puts every window's batches into `queue` and finishes it, asking `client` about each window
    /// while the one before is sent; `afterWindow` hears the lines left out so far after each.
    /// Returns those lines; stops early once the queue is stopped.
    func put(
        into queue: ImportBatchQueue, client: RPCClient, afterWindow: (Int) async -> Void
    ) async throws -> Int {
        var skipped = 0
        do {
            var credits = try stream.next(lines: Import.windowLines)
            while !credits.isEmpty {
                async let following = stream.next(lines: Import.windowLines)
                let used = try await Import.usedIDs(credits.map(\.payload.id), client: client)
                // Nothing imported before (the usual case) leaves the window's credits as they are, not copied.
                let fresh = used.isEmpty ? credits : credits.filter { !used.contains($0.payload.id) }
                skipped += credits.count - fresh.count
                let batches = ImportBatch.make(fresh, issuer: issuer, ledgerID: ledgerID, size: size)
                credits = []
                _ = await queue.put(batches)
                await afterWindow(skipped)
                // A refused batch stopped the queue: the window being planned is not sent.
                if await queue.stopped { return skipped }
                credits = try await following
            }
        } catch {
            await queue.stop()
            throw error
        }
        await queue.finish()
        return skipped
    }
}

/// What the batches of one import came to, by their place in the queue, as the connections
/// that sign and send them hear it.
final class BatchSending: Sendable {
    struct Outcome {
        /// Each batch answered, with its lines.
        var results: [Int: (SubmitResult, lines: Int)] = [:]
        var refusals: [Int: (any Error, ImportBatch)] = [:]
        /// Lines sent and answered, for the progress bar.
        var lines = 0
    }

    let outcome = Mutex(Outcome())

    /// Takes batches from `queue` until it has none (`waiting`: until it is finished) or one was
    /// refused: signs each (the same lines sign to the same bytes on every run, salts included,
    /// so a rerun replays) and submits it on `client`. A refusal stops the queue.
    func lane(_ client: RPCClient, key: Ed25519PrivateKey, queue: ImportBatchQueue, waiting: Bool = true) async {
        while let item = await queue.take(waiting: waiting) {
            let batch = item.batch
            do {
                let (signed, personal) = try Session.sign(batch.payload, with: key, deterministicSalts: true)
                let result = try await client.call(
                    .submit, SubmitParams(signed, personal: personal), as: SubmitResult.self)
                outcome.withLock {
                    $0.results[item.index] = (result, batch.lines.count)
                    $0.lines += batch.lines.count
                }
            } catch {
                outcome.withLock { $0.refusals[item.index] = (error, batch) }
                await queue.stop()
            }
        }
    }
}
