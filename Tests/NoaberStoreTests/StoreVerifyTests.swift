import NoaberCore
import NoaberStore
import Testing

@Suite("Store integrity scan")
struct StoreVerifyTests {
    func failure(_ f: StoreFixture) -> VerificationFailure? {
        do {
            _ = try LedgerStore.verify(try f.database.openReader(), pageSize: 5)
            Issue.record("the tampered store verified")
        } catch let failure as VerificationFailure {
            return failure
        } catch {
            Issue.record("expected a verification failure, got \(error)")
        }
        return nil
    }

    @Test(arguments: [1, 5, 1000])
    func goodStorePasses(pageSize: Int) throws {
        let f = try StoreFixture()
        try f.populate()
        let verifier = try LedgerStore.verify(f.store.connection, pageSize: pageSize)
        #expect(verifier.entries == 12)
        #expect(verifier.headHash == f.head)
        #expect(verifier.state.accounts == f.state.accounts)
        // The scan leaves no transaction open on the connection.
        try f.store.append([try f.credit("vol:piet", hours: "1")])
        #expect(try LedgerStore.verify(f.store.connection).entries == 13)
    }

    @Test func emptyStorePasses() throws {
        let f = try StoreFixture()
        #expect(try LedgerStore.verify(f.store.connection).entries == 0)
    }

    @Test func editedPostingAmount() throws {
        let f = try StoreFixture()
        try f.populate()
        try f.store.connection.execute(
            """
            DROP TRIGGER postings_append_only_update;
            UPDATE postings SET amount = amount - 1 WHERE seq = 10 AND idx = 0;
            UPDATE postings SET amount = amount + 1 WHERE seq = 10 AND idx = 1;
            """)
        let failure = failure(f)
        #expect(failure?.seq == 10)
        #expect(failure?.reason.contains("stored postings differ") == true, "\(String(describing: failure))")
    }

    @Test func deletedEntry() throws {
        let f = try StoreFixture()
        try f.populate()
        try f.store.connection.execute(
            """
            DROP TRIGGER entries_append_only_delete;
            DROP TRIGGER postings_append_only_delete;
            DELETE FROM postings WHERE seq = 9;
            DELETE FROM entries WHERE seq = 9;
            """)
        let failure = failure(f)
        #expect(failure?.seq == 9)
        #expect(failure?.reason == "entry 9 is missing (the next entry found is 10)")
    }

    @Test func editedBalance() throws {
        let f = try StoreFixture()
        try f.populate()
        try f.store.connection.execute("UPDATE balances SET balance = balance + 100 WHERE account = 'vol:piet'")
        let failure = failure(f)
        #expect(
            failure
                == VerificationFailure(
                    seq: nil, reason: "account vol:piet: stored balance 10.00 differs from the replayed balance 9.00"))
    }

    @Test func editedPayload() throws {
        let f = try StoreFixture()
        try f.populate()
        try f.store.connection.execute(
            """
            DROP TRIGGER entries_append_only_update;
            UPDATE entries SET payload = CAST(REPLACE(CAST(payload AS TEXT), '"hours":"2"', '"hours":"3"') AS BLOB) WHERE seq = 8;
            """)
        #expect(
            try f.integer("SELECT instr(CAST(payload AS TEXT), '\"hours\":\"3\"') > 0 FROM entries WHERE seq = 8") == 1)
        let failure = failure(f)
        #expect(failure?.seq == 8)
        #expect(failure?.reason.contains("stored hash") == true)
    }
}
