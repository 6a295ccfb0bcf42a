import NoaberCore
import NoaberProtocol
import NoaberStore

/// `account.*`: one account, all accounts, an account's history and statement.
extension LedgerService {
    func accountGet(_ params: AccountParams, _ context: RequestContext) async throws -> AccountInfo {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        try recordRead(context, .accountGet, accounts: [account])
        let withheld = withheldMarker(of: [account], context)
        // The row by its key, on this thread; a version 2 ledger's name is then found among the
        // entries that set it, a query too long for an event loop, so in the pool.
        guard var found = try reads.lookup({ try $0.account(account) }) else {
            throw LedgerError.unknownAccount(account)
        }
        if gate.directory.entryVersion >= 2 {
            let shown = found
            found = try await reads.read { db in try db.revealed([shown], withheld: withheld)[0] }
        }
        return AccountInfo(found)
    }

    /// Every account to a key that may read them all; to a member key, the accounts it controls.
    func accountList(_ context: RequestContext) async throws -> AccountList {
        let reader = try context.requireReader()
        let accounts = try await reads.read(.page) { db in
            let shown = try db.accounts().filter { reader.mayRead($0.id) }
            // Every account listed is one the reader may read, names included.
            return try db.revealed(shown, withheld: withheldMarker(of: shown.map(\.id), context))
        }
        try recordRead(context, .accountList, accounts: reader.readsEverything ? nil : accounts.map(\.id))
        return AccountList(accounts: accounts.map(AccountInfo.init))
    }

    func accountHistory(_ params: HistoryParams, _ context: RequestContext) async throws -> HistoryResult {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        try recordRead(context, .accountHistory, accounts: [account])
        let limit = Self.pageSize(params.limit, default: 20, max: 1000)
        let lines = try await reads.read(.page) { db in
            try db.account(account) == nil
                ? nil
                : try db.revealed(
                    db.history(of: account, limit: limit, beforeSeq: params.beforeSeq),
                    withheld: withheldMarker(of: [account], context))
        }
        guard let lines else { throw LedgerError.unknownAccount(account) }
        return HistoryResult(account: account.rawValue, lines: lines.map(HistoryLineInfo.init))
    }

    func accountStatement(_ params: StatementParams, _ context: RequestContext) async throws -> StatementResult {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        try recordRead(context, .accountStatement, accounts: [account])
        let period = try StatementPeriod(params, service: self)
        let limit = Self.pageSize(params.limit, max: StatementParams.maxLimit)
        let withheld = withheldMarker(of: [account], context)
        let afterSeq = params.afterSeq ?? 0
        let result = try await reads.read(.page) { db -> (AccountStatement, [CounterpartyInfo], [CategoryName])? in
            let found: AccountStatement?
            switch period {
            case .careDate(let from, let through):
                // A page by care date ends at a (care date, seq); the seq names it, with its day
                // where a batch of credits pays the account on several days (FORMAT.md §17).
                var after: (day: String, seq: Int64)?
                if afterSeq > 0 {
                    guard let day = try db.careDate(ofPostingTo: account, seq: afterSeq, day: params.afterDate) else {
                        guard try db.account(account) != nil else { return nil }
                        throw RPCError.invalidParams("\"after_seq\" \(afterSeq) is no line of \(account)'s statement")
                    }
                    after = (day, afterSeq)
                }
                found = try db.statement(of: account, fromDay: from, throughDay: through, after: after, limit: limit)
            case .commitTime(let from, let to):
                found = try db.statement(of: account, from: from, to: to, afterSeq: afterSeq, limit: limit)
            }
            guard var shown = found else { return nil }
            shown.account = try db.revealed([shown.account], withheld: withheld)[0]
            shown.lines = try db.revealed(shown.lines, withheld: withheld)
            return (shown, try counterparties(of: shown.lines, db, context), try categoryNames(of: shown.lines, db))
        }
        guard let (statement, counterparties, categories) = result else { throw LedgerError.unknownAccount(account) }
        return StatementResult(
            account: AccountInfo(statement.account), by: period.by, opening: statement.opening,
            lines: statement.lines.map(HistoryLineInfo.init), closing: statement.closing, more: statement.more,
            counterpartyAccounts: counterparties, categoryNames: categories)
    }

    /// The accounts the lines name as counterparty. Names of organisations and shops are shown to
    /// whoever may read the statement; a person's name only to a reader entitled to that account's
    /// personal data (docs/DESIGN.md, invariant 9); an erased name is left out, as a withheld one.
    private func counterparties(
        of lines: [HistoryLine], _ db: Connection, _ context: RequestContext
    ) throws -> [CounterpartyInfo] {
        var accounts: [LedgerState.Account] = []
        for id in Set(lines.flatMap(\.counterparties)).sorted() {
            if let account = try db.account(id) { accounts.append(account) }
        }
        return try db.revealed(accounts).map { account in
            let shown =
                account.name != PersonalData.erasedMarker
                && (account.kind != .member || mayReadPersonalData(of: [account.id], context))
            return CounterpartyInfo(
                account: account.id.rawValue, kind: account.kind.rawValue, name: shown ? account.name : nil)
        }
    }

    /// The categories the lines name, with their names (public, as `category.list` shows them).
    private func categoryNames(of lines: [HistoryLine], _ db: Connection) throws -> [CategoryName] {
        let used = Set(lines.compactMap(\.category))
        guard !used.isEmpty else { return [] }
        return try db.categories().filter { used.contains($0.id) }.map { CategoryName(category: $0.id, name: $0.name) }
    }
}

/// The period of an `account.statement`, by care date or by commit time (docs/PROTOCOL.md).
enum StatementPeriod {
    case careDate(from: String?, through: String?)
    case commitTime(from: Timestamp?, to: Timestamp?)

    init(_ params: StatementParams, service: LedgerService) throws(RPCError) {
        switch params.by ?? StatementParams.byCommitTime {
        case StatementParams.byCareDate:
            guard params.fromTime == nil, params.toTime == nil else {
                throw .invalidParams(
                    "\"from_time\" and \"to_time\" go with by commit_time; by care_date takes \"from_date\" and \"to_date\""
                )
            }
            for (name, day) in [("from_date", params.fromDate), ("to_date", params.toDate)] {
                if let day, Timestamp(day: day) == nil {
                    throw .invalidParams("\"\(name)\" must be a day written YYYY-MM-DD, like 2026-11-30")
                }
            }
            if let from = params.fromDate, let to = params.toDate, to < from {
                throw .invalidParams("\"to_date\" is before \"from_date\"")
            }
            self = .careDate(from: params.fromDate, through: params.toDate)
        case StatementParams.byCommitTime:
            guard params.fromDate == nil, params.toDate == nil else {
                throw .invalidParams(
                    "\"from_date\" and \"to_date\" go with by care_date; by commit_time takes \"from_time\" and \"to_time\""
                )
            }
            let (from, to) = (
                try service.time(params.fromTime, "from_time"), try service.time(params.toTime, "to_time")
            )
            if let from, let to, to < from { throw .invalidParams("\"to_time\" is before \"from_time\"") }
            self = .commitTime(from: from, to: to)
        case let other:
            throw .invalidParams("\"by\" is \(other); it must be care_date or commit_time")
        }
    }

    var by: String {
        switch self {
        case .careDate: StatementParams.byCareDate
        case .commitTime: StatementParams.byCommitTime
        }
    }
}
