import NoaberCore
import Synchronization

// What the writer stores of a `credits` entry (docs/FORMAT.md §17) and where its rows go: the
// recent credits' small table, moved into `batch_credits` now and then (FORMAT.md §6, schema 12).

extension LedgerStore {
    /// A batch of credits (docs/FORMAT.md §17): two posting rows per credit, each with the credit's
    /// care date, and the credit's row in `batch_credits_recent` (moved later, see `append`).
    /// Each account's balance is updated once by the sum of its postings: a batch's 2,000
    /// postings touch some hundreds of accounts.
    func writeCredits(_ batch: CreditBatch, seq: SQLValue, committedAt: Timestamp) throws(StoreError) {
        let commitDay = Timestamp.day(of: committedAt)
        // Both tables are keyed by (seq, idx), so a batch's rows come in key order.
        var credits = RowInserts(
            connection, into: "batch_credits_recent", columns: ["seq", "idx", "credit_id", "id_hash"])
        var postings = RowInserts(
            connection, into: "postings", columns: ["seq", "idx", "account", "amount", "care_date"])
        var sums: [AccountID: Int64] = [:]
        var order: [AccountID] = []
        let issuer = SQLValue.text(batch.issuer.rawValue)
        for (index, credit) in batch.credits.enumerated() {
            try credits.add(seq, .integer(Int64(index)), .text(credit.id), .integer(CreditIDHash.of(credit.id)))
            let careDay = SQLValue.text(credit.careDate ?? commitDay)
            try postings.add(seq, .integer(Int64(2 * index)), issuer, .integer(-credit.amount), careDay)
            try postings.add(
                seq, .integer(Int64(2 * index + 1)), .text(credit.account.rawValue), .integer(credit.amount), careDay)
            for (account, amount) in [(batch.issuer, -credit.amount), (credit.account, credit.amount)] {
                // The rules kept every balance within Int64 after each credit, so a sum of one
                // account's amounts, the change of its balance, does too; checked all the same.
                let (sum, overflow) = sums[account, default: 0].addingReportingOverflow(amount)
                guard !overflow else { throw .corruptRow("the postings of account \(account) overflow") }
                if sums.updateValue(sum, forKey: account) == nil { order.append(account) }
            }
        }
        try credits.finish()
        try postings.finish()
        let update = try connection.statement("UPDATE balances SET balance = balance + ? WHERE account = ?")
        for account in order {
            try update.run([.integer(sums[account]!), .text(account.rawValue)])
        }
    }

    /// Moves every row of `batch_credits_recent` into `batch_credits`, in the order of their id
    /// hashes: the index on the hash takes them in one pass from its first page to its last, each
    /// page read and written once for all of them. The rows are newer than every row already
    /// there, so the table's own pages by (seq, idx) are those at its end. `OR ROLLBACK`: a
    /// failed row rolls back the whole transaction (as a failed group is anyway), so SQLite keeps
    /// no statement journal of the pages the move changes, most of the hash index at a million
    /// credits.
    func moveRecentCredits() throws(StoreError) {
        try connection.execute(
            """
            INSERT OR ROLLBACK INTO batch_credits (seq, idx, credit_id, id_hash)
                SELECT seq, idx, credit_id, id_hash FROM batch_credits_recent ORDER BY id_hash, seq, idx;
            DELETE FROM batch_credits_recent;
            """)
    }

    /// The batch holding credit `id` and its place there, as `Connection.batchCredit` finds it,
    /// for the writer, which asks for every new credit: an id whose hash no stored credit has is
    /// answered from memory, without reading a page of either table's index.
    package func batchCredit(_ id: String) throws(StoreError) -> (seq: Int64, index: Int64)? {
        guard creditHashes.mayContain(CreditIDHash.of(id)) else { return nil }
        return try connection.batchCredit(id)
    }

    func loadCreditHashes() throws(StoreError) {
        // Set as the rows are read, not gathered first: 8 bytes a credit at start-up otherwise.
        for table in ["batch_credits", "batch_credits_recent"] {
            _ = try connection.statement("SELECT id_hash FROM \(table)").rows { row throws(StoreError) in
                self.creditHashes.insert(row.int64(0))
            }
        }
        recentCredits = Int(
            try connection.statement("SELECT COUNT(*) FROM batch_credits_recent").rows { $0.int64(0) }[0])
    }

