package import NoaberCore

/// An account's statement for a period: the balance before it, every entry in it with the running
/// balance, and the balance after it. Opening + the amounts = closing, always: all three come from
/// the same postings in one snapshot.
package struct AccountStatement: Sendable, Equatable {
    package var account: LedgerState.Account
    package var opening: Int64
    package var lines: [HistoryLine]
    /// True when `limit` cut the lines short; ask again from the last line's seq.
    package var more: Bool

    package var closing: Int64 { lines.last?.balanceAfter ?? opening }
}

/// A posting of the account, as the statement queries read it: the balance comes later, and the
/// payload once per entry of the page (`payloadBodies`).
private typealias PostingRow = (seq: Int64, amount: Int64, careDate: String, entryID: String, time: String, idx: Int64)

extension Connection {
    /// The statement of `account` by care date (docs/FORMAT.md §2): lines whose care date is in
    /// [`fromDay`, `throughDay`] (both included, `YYYY-MM-DD`), ordered by care date and then seq,
    /// at most `limit` of them after the line (`after.day`, `after.seq`). The opening balance is
    /// every posting before the period or before that line, whatever its commit order: a
    /// credit for November committed in December still belongs before December's opening.
    package func statement(
        of account: AccountID, fromDay: String?, throughDay: String?, after: (day: String, seq: Int64)? = nil,
        limit: Int
    ) throws(StoreError) -> AccountStatement? {
        try snapshot { () throws(StoreError) in
            guard let current = try self.account(account) else { return nil }
            // "" sorts before every day and "~" after, so an open end needs no second query.
            let (from, through) = (SQLValue.text(fromDay ?? ""), SQLValue.text(throughDay ?? "~"))
            let (afterDay, afterSeq) = (SQLValue.text(after?.day ?? ""), SQLValue.integer(after?.seq ?? 0))
            let opening = try statement(
                """
                SELECT COALESCE(SUM(amount), 0) FROM postings
                WHERE account = ? AND (care_date < ? OR (care_date <= ? AND (care_date, seq) <= (?, ?)))
                """
            ).rows([.text(account.rawValue), from, through, afterDay, afterSeq]) { $0.int64(0) }[0]
            // The account's postings are in seq order in the index, which holds their care dates:
            // the page is picked and sorted from the index alone, and only its lines read entries.
            let rows = try statement(
                """
                SELECT p.seq, p.amount, p.care_date, e.entry_id, e.committed_at, p.idx
                FROM (
                    SELECT seq, idx, amount, care_date FROM postings
                    WHERE account = ? AND care_date >= ? AND care_date <= ? AND (care_date, seq) > (?, ?)
                    ORDER BY care_date, seq, idx LIMIT ?
                ) p JOIN entries e ON e.seq = p.seq
                ORDER BY p.care_date, p.seq, p.idx
                """
            ).rows(
                [.text(account.rawValue), from, through, afterDay, afterSeq, .integer(Int64(limit) + 1)],
                Self.postingRow)
            let page = try completed(rows, limit: limit, sameGroup: { $0.seq == $1.seq && $0.careDate == $1.careDate })
            {
                last throws(StoreError) in
                try self.statement(
                    """
                    SELECT p.seq, p.amount, p.care_date, e.entry_id, e.committed_at, p.idx
                    FROM postings p JOIN entries e ON e.seq = p.seq
                    WHERE p.account = ? AND p.care_date = ? AND p.seq = ? AND p.idx > ? ORDER BY p.idx
                    """
                ).rows(
                    [.text(account.rawValue), .text(last.careDate), .integer(last.seq), .integer(last.idx)],
                    Self.postingRow)
            }
            return try statement(current, opening: opening, page: page)
        }
    }

    /// The statement of `account` by commit time: entries committed in [`from`, `to`), in chain
    /// order, at most `limit` lines after `afterSeq`. Times compare as their fixed-width RFC 3339
    /// text, which sorts in time order (docs/FORMAT.md §4).
    package func statement(
        of account: AccountID, from: Timestamp?, to: Timestamp?, afterSeq: Int64 = 0, limit: Int
    ) throws(StoreError) -> AccountStatement? {
        try snapshot { () throws(StoreError) in
            guard let current = try self.account(account) else { return nil }
            let fromText = from?.rfc3339 ?? ""
            let toText = to?.rfc3339 ?? "~"  // sorts after every time
            // Everything before the period, plus the lines of the period already returned.
            let opening = try statement(
                """
                SELECT COALESCE(SUM(p.amount), 0) FROM postings p JOIN entries e ON e.seq = p.seq
                WHERE p.account = ? AND (e.committed_at < ? OR (e.committed_at < ? AND p.seq <= ?))
                """
            ).rows([.text(account.rawValue), .text(fromText), .text(toText), .integer(afterSeq)]) { $0.int64(0) }[0]
            let rows = try statement(
                """
                SELECT p.seq, p.amount, p.care_date, e.entry_id, e.committed_at, p.idx
                FROM postings p JOIN entries e ON e.seq = p.seq
                WHERE p.account = ? AND e.committed_at >= ? AND e.committed_at < ? AND p.seq > ?
                ORDER BY p.seq, p.idx LIMIT ?
                """
            ).rows(
                [
                    .text(account.rawValue), .text(fromText), .text(toText), .integer(afterSeq),
                    .integer(Int64(limit) + 1),
                ], Self.postingRow)
            let page = try completed(rows, limit: limit, sameGroup: { $0.seq == $1.seq }) { last throws(StoreError) in
                try self.statement(
                    """
                    SELECT p.seq, p.amount, p.care_date, e.entry_id, e.committed_at, p.idx
                    FROM postings p JOIN entries e ON e.seq = p.seq WHERE p.account = ? AND p.seq = ? AND p.idx > ?
                    ORDER BY p.idx
                    """
                ).rows([.text(account.rawValue), .integer(last.seq), .integer(last.idx)], Self.postingRow)
            }
            return try statement(current, opening: opening, page: page)
        }
    }

