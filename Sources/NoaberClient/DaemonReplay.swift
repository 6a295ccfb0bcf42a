package import NoaberAudit
import NoaberCore
package import NoaberProtocol
package import NoaberTransport

/// A daemon's ledger, fetched for `noaber verify` (and the benchmark) in pages that keep memory
/// bounded at any size: the entries 1…head with the Merkle nodes each page completes, and after
/// the stored state has been compared, every row of the derived tables (docs/FORMAT.md §6).
package enum DaemonReplay {
    /// Replays entries 1…`head` into `audit`, comparing each page's stored Merkle nodes as it goes
    /// when the audit reads the tables (`ChainAudit(readsTables:)`).
    package static func entries(_ client: RPCClient, through head: Int64, into audit: inout ChainAudit) async throws {
        for try await page in EntryPages(client: client, through: head) {
            try audit.check(page: try page.map { try $0.storedEntry() })
            guard audit.readsTables, let first = page.first?.seq, let last = page.last?.seq else { continue }
            let nodes = try await client.call(
                .treeNodes, TreeNodesParams(fromSeq: first, throughSeq: last), as: TreeNodesResult.self)
            try audit.check(treeNodes: nodes.nodes)
        }
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
