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

    /// Lines planned, asked about and sent at a time: twelve `credits` entries of 1000 lines, four
    /// for each connection, so that the connections seldom wait for the window's last batch;
    /// with the next window planned meanwhile, two windows' credits are what the client holds.
    static let windowLines = 12_000

    /// Format 2 (docs/FORMAT.md §17): takes the `lines` credits of `stream` a window at a time,
    /// leaves out those whose credit id the ledger has, then signs and sends the rest as
    /// `credits` entries of up to `--batch-size` lines, each written whole or not at all, several
    /// at a time (`lanes`), while the next window is planned. A refused batch stops the import:
    /// the batches of its window already sent finish, and the message says how many lines were
    /// written.
    func sendBatches(
        _ stream: ImportStream, lines: Int, key: Ed25519PrivateKey, session: Session
    ) async throws
        -> Summary
    {
        var summary = Summary()
        summary.entries = 0
        var progress = ProgressBar(
            label: "importing", unit: "lines", total: Int64(lines),
            enabled: ProgressBar.wanted(writingToStandardOutput: true))
        var credits = try stream.next(lines: Self.windowLines)
        while !credits.isEmpty {
            async let following = stream.next(lines: Self.windowLines)
            let used = try await usedIDs(credits.map(\.payload.id), client: session.client)
            // Nothing imported before (the usual case) leaves the window's credits as they are, not copied.
            let fresh = used.isEmpty ? credits : credits.filter { !used.contains($0.payload.id) }
            summary.alreadyImported += credits.count - fresh.count
            let batches = ImportBatch.make(
                fresh, issuer: issuer.value, ledgerID: session.ledgerID, size: batchSize ?? CreditBatch.maxCredits)
            credits = []
            try await send(batches, key: key, session: session, summary: &summary, progress: &progress)
            credits = try await following
        }
        progress.clear()
        return summary
    }

    /// Signs and sends one window's `batches` over `lanes` connections, adding what they came to
    /// to `summary`.
    private func send(
        _ batches: [ImportBatch], key: Ed25519PrivateKey, session: Session, summary: inout Summary,
        progress: inout ProgressBar
    ) async throws {
        let sending = BatchSending(batches)
        let endpoint = session.target.endpoint
        let lanes: Int
        if case .unixSocket = endpoint { lanes = min(Self.lanes, batches.count) } else { lanes = 1 }
        let before = summary.written + summary.alreadyImported
        progress.update(Int64(before))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 1..<max(lanes, 1) {
                group.addTask {
                    try await RPCClient.withConnection(to: endpoint) { client in
                        await sending.lane(client, key: key)
                    }
                }
            }
            // This task is a lane too, on the session's own connection, and keeps the progress.
            await sending.lane(session.client, key: key) { progress.update(Int64(before + $0)) }
            try await group.waitForAll()
        }
        let outcome = sending.outcome.withLock { $0 }
        for (index, result) in outcome.results.sorted(by: { $0.key < $1.key }) {
            if result.replayed {
                summary.alreadyImported += batches[index].lines.count
            } else {
                summary.written += batches[index].lines.count
                summary.entries? += 1
            }
        }
        if let (index, error) = outcome.refusals.min(by: { $0.key < $1.key }) {
            throw ClientFailure(refusal(of: batches[index], error, written: summary.written))
        }
    }

    /// The ids of `ids` that the ledger has, asked `UsedIDsParams.maxIDs` at a time, several
    /// requests to a round trip.
    private func usedIDs(_ ids: [String], client: RPCClient) async throws -> Set<String> {
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

/// The batches of one import, handed out in order to the connections that sign and send
/// them; what each batch came to, by its index.
final class BatchSending: Sendable {
    struct Outcome {
        var results: [Int: SubmitResult] = [:]
        var refusals: [Int: any Error] = [:]
        /// Lines sent and answered, for the progress bar.
        var lines = 0
    }

    let batches: [ImportBatch]
    private let next = Mutex(0)
    let outcome = Mutex(Outcome())

    init(_ batches: [ImportBatch]) { self.batches = batches }

    /// Takes the next batch until none is left or one was refused: signs it (the same lines sign
    /// to the same bytes on every run, salts included, so a rerun replays) and submits it on
    /// `client`. `answered` hears the lines answered so far, by every lane.
    func lane(_ client: RPCClient, key: Ed25519PrivateKey, answered: (Int) -> Void = { _ in }) async {
        while let index = take() {
            let batch = batches[index]
            do {
                let (signed, personal) = try Session.sign(batch.payload, with: key, deterministicSalts: true)
                let result = try await client.call(
                    .submit, SubmitParams(signed, personal: personal), as: SubmitResult.self)
                let lines = outcome.withLock {
                    $0.results[index] = result
                    $0.lines += batch.lines.count
                    return $0.lines
                }
                answered(lines)
            } catch {
                outcome.withLock { $0.refusals[index] = error }
            }
        }
    }

    /// The next batch's index; none once they are all taken or any was refused.
    private func take() -> Int? {
        let refused = outcome.withLock { !$0.refusals.isEmpty }
        return next.withLock { next in
            guard !refused, next < batches.count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
