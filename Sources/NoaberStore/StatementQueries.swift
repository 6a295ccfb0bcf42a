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

extension Connection {
    /// The statement of `account` for entries committed in [`from`, `to`), oldest first, at most
    /// `limit` lines after `afterSeq`. Times compare as their fixed-width RFC 3339 text, which sorts
    /// in time order (docs/FORMAT.md §4).
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
                SELECT p.seq, p.amount, e.entry_id, e.committed_at, e.payload
                FROM postings p JOIN entries e ON e.seq = p.seq
                WHERE p.account = ? AND e.committed_at >= ? AND e.committed_at < ? AND p.seq > ?
                ORDER BY p.seq LIMIT ?
                """
            ).rows([
                .text(account.rawValue), .text(fromText), .text(toText), .integer(afterSeq), .integer(Int64(limit) + 1),
            ]) { row in
                (row.int64(0), row.int64(1), row.text(2), row.text(3), row.blob(4))
            }
            var balance = opening
            var lines: [HistoryLine] = []
            for (seq, amount, entryID, time, payloadBytes) in rows.prefix(limit) {
                guard let committedAt = Timestamp(rfc3339: time) else {
                    throw .corruptRow("entry \(seq) has a malformed time")
                }
                let (sum, overflow) = balance.addingReportingOverflow(amount)
                guard !overflow else {
                    throw .corruptRow("the running balance of \(account) overflows at entry \(seq)")
                }
                balance = sum
                var line = HistoryLine(
                    seq: seq, entryID: entryID, committedAt: committedAt, amount: amount, balanceAfter: balance)
                if let payload = try? Payload.decode(payloadBytes), case .transaction(let tx) = payload.body {
                    line.purpose = tx.purpose
                    line.memo = tx.memo
                    line.hours = tx.hours
                    line.category = tx.category
                    line.careDate = tx.careDate
                    line.counterparties = Self.counterparties(of: account, in: tx)
                }
                lines.append(line)
            }
            return AccountStatement(account: current, opening: opening, lines: lines, more: rows.count > limit)
        }
    }
}
