import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Testing

/// Statements: for random ledgers and random periods, opening + the lines = closing, every line's
/// running balance is the sum before it, and pages put together give the whole period.
@Suite("Account statements")
struct StatementTests {
    @Test(arguments: [3, 17, 64])
    func openingPlusLinesIsClosingForRandomLedgersAndPeriods(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries())
        var batch: [AcceptedEntry] = []
        for _ in 0..<(40 + seed) {
            switch random.next() % 3 {
            case 0: batch.append(try f.credit(random.next() % 2 == 0 ? "vol:jan" : "vol:piet", hours: "0.5"))
            case 1 where (f.state.accounts[try AccountID("vol:jan")]?.balance ?? 0) >= 100:
                batch.append(try f.transfer("vol:jan", "vol:piet", 100, by: f.jan))
            default:
                if (f.state.accounts[try AccountID("vol:piet")]?.balance ?? 0) >= 50 {
                    batch.append(try f.transfer("vol:piet", "vol:jan", 50, by: f.piet))
                }
            }
            if batch.count > 5 {
                try f.store.append(batch)
                batch = []
            }
        }
        try f.store.append(batch)
        let db = f.store.connection
        let all = try db.entries(from: 1, limit: 10_000)
        let first = all.first!.entry.committedAt.millisecondsSinceEpoch
        let last = all.last!.entry.committedAt.millisecondsSinceEpoch
        for _ in 0..<20 {
            let a = first + Int64(random.next() % UInt64(last - first + 2000)) - 1000
            let b = a + Int64(random.next() % UInt64(last - first + 2000))
            let (from, to) = (Timestamp(millisecondsSinceEpoch: a), Timestamp(millisecondsSinceEpoch: b))
            for account in ["vol:jan", "vol:piet", "org:zorgkring"] {
                let id = try AccountID(account)
                let statement = try #require(try db.statement(of: id, from: from, to: to, limit: 10_000))
                // The reference: postings of this account before and within the period, from the entries.
                let postings = all.flatMap { stored in
                    stored.postings.filter { $0.account == id }.map { (stored.entry, $0.amount) }
                }
                let before = postings.filter { $0.0.committedAt < from }.reduce(0) { $0 + $1.1 }
                let within = postings.filter { $0.0.committedAt >= from && $0.0.committedAt < to }
                #expect(statement.opening == before)
                #expect(statement.lines.map(\.amount) == within.map(\.1))
                #expect(statement.closing == statement.opening + statement.lines.reduce(0) { $0 + $1.amount })
                var running = statement.opening
                for line in statement.lines {
                    running += line.amount
                    #expect(line.balanceAfter == running)
                }
                // Pages of 3, each continuing after the last seq, give the same lines and balances.
                var paged: [HistoryLine] = []
                var after: Int64 = 0
                while let page = try db.statement(of: id, from: from, to: to, afterSeq: after, limit: 3) {
                    if let firstLine = page.lines.first {
                        #expect(
                            page.opening == (paged.last?.balanceAfter ?? statement.opening),
                            "page opening at \(firstLine.seq)")
                    }
                    paged += page.lines
                    guard page.more, let lastLine = page.lines.last else { break }
                    after = lastLine.seq
                }
                #expect(paged == statement.lines)
            }
        }
        // Without a period: everything, and the closing balance is the account's balance.
        let whole = try #require(try db.statement(of: try AccountID("vol:jan"), from: nil, to: nil, limit: 10_000))
        #expect(whole.opening == 0 && whole.closing == whole.account.balance)
        #expect(try db.statement(of: try AccountID("vol:nobody"), from: nil, to: nil, limit: 10) == nil)
    }
}
