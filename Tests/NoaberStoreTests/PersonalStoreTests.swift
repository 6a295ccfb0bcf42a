import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import Testing

/// Entry format v2 in the store (docs/FORMAT.md §16, §6): personal texts written with their entry,
/// read back beside it, and erased so that no byte of them is left in the file or its WAL.
@Suite("Personal data in the store")
struct PersonalStoreTests {
    static let secrets = ["VOLUNTEER-JAN-PEETERS", "DOUCHEN-MEVROUW-JANSEN"]

    func fileBytes(_ f: StoreFixture) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: f.database.path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: f.database.path + "-wal")) { data.append(wal) }
        return data
    }

    func contains(_ data: Data, _ text: String) -> Bool { data.range(of: Data(text.utf8)) != nil }

    @Test func erasingAnAccountLeavesNoByteOfItsTextsAndTheLedgerVerifies() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        var opening = try f.openingEntries()
        opening.append(try f.accept(f.open("vol:0042", .member, f.jan), by: f.coordinator))
        // The account's name is personal: give it a recognisable one.
        try f.store.append(opening)
        let named = try f.accept(
            .accountUpdate(AccountUpdate(account: try AccountID("vol:0042"), name: Self.secrets[0])), by: f.coordinator)
        try f.store.append([named, try f.credit("vol:0042", hours: "1", memo: Self.secrets[1])])
        #expect(try f.integer("SELECT COUNT(*) FROM personal_data WHERE seq = \(f.seq)") == 1)
        // Before the erasure the texts are on disk (so the check below can see them go).
        for secret in Self.secrets { #expect(contains(try fileBytes(f), secret)) }
        let stored = try f.store.connection.entries(from: f.seq, limit: 1)
        #expect(stored.first?.personal?.first?.text == Self.secrets[1])
        _ = try LedgerStore.verify(f.store.connection)

        try f.store.append([
            try f.accept(.erase(Erase(reason: "art. 17 request of 2026-12-01", account: try AccountID("vol:0042"))))
        ])
        let bytes = try fileBytes(f)
        for secret in Self.secrets { #expect(!contains(bytes, secret), "\(secret) is still in the file") }
        // The org's name, which the erasure does not reach, stays.
        #expect(try f.integer("SELECT COUNT(*) FROM personal_data WHERE path = 'name'") >= 3)
        _ = try LedgerStore.verify(f.store.connection)
    }

    @Test func aTextChangedBesideTheChainFailsVerificationNamingItsEntry() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        try f.store.append(try f.openingEntries())
        try f.store.append([try f.credit("vol:jan", hours: "1", memo: "boodschappen")])
        let seq = f.seq
        try f.store.connection.execute("UPDATE personal_data SET text = 'iets anders' WHERE seq = \(seq)")
        #expect(
            performing: { try LedgerStore.verify(f.store.connection) },
            throws: { error in
                (error as? VerificationFailure)?.seq == seq
            })
    }

    @Test func aV1LedgerStoresNoPersonalData() throws {
        let f = try StoreFixture()
        try f.populate()
        #expect(try f.integer("SELECT COUNT(*) FROM personal_data") == 0)
        #expect(try f.store.connection.ledger()?.version == 1)
        _ = try LedgerStore.verify(f.store.connection)
    }

    /// A reader in the middle of a snapshot keeps the WAL's older pages, erased texts included: the
    /// store says so, and the next append, with the reader gone, empties the WAL.
    @Test func anErasureWhileAReaderHoldsASnapshotIsFinishedByTheNextAppend() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        var opening = try f.openingEntries()
        opening.append(try f.accept(f.open("vol:0042", .member, f.jan), by: f.coordinator))
        try f.store.append(opening)
        try f.store.append([try f.credit("vol:0042", hours: "1", memo: Self.secrets[1])])
        let reader = try Connection(path: f.database.path, readOnly: true)
        try reader.execute("BEGIN")
        _ = try reader.statement("SELECT COUNT(*) FROM entries").rows { $0.int64(0) }
        try f.store.append([
            try f.accept(.erase(Erase(reason: "art. 17 request of 2026-12-01", account: try AccountID("vol:0042"))))
        ])
        #expect(f.store.walHoldsErasedText, "the reader's snapshot keeps the WAL")
        try reader.execute("COMMIT")
        try f.store.append([try f.credit("vol:jan", hours: "1", memo: "later")])
        #expect(!f.store.walHoldsErasedText)
        #expect(!contains(try fileBytes(f), Self.secrets[1]), "no byte of the erased memo is left")
    }
}
