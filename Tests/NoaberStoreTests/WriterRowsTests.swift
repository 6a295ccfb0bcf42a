import NoaberCore
import NoaberStore
import NoaberTestSupport
import Testing

/// The writer's ways of storing many rows and answering ids from memory (Benchmarks/README.md,
/// "The import path", sixth round): they must store exactly the rows single inserts would, and
/// never answer "unused" for an id the ledger holds.
@Suite("The writer's rows many to a statement, and ids answered from memory")
struct WriterRowsTests {
    /// Every count around the statement's size: the full statements' rows and the remainder's
    /// (in statements of 4, 2 and 1 rows), in order, each value as given (NULL, text, blob, integer).
    @Test(arguments: [0, 1, 4, 5, 6, 7, 13])
    func rowsGoInAsGivenWhateverTheirCount(count: Int) throws {
        let f = try StoreFixture()
        let db = f.store.connection
        try db.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, t TEXT, b BLOB, o TEXT) STRICT")
        var rows = RowInserts(db, into: "scratch", columns: ["n", "t", "b", "o"], perStatement: 5)
        for n in 0..<count {
            try rows.add(
                .integer(Int64(n)), .text("row \(n) ✓"), .blob([UInt8(n), 0, 255]), n % 2 == 0 ? .null : .text(""))
        }
        try rows.finish()
        let stored = try db.statement("SELECT n, t, b, o IS NULL, o FROM scratch ORDER BY n").rows {
            ($0.int64(0), $0.text(1), $0.blob(2), $0.int64(3) != 0, $0.text(4))
        }
        #expect(stored.map(\.0) == (0..<count).map { Int64($0) })
        #expect(stored.map(\.1) == (0..<count).map { "row \($0) ✓" })
        #expect(stored.map(\.2) == (0..<count).map { [UInt8($0), 0, 255] })
        #expect(stored.map(\.3) == (0..<count).map { $0 % 2 == 0 })
        #expect(stored.filter { !$0.3 }.allSatisfy { $0.4.isEmpty })
    }

    /// A row that breaks a constraint fails its statement; in the writer's transaction nothing of
    /// the rows before it stays, those of earlier statements included.
    @Test func aRowThatBreaksAConstraintLeavesNothingInTheTransaction() throws {
        let f = try StoreFixture()
        let db = f.store.connection
        try db.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, t TEXT NOT NULL) STRICT")
        #expect(throws: StoreError.self) {
            try db.transaction { () throws(StoreError) in
                var rows = RowInserts(db, into: "scratch", columns: ["n", "t"], perStatement: 3)
                for n in [1, 2, 3, 4, 5, 4, 6] { try rows.add(.integer(Int64(n)), .text("\(n)")) }
                try rows.finish()
            }
        }
        #expect(try f.integer("SELECT COUNT(*) FROM scratch") == 0)
    }

    /// A batch of credits larger than several statements, with memos: every derived row is the
    /// chain's (the integrity scan replays it), in (seq, idx) order.
    @Test func aLargeBatchStoresTheRowsTheChainHas() throws {
        let f = try StoreFixture()
        f.entryVersion = 2
        try f.store.append(try f.openingEntries())
        var credits: [BatchCredit] = []
        for n in 0..<123 {
            let account = try AccountID(n % 3 == 0 ? "vol:jan" : "vol:piet")
            let careDate: String? = n % 2 == 0 ? "2026-11-0\(1 + n % 9)" : nil
            credits.append(
                BatchCredit(
                    id: "imp-\(n)", account: account, amount: 100 + Int64(n), careDate: careDate, memo: "line \(n)"))
        }
        let batch = try f.accept(
            .credits(CreditBatch(issuer: try AccountID("org:zorgkring"), credits: credits)), by: f.coordinator)
        try f.store.append([batch])
        _ = try LedgerStore.verify(f.store.connection)
        let seq = batch.entry.seq
        let postings: [(idx: Int64, account: String, amount: Int64)] = try f.store.connection.statement(
            "SELECT idx, account, amount FROM postings WHERE seq = ? ORDER BY idx"
        ).rows([.integer(seq)]) { ($0.int64(0), $0.text(1), $0.int64(2)) }
        let expected: [(account: String, amount: Int64)] = credits.flatMap { credit in
            [("org:zorgkring", -credit.amount), (credit.account.rawValue, credit.amount)]
        }
        #expect(postings.map(\.idx) == (0..<246).map { Int64($0) })
        #expect(postings.map(\.account) == expected.map(\.account))
        #expect(postings.map(\.amount) == expected.map(\.amount))
        #expect(try f.integer("SELECT COUNT(*) FROM personal_data WHERE seq = \(seq)") == 123)
        #expect(try f.integer("SELECT COUNT(*) FROM batch_credits_recent WHERE seq = \(seq)") == 123)
        #expect(
            try f.text("SELECT text FROM personal_data WHERE seq = \(seq) AND path = 'credits[122].memo'") == "line 122"
        )
    }

    /// Whatever hashes go in, each is found afterwards, at every size; an empty set holds none.
    @Test(arguments: [6, 10, 22, 24])
    func everyHashInsertedIsFound(log2Bits: Int) {
        var random = SplitMix64(seed: UInt64(log2Bits))
        var bits = IDHashBits(log2Bits: log2Bits)
        #expect(!bits.mayContain(0) && !bits.mayContain(12345))
        var inserted: [Int64] = [0, 0xFFFF_FFFF, Int64(1) << log2Bits]
        for _ in 0..<2000 { inserted.append(Int64(random.next() & 0xFFFF_FFFF)) }
        for hash in inserted { bits.insert(hash) }
        #expect(inserted.allSatisfy { bits.mayContain($0) })
        // Not every hash: the bits still rule ids out, or they would save nothing.
        if log2Bits >= 22 { #expect((0..<1000).contains { !bits.mayContain(Int64($0) * 7919 + 3) }) }
    }

    /// The writer's entry-id lookup finds the entries stored before it was first asked and those
    /// committed since, in the same store and after a reopen; an unused id is none.
    @Test func theEntryIDsCommittedBeforeAndAfterTheFirstQuestionAreFound() throws {
        let f = try StoreFixture()
        let opening = try f.openingEntries()
        try f.store.append(opening)
        #expect(try f.store.entrySeq(id: "e-1") == 1)
        #expect(try f.store.entrySeq(id: "e-99") == nil)
        let later = [try f.credit("vol:jan", hours: "1"), try f.credit("vol:piet", hours: "2")]
        try f.store.append(later)
        for (entry, seq) in zip(opening + later, Int64(1)...) {
            #expect(try f.store.entrySeq(id: entry.entry.entryID) == seq, "\(entry.entry.entryID)")
        }
        let reopened = try LedgerStore(database: f.database)
        #expect(try reopened.entrySeq(id: later[1].entry.entryID) == later[1].entry.seq)
        #expect(try reopened.entrySeq(id: "e-99") == nil)
    }
}