    /// The care date of `account`'s posting in entry `seq`: where a care-date page that ended
    /// there continues. Nil if the entry has no posting to the account.
    /// With `day`, only a posting on that day counts.
    package func careDate(ofPostingTo account: AccountID, seq: Int64, day: String? = nil) throws(StoreError) -> String?
    {
        try statement(
            "SELECT care_date FROM postings WHERE account = ? AND seq = ? AND (?3 IS NULL OR care_date = ?3) ORDER BY idx"
        )
        .rows([.text(account.rawValue), .integer(seq), day.map(SQLValue.text) ?? .null]) {
            $0.isNull(0) ? nil : $0.text(0)
        }.first ?? nil
    }

    /// A row of the statement queries: seq, amount, care date, entry id, time, idx.
    private static func postingRow(_ row: Statement) -> PostingRow {
        (row.int64(0), row.int64(1), row.isNull(2) ? "" : row.text(2), row.text(3), row.text(4), row.int64(5))
    }

    /// The payload bodies of the entries `seqs`, each read and decoded once: one batch of credits
    /// (docs/FORMAT.md §17) may be a thousand lines of a page, each of which used to read and
    /// decode its thousand credits again. A payload that does not decode is left out: its lines
    /// show what the postings say, and the verifier names the entry.
    func payloadBodies(_ seqs: some Sequence<Int64>) throws(StoreError) -> [Int64: Payload.Body] {
        var bodies: [Int64: Payload.Body] = [:]
        var read = Set<Int64>()
        for seq in seqs where read.insert(seq).inserted {
            let payload = try statement("SELECT payload FROM entries WHERE seq = ?").rows([.integer(seq)]) {
                $0.blob(0)
            }
            if let bytes = payload.first, let decoded = try? Payload.decode(bytes) { bodies[seq] = decoded.body }
        }
        return bodies
    }

    /// The first `limit` of `rows` (which holds one more, if there is one), and the rest of the
    /// group the last of them is in: a batch of credits (docs/FORMAT.md §17) may pay an account
    /// many times in one entry, and a page that ended inside it could not be continued from its seq.
    private func completed(
        _ rows: [PostingRow], limit: Int, sameGroup: (PostingRow, PostingRow) -> Bool,
        rest: (PostingRow) throws(StoreError) -> [PostingRow]
    ) throws(StoreError) -> (rows: [PostingRow], more: Bool) {
        guard rows.count > limit, let last = rows.prefix(limit).last else { return (Array(rows.prefix(limit)), false) }
        guard sameGroup(last, rows[limit]) else { return (Array(rows.prefix(limit)), true) }
        // Whether anything follows the group is learnt from the next page, which may be empty.
        return (Array(rows.prefix(limit)) + (try rest(last)), true)
    }

    private func statement(
        _ account: LedgerState.Account, opening: Int64, page: (rows: [PostingRow], more: Bool)
    ) throws(StoreError) -> AccountStatement {
        var balance = opening
        var lines: [HistoryLine] = []
        let bodies = try payloadBodies(page.rows.map(\.seq))
        for row in page.rows {
            let (sum, overflow) = balance.addingReportingOverflow(row.amount)
            guard !overflow else {
                throw .corruptRow("the running balance of \(account.id) overflows at entry \(row.seq)")
            }
            balance = sum
            lines.append(
                try historyLine(
                    of: account.id, seq: row.seq, amount: row.amount, balanceAfter: balance, entryID: row.entryID,
                    time: row.time, body: bodies[row.seq], careDate: row.careDate, idx: row.idx))
        }
        return AccountStatement(account: account, opening: opening, lines: lines, more: page.more)
    }

    /// A line of `account`'s history or statement, with what its payload says and how a reversal
    /// links it to another entry (either way).
    func historyLine(
        of account: AccountID, seq: Int64, amount: Int64, balanceAfter: Int64, entryID: String, time: String,
        body: Payload.Body?, careDate: String, idx: Int64
    ) throws(StoreError) -> HistoryLine {
        guard let committedAt = Timestamp(rfc3339: time) else {
            throw .corruptRow("entry \(seq) has a malformed time")
        }
        var line = HistoryLine(
            seq: seq, entryID: entryID, committedAt: committedAt, amount: amount, balanceAfter: balanceAfter,
            careDate: careDate.isEmpty ? nil : careDate)
        var transaction: Transaction?
        switch body {
        case .transaction(let tx)?: transaction = tx
        case .credits(let batch)?:
            // Each credit of a batch is a line of its own, under its credit id (docs/FORMAT.md §17).
            let index = Int(idx / 2)
            if batch.credits.indices.contains(index) {
                transaction = batch.transaction(index)
                line.entryID = batch.credits[index].id
                line.creditIndex = index
            }
        default: break
        }
        if let tx = transaction {
            line.purpose = tx.purpose
            line.memo = tx.memo
            line.hours = tx.hours
            line.category = tx.category
            line.counterparties = Self.counterparties(of: account, in: tx)
            if let original = tx.reverses {
                line.reason = tx.reason
                line.reverses = original
                line.reversesSeq = try self.seq(ofEntryOrCredit: original)
            }
        }
        line.reversedBy = try reversal(of: line.entryID)
        return line
    }
}
