import NoaberCore
import NoaberStore
import Testing

/// `batch_credits` as schema version 10 keeps it (docs/FORMAT.md §6): rows by (seq, idx), found by
/// credit id through the id's FNV-1a hash, and a version 9 file's rows carried over; from version
/// 12 the newest credits' rows in `batch_credits_recent` until the writer moves them.
@Suite("batch_credits by seq and idx, found by the id's hash")
struct BatchCreditsStoreTests {
    /// FNV-1a's published 32-bit test vectors: FORMAT.md defines `id_hash` by them, and audit
    /// scripts recompute it.
    @Test func theHashIsFNV1a32() {
        #expect(CreditIDHash.of("") == 0x811C_9DC5)
        #expect(CreditIDHash.of("a") == 0xE40C_292C)
        #expect(CreditIDHash.of("foobar") == 0xBF9C_F968)
    }

    /// Rows as schema version 9 stored them, by credit id; the migration copies them with their
    /// hashes, after which each is found by its id and the pages go by seq and idx.
    @Test func aVersion9FileKeepsItsRowsAndFindsThemByHash() throws {
        let f = try StoreFixture()
        let db = f.store.connection
        let ids = (0..<5).map { "imp-\($0)-credit" }
        try f.undoVersion11()
        try db.execute(
            """
            DROP TABLE batch_credits;
            CREATE TABLE batch_credits (
                credit_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL CHECK (idx >= 0)) STRICT;
            DELETE FROM schema_migrations WHERE version = 10;
            """)
        // Inserted out of (seq, idx) order, as a version 9 file keyed by id may hold them.
        for (n, id) in ids.enumerated().reversed() {
            try db.statement("INSERT INTO batch_credits (credit_id, seq, idx) VALUES (?, ?, ?)")
                .run([.text(id), .integer(Int64(7 + n / 3)), .integer(Int64(n % 3))])
        }
        let reopened = try LedgerStore(database: f.database)
        let connection = reopened.connection
        #expect(try reopened.schemaVersion == 13)
        #expect(try f.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'batch_credits_v9'") == 0)
        let stored = try connection.statement("SELECT credit_id, id_hash FROM batch_credits ORDER BY seq, idx")
            .rows { ($0.text(0), $0.int64(1)) }
        #expect(stored.map(\.0) == ids)
        #expect(stored.allSatisfy { $0.1 == CreditIDHash.of($0.0) })
        let found = try #require(try connection.batchCredit("imp-4-credit"))
        #expect(found == (seq: 8, index: 1))
        #expect(try connection.batchCredit("imp-9-credit") == nil)
        #expect(try connection.seq(ofEntryOrCredit: "imp-2-credit") == 7)
        // Pages by (seq, idx), the cursor a credit id; an id of no credit is no cursor.
        let first = try connection.batchCreditRows(after: nil, limit: 2)
        #expect(first.map(\.creditID) == ["imp-0-credit", "imp-1-credit"])
        let last = try #require(first.last)
        let rest = try connection.batchCreditRows(after: last.creditID, limit: 10)
        #expect(rest.map(\.creditID) == ["imp-2-credit", "imp-3-credit", "imp-4-credit"])
        #expect(rest.map(\.index) == [2, 0, 1] && rest.map(\.seq) == [7, 8, 8])
        #expect(throws: StoreError.outOfRange("no credit has id imp-9-credit")) {
            _ = try connection.batchCreditRows(after: "imp-9-credit", limit: 10)
        }
    }

    /// A lookup trusts the stored hash, so a row whose hash is not its id's is reported corrupt
    /// by the pages the integrity scan and `ledger.rows` read.
    @Test func aRowWithAnotherHashIsCorrupt() throws {
        let f = try StoreFixture()
        let db = f.store.connection
        try db.statement("INSERT INTO batch_credits (seq, idx, credit_id, id_hash) VALUES (?, ?, ?, ?)")
            .run([.integer(3), .integer(0), .text("imp-a"), .integer(CreditIDHash.of("imp-a"))])
        try db.statement("INSERT INTO batch_credits (seq, idx, credit_id, id_hash) VALUES (?, ?, ?, ?)")
            .run([.integer(3), .integer(1), .text("imp-b"), .integer(CreditIDHash.of("imp-a"))])
        // A row sharing a hash does not confuse the lookup, which compares the id as well; the
        // row with the wrong hash is not found by its id, which is why the pages check it.
        let a = try #require(try db.batchCredit("imp-a"))
        #expect(a == (seq: 3, index: 0))
        #expect(try db.batchCredit("imp-b") == nil)
        #expect(throws: StoreError.corruptRow("batch_credits: the id_hash of credit imp-b is not its hash")) {
            _ = try db.batchCreditRows(after: nil, limit: 10)
        }
    }

    /// Credits' rows gather in `batch_credits_recent` until a commit brings them to the limit, which
    /// moves them all; each credit is found by its id and paged in (seq, idx) order wherever its
    /// row is, and the integrity scan compares both tables with the chain.
    @Test func recentCreditsAreMovedAtTheLimit() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        let store = try LedgerStore(database: f.database, recentCreditLimit: 5)
        try store.append(try f.openingEntries())
        var next = 0
        func batch(_ count: Int) throws -> AcceptedEntry {
            let credits = try (next..<next + count).map { n in
                BatchCredit(
                    id: "imp-\(n)", account: try AccountID(n % 2 == 0 ? "vol:jan" : "vol:piet"), amount: 100,
                    memo: "line \(n)")
            }
            next += count
            return try f.accept(
                .credits(CreditBatch(issuer: try AccountID("org:zorgkring"), credits: credits)), by: f.coordinator)
        }
        let counts = {
            (
                try f.integer("SELECT COUNT(*) FROM batch_credits_recent"),
                try f.integer("SELECT COUNT(*) FROM batch_credits")
            )
        }
        try store.append([try batch(3)])
        #expect(store.recentCredits == 3)
        #expect(try counts() == (3, 0))
        // Two batches in one commit reach the limit: every recent row is moved, these included.
        try store.append([try batch(1), try batch(2)])
        #expect(store.recentCredits == 0)
        #expect(try counts() == (0, 6))
        try store.append([try batch(2)])
        #expect(try counts() == (2, 6))
        // seq 8 holds imp-0…2, 9 imp-3, 10 imp-4 and imp-5, 11 imp-6 and imp-7.
        let places: [(Int64, Int64)] = [(8, 0), (8, 1), (8, 2), (9, 0), (10, 0), (10, 1), (11, 0), (11, 1)]
        for (n, place) in places.enumerated() {
            let found = try #require(try store.connection.batchCredit("imp-\(n)"))
            #expect(found == (seq: place.0, index: place.1), "imp-\(n)")
        }
        #expect(try store.connection.batchCredit("imp-8") == nil)
        var paged: [StoredBatchCreditRow] = []
        while true {
            let page = try store.connection.batchCreditRows(after: paged.last?.creditID, limit: 3)
            guard !page.isEmpty else { break }
            paged += page
        }
        #expect(paged.map(\.creditID) == (0..<8).map { "imp-\($0)" })
        #expect(paged.map(\.seq) == places.map(\.0) && paged.map(\.index) == places.map(\.1))
        _ = try LedgerStore.verify(store.connection)
        // The writer's lookup, which reads the large table only for a hash moved there, finds
        // each credit wherever its row is, before a restart and after one (which reloads the
        // hashes and counts the rows still waiting, so the next move comes as soon as before).
        let reopened = try LedgerStore(database: f.database, recentCreditLimit: 5)
        #expect(reopened.recentCredits == 2)
        for writer in [store, reopened] {
            for (n, place) in places.enumerated() {
                let found = try #require(try writer.batchCredit("imp-\(n)"))
                #expect(found == (seq: place.0, index: place.1), "imp-\(n)")
            }
            #expect(try writer.batchCredit("imp-8") == nil)
        }
        // A second move merges its hashes with the first's.
        try store.append([try batch(4)])
        #expect(try counts() == (0, 12) && store.recentCredits == 0)
        for n in 0..<12 { #expect(try store.batchCredit("imp-\(n)") != nil, "imp-\(n)") }
        #expect(try store.batchCredit("imp-12") == nil)
        // A row stored in both tables is read twice, and the scan names it.
        try store.connection.execute(
            "INSERT INTO batch_credits_recent SELECT * FROM batch_credits WHERE seq = 8 AND idx = 0")
        #expect(store.connection.changes == 1)
        #expect(throws: VerificationFailure.self) { _ = try LedgerStore.verify(store.connection) }
        // The last row in both, and the rows read in pages that end with its first copy: the
        // page is carried on to the second, so the next one does not start past both.
        try store.connection.execute("DELETE FROM batch_credits_recent")
        try store.connection.execute(
            "INSERT INTO batch_credits_recent SELECT * FROM batch_credits ORDER BY seq DESC, idx DESC LIMIT 1")
        #expect(try store.connection.batchCreditRows(after: "imp-8", limit: 3).count == 4)
        #expect(throws: VerificationFailure.self) { _ = try LedgerStore.verify(store.connection, pageSize: 12) }
        #expect(throws: VerificationFailure.self) { _ = try LedgerStore.verify(store.connection, pageSize: 1000) }
    }
    /// A reader (`ledger.used_ids`) asks the writer's credit hashes before SQLite: through them it
    /// finds every credit, moved or recent, and every entry, before a restart and after one; an
    /// empty filter rules out every credit but no entry, so the answer does come from the hashes.
    @Test func aReaderFindsEveryCreditThroughTheWritersHashes() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        let store = try LedgerStore(database: f.database, recentCreditLimit: 5)
        try store.append(try f.openingEntries())
        let issuer = try AccountID("org:zorgkring")
        for range in [0..<4, 4..<7, 7..<9] {
            let credits = try range.map { n in
                BatchCredit(id: "imp-\(n)", account: try AccountID("vol:jan"), amount: 100, memo: "line \(n)")
            }
            try store.append([try f.accept(.credits(CreditBatch(issuer: issuer, credits: credits)), by: f.coordinator)])
        }
        #expect(try f.integer("SELECT COUNT(*) FROM batch_credits") == 7 && store.recentCredits == 2)
        let reader = try f.database.openReader()
        let reopened = try LedgerStore(database: f.database, recentCreditLimit: 5)
        let ids = (0..<10).map { "imp-\($0)" }
        let seqs: [Int64?] = [8, 8, 8, 8, 9, 9, 9, 10, 10, nil]
        for filter in [store.creditHashes, reopened.creditHashes] {
            #expect(try reader.seqs(ofEntriesOrCredits: ids, credits: filter) == seqs)
        }
        let entry = try #require(try reader.entry(seq: 9))
        #expect(try reader.seqs(ofEntriesOrCredits: ["imp-0", entry.entryID], credits: CreditIDFilter()) == [nil, 9])
    }

    /// The hashes are in the filter before the COMMIT makes the credits visible: inside the
    /// transaction (where the checkpoint is signed), a reader does not see the credit yet, and
    /// the filter already holds it.
    @Test func theFilterHoldsACreditBeforeAnySnapshotCanSeeIt() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        try f.store.append(try f.openingEntries())
        let reader = try f.database.openReader()
        let credit = BatchCredit(id: "imp-0", account: try AccountID("vol:jan"), amount: 100, memo: "line 0")
        let batch = CreditBatch(issuer: try AccountID("org:zorgkring"), credits: [credit])
        var inside: (filtered: Bool, seen: Int64?)?
        try f.store.append([try f.accept(.credits(batch), by: f.coordinator)]) { _, _ in
            inside = (
                f.store.creditHashes.mayContain(CreditIDHash.of("imp-0")),
                try? reader.seqs(ofEntriesOrCredits: ["imp-0"], credits: f.store.creditHashes)[0]
            )
            return nil
        }
        #expect(inside?.filtered == true)
        #expect(inside?.seen == .some(nil))
        #expect(try reader.seqs(ofEntriesOrCredits: ["imp-0"], credits: f.store.creditHashes) == [8])
    }

    /// The writer's cache grows with a group holding a `credits` entry and returns to its opened
    /// size at the first minute's tick with no such group since the one before; other groups
    /// leave it as it is.
    @Test func theCacheGrowsForCreditsAndReturnsAMinuteAfterTheLast() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        let cacheSize = { try f.integer("PRAGMA cache_size") }
        let opened = try cacheSize()
        #expect(opened != -LedgerStore.creditsCacheKiB)
        try f.store.append(try f.openingEntries())
        f.store.cacheTick()
        #expect(try cacheSize() == opened)
        func credits(_ id: String) throws -> AcceptedEntry {
            let credit = BatchCredit(id: id, account: try AccountID("vol:jan"), amount: 100, memo: "line")
            return try f.accept(
                .credits(CreditBatch(issuer: try AccountID("org:zorgkring"), credits: [credit])), by: f.coordinator)
        }
        try f.store.append([try credits("imp-0")])
        #expect(try cacheSize() == -LedgerStore.creditsCacheKiB)
        // The tick after credits keeps it; a group without credits changes nothing.
        f.store.cacheTick()
        try f.store.append([try f.credit("vol:jan", hours: "1")])
        #expect(try cacheSize() == -LedgerStore.creditsCacheKiB)
        // Credits again before the next tick: kept once more.
        try f.store.append([try credits("imp-1")])
        f.store.cacheTick()
        #expect(try cacheSize() == -LedgerStore.creditsCacheKiB)
        f.store.cacheTick()
        #expect(try cacheSize() == opened)
    }
}
