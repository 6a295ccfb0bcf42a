package import NoaberCore
import NoaberCrypto

// Parameters and results of the account methods (docs/PROTOCOL.md): `account.get`, `account.list`,
// `account.history` and `account.statement`.

package struct AccountParams: Codable, Sendable {
    package var account: String
    package init(account: String) { self.account = account }
}

package struct AccountInfo: Codable, Sendable, Equatable {
    package var account: String
    package var kind: String
    package var name: String
    package var status: String
    package var minBalance: Int64
    package var balance: Int64
    package var controllers: [String]
    package var openedSeq: Int64

    package init(_ a: LedgerState.Account) {
        account = a.id.rawValue
        kind = a.kind.rawValue
        name = a.name
        status = a.status.rawValue
        minBalance = a.minBalance
        balance = a.balance
        controllers = a.controllers.map(\.hex)
        openedSeq = a.openedSeq
    }
}

package struct AccountList: Codable, Sendable {
    package var accounts: [AccountInfo]
    package init(accounts: [AccountInfo]) { self.accounts = accounts }
}

package struct HistoryParams: Codable, Sendable {
    package var account: String
    package var limit: Int?
    package var beforeSeq: Int64?
    package init(account: String, limit: Int?, beforeSeq: Int64? = nil) {
        self.account = account
        self.limit = limit
        self.beforeSeq = beforeSeq
    }
}

package struct HistoryLineInfo: Codable, Sendable {
    package var seq: Int64
    package var entryId: String
    package var committedAt: String
    package var purpose: String?
    package var memo: String?
    package var hours: String?
    package var category: String?
    package var careDate: String?
    package var amount: Int64
    package var balanceAfter: Int64
    package var counterparties: [String]
    /// For a reversal: why, the entry id it undoes and that entry's seq.
    package var reason: String?
    package var reverses: String?
    package var reversesSeq: Int64?
    /// For a transaction that a later entry reversed: that reversal's seq.
    package var reversedBy: Int64?

    package init(_ line: HistoryLine) {
        reason = line.reason
        reverses = line.reverses
        reversesSeq = line.reversesSeq
        reversedBy = line.reversedBy
        category = line.category
        careDate = line.careDate
        seq = line.seq
        entryId = line.entryID
        committedAt = line.committedAt.rfc3339
        purpose = line.purpose?.rawValue
        memo = line.memo
        hours = line.hours
        amount = line.amount
        balanceAfter = line.balanceAfter
        counterparties = line.counterparties.map(\.rawValue)
    }
}

package struct HistoryResult: Codable, Sendable {
    package var account: String
    package var lines: [HistoryLineInfo]
    package init(account: String, lines: [HistoryLineInfo]) {
        self.account = account
        self.lines = lines
    }
}

package struct StatementParams: Codable, Sendable {
    package static let maxLimit = 5000
    /// What `by` selects and orders the lines by: the day each counts for (docs/FORMAT.md §2), or
    /// when it was committed (the chain's order). Without `by`, commit time, as before care dates.
    package static let byCareDate = "care_date"
    package static let byCommitTime = "commit_time"

    package var account: String
    package var by: String?
    /// By care date: the first and last day of the period (`YYYY-MM-DD`, both included).
    package var fromDate: String?
    package var toDate: String?
    /// By commit time: entries committed at or after `from_time` and before `to_time` (RFC 3339,
    /// UTC); either may be left out for an open end.
    package var fromTime: String?
    package var toTime: String?
    /// For the next page: the seq of the last line already received.
    package var afterSeq: Int64?
    /// By care date, with `after_seq`: that line's care date. A batch of credits (FORMAT.md §17)
    /// may pay an account on several days in one entry, so the seq alone may not name the line.
    package var afterDate: String?
    package var limit: Int?

    package init(account: String, fromTime: String?, toTime: String?, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        self.fromTime = fromTime
        self.toTime = toTime
        self.afterSeq = afterSeq
        self.limit = limit
    }

    /// A statement by care date for the days `fromDate` through `toDate`.
    package init(account: String, fromDate: String?, toDate: String?, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        by = Self.byCareDate
        self.fromDate = fromDate
        self.toDate = toDate
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

/// An account a statement's lines name as counterparty, with its name where the reader may see it.
package struct CounterpartyInfo: Codable, Sendable, Equatable {
    package var account: String
    package var kind: String
    package var name: String?
    package init(account: String, kind: String, name: String?) {
        self.account = account
        self.kind = kind
        self.name = name
    }
}

/// A care category a statement's lines name, with its name.
package struct CategoryName: Codable, Sendable, Equatable {
    package var category: String
    package var name: String
    package init(category: String, name: String) {
        self.category = category
        self.name = name
    }
}

package struct StatementResult: Codable, Sendable {
    package var account: AccountInfo
    /// What the lines were selected and ordered by (`StatementParams.by`).
    package var by: String?
    /// The balance before the first line (before the period, or before `after_seq`).
    package var opening: Int64
    package var lines: [HistoryLineInfo]
    /// The balance after the last line: `opening` plus every line's amount.
    package var closing: Int64
    /// True when the period has more lines: ask again with `after_seq` = the last line's seq.
    package var more: Bool
    /// Every account and category the page's lines name, for showing names instead of ids.
    package var counterpartyAccounts: [CounterpartyInfo]?
    package var categoryNames: [CategoryName]?

    package init(
        account: AccountInfo, by: String? = nil, opening: Int64, lines: [HistoryLineInfo], closing: Int64,
        more: Bool, counterpartyAccounts: [CounterpartyInfo]? = nil, categoryNames: [CategoryName]? = nil
    ) {
        self.account = account
        self.by = by
        self.opening = opening
        self.lines = lines
        self.closing = closing
        self.more = more
        self.counterpartyAccounts = counterpartyAccounts
        self.categoryNames = categoryNames
    }
}
