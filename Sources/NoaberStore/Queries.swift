package import NoaberCore
package import NoaberCrypto

/// The ledger's settings and head, as `status` reports them.
package struct LedgerSummary: Sendable, Equatable {
    package var ledger: LedgerState.Ledger?
    package var entries: Int64
    package var headHash: SHA256Digest
    package var headTime: Timestamp?
}

/// Read queries. They run on any connection, usually a reader's, and see one consistent snapshot
/// each (WAL), so reads never wait behind the writer.
extension Connection {
    package func summary() throws(StoreError) -> LedgerSummary {
        try snapshot { () throws(StoreError) in
            let head = try statement("SELECT seq, hash, committed_at FROM entries ORDER BY seq DESC LIMIT 1")
                .rows { row in (row.int64(0), row.blob(1), row.text(2)) }.first
            return LedgerSummary(
                ledger: try ledger(), entries: head?.0 ?? 0,
                headHash: head.flatMap { SHA256Digest(bytes: $0.1) } ?? .zero,
                headTime: head.flatMap { Timestamp(rfc3339: $0.2) })
        }
    }

    package func ledger() throws(StoreError) -> LedgerState.Ledger? {
        let rows = try statement(
            "SELECT ledger_id, name, currency_code, currency_name, scale, hour_rate, admin_key, entry_version FROM ledger"
        ).rows { row throws(StoreError) -> LedgerState.Ledger in
            guard let admin = KeyID(hex: row.text(6)), (0...Int64(Money.maxScale)).contains(row.int64(4)) else {
                throw .corruptRow("ledger row has a malformed admin key or scale")
            }
            return LedgerState.Ledger(
                id: row.text(0), name: row.text(1),
                currency: Currency(code: row.text(2), name: row.text(3), scale: Int(row.int64(4))),
                hourRate: row.int64(5), adminKey: admin, version: Int(row.int64(7)))
        }
        return rows.first
    }

    /// An account row with its balance from `balances` (schema version 11): a missing balance
    /// row reads as NULL, which `decodeAccount` refuses rather than take for zero.
    static let accountSelect = """
        SELECT a.account, a.kind, a.name, a.min_balance, a.controllers, a.status, b.balance, a.opened_seq
        FROM accounts a LEFT JOIN balances b ON b.account = a.account
        """

    /// Every account, in order. The balances table must hold exactly their rows: one of no account
    /// is never read by a query, but an edit of the file could leave one, and `verify` reads the
    /// accounts through here.
    package func accounts() throws(StoreError) -> [LedgerState.Account] {
        try snapshot { () throws(StoreError) in
            let accounts = try statement("\(Self.accountSelect) ORDER BY a.account").rows([], decodeAccount)
            let rows = try statement("SELECT COUNT(*) FROM balances").rows { $0.int64(0) }[0]
            guard rows == Int64(accounts.count) else {
                throw .corruptRow("the balances table holds \(rows) rows for \(accounts.count) accounts")
            }
            return accounts
        }
    }

    package func account(_ id: AccountID) throws(StoreError) -> LedgerState.Account? {
        try statement("\(Self.accountSelect) WHERE a.account = ?").rows([.text(id.rawValue)], decodeAccount).first
    }

    package func keys() throws(StoreError) -> [LedgerState.Key] {
        try statement(
            "SELECT key_id, public_key, label, role, added_seq, revoked_seq FROM keys ORDER BY added_seq, role = 'log'"
        )
        .rows([], decodeKey)
    }

    /// Every care category with the hour rate in force, by id.
    package func categories() throws(StoreError) -> [LedgerState.Category] {
        try statement("SELECT category, name, hour_rate, set_seq FROM categories ORDER BY category").rows([]) { row in
            LedgerState.Category(id: row.text(0), name: row.text(1), hourRate: row.int64(2), setSeq: row.int64(3))
        }
    }

    /// The seq of the reversal that undid `entryID`, if any.
    package func reversal(of entryID: String) throws(StoreError) -> Int64? {
        try statement("SELECT reversal_seq FROM reversals WHERE reversed_id = ?").rows([.text(entryID)]) { $0.int64(0) }
            .first
    }

    /// The care date stored with the postings of transaction `entryID` (docs/FORMAT.md §2), or of
    /// the credit with that id in a batch (§17).
    package func careDate(ofTransaction entryID: String) throws(StoreError) -> String? {
        if let credit = try batchCredit(entryID) {
            return try statement("SELECT care_date FROM postings WHERE seq = ? AND idx = ?")
                .rows([.integer(credit.seq), .integer(2 * credit.index)]) { $0.isNull(0) ? nil : $0.text(0) }.first
                ?? nil
        }
        return try statement(
            "SELECT p.care_date FROM entries e JOIN postings p ON p.seq = e.seq WHERE e.entry_id = ? LIMIT 1"
        ).rows([.text(entryID)]) { $0.isNull(0) ? nil : $0.text(0) }.first ?? nil
    }

