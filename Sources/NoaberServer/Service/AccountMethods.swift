import NoaberCore
import NoaberProtocol
import NoaberStore

/// `account.*`: one account, all accounts, an account's history and statement.
extension LedgerService {
    func accountGet(_ params: AccountParams, _ context: RequestContext) async throws -> AccountInfo {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        let recorded = try recordRead(context, .accountGet, accounts: [account])
        let withheld = withheldMarker(of: [account], context)
        guard
            let found = try await reads.read({ db in
                try db.account(account).map { try db.revealed([$0], withheld: withheld)[0] }
            })
        else {
            throw LedgerError.unknownAccount(account)
        }
        try await recorded.written()
        return AccountInfo(found)
    }

    /// Every account to a key that may read them all; to a member key, the accounts it controls.
    func accountList(_ context: RequestContext) async throws -> AccountList {
        let reader = try context.requireReader()
        let accounts = try await reads.read { db in
            let shown = try db.accounts().filter { reader.mayRead($0.id) }
            // Every account listed is one the reader may read, names included.
            return try db.revealed(shown, withheld: withheldMarker(of: shown.map(\.id), context))
        }
        try await recordRead(context, .accountList, accounts: reader.readsEverything ? nil : accounts.map(\.id))
            .written()
        return AccountList(accounts: accounts.map(AccountInfo.init))
    }

    func accountHistory(_ params: HistoryParams, _ context: RequestContext) async throws -> HistoryResult {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        let recorded = try recordRead(context, .accountHistory, accounts: [account])
        let limit = Self.pageSize(params.limit, default: 20, max: 1000)
        let lines = try await reads.read { db in
            try db.account(account) == nil
                ? nil
                : try db.revealed(
                    db.history(of: account, limit: limit, beforeSeq: params.beforeSeq),
                    withheld: withheldMarker(of: [account], context))
        }
        guard let lines else { throw LedgerError.unknownAccount(account) }
        try await recorded.written()
        return HistoryResult(account: account.rawValue, lines: lines.map(HistoryLineInfo.init))
    }

    func accountStatement(_ params: StatementParams, _ context: RequestContext) async throws -> StatementResult {
        let account = try accountID(params.account)
        try context.requireReader().require(account)
        let recorded = try recordRead(context, .accountStatement, accounts: [account])
        let (from, to) = (try time(params.fromTime, "from_time"), try time(params.toTime, "to_time"))
        if let from, let to, to < from { throw RPCError.invalidParams("\"to_time\" is before \"from_time\"") }
        let limit = Self.pageSize(params.limit, max: StatementParams.maxLimit)
        let withheld = withheldMarker(of: [account], context)
        let statement = try await reads.read { db in
            try db.statement(of: account, from: from, to: to, afterSeq: params.afterSeq ?? 0, limit: limit).map {
                var shown = $0
                shown.account = try db.revealed([$0.account], withheld: withheld)[0]
                shown.lines = try db.revealed($0.lines, withheld: withheld)
                return shown
            }
        }
        guard let statement else { throw LedgerError.unknownAccount(account) }
        try await recorded.written()
        return StatementResult(
            account: AccountInfo(statement.account), opening: statement.opening,
            lines: statement.lines.map(HistoryLineInfo.init),
            closing: statement.closing, more: statement.more)
    }
}
