package import NoaberCore

// The derived tables as stored, for the verifier to compare with its replay (docs/FORMAT.md §6):
// each value read as the daemon's own queries read it, nothing decoded or tidied, so that what
// is checked is what the daemon would act on. Pages go by primary key, which every table has an
// index on, so a ledger of any size is read in bounded pieces.

extension Connection {
    /// How many rows each derived table holds; call it in the snapshot that reads the head.
    package func tableRows() throws(StoreError) -> TableRows {
        try statement(
            """
            SELECT (SELECT COUNT(*) FROM ledger), (SELECT COUNT(*) FROM settings), (SELECT COUNT(*) FROM checkpoint),
                (SELECT COUNT(*) FROM merkle_nodes), (SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM reversals),
                (SELECT COUNT(*) FROM personal_data), (SELECT COUNT(*) FROM personal_subjects)
            """
        ).rows { row in
            TableRows(
                ledger: row.int64(0), settings: row.int64(1), checkpoint: row.int64(2), merkleNodes: row.int64(3),
                claims: row.int64(4), reversals: row.int64(5), personalData: row.int64(6),
                personalSubjects: row.int64(7))
        }[0]
    }

    /// The checkpoint row's columns beside its note, as stored.
    package func checkpointRow() throws(StoreError) -> StoredCheckpointRow? {
        try statement("SELECT tree_size, root, signed_at FROM checkpoint WHERE singleton = 1").rows { row in
            StoredCheckpointRow(treeSize: row.int64(0), root: row.blob(1), signedAt: row.text(2))
        }.first
    }

    /// The stored Merkle nodes that entries `from` through `through` complete: node (level, idx)
    /// is completed by entry (idx + 1)·2^level, so these are one range of `pos` (the completing
    /// leaf, then the level), served by level then idx as `ledger.tree_nodes` promises. The range
    /// reads one row more than the entries complete, so that a row of no such node still shows.
    package func treeNodes(completedFrom from: Int64, through: Int64) throws(StoreError) -> [StoredNode] {
        guard from >= 1, through >= from, through <= Int64(1) << 56 else { return [] }
        var count = Int64(0)
        for level in Int64(0)..<57 { count += (through >> level) - ((from - 1) >> level) }
        return try statement(
            """
            SELECT level, idx, hash FROM merkle_nodes WHERE pos BETWEEN ? AND ?
            ORDER BY level, idx LIMIT ?
            """
        ).rows([
            .integer(MerklePosition.first(completedBy: from - 1)),
            .integer(MerklePosition.first(completedBy: through) - 1), .integer(count + 1),
        ]) { row in
            StoredNode(level: row.int64(0), index: row.int64(1), hash: row.blob(2))
        }
    }

    /// Up to `limit` rows of `claims` after claim id `after` (nil: from the first), by claim id.
    package func claimRows(after: String?, limit: Int) throws(StoreError) -> [StoredClaimRow] {
        // Two statements rather than `? IS NULL OR …`, which would keep SQLite from seeking the index.
        let (condition, values) = after.map { ("WHERE claim_id > ?", [SQLValue.text($0)]) } ?? ("", [])
        return try statement("SELECT \(Self.claimColumns) FROM claims \(condition) ORDER BY claim_id LIMIT ?")
            .rows(values + [.integer(Int64(limit))]) { row in
                func optional(_ column: Int32) -> String? { row.isNull(column) ? nil : row.text(column) }
                return StoredClaimRow(
                    claimID: row.text(0), seq: row.int64(1), committedAt: row.text(2), account: row.text(3),
                    issuer: row.text(4), hours: row.text(5), hourRate: row.int64(6), amount: row.int64(7),
                    category: optional(8), careDate: optional(9), memo: optional(10),
                    decidedSeq: row.isNull(11) ? nil : row.int64(11), decision: optional(12), reason: optional(13))
            }
    }

    /// Up to `limit` rows of `reversals` after reversed entry id `after` (nil: from the first).
    package func reversalRows(after: String?, limit: Int) throws(StoreError) -> [StoredReversalRow] {
        let (condition, values) = after.map { ("WHERE reversed_id > ?", [SQLValue.text($0)]) } ?? ("", [])
        return try statement(
            "SELECT reversed_id, reversal_seq FROM reversals \(condition) ORDER BY reversed_id LIMIT ?"
        ).rows(values + [.integer(Int64(limit))]) { row in
            StoredReversalRow(reversedID: row.text(0), reversalSeq: row.int64(1))
        }
    }

    /// Up to `limit` rows of `batch_credits` and `batch_credits_recent` together (one row per
    /// credit, FORMAT.md §6) after the row of credit `after` (nil: from the first), by seq and idx:
    /// the order they were written in, which no index on the ids has to keep. Each row's stored
    /// hash is checked against its id, as a lookup by id trusts it.
    package func batchCreditRows(after: String?, limit: Int) throws(StoreError) -> [StoredBatchCreditRow] {
        var start = (seq: Int64.min, index: Int64.min)
        if let after {
            guard let place = try batchCredit(after) else { throw .outOfRange("no credit has id \(after)") }
            start = place
        }
        // Both tables by their keys, merged: a row stored in both is read twice, and the audit
        // that reads these pages names it. So a page never ends between the two: the next page
        // starts after the place, and would skip the second (one row more is read to see it).
        var rows = try statement(
            """
            SELECT credit_id, seq, idx, id_hash FROM batch_credits WHERE (seq, idx) > (?1, ?2)
            UNION ALL SELECT credit_id, seq, idx, id_hash FROM batch_credits_recent WHERE (seq, idx) > (?1, ?2)
            ORDER BY 2, 3 LIMIT ?3
            """
        ).rows([.integer(start.seq), .integer(start.index), .integer(Int64(limit) + 1)]) { row in
            (StoredBatchCreditRow(creditID: row.text(0), seq: row.int64(1), index: row.int64(2)), row.int64(3))
        }
        if rows.count > limit, limit > 0,
            rows[limit].0.seq != rows[limit - 1].0.seq || rows[limit].0.index != rows[limit - 1].0.index
        {
            rows.removeLast()
        }
        for (row, hash) in rows where hash != CreditIDHash.of(row.creditID) {
            throw .corruptRow("batch_credits: the id_hash of credit \(row.creditID) is not its hash")
        }
        return rows.map(\.0)
    }

    /// Up to `limit` rows of `personal_subjects` after (`account`, `seq`) (nil: from the first).
    package func subjectRows(after: StoredSubjectRow?, limit: Int) throws(StoreError) -> [StoredSubjectRow] {
        let (condition, values) =
            after.map { ("WHERE (account, seq) > (?, ?)", [SQLValue.text($0.account), .integer($0.seq)]) } ?? ("", [])
        return try statement("SELECT account, seq FROM personal_subjects \(condition) ORDER BY account, seq LIMIT ?")
            .rows(values + [.integer(Int64(limit))]) { row in StoredSubjectRow(account: row.text(0), seq: row.int64(1))
            }
    }
}