    /// The `credits` entry holding the credit with id `creditID` and the credit's place in it
    /// (docs/FORMAT.md §17), or nil if no batch holds one. The recent credits' small table first
    /// (FORMAT.md §6, schema version 12): a new credit's id is looked for in both.
    package func batchCredit(_ creditID: String) throws(StoreError) -> (seq: Int64, index: Int64)? {
        try statement(
            """
            SELECT seq, idx FROM batch_credits_recent WHERE id_hash = ?1 AND credit_id = ?2
            UNION ALL SELECT seq, idx FROM batch_credits WHERE id_hash = ?1 AND credit_id = ?2 LIMIT 1
            """
        ).rows([.integer(CreditIDHash.of(creditID)), .text(creditID)]) {
            (seq: $0.int64(0), index: $0.int64(1))
        }.first
    }

    /// Whether any `credits` entry is stored: until one is, no id can be a credit's.
    package func hasBatchCredits() throws(StoreError) -> Bool {
        try statement(
            "SELECT EXISTS (SELECT 1 FROM batch_credits_recent) OR EXISTS (SELECT 1 FROM batch_credits)"
        ).rows { $0.int64(0) != 0 }[0]
    }

    /// The seq of the entry whose id is `id`, or of the `credits` entry holding a credit with that
    /// id (docs/FORMAT.md §17: the two kinds of id share one space), or nil.
    package func seq(ofEntryOrCredit id: String) throws(StoreError) -> Int64? {
        if let seq = try entrySeq(id: id) { return seq }
        return try batchCredit(id)?.seq
    }

    /// `seq(ofEntryOrCredit:)` for each of `ids`, asking `credits` (the writer's,
    /// `LedgerStore.creditHashes`) before SQLite whether a credit may have the id: at a million
    /// credits, a lookup of a new id in `batch_credits_by_hash` reads a page this connection's
    /// cache seldom holds. In one snapshot; the first lookup begins it, before `credits` is asked.
    package func seqs(ofEntriesOrCredits ids: [String], credits: CreditIDFilter) throws(StoreError) -> [Int64?] {
        try snapshot { () throws(StoreError) in
            var seqs = try ids.map { id throws(StoreError) in try entrySeq(id: id) }
            for (index, mayBeCredit) in credits.mayContain(ids: ids).enumerated()
            where seqs[index] == nil && mayBeCredit {
                seqs[index] = try batchCredit(ids[index])?.seq
            }
            return seqs
        }
    }

    /// The seq of the entry whose id is `id`, or nil.
    package func entrySeq(id: String) throws(StoreError) -> Int64? {
        try statement("SELECT seq FROM entries WHERE entry_id = ?").rows([.text(id)]) { $0.int64(0) }.first
    }

    /// How many entry and posting rows the journal holds.
    package func journalRows() throws(StoreError) -> JournalRows {
        try statement("SELECT (SELECT COUNT(*) FROM entries), (SELECT COUNT(*) FROM postings)").rows([]) { row in
            JournalRows(entries: row.int64(0), postings: row.int64(1))
        }[0]
    }

    /// Every account's stored balance, as the verifier compares them.
    package func balances() throws(StoreError) -> [AccountID: Int64] {
        var result: [AccountID: Int64] = [:]
        // The accounts' rows, as `accounts()` reads them: a balance row of no account is never served.
        let rows = try statement(
            "SELECT a.account, b.balance FROM accounts a LEFT JOIN balances b ON b.account = a.account"
        ).rows([]) { ($0.text(0), $0.isNull(1) ? nil : $0.int64(1)) }
        for (raw, stored) in rows {
            guard let balance = stored else { throw .corruptRow("account \(raw) has no balance row") }
            guard let id = try? AccountID(raw) else { throw .corruptRow("account id \(raw) is malformed") }
            result[id] = balance
        }
        return result
    }

    package func entry(id: String) throws(StoreError) -> CommittedEntry? {
        try statement("SELECT \(Self.entryColumns) FROM entries WHERE entry_id = ?").rows([.text(id)], decodeEntry)
            .first
    }

    package func entry(seq: Int64) throws(StoreError) -> CommittedEntry? {
        try statement("SELECT \(Self.entryColumns) FROM entries WHERE seq = ?").rows([.integer(seq)], decodeEntry)
            .first
    }

