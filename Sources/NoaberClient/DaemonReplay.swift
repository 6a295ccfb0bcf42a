package import NoaberAudit
import NoaberCore
package import NoaberProtocol
package import NoaberTransport

/// A daemon's ledger, fetched for `noaber verify` (and the benchmark) in pages that keep memory
/// bounded at any size: the entries 1…head with the Merkle nodes each page completes, and after
/// the stored state has been compared, every row of the derived tables (docs/FORMAT.md §6).
package enum DaemonReplay {
    /// Replays entries 1…`head` into `audit`, comparing each page's stored Merkle nodes as it goes
    /// when the audit reads the tables (`ChainAudit(readsTables:)`). Three things happen at once:
    /// the daemon reads and writes page *k* + 1 (asked for as soon as page *k* was read), this task
    /// reads it and parses its entries and their payloads (on every core), and a child task checks
    /// page *k* (signatures on every core, then the replay in order). Pages that do not reach `head` end the replay, which then names what is
    /// missing; page *k*'s failure is reported before anything wrong with page *k* + 1.
    package static func entries(_ client: RPCClient, through head: Int64, into audit: inout ChainAudit) async throws {
        guard head >= 1 else { return }
        // The audit is handed to each page's check and back, never shared: swapped, not copied,
        // so that its tables (a million credit ids) are not copied on write either.
        let replay = ReplayHandoff()
        swap(&audit, &replay.audit)
        defer { swap(&audit, &replay.audit) }
        var next: Int64 = 1
        var page = try await read(
            client, client.request(.entries, pageParams(next, head), as: EntriesAnswer.self), head)
        // A page that does not advance ends the pages rather than asking for it forever.
        while let first = page.entries.first?.entry.seq, let last = page.entries.last?.entry.seq, last >= next {
            next = last + 1
            let nodes =
                replay.audit.readsTables
                ? try await client.request(
                    .treeNodes, TreeNodesParams(fromSeq: first, throughSeq: last), as: TreeNodesResult.self) : nil
            let pending =
                next <= head ? try await client.request(.entries, pageParams(next, head), as: EntriesAnswer.self) : nil
            var stored: [TreeNodeInfo]?
            do { if let nodes { stored = try await client.answer(nodes).nodes } } catch {
                // The connection stays usable: the answer asked for ahead is read and dropped.
                if let pending { _ = try? await client.answer(pending) }
                throw error
            }
            let current = page
            let storedNodes = stored
            async let checked: Void = replay.check(current, nodes: storedNodes)
            var following: Result<ReadPage, any Error> = .success(ReadPage(entries: [], decoded: []))
            if let pending {
                do { following = .success(try await read(client, pending, head)) } catch { following = .failure(error) }
            }
            try await checked
            page = try following.get()
        }
    }

    /// A page as read ahead of its check: its entries and what each gives on its own.
    private struct ReadPage: Sendable {
        var entries: [StoredEntry]
        var decoded: [SignaturePrecheck.Decoded]
    }

    /// A page's entries up to `head` as Core values: a packed page read on this task in one pass,
    /// a JSON page (from a daemon before packed pages) parsed here and converted on every core
    /// (base64, hex, times); then their payloads parsed and their hashes computed, on every core.
    /// The first malformed entry in chain order is the failure.
    private static func read(
        _ client: RPCClient, _ pending: RPCClient.Pending<EntriesAnswer>, _ head: Int64
    ) async throws -> ReadPage {
        let converted: [Result<StoredEntry, VerificationFailure>]
        switch try await client.answer(pending) {
        case .packed(let bytes):
            // Converted as it is read, in one pass: nothing is spelt as text to be decoded again.
            do { converted = try PackedEntries.read(bytes).filter { seq(of: $0) <= head } } catch {
                throw ClientError.malformedResponse(error.description)
            }
        case .entries(let result):
            // A daemon from before packed pages.
            let page = result.entries.filter { $0.seq <= head }
            converted = Parallel.map(page.count) { range in
                range.map { index -> Result<StoredEntry, VerificationFailure> in
                    do throws(VerificationFailure) { return .success(try page[index].storedEntry()) } catch {
                        return .failure(error)
                    }
                }
            }
        }
        let entries = try converted.map { result throws(VerificationFailure) in try result.get() }
        return ReadPage(entries: entries, decoded: SignaturePrecheck.decode(entries))
    }

    /// The seq an entry of a page was read with, whether or not it converted.
    private static func seq(of read: Result<StoredEntry, VerificationFailure>) -> Int64 {
        switch read {
        case .success(let stored): stored.entry.seq
        case .failure(let failure): failure.seq ?? 0
        }
    }

    /// The audit while `entries` runs, checked by one task at a time: each page's check gets it
    /// after the check before has ended, and `entries` takes it back only after the last one.
    private final class ReplayHandoff: @unchecked Sendable {
        var audit = ChainAudit()

        func check(_ page: ReadPage, nodes: [TreeNodeInfo]?) throws {
            try audit.check(page: page.entries, decoded: page.decoded)
            if let nodes { try audit.check(treeNodes: nodes) }
        }
    }

    private static func pageParams(_ from: Int64, _ head: Int64) -> EntriesParams {
        EntriesParams(
            fromSeq: from, limit: Int(min(Int64(EntriesParams.maxLimit), head - from + 1)),
            packed: PackedEntries.version)
    }

    /// Compares every row of `claims`, `reversals` and `personal_subjects` with the replay, a page
    /// at a time from the first row to the last, then the row counts of `stored`; call it after
    /// `ChainAudit.finish(stored:)`.
    package static func tables(_ client: RPCClient, stored: StateResult, into audit: inout ChainAudit) async throws {
        for table in DerivedTable.allCases {
            // The next page is asked for before this one is checked (its key is this one's last
            // row), so that the daemon reads it meanwhile: a million credits are 1,000 pages.
            var pending: RPCClient.Pending<RowsResult>? = try await client.request(
                .rows, RowsParams(table: table), as: RowsResult.self)
            while let asked = pending {
                pending = nil
                let page: RowsResult
                do { page = try await client.answer(asked) } catch ClientError.rpc(let error)
                    where table == .batchCredits && error.code == RPCError.invalidParams("").code
                {
                    // A daemon from before batches of credits (FORMAT.md §17) has no such table,
                    // and so no batch: the replay then finds none to be missing either.
                    break
                }
                if page.count == RowsParams.maxLimit {
                    var params = RowsParams(table: table)
                    switch table {
                    case .claims: params.afterKey = page.claims?.last?.claimId
                    case .reversals: params.afterKey = page.reversals?.last?.reversedId
                    case .personalSubjects:
                        params.afterKey = page.personalSubjects?.last?.account
                        params.afterSeq = page.personalSubjects?.last?.seq
                    case .batchCredits: params.afterKey = page.batchCredits?.last?.creditId
                    }
                    pending = try await client.request(.rows, params, as: RowsResult.self)
                }
                do { try audit.check(rows: page, of: table) } catch {
                    if let pending { _ = try? await client.answer(pending) }
                    throw error
                }
            }
        }
        try audit.finishTables(stored: stored)
    }
}
