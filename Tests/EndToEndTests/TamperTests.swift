import Foundation
import NoaberStore
import NoaberTestSupport
import Testing

/// Someone with write access to the SQLite file edits it behind the daemon's back; `verify`
/// must notice and name the entry.
@Suite("Tampering with the database is caught by verify")
struct TamperTests {
    enum Tamper: String, CaseIterable {
        case postingAmount, payloadByte, droppedEntry, storedBalance, forgedRole, orphanPosting, upperCaseKeyID
    }

    @Test(arguments: Tamper.allCases)
    func verifyNamesTheTamperedEntry(_ tamper: Tamper) async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        #expect(try daemon.noaber("verify").status == 0)

        // Entry 11 is the transfer of 5.00 from Jan to Piet.
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        switch tamper {
        case .postingAmount:
            try db.execute("DROP TRIGGER postings_append_only_update")
            try db.execute("UPDATE postings SET amount = 50000 WHERE seq = 11 AND amount > 0")
        case .payloadByte:
            try db.execute("DROP TRIGGER entries_append_only_update")
            try db.execute(
                "UPDATE entries SET payload = CAST(replace(CAST(payload AS TEXT), '-500', '-900') AS BLOB) WHERE seq = 11"
            )
        case .droppedEntry:
            try db.execute("DROP TRIGGER entries_append_only_delete")
            try db.execute("DROP TRIGGER postings_append_only_delete")
            try db.execute("DELETE FROM postings WHERE seq = 11")
            try db.execute("DELETE FROM entries WHERE seq = 11")
        case .storedBalance:
            try db.execute("UPDATE balances SET balance = balance + 100000 WHERE account = 'vol:piet'")
        case .forgedRole:
            // The daemon judges new entries from this table, so a forged right must fail the audit.
            try db.execute("UPDATE keys SET role = 'admin' WHERE label = 'Piet'")
        case .orphanPosting:
            try db.execute("INSERT INTO postings (seq, idx, account, amount) VALUES (99, 0, 'vol:piet', 100000)")
        case .upperCaseKeyID:
            // Outside the hash; the verifier must check the stored text, not a tidied copy.
            try db.execute("DROP TRIGGER entries_append_only_update")
            try db.execute("UPDATE entries SET key_id = upper(key_id) WHERE seq = 11")
        }

        let result = try daemon.noaber("verify")
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        switch tamper {
        case .postingAmount:
            #expect(result.stderr.contains("entry 11: stored postings differ from the signed payload"))
        case .payloadByte:
            #expect(result.stderr.contains("entry 11: stored hash"))
        case .droppedEntry:
            #expect(result.stderr.contains("entry 11: entry 11 is missing"))
        case .storedBalance:
            #expect(
                result.stderr.contains(
                    "account vol:piet: stored balance 1005.00 differs from the replayed balance 5.00"))
        case .forgedRole:
            #expect(
                result.stderr.contains("the stored role (admin, not member) differs from the chain"), "\(result.stderr)"
            )
        case .orphanPosting:
            #expect(
                result.stderr.contains("the journal holds 7 posting rows, but the chain's transactions have 6"),
                "\(result.stderr)")
        case .upperCaseKeyID:
            #expect(result.stderr.contains("entry 11 has a malformed kind, key id, time or hash"), "\(result.stderr)")
        }
        let json = try daemon.noaber("verify", "--json")
        #expect(json.status == 2 && json.stdout.contains("\"ok\" : false"))
    }

    @Test func theJournalRefusesUpdatesAndDeletes() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        for sql in [
            "UPDATE entries SET kind = 'tx' WHERE seq = 1", "DELETE FROM entries WHERE seq = 12",
            "UPDATE postings SET amount = 1", "DELETE FROM postings",
        ] {
            #expect(throws: StoreError.self, "\(sql) must be refused") { try db.execute(sql) }
        }
        #expect(try daemon.noaber("verify").status == 0)
    }
}