    /// Entries with `seq >= from` in order, each with its stored postings.
    package func entries(from: Int64, limit: Int) throws(StoreError) -> [StoredEntry] {
        let entries = try statement("SELECT \(Self.entryColumns) FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?")
            .rows([.integer(from), .integer(Int64(limit))], decodeEntry)
        guard let first = entries.first, let last = entries.last else { return [] }
        var postings: [Int64: [Posting]] = [:]
        var careDates: [Int64: [String]] = [:]
        var indexes: [Int64: [Int64]] = [:]
        let rows = try statement(
            "SELECT seq, account, amount, care_date, idx FROM postings WHERE seq BETWEEN ? AND ? ORDER BY seq, idx"
        )
        .rows([.integer(first.seq), .integer(last.seq)]) { row in
            (row.int64(0), row.text(1), row.int64(2), row.isNull(3) ? "" : row.text(3), row.int64(4))
        }
        for (seq, raw, amount, careDate, idx) in rows {
            guard let account = try? AccountID(raw) else {
                throw .corruptRow("posting of entry \(seq) names a malformed account")
            }
            postings[seq, default: []].append(Posting(account: account, amount: amount))
            careDates[seq, default: []].append(careDate)
            indexes[seq, default: []].append(idx)
        }
        let personal = try personalTexts(from: first.seq, through: last.seq)
        return entries.map {
            StoredEntry(
                entry: $0, postings: postings[$0.seq] ?? [], personal: personal[$0.seq] ?? [],
                careDates: careDates[$0.seq] ?? [], postingIndexes: indexes[$0.seq] ?? [])
        }
    }

    /// Like `entries(from:limit:)`, but the page also ends before its payloads would come to more
    /// than `maxPayloadBytes` in all; it always holds the first entry, however large. The cut is
    /// found from the payloads' lengths alone (SQLite takes a blob's `length()` from the record
    /// header without reading the blob), so no more than the budget of payload bytes is ever read.
    package func entries(from: Int64, limit: Int, maxPayloadBytes: Int) throws(StoreError) -> [StoredEntry] {
        try snapshot { () throws(StoreError) in
            let lengths = try statement("SELECT length(payload) FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?")
                .rows([.integer(from), .integer(Int64(limit))]) { Int($0.int64(0)) }
            var count = 0
            var total = 0
            for length in lengths {
                if count > 0, total + length > maxPayloadBytes { break }
                total += length
                count += 1
            }
            guard count > 0 else { return [] }
            return try entries(from: from, limit: count)
        }
    }

    /// The newest `limit` entries touching `account` (before `beforeSeq`, if given), newest first,
    /// each with the balance right after it.
    package func history(of account: AccountID, limit: Int, beforeSeq: Int64? = nil) throws(StoreError) -> [HistoryLine]
    {
        try snapshot { () throws(StoreError) in
            guard let current = try self.account(account) else { return [] }
            // The balance after the newest listed entry is the current balance less everything after it.
            let later = try statement("SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ? AND seq >= ?")
                .rows([.text(account.rawValue), .integer(beforeSeq ?? Int64.max)]) { $0.int64(0) }[0]
            var balance = current.balance - later
            let columns = "p.seq, p.amount, e.entry_id, e.committed_at, p.care_date, p.idx"
            var touching = try statement(
                """
                SELECT \(columns) FROM postings p JOIN entries e ON e.seq = p.seq
                WHERE p.account = ? AND p.seq < ? ORDER BY p.seq DESC, p.idx DESC LIMIT ?
                """
            ).rows(
                [.text(account.rawValue), .integer(beforeSeq ?? Int64.max), .integer(Int64(limit))], Self.historyRow)
            // A page ends at an entry's first line: a batch of credits (docs/FORMAT.md §17) may pay
            // the account many times in one entry, and the next page continues before its seq.
            if touching.count == limit, let last = touching.last {
                touching += try statement(
                    """
                    SELECT \(columns) FROM postings p JOIN entries e ON e.seq = p.seq
                    WHERE p.account = ? AND p.seq = ? AND p.idx < ? ORDER BY p.idx DESC
                    """
                ).rows([.text(account.rawValue), .integer(last.0), .integer(last.5)], Self.historyRow)
            }
            var lines: [HistoryLine] = []
            let bodies = try payloadBodies(touching.map(\.0))
            for (seq, amount, entryID, time, careDate, idx) in touching {
                lines.append(
                    try historyLine(
                        of: account, seq: seq, amount: amount, balanceAfter: balance, entryID: entryID, time: time,
                        body: bodies[seq], careDate: careDate, idx: idx))
                balance -= amount
            }
            return lines
        }
    }
}

extension Connection {
    /// The accounts on the other side of `account`'s posting: who paid it, or whom it paid (for a
    /// demurrage charge, the issuer, not the other accounts charged with it).
    static func counterparties(of account: AccountID, in tx: Transaction) -> [AccountID] {
        guard let own = tx.postings.first(where: { $0.account == account }) else { return [] }
        return tx.postings.filter { $0.account != account && ($0.amount > 0) != (own.amount > 0) }.map(\.account)
    }

    /// A row of `history`'s query: seq, amount, entry id, time, care date, idx.
    private static func historyRow(_ row: Statement) -> (Int64, Int64, String, String, String, Int64) {
        (row.int64(0), row.int64(1), row.text(2), row.text(3), row.isNull(4) ? "" : row.text(4), row.int64(5))
    }

}
