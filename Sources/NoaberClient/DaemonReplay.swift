package import NoaberAudit
import NoaberCore
package import NoaberProtocol
package import NoaberTransport

/// A daemon's ledger, fetched for `noaber verify` (and the benchmark) in pages that keep memory
/// bounded at any size: the entries 1…head with the Merkle nodes each page completes, and after
/// the stored state has been compared, every row of the derived tables (docs/FORMAT.md §6).
package enum DaemonReplay {
    /// Replays entries 1…`head` into `audit`, comparing each page's stored Merkle nodes as it goes
    /// when the audit reads the tables (`ChainAudit(readsTables:)`). The next page is asked for
    /// before this one is checked, so that the daemon reads and writes it while the client checks
    /// signatures; pages that do not reach `head` end the replay, which then names what is missing.
    package static func entries(_ client: RPCClient, through head: Int64, into audit: inout ChainAudit) async throws {
        var next: Int64 = 1
        var pending =
            next <= head ? try await client.request(.entries, pageParams(next, head), as: EntriesResult.self) : nil
        while let asked = pending {
            pending = nil
            let page = try await client.answer(asked).entries.filter { $0.seq <= head }
            // A page that does not advance ends the pages rather than asking for it forever.
            guard let first = page.first?.seq, let last = page.last?.seq, last >= next else { break }
            next = last + 1
            let nodes =
                audit.readsTables
                ? try await client.request(
                    .treeNodes, TreeNodesParams(fromSeq: first, throughSeq: last), as: TreeNodesResult.self) : nil
            if next <= head {
                pending = try await client.request(.entries, pageParams(next, head), as: EntriesResult.self)
            }
            do {
                try audit.check(page: try storedEntries(page))
                if let nodes { try audit.check(treeNodes: try await client.answer(nodes).nodes) }
            } catch {
                // The connection stays usable: the answers asked for ahead are read and dropped.
                if let nodes { _ = try? await client.answer(nodes) }
                if let pending { _ = try? await client.answer(pending) }
                throw error
            }
        }
    }

    private static func pageParams(_ from: Int64, _ head: Int64) -> EntriesParams {
        EntriesParams(fromSeq: from, limit: Int(min(Int64(EntriesParams.maxLimit), head - from + 1)))
    }

    /// The page's entries as Core values, converted on every core (base64, hex, times); the first
    /// malformed one in chain order is the failure.
    private static func storedEntries(_ page: [EntryInfo]) throws(VerificationFailure) -> [StoredEntry] {
        let converted = Parallel.map(page.count) { range in
            range.map { index -> Result<StoredEntry, VerificationFailure> in
                do throws(VerificationFailure) { return .success(try page[index].storedEntry()) } catch {
                    return .failure(error)
                }
            }
        }
        return try converted.map { result throws(VerificationFailure) in try result.get() }
    }

    /// Compares every row of `claims`, `reversals` and `personal_subjects` with the replay, a page
    /// at a time from the first row to the last, then the row counts of `stored`; call it after
    /// `ChainAudit.finish(stored:)`.
    package static func tables(_ client: RPCClient, stored: StateResult, into audit: inout ChainAudit) async throws {
        for table in DerivedTable.allCases {
            var params = RowsParams(table: table)
            while true {
                let page: RowsResult
                do { page = try await client.call(.rows, params, as: RowsResult.self) } catch ClientError.rpc(
                    let error) where table == .batchCredits && error.code == RPCError.invalidParams("").code
                {
                    // A daemon from before batches of credits (FORMAT.md §17) has no such table,
                    // and so no batch: the replay then finds none to be missing either.
                    break
                }
                try audit.check(rows: page, of: table)
                guard page.count == RowsParams.maxLimit else { break }
                switch table {
                case .claims: params.afterKey = page.claims?.last?.claimId
                case .reversals: params.afterKey = page.reversals?.last?.reversedId
                case .personalSubjects:
                    params.afterKey = page.personalSubjects?.last?.account
                    params.afterSeq = page.personalSubjects?.last?.seq
                case .batchCredits: params.afterKey = page.batchCredits?.last?.creditId
                }
            }
        }
        try audit.finishTables(stored: stored)
    }
}
