package import NoaberCore
import NoaberCrypto
package import NoaberProtocol
import NoaberTransparency

// The derived tables beside the chain (docs/FORMAT.md §6): the Merkle nodes page by page with
// the entries that complete them, the row counts and checkpoint row of the stored state, and
// then the claims, reversals and personal subjects a page at a time.
extension ChainAudit {
    /// Compares the stored Merkle nodes of the last page of entries with those the page completes.
    package mutating func check(treeNodes: [TreeNodeInfo]) throws(VerificationFailure) {
        var nodes: [StoredNode] = []
        for info in treeNodes { nodes.append(try info.stored()) }
        try verifier.checkTreeNodes(nodes)
    }

    /// The row counts and the checkpoint row that the stored state carries, if it does (a daemon
    /// or an export from before them does not).
    func checkStoredRows(_ stored: StateResult) throws(VerificationFailure) {
        if let rows = stored.tableRows {
            try verifier.checkTableRows(rows.rows, hasCheckpoint: stored.checkpoint != nil)
        }
        guard let info = stored.checkpointRow else { return }
        func fail(_ reason: String) -> VerificationFailure {
            VerificationFailure(seq: nil, reason: "checkpoint: the stored row's \(reason)")
        }
        let row = try info.stored()
        guard let note = stored.checkpoint, let signed = try? SignedCheckpoint(parsing: note) else {
            throw fail("note is missing or malformed")
        }
        guard row.treeSize >= 0, UInt64(row.treeSize) == signed.checkpoint.size else {
            throw fail("tree_size (\(row.treeSize)) differs from its note's (\(signed.checkpoint.size))")
        }
        guard row.root == signed.checkpoint.root.bytes else {
            throw fail("root (\(info.root)) differs from its note's (\(signed.checkpoint.root.hex))")
        }
        guard let time = Timestamp(rfc3339: row.signedAt), time.rfc3339 == row.signedAt else {
            throw fail("signed_at (\(row.signedAt)) is not a time written YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
    }

    /// Compares one page of `ledger.rows` with the replay; the first page of the first table
    /// starts the comparison, which needs `finish(stored:)` to have passed.
    package mutating func check(rows page: RowsResult, of table: DerivedTable) throws(VerificationFailure) {
        // Taken out, not copied: a copy while `self.tables` still held the sets made each page
        // copy every row seen so far (quadratic: a million credits' ids, a thousand pages).
        var tables = self.tables.take() ?? DerivedTablesAudit(head: verifier.entries)
        defer { self.tables = tables }
        switch table {
        case .claims:
            try tables.check(claims: (page.claims ?? []).map(\.stored), pageHead: page.headSeq, replay: verifier)
        case .reversals:
            try tables.check(reversals: (page.reversals ?? []).map(\.stored), pageHead: page.headSeq, replay: verifier)
        case .personalSubjects:
            try tables.check(
                subjects: (page.personalSubjects ?? []).map(\.stored), pageHead: page.headSeq, replay: verifier)
        case .batchCredits:
            try tables.check(
                batchCredits: (page.batchCredits ?? []).map(\.stored), pageHead: page.headSeq, replay: verifier)
        }
    }

    /// After the last page of every table: no replayed row is missing, and no table holds a row
    /// that no page showed (counted in the snapshot of `stored`).
    package func finishTables(stored: StateResult) throws(VerificationFailure) {
        try (tables ?? DerivedTablesAudit(head: verifier.entries)).finish(replay: verifier)
        try checkStoredRows(stored)
    }
}
