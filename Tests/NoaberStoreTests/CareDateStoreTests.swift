import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Testing

/// Care dates in the store (docs/FORMAT.md §2 and §6): every posting carries its transaction's
/// care date, statements select and order by it, a version 5 database gets them from its payloads,
/// and the integrity scan notices one that was changed.
@Suite("Care dates in the store")
struct CareDateStoreTests {
    /// A ledger of credits for random days of November (some without a care date: their commit
    /// day, 2026-11-23), gifts between the volunteers, and reversals of some of both.
    static func randomLedger(seed: Int) throws -> (StoreFixture, [AcceptedEntry]) {
        var random = SplitMix64(seed: UInt64(seed))
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries())
        var written: [AcceptedEntry] = []
        var batch: [AcceptedEntry] = []
        for _ in 0..<(30 + seed) {
            let volunteer = random.next() % 2 == 0 ? "vol:jan" : "vol:piet"
            switch random.next() % 4 {
            case 0, 1:
                let day = random.next() % 5 == 0 ? nil : String(format: "2026-11-%02d", 1 + Int(random.next() % 23))
                batch.append(try f.credit(volunteer, hours: "0.5", careDate: day))
            case 2:
                let (from, to, key) =
                    volunteer == "vol:jan" ? ("vol:jan", "vol:piet", f.jan) : ("vol:piet", "vol:jan", f.piet)
                if let gift = try? f.transfer(from, to, 100, by: key) { batch.append(gift) }
            default:
                let candidates = (written + batch).filter {
                    if case .transaction(let tx) = $0.payload.body { tx.purpose != .reversal } else { false }
                }
                guard !candidates.isEmpty else { continue }
                let original = candidates[Int(random.next() % UInt64(candidates.count))]
                // Reversed already, or it would break a limit: the rules refuse it, nothing changes.
                if let reversal = try? f.reversal(of: original) { batch.append(reversal) }
            }
            if batch.count > 4 {
                try f.store.append(batch)
                written += batch
                batch = []
            }
        }
        try f.store.append(batch)
        return (f, written + batch)
    }

    /// Each posting of the ledger with its care date by the rule, worked out here from the payloads.
    static func reference(_ entries: [AcceptedEntry]) -> [(seq: Int64, account: AccountID, amount: Int64, day: String)]
    {
        var days: [String: String] = [:]
        var result: [(Int64, AccountID, Int64, String)] = []
        for accepted in entries {
            guard case .transaction(let tx) = accepted.payload.body else { continue }
            let commitDay = String(accepted.entry.committedAt.rfc3339.prefix(10))
            let day = tx.reverses.flatMap { days[$0] } ?? tx.careDate ?? commitDay
            days[accepted.payload.id] = day
            result += tx.postings.map { (accepted.entry.seq, $0.account, $0.amount, day) }
        }
        return result
    }

    @Test(arguments: [5, 23, 71])
    func statementsByCareDateSelectOrderAndPage(seed: Int) throws {
        let (f, entries) = try Self.randomLedger(seed: seed)
        let reference = Self.reference(entries)
        #expect(reference.contains { $0.day < "2026-11-23" } && reference.contains { $0.day == "2026-11-23" })
        let reversals = entries.filter {
            if case .transaction(let tx) = $0.payload.body { tx.purpose == .reversal } else { false }
        }
        #expect(reversals.count >= 2, "the ledger has reversals to count on their originals' days")
        let db = f.store.connection
        var random = SplitMix64(seed: UInt64(seed) * 7)
        for _ in 0..<12 {
            let a = random.next() % 4 == 0 ? nil : String(format: "2026-11-%02d", Int(random.next() % 26))
            let b = random.next() % 4 == 0 ? nil : String(format: "2026-11-%02d", 1 + Int(random.next() % 26))
            let (from, through) = (a, b.map { max($0, a ?? $0) })
            for account in ["vol:jan", "vol:piet", "org:zorgkring"] {
                let id = try AccountID(account)
                let mine = reference.filter { $0.account == id }
                let before = mine.filter { $0.day < (from ?? "") }.reduce(0) { $0 + $1.amount }
                let within = mine.filter { $0.day >= (from ?? "") && $0.day <= (through ?? "~") }
                    .sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }
                let statement = try #require(
                    try db.statement(of: id, fromDay: from, throughDay: through, limit: 10_000))
                #expect(statement.opening == before, "\(account) \(from ?? "-")…\(through ?? "-")")
                #expect(statement.lines.map(\.seq) == within.map(\.seq))
                #expect(statement.lines.map(\.careDate) == within.map(\.day))
                var running = statement.opening
                for line in statement.lines {
                    running += line.amount
                    #expect(line.balanceAfter == running)
                }
                // Pages of 3, each continuing after the last line's (care date, seq).
                var paged: [HistoryLine] = []
                var after: (day: String, seq: Int64)?
                while let page = try db.statement(of: id, fromDay: from, throughDay: through, after: after, limit: 3) {
                    #expect(page.opening == (paged.last?.balanceAfter ?? statement.opening))
                    paged += page.lines
                    guard page.more, let last = page.lines.last else { break }
                    after = (try #require(try db.careDate(ofPostingTo: id, seq: last.seq)), last.seq)
                }
                #expect(paged == statement.lines)
            }
        }
        // Without a period, the closing balance is the account's balance, as by commit time.
        for account in ["vol:jan", "vol:piet", "org:zorgkring"] {
            let id = try AccountID(account)
            let whole = try #require(try db.statement(of: id, fromDay: nil, throughDay: nil, limit: 10_000))
            #expect(whole.opening == 0 && whole.closing == whole.account.balance)
        }
        _ = try LedgerStore.verify(db)
    }

    @Test func aReversalCountsOnTheDayOfWhatItReverses() throws {
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries())
        let credit = try f.credit("vol:jan", hours: "2", careDate: "2026-11-03")
        let undated = try f.credit("vol:jan", hours: "1")
        try f.store.append([credit, undated])
        let reversal = try f.reversal(of: credit, reason: "wrong volunteer")
        try f.store.append([reversal])
        let db = f.store.connection
        #expect(try db.careDate(ofTransaction: credit.payload.id) == "2026-11-03")
        #expect(try db.careDate(ofTransaction: undated.payload.id) == "2026-11-23")
        #expect(try db.careDate(ofTransaction: reversal.payload.id) == "2026-11-03")
        let jan = try AccountID("vol:jan")
        let november3 = try #require(
            try db.statement(of: jan, fromDay: "2026-11-03", throughDay: "2026-11-03", limit: 10))
        #expect(november3.lines.map(\.amount) == [2000, -2000] && november3.closing == 0)
        let reversed = november3.lines[0]
        let correction = november3.lines[1]
        #expect(reversed.reversedBy == reversal.entry.seq && reversed.reason == nil)
        #expect(correction.reverses == credit.payload.id && correction.reversesSeq == credit.entry.seq)
        #expect(correction.reason == "wrong volunteer" && correction.reversedBy == nil)
        // History shows the same links.
        let history = try db.history(of: jan, limit: 10)
        #expect(history.first?.reason == "wrong volunteer" && history.last?.reversedBy == reversal.entry.seq)
    }

    @Test func aVersion5DatabaseGetsItsCareDatesFromThePayloads() throws {
        let (f, entries) = try Self.randomLedger(seed: 11)
        let db = f.store.connection
        // The schema as version 5 left it: no care dates, no index, migrations 6 to 11 not applied.
        try f.undoVersion11()
        try db.execute(
            """
            DROP INDEX postings_by_care_date;
            ALTER TABLE postings DROP COLUMN care_date;
            DROP TABLE restore_guard;
            ALTER TABLE settings DROP COLUMN language;
            ALTER TABLE settings DROP COLUMN contact;
            DROP TABLE batch_credits;
            DELETE FROM schema_migrations WHERE version >= 6;
            """)
        #expect(try f.integer("SELECT COUNT(*) FROM pragma_table_info('postings') WHERE name = 'care_date'") == 0)
        let reopened = try LedgerStore(database: f.database)
        #expect(try reopened.schemaVersion == 13)
        let stored = try reopened.connection.statement("SELECT seq, account, care_date FROM postings ORDER BY seq, idx")
            .rows { ($0.int64(0), $0.text(1), $0.text(2)) }
        let expected = Self.reference(entries)
        #expect(stored.count == expected.count)
        for (row, want) in zip(stored, expected) {
            #expect(row.0 == want.seq && row.1 == want.account.rawValue && row.2 == want.day, "entry \(row.0)")
        }
        // The journal is append-only again after the fill.
        #expect(throws: StoreError.self) { try reopened.connection.execute("UPDATE postings SET care_date = 'x'") }
        _ = try LedgerStore.verify(reopened.connection)
    }

    @Test func theIntegrityScanNoticesAChangedCareDate() throws {
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries())
        try f.store.append([try f.credit("vol:jan", hours: "2", careDate: "2026-11-03")])
        _ = try LedgerStore.verify(f.store.connection)
        // Someone with the file moves the credit to October, around the triggers.
        try f.store.connection.execute(
            """
            DROP TRIGGER postings_append_only_update;
            UPDATE postings SET care_date = '2026-10-31' WHERE seq = 8;
            """)
        #expect(
            throws: VerificationFailure(
                seq: 8, reason: "stored care dates differ from the transaction's care date 2026-11-03")
        ) {
            _ = try LedgerStore.verify(f.store.connection)
        }
    }
}
