import NoaberCore
import NoaberCrypto
import NoaberStore
import Testing

@Suite("Store queries")
struct QueryTests {
    @Test func summaryOfEmptyAndPopulatedStore() throws {
        let f = try StoreFixture()
        let empty = try f.store.connection.summary()
        #expect(empty.ledger == nil && empty.entries == 0 && empty.headHash == .zero && empty.headTime == nil)
        try f.populate()
        let summary = try f.database.openReader().summary()
        #expect(summary.ledger == f.state.ledger)
        #expect(summary.ledger?.currency == Currency(code: "ZMT", name: "Zorgmunt", scale: 2))
        #expect(summary.entries == 12)
        #expect(summary.headHash == f.head)
        #expect(summary.headTime == Timestamp(millisecondsSinceEpoch: 1_795_430_360_000 + 12_000))
    }

    @Test func accountsKeysAndBalances() throws {
        let f = try StoreFixture()
        try f.populate()
        let db = f.store.connection
        let accounts = try db.accounts()
        #expect(accounts.map(\.id.rawValue) == ["org:zorgkring", "vol:jan", "vol:piet"])
        #expect(accounts == accounts.map { f.state.accounts[$0.id]! })
        let jan = try #require(try db.account(try AccountID("vol:jan")))
        #expect(jan.balance == 1600 && jan.kind == .member && jan.name == "VOL:JAN" && jan.openedSeq == 6)
        #expect(jan.controllers == [f.jan.publicKey.keyID] && jan.status == .open && jan.minBalance == 0)
        #expect(try db.account(try AccountID("vol:nobody")) == nil)
        #expect(try db.keys().map(\.addedSeq) == [1, 2, 3, 4])
        #expect(try db.keys().map(\.role) == [.admin, .operator, .member, .member])
        #expect(
            try db.balances() == [
                try AccountID("org:zorgkring"): -2500, try AccountID("vol:jan"): 1600, try AccountID("vol:piet"): 900,
            ])
    }

    @Test func entryByID() throws {
        let f = try StoreFixture()
        var written: [AcceptedEntry] = try f.openingEntries()
        try f.store.append(written)
        written.append(try f.credit("vol:jan", hours: "1"))
        try f.store.append([written.last!])
        for accepted in written {
            #expect(try f.store.connection.entry(id: accepted.entry.entryID) == accepted.entry)
        }
        #expect(try f.store.connection.entry(id: "nope") == nil)
    }

    @Test func entriesPage() throws {
        let f = try StoreFixture()
        try f.populate()
        let db = f.store.connection
        let all = try db.entries(from: 1, limit: 100)
        #expect(all.map(\.entry.seq) == Array(1...12))
        #expect(all[7].postings.map(\.amount) == [-2000, 2000])
        #expect(all[7].postings.map(\.account.rawValue) == ["org:zorgkring", "vol:jan"])
        #expect(all[0..<7].allSatisfy { $0.postings.isEmpty })
        var paged: [StoredEntry] = []
        var next: Int64 = 1
        while case let page = try db.entries(from: next, limit: 5), let last = page.last {
            #expect(page.count <= 5)
            paged += page
            next = last.entry.seq + 1
        }
        #expect(paged == all)
        #expect(try db.entries(from: 13, limit: 5).isEmpty)
        #expect(try db.entries(from: 12, limit: 5).map(\.entry.seq) == [12])
        // The stored chain verifies in core alone.
        var verifier = Verifier()
        for entry in all { try verifier.check(entry) }
        #expect(verifier.headHash == f.head)
    }

    @Test func historyRunningBalances() throws {
        let f = try StoreFixture()
        try f.populate()
        let jan = try AccountID("vol:jan")
        let lines = try f.database.openReader().history(of: jan, limit: 100)
        #expect(lines.map(\.seq) == [12, 11, 9, 8])
        #expect(lines.map(\.amount) == [-100, 200, -500, 2000])
        #expect(lines.first?.balanceAfter == 1600)
        for (newer, older) in zip(lines, lines.dropFirst()) {
            #expect(older.balanceAfter == newer.balanceAfter - newer.amount)
        }
        #expect(lines.last.map { $0.balanceAfter - $0.amount } == 0)
        let credit = try #require(lines.last)
        #expect(credit.purpose == .credit && credit.hours == "2" && credit.memo == "shopping")
        #expect(credit.counterparties == [try AccountID("org:zorgkring")])
        #expect(credit.entryID == "e-8" && credit.committedAt == Timestamp(millisecondsSinceEpoch: 1_795_430_368_000))
        let piet = try AccountID("vol:piet")
        #expect(lines[0].purpose == .transfer && lines[0].hours == nil && lines[0].counterparties == [piet])
        #expect(try f.store.connection.history(of: try AccountID("vol:nobody"), limit: 10).isEmpty)
        #expect(try f.store.connection.history(of: try AccountID("vol:jan"), limit: 2).map(\.seq) == [12, 11])
    }

    @Test(arguments: [12 as Int64, 11, 10, 9, 8, 1])
    func historyBeforeSeq(before: Int64) throws {
        let f = try StoreFixture()
        try f.populate()
        let jan = try AccountID("vol:jan")
        let all = try f.store.connection.history(of: jan, limit: 100)
        let older = try f.store.connection.history(of: jan, limit: 100, beforeSeq: before)
        #expect(older == all.filter { $0.seq < before })
        let page = try f.store.connection.history(of: jan, limit: 1, beforeSeq: before)
        #expect(page == Array(all.filter { $0.seq < before }.prefix(1)))
    }
}