    /// The writer's page cache, in KiB, while `credits` entries arrive. A batch's postings reach
    /// up to a thousand accounts' last pages of `postings_by_account` and `personal_subjects`,
    /// more than SQLite's default 2 MiB (500 pages) keeps from one batch to the next: it read most
    /// of them again, and spilled dirty ones into the WAL before the COMMIT. Not kept for every
    /// workload, since the cache fills to its size and the submit run's memory target is 64 MB
    /// (Benchmarks/README.md, "The import path, eighth round").
    package static let creditsCacheKiB: Int64 = 16384

    /// Before a group: the larger cache for one with credits (never a smaller one than opened).
    /// Only a hint: a PRAGMA that fails leaves the size as it was, and the group is written.
    func sizeCache(forCredits hasCredits: Bool) {
        guard hasCredits else { return }
        creditsSinceTick = true
        guard !holdsCreditsCache, openedCacheKiB < Self.creditsCacheKiB else { return }
        if (try? connection.execute("PRAGMA cache_size = -\(Self.creditsCacheKiB)")) != nil {
            holdsCreditsCache = true
        }
    }

    /// Called once a minute by the writer: the cache returns to its opened size once a whole
    /// minute passed without a group with credits (SQLite frees the pages past the size).
    package func cacheTick() {
        defer { creditsSinceTick = false }
        guard holdsCreditsCache, !creditsSinceTick else { return }
        if (try? connection.execute("PRAGMA cache_size = \(openedCacheSize)")) != nil {
            holdsCreditsCache = false
        }
    }

    /// After a commit: how many credits it added; none wait if it moved them.
    func creditsCommitted(_ added: Int, moved: Bool) {
        recentCredits = moved ? 0 : recentCredits + added
    }
}

/// The id hashes of a ledger's stored credits (`IDHashBits`), shared by the writer, which adds
/// those of each group before its COMMIT, and the readers, which ask before they look an id up in
/// SQLite (`ledger.used_ids`: an import asks for each of its lines). Added before the COMMIT, a
/// hash is here by the time any snapshot can hold its credit; a group that fails afterwards leaves
/// bits set that no credit has, which only sends those ids on to SQLite, as any set bit does.
package final class CreditIDFilter: Sendable {
    private let bits = Mutex(IDHashBits())

    package init() {}

    package func insert(_ hash: Int64) { bits.withLock { $0.insert(hash) } }

    package func insert(contentsOf hashes: [Int64]) {
        bits.withLock { bits in for hash in hashes { bits.insert(hash) } }
    }

    /// False only if no stored credit has an id with this hash.
    package func mayContain(_ hash: Int64) -> Bool { bits.withLock { $0.mayContain(hash) } }

    /// `mayContain` for each id's hash, under one lock.
    package func mayContain(ids: [String]) -> [Bool] {
        let hashes = ids.map(CreditIDHash.of)
        return bits.withLock { bits in hashes.map { bits.mayContain($0) } }
    }
}

/// Which id hashes (`CreditIDHash`) a ledger's credits, or its entries, hold: one bit for each
/// value of a hash's low `bits` bits, allocated with the first id (2 MiB for the credits' 2²⁴).
/// A clear bit means no stored id has that hash; a set one only that one may (at a million
/// credits, some 6 % of new ids find their bit set and are looked up in SQLite). Before it, each
/// new credit's lookup read a random leaf of `batch_credits_by_hash`, a page the writer's cache
/// seldom held. A hash is only ever added: a stored id's bit is never clear.
package struct IDHashBits {
    private let bits: Int
    private var words: [UInt64] = []

    /// `log2Bits` of the hash's low bits: between 6 and 32.
    package init(log2Bits: Int = 24) {
        precondition((6...32).contains(log2Bits))
        bits = 1 << log2Bits
    }

    package mutating func insert(_ hash: Int64) {
        if words.isEmpty { words = [UInt64](repeating: 0, count: bits / 64) }
        let bit = Int(truncatingIfNeeded: hash) & (bits - 1)
        words[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    package func mayContain(_ hash: Int64) -> Bool {
        guard !words.isEmpty else { return false }
        let bit = Int(truncatingIfNeeded: hash) & (bits - 1)
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
