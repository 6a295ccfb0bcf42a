import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Testing

/// Schema version 11 (Benchmarks/README.md, "Growth"): one posting index that begins with the
/// account instead of two, and the balances in a table of their own. A version 10 ledger opened by
/// this daemon migrates and answers every account, history and statement query as before.
@Suite("Version 11: one posting index, a balances table")
struct BalanceTableMigrationTests {
    /// Every answer the changed queries give for the accounts of a random ledger.
    struct Answers: Equatable {
        var accounts: [LedgerState.Account]
        var balances: [AccountID: Int64]
        var histories: [[HistoryLine]]
        var statements: [AccountStatement?]
    }

    static func answers(_ db: Connection) throws -> Answers {
        let accounts = try db.accounts()
        var answers = Answers(accounts: accounts, balances: try db.balances(), histories: [], statements: [])
        for account in accounts.map(\.id) {
            answers.histories.append(try db.history(of: account, limit: 1000))
            answers.histories.append(try db.history(of: account, limit: 3, beforeSeq: 20))
            for (from, through) in [(nil, nil), ("2026-11-05", "2026-11-15"), ("2026-11-20", nil)] {
                answers.statements.append(
                    try db.statement(of: account, fromDay: from, throughDay: through, limit: 1000))
                answers.statements.append(try db.statement(of: account, fromDay: from, throughDay: through, limit: 2))
            }
            let middle = Timestamp(millisecondsSinceEpoch: 1_795_430_360_000 + 15_000)
            answers.statements.append(try db.statement(of: account, from: nil, to: nil, limit: 1000))
            answers.statements.append(try db.statement(of: account, from: middle, to: nil, afterSeq: 17, limit: 4))
        }
        return answers
    }

    @Test(arguments: [2, 19])
    func aVersion9LedgerMigratesAndAnswersTheSame(seed: Int) throws {
        let (f, _) = try CareDateStoreTests.randomLedger(seed: seed)
        let expected = try Self.answers(f.store.connection)
        #expect(
            expected.accounts.contains { $0.balance != 0 } && expected.statements.contains { $0?.lines.count ?? 0 > 3 })
        try f.undoVersion11()
        #expect(try f.integer("SELECT COUNT(*) FROM pragma_table_info('accounts') WHERE name = 'balance'") == 1)
        let reopened = try LedgerStore(database: f.database)
        #expect(try reopened.schemaVersion == 13)
        let db = reopened.connection
        #expect(try f.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'postings_by_care_date'", on: db) == 0)
        #expect(try f.integer("SELECT COUNT(*) FROM pragma_table_info('accounts') WHERE name = 'balance'", on: db) == 0)
        #expect(try Self.answers(db) == expected)
        _ = try LedgerStore.verify(db)
    }

    @Test func aMissingBalanceRowIsNoZeroBalance() throws {
        let f = try StoreFixture()
        try f.populate()
        try f.store.connection.execute("PRAGMA foreign_keys = OFF; DELETE FROM balances WHERE account = 'vol:piet'")
        #expect(throws: StoreError.corruptRow("account vol:piet has no balance row")) {
            _ = try f.store.connection.account(try AccountID("vol:piet"))
        }
        #expect(throws: StoreError.corruptRow("account vol:piet has no balance row")) {
            _ = try LedgerStore.verify(f.store.connection)
        }
    }

    @Test func aBalanceRowOfNoAccountFailsTheAudit() throws {
        let f = try StoreFixture()
        try f.populate()
        _ = try LedgerStore.verify(f.store.connection)
        try f.store.connection.execute("PRAGMA foreign_keys = OFF; INSERT INTO balances VALUES ('vol:nobody', 5)")
        let accounts = try f.integer("SELECT COUNT(*) FROM accounts")
        let failure = StoreError.corruptRow("the balances table holds \(accounts + 1) rows for \(accounts) accounts")
        #expect(throws: failure) { _ = try f.store.connection.accounts() }
        #expect(throws: failure) { _ = try LedgerStore.verify(f.store.connection) }
    }

    @Test func aBalanceRowNeedsItsAccount() throws {
        let f = try StoreFixture()
        try f.populate()
        let error = sqliteError {
            try f.store.connection.execute("INSERT INTO balances (account, balance) VALUES ('vol:nobody', 5)")
        }
        #expect(error?.code == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
    }
}
