/// One line of an account's history or statement: an entry that touched it and the balance right
/// after, with what a reader needs to understand it.
package struct HistoryLine: Sendable, Equatable {
    package var seq: Int64
    package var entryID: String
    package var committedAt: Timestamp
    package var amount: Int64
    package var balanceAfter: Int64
    package var purpose: Purpose?
    package var memo: String?
    package var hours: String?
    /// The care category whose rate a credit applied.
    package var category: String?
    /// The day the line counts for (docs/FORMAT.md §2, "The care date of a transaction").
    package var careDate: String?
    /// The other accounts of the transaction.
    package var counterparties: [AccountID]
    /// For a reversal: why, the entry id it undoes and that entry's seq.
    package var reason: String?
    package var reverses: String?
    package var reversesSeq: Int64?
    /// For a transaction that was reversed: the seq of the reversal.
    package var reversedBy: Int64?
    /// For a credit of a batch (docs/FORMAT.md §17): its place in the batch, whose memo is at
    /// `credits[i].memo`; nil for a line of any other entry.
    package var creditIndex: Int?

    package init(
        seq: Int64, entryID: String, committedAt: Timestamp, amount: Int64, balanceAfter: Int64,
        purpose: Purpose? = nil, memo: String? = nil, hours: String? = nil, category: String? = nil,
        careDate: String? = nil, counterparties: [AccountID] = []
    ) {
        self.category = category
        self.seq = seq
        self.entryID = entryID
        self.committedAt = committedAt
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.purpose = purpose
        self.memo = memo
        self.hours = hours
        self.careDate = careDate
        self.counterparties = counterparties
    }
}
