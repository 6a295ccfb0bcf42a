import NoaberCore
import NoaberCrypto
import NoaberStore
import Testing

/// `entries(from:limit:maxPayloadBytes:)`: pages that stop at a payload budget, found from the
/// payloads' lengths, so that a page of large entries never reads more than the budget.
@Suite("Entries pages within a payload budget")
struct EntriesPageTests {
    /// The page size `ledger.entries` uses (`EntriesParams.maxPageBytes`, 8 MiB).
    static let pageBytes = 8 << 20

    /// The opening entries, then one padded credit per size in `sizes` (seq 8 onwards).
    static func ledger(sizes: [Int]) throws -> StoreFixture {
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries())
        var batch: [AcceptedEntry] = []
        for (i, size) in sizes.enumerated() {
            batch.append(try f.paddedCredit(id: "pad-\(i)", size: size))
            if batch.count == 50 {
                try f.store.append(batch)
                batch = []
            }
        }
        try f.store.append(batch)
        return f
    }

    /// What `ledger.entries` returned before pages were cut in the store: load `limit` entries,
    /// keep the longest prefix within the budget, but at least one entry.
    static func reference(_ db: Connection, from: Int64, limit: Int, budget: Int) throws -> [StoredEntry] {
        var total = 0
        var page: [StoredEntry] = []
        for entry in try db.entries(from: from, limit: limit) {
            total += entry.entry.signed.payload.count
            if !page.isEmpty, total > budget { break }
            page.append(entry)
        }
        return page
    }

    static func payloadBytes(_ page: [StoredEntry]) -> Int { page.reduce(0) { $0 + $1.entry.signed.payload.count } }

    @Test func fullPayloadsFillExactlyTheBudget() throws {
        // 140 payloads of the largest size (64 KiB): 128 of them are exactly 8 MiB.
        let f = try Self.ledger(sizes: Array(repeating: Payload.maxBytes, count: 140))
        let db = try f.database.openReader()
        let first = try db.entries(from: 8, limit: 1000, maxPayloadBytes: Self.pageBytes)
        #expect(first.map(\.entry.seq) == Array(8...135))
        #expect(Self.payloadBytes(first) == Self.pageBytes)
        #expect(first.allSatisfy { $0.entry.signed.payload.count == Payload.maxBytes })
        let second = try db.entries(from: 136, limit: 1000, maxPayloadBytes: Self.pageBytes)
        #expect(second.map(\.entry.seq) == Array(136...147))
        #expect(try db.entries(from: 148, limit: 1000, maxPayloadBytes: Self.pageBytes).isEmpty)
        // The limit still applies below the budget, and the postings come along.
        let small = try db.entries(from: 1, limit: 10, maxPayloadBytes: Self.pageBytes)
        #expect(small.map(\.entry.seq) == Array(1...10))
        #expect(small[7].postings.map(\.account.rawValue) == ["org:zorgkring", "vol:jan"])
        #expect(small[7].postings.map(\.amount) == [-500, 500])
    }

    @Test func pagesMatchTheOldTrimmingAndChainUp() throws {
        let sizes = [3000, 5000, 2000, 9000, 1000, 12000, 4000, 4000, 2500, 7000, 1200, 30000, 600, 600, 9999, 10000]
        let f = try Self.ledger(sizes: sizes)
        let db = try f.database.openReader()
        let all = try db.entries(from: 1, limit: 1000)
        for budget in [1, 5000, 9999, 10000, 10001, 25000, 1 << 20] {
            for limit in [1, 3, 7, 1000] {
                var paged: [StoredEntry] = []
                var next: Int64 = 1
                while case let page = try db.entries(from: next, limit: limit, maxPayloadBytes: budget),
                    let last = page.last
                {
                    #expect(page == (try Self.reference(db, from: next, limit: limit, budget: budget)))
                    #expect(page.count <= limit)
                    // Within the budget, unless a single entry is larger than it.
                    #expect(page.count == 1 || Self.payloadBytes(page) <= budget, "budget \(budget), from \(next)")
                    paged += page
                    next = last.entry.seq + 1
                }
                #expect(paged == all, "budget \(budget), limit \(limit)")
            }
        }
    }

    @Test func anEntryLargerThanTheBudgetIsAPageOfItsOwn() throws {
        let f = try Self.ledger(sizes: [40000, 500, 40000])
        let db = try f.database.openReader()
        #expect(try db.entries(from: 8, limit: 1000, maxPayloadBytes: 1000).map(\.entry.seq) == [8])
        #expect(try db.entries(from: 9, limit: 1000, maxPayloadBytes: 1000).map(\.entry.seq) == [9])
        #expect(try db.entries(from: 10, limit: 1000, maxPayloadBytes: 1000).map(\.entry.seq) == [10])
        #expect(try db.entries(from: 9, limit: 1000, maxPayloadBytes: 40500).map(\.entry.seq) == [9, 10])
        #expect(try db.entries(from: 11, limit: 1000, maxPayloadBytes: 1000).isEmpty)
        #expect(try db.entries(from: 0, limit: 0, maxPayloadBytes: 1000).isEmpty)
    }
}

extension StoreFixture {
    /// A credit of 0.5 hours to vol:jan whose payload is padded with trailing spaces to `size`
    /// bytes (whitespace is valid JSON, and the rules accept any layout), signed over the padding.
    func paddedCredit(id: String, size: Int) throws -> AcceptedEntry {
        let body = try tx(.credit, ("org:zorgkring", -500), ("vol:jan", 500), hours: "0.5", hourRate: 1000)
        let payload = Payload(ledger: Self.ledgerID, id: id, body: body)
        var bytes = payload.encoded()
        precondition(bytes.count <= size, "payload \(id) is already \(bytes.count) bytes")
        bytes += Array(repeating: 0x20, count: size - bytes.count)
        let signature = try coordinator.signature(
            for: SignedEntry.signingMessage(ledgerID: Self.ledgerID, payload: bytes))
        let signed = SignedEntry(payload: bytes, signature: signature, keyID: coordinator.publicKey.keyID)
        try state.apply(signed, seq: seq + 1)
        seq += 1
        let time = Timestamp(millisecondsSinceEpoch: 1_795_430_360_000 + seq * 1000)
        let hash = EntryHash.compute(seq: seq, prevHash: head, committedAt: time, signed: signed)
        let entry = CommittedEntry(
            seq: seq, entryID: id, kind: payload.kind, signed: signed, committedAt: time, prevHash: head, hash: hash)
        head = hash
        return AcceptedEntry(entry: entry, payload: payload)
    }
}
