import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import Testing

@Suite("Store append, append-only triggers and loadState")
struct StoreAppendTests {
    @Test func appendWritesEntriesPostingsAndDerivedRows() throws {
        let f = try StoreFixture()
        #expect(
            try f.counts() == ["entries": 0, "postings": 0, "ledger": 0, "keys": 0, "accounts": 0, "balance sum": 0])
        try f.store.append(try f.openingEntries())
        #expect(
            try f.counts() == ["entries": 7, "postings": 0, "ledger": 1, "keys": 4, "accounts": 3, "balance sum": 0])
        try f.store.append([
            try f.credit("vol:jan", hours: "1.5"), try f.transfer("vol:jan", "vol:piet", 100, by: f.jan),
        ])
        #expect(
            try f.counts() == ["entries": 9, "postings": 4, "ledger": 1, "keys": 4, "accounts": 3, "balance sum": 0])
        #expect(try f.integer("SELECT balance FROM balances WHERE account = 'vol:jan'") == 1400)
        #expect(try f.integer("SELECT balance FROM balances WHERE account = 'org:zorgkring'") == -1500)
        // The payload is stored byte for byte as signed.
        let stored = try #require(try f.store.connection.entry(id: "e-9"))
        #expect(stored.signed.payload == Array(String(decoding: stored.signed.payload, as: UTF8.self).utf8))
        #expect(try Payload.decode(stored.signed.payload).id == "e-9")
    }

    @Test func failingBatchWritesNothing() throws {
        let f = try StoreFixture()
        try f.populate()
        let before = try f.counts()
        let good = try f.credit("vol:jan", hours: "1")
        // The second entry reuses an existing entry id: the UNIQUE constraint refuses it.
        let duplicate = try f.transfer("vol:jan", "vol:piet", 100, by: f.jan)
        var clash = duplicate
        clash.entry.entryID = "e-1"
        let error = sqliteError { try f.store.append([good, clash]) }
        #expect(error?.code == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.isConstraintViolation == true)
        #expect(error?.message.contains("entries.entry_id") == true)
        #expect(try f.counts() == before)
        #expect(try f.store.connection.entry(id: good.entry.entryID) == nil)
        // The store is still usable: the good entries go in afterwards.
        try f.store.append([good, duplicate])
        #expect(try f.integer("SELECT COUNT(*) FROM entries") == before["entries"]! + 2)
    }

    @Test func duplicateSeqIsRefused() throws {
        let f = try StoreFixture()
        try f.populate()
        let before = try f.counts()
        var again = try f.credit("vol:jan", hours: "1")
        again.entry.seq = 3
        let error = sqliteError { try f.store.append([again]) }
        #expect(error?.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(try f.counts() == before)
    }

    @Test(arguments: [
        "UPDATE entries SET kind = 'tx' WHERE seq = 1",
        "DELETE FROM entries WHERE seq = 2",
        "UPDATE postings SET amount = amount + 1 WHERE seq = 8",
        "DELETE FROM postings WHERE seq = 8",
    ])
    func journalIsAppendOnly(sql: String) throws {
        let f = try StoreFixture()
        try f.populate()
        let before = try f.counts()
        let error = sqliteError { try f.store.connection.execute(sql) }
        #expect(error?.message.contains("append-only") == true, "\(String(describing: error))")
        #expect(error?.code == 1811)  // SQLITE_CONSTRAINT_TRIGGER
        #expect(try f.counts() == before)
    }

    @Test func loadStateEqualsTheStateThatProducedTheRows() throws {
        let f = try StoreFixture()
        #expect(try f.store.loadState().ledger == nil)
        try f.populate()
        try f.store.append([try f.accept(.keyRevoke(KeyRevoke(keyID: f.piet.publicKey.keyID, reason: "left")))])
        let loaded = try f.store.loadState()
        #expect(loaded.ledger == f.state.ledger)
        #expect(loaded.keys == f.state.keys)
        #expect(loaded.accounts == f.state.accounts)
        #expect(loaded.keys[f.piet.publicKey.keyID]?.revokedSeq == 13)
        // A reopened store loads the same, and the rules go on from it.
        var reopened = try LedgerStore(database: f.database).loadState()
        #expect(reopened.accounts == f.state.accounts)
        let next = try f.transfer("vol:jan", "vol:piet", 1, by: f.jan)
        try reopened.apply(next.entry.signed, seq: next.entry.seq)
        #expect(reopened.accounts == f.state.accounts)
    }
}
