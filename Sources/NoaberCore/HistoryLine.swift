/// One line of an account's history: an entry that touched it and the balance right after.
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
    /// For a credit: the day the care was given.
    package var careDate: String?
    /// The other accounts of the transaction.
    package var counterparties: [AccountID]

    package init(
        seq: Int64, entryID: String, committedAt: Timestamp, amount: Int64, balanceAfter: Int64,
        purpose: Purpose? = nil, memo: String? = nil, hours: String? = nil, category: String? = nil,
        counterparties: [AccountID] = []
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
        self.counterparties = counterparties
    }
}
