import NoaberCore

// What the writer stores of a `credits` entry (docs/FORMAT.md §17) and where its rows go: the
// recent credits' small table, moved into `batch_credits` now and then (FORMAT.md §6, schema 12).

extension LedgerStore {
    /// A batch of credits (docs/FORMAT.md §17): two posting rows per credit, each with the credit's
    /// care date, and the credit's row in `batch_credits_recent` (moved later, see `append`).
    /// Each account's balance is updated once by the sum of its postings: a batch's 2,000
    /// postings touch some hundreds of accounts.
    func writeCredits(_ batch: CreditBatch, seq: SQLValue, committedAt: Timestamp) throws(StoreError) {
        let commitDay = Timestamp.day(of: committedAt)
        let insertCredit = try connection.statement(
            "INSERT INTO batch_credits_recent (seq, idx, credit_id, id_hash) VALUES (?, ?, ?, ?)")
        let insertPosting = try connection.statement(
            "INSERT INTO postings (seq, idx, account, amount, care_date) VALUES (?, ?, ?, ?, ?)")
        var sums: [AccountID: Int64] = [:]
        var order: [AccountID] = []
        for (index, credit) in batch.credits.enumerated() {
            try insertCredit.run([seq, .integer(Int64(index)), .text(credit.id), .integer(CreditIDHash.of(credit.id))])
            let careDay = SQLValue.text(credit.careDate ?? commitDay)
            let legs = [(batch.issuer, -credit.amount), (credit.account, credit.amount)]
            for (leg, (account, amount)) in legs.enumerated() {
                try insertPosting.run([
                    seq, .integer(Int64(2 * index + leg)), .text(account.rawValue), .integer(amount), careDay,
                ])
                // The rules kept every balance within Int64 after each credit, so a sum of one
                // account's amounts, the change of its balance, does too; checked all the same.
                let (sum, overflow) = sums[account, default: 0].addingReportingOverflow(amount)
                guard !overflow else { throw .corruptRow("the postings of account \(account) overflow") }
                if sums.updateValue(sum, forKey: account) == nil { order.append(account) }
            }
        }
        let update = try connection.statement("UPDATE balances SET balance = balance + ? WHERE account = ?")
        for account in order {
            try update.run([.integer(sums[account]!), .text(account.rawValue)])
        }
    }

    /// Moves every row of `batch_credits_recent` into `batch_credits`, in the order of their id
    /// hashes: the index on the hash takes them in one pass from its first page to its last, each
    /// page read and written once for all of them. The rows are newer than every row already
    /// there, so the table's own pages by (seq, idx) are those at its end.
    func moveRecentCredits() throws(StoreError) {
        try connection.execute(
            """
            INSERT INTO batch_credits (seq, idx, credit_id, id_hash)
                SELECT seq, idx, credit_id, id_hash FROM batch_credits_recent ORDER BY id_hash, seq, idx;
            DELETE FROM batch_credits_recent;
            """)
    }
}
