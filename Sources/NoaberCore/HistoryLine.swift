/// One line of an account's history: an entry that touched it and the balance right after.
public struct HistoryLine: Sendable, Equatable {
    public var seq: Int64
    public var entryID: String
    public var committedAt: Timestamp
    public var amount: Int64
    public var balanceAfter: Int64
    public var purpose: Purpose?
    public var memo: String?
    public var hours: String?
    /// The care category whose rate a credit applied.
    public var category: String?
    /// For a credit: the day the care was given.
    public var careDate: String?
    /// The other accounts of the transaction.
    public var counterparties: [AccountID]

    public init(
        seq: Int64, entryID: String, committedAt: Timestamp, amount: Int64, balanceAfter: Int64,
        purpose: Purpose? = nil, memo: String? = nil, hours: String? = nil, category: String? = nil, counterparties: [AccountID] = []
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
