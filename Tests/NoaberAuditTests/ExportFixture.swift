import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol

/// A small ledger for the writers: entries signed with a fixed key, applied through the real rules
/// (so every entry is one the daemon would accept, or for its texts one a version 1 ledger from
/// before FORMAT.md §2's character rule may hold, which every export must still carry), and
/// committed at chosen times the way the daemon commits them, with seq, hash chain and stored
/// postings.
///
/// One admin key signs everything: it opens the accounts and controls them all, which the rules
/// allow, and which keeps the chain (and so every exact expected output) the same on every run.
struct ExportFixture {
    // A fixed test seed; never a real key.
    static let admin = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x6E, count: 32))
    static let nonce = [UInt8](repeating: 0x07, count: LedgerIdentity.nonceByteCount)
    static let hourRate: Int64 = 1000

    let ledgerID: String
    let currency: Currency
    /// The state replayed by Noaber's own rules: the balances every export must reproduce.
    private(set) var state = LedgerState()
    private(set) var signed: [SignedEntry] = []
    private(set) var entries: [EntryInfo] = []
    /// The transactions by seq, as signed: what the exports must carry.
    private(set) var transactions: [Int64: Transaction] = [:]
    /// What the rules need to judge a reversal.
    private var prior = ReplayedEntries()
    private var prevHash = SHA256Digest.zero
    private var lastTime = Timestamp(millisecondsSinceEpoch: 0)

    init(
        name: String = "Zorgkring Noord", currency: Currency = Currency(code: "ZMT", name: "zorgmunt", scale: 2),
        at time: String
    ) throws {
        ledgerID = LedgerIdentity.derive(adminKey: Self.admin.publicKey, nonce: Self.nonce)
        self.currency = currency
        state.legacyTexts = .warn
        try append(
            .ledgerInit(
                LedgerInit(
                    name: name, currency: currency, hourRate: Self.hourRate,
                    adminKey: KeySpec(publicKey: Self.admin.publicKey, label: "admin", role: .admin),
                    nonce: Hex.encode(Self.nonce))),
            id: "init", at: time)
    }

    /// Signs, applies and commits `body` as the next entry, `time` an RFC 3339 commit time.
    mutating func append(_ body: Payload.Body, id: String? = nil, at time: String) throws {
        guard let committedAt = Timestamp(rfc3339: time), committedAt >= lastTime else {
            throw FixtureError("commit time \(time) is malformed or earlier than the previous entry's")
        }
        let seq = Int64(entries.count + 1)
        let entry = try SignedEntry.sign(Payload(ledger: ledgerID, id: id ?? "e-\(seq)", body: body), with: Self.admin)
        let payload = try state.apply(entry, seq: seq, at: committedAt, prior: prior)
        prior.record(payload, seq: seq, at: committedAt)
        let hash = EntryHash.compute(seq: seq, prevHash: prevHash, committedAt: committedAt, signed: entry)
        let committed = CommittedEntry(
            seq: seq, entryID: payload.id, kind: payload.kind, signed: entry, committedAt: committedAt,
            prevHash: prevHash, hash: hash)
        var postings: [Posting] = []
        if case .transaction(let tx) = payload.body {
            postings = tx.postings
            transactions[seq] = tx
        }
        entries.append(EntryInfo(StoredEntry(entry: committed, postings: postings)))
        signed.append(entry)
        prevHash = hash
        lastTime = committedAt
    }

    mutating func open(_ account: String, _ kind: AccountKind, name: String, min: Int64 = 0, at time: String) throws {
        try append(
            .accountOpen(
                AccountOpen(
                    account: try AccountID(account), accountKind: kind, name: name, minBalance: min,
                    controllers: [Self.admin.publicKey.keyID])),
            at: time)
    }

    /// A transaction; with `hours`, at the rate in force: `category`'s, or else the ledger's.
    mutating func tx(
        _ purpose: Purpose, _ postings: [(String, Int64)], memo: String? = nil, hours: String? = nil,
        category: String? = nil, careDate: String? = nil,
        id: String? = nil, at time: String
    ) throws {
        let rate = category.map { state.categories[$0]?.hourRate ?? 0 } ?? Self.hourRate
        try append(
            .transaction(
                Transaction(
                    purpose: purpose,
                    postings: try postings.map { Posting(account: try AccountID($0.0), amount: $0.1) },
                    memo: memo, hours: hours, hourRate: hours == nil ? nil : rate, category: category,
                    careDate: careDate)),
            id: id, at: time)
    }

    mutating func category(_ id: String, name: String, hourRate: Int64, at time: String) throws {
        try append(.categorySet(CategorySet(category: id, name: name, hourRate: hourRate)), at: time)
    }

    /// Reverses the transaction with entry id `original`: its postings negated, in the same order.
    mutating func reverse(
        _ original: String, reason: String, memo: String? = nil, id: String? = nil, at time: String
    ) throws {
        guard let seq = entries.first(where: { $0.id == original })?.seq, let target = transactions[seq] else {
            throw FixtureError("no transaction \(original) to reverse")
        }
        let postings = target.postings.map { Posting(account: $0.account, amount: -$0.amount) }
        try append(
            .transaction(
                Transaction(purpose: .reversal, postings: postings, memo: memo, reverses: original, reason: reason)),
            id: id, at: time)
    }

    /// Every account's balance as Noaber's rules replayed them.
    var balances: [AccountID: Int64] { state.accounts.mapValues(\.balance) }

    /// The balances after the entries committed up to and including `day` (UTC).
    func balances(through day: String) throws -> [AccountID: Int64] {
        var replay = LedgerState()
        replay.legacyTexts = .warn
        var prior = ReplayedEntries()
        for (index, entry) in entries.enumerated() where entry.committedAt.prefix(10) <= day {
            let time = Timestamp(rfc3339: entry.committedAt)!
            prior.record(
                try replay.apply(signed[index], seq: entry.seq, at: time, prior: prior), seq: entry.seq, at: time)
        }
        return replay.accounts.mapValues(\.balance)
    }

    /// The README's books: an issuer, two volunteers and a bakery; a credit for 2.5 hours, a gift
    /// and a purchase, each on its own day.
    static func walkthrough() throws -> ExportFixture {
        var ledger = try ExportFixture(at: "2026-11-20T09:00:00.000Z")
        try ledger.open(
            "org:zorgkring", .issuer, name: "Zorgkring Noord", min: -1_000_000, at: "2026-11-20T09:01:00.000Z")
        try ledger.open("vol:jan-peeters", .member, name: "Jan Peeters", at: "2026-11-20T09:02:00.000Z")
        try ledger.open("vol:piet", .member, name: "Piet de Boer", at: "2026-11-20T09:03:00.000Z")
        try ledger.open("shop:bakker", .merchant, name: "Bakkerij de Vries", at: "2026-11-20T09:04:00.000Z")
        try ledger.tx(
            .credit, [("org:zorgkring", -2500), ("vol:jan-peeters", 2500)], memo: "boodschappen mevrouw Jansen",
            hours: "2.5",
            at: "2026-11-21T10:00:00.000Z")
        try ledger.tx(
            .transfer, [("vol:jan-peeters", -500), ("vol:piet", 500)], memo: "bedankt", at: "2026-11-22T11:30:00.250Z")
        try ledger.tx(
            .redeem, [("vol:jan-peeters", -750), ("shop:bakker", 750)], memo: "brood", at: "2026-11-23T16:45:00.000Z")
        return ledger
    }

    /// The walkthrough, then a day of corrections: a care category at 12.00 an hour, a credit of
    /// 1.5 hours in it (entry `boodschappen-1`), and a reversal of the first credit (entry 6), whose
    /// reason has what the formats treat specially: a comma, a semicolon, quotes, a backslash.
    static func corrected() throws -> ExportFixture {
        var ledger = try walkthrough()
        try ledger.category("boodschappen", name: "Boodschappen", hourRate: 1200, at: "2026-11-24T09:00:00.000Z")
        try ledger.tx(
            .credit, [("org:zorgkring", -1800), ("vol:jan-peeters", 1800)], memo: "boodschappen", hours: "1.5",
            category: "boodschappen", id: "boodschappen-1", at: "2026-11-24T10:00:00.000Z")
        try ledger.reverse(
            "e-6", reason: "dubbel ingevoerd, zie \"boodschappen-1\"; c:\\tmp", id: "herstel-1",
            at: "2026-11-24T11:00:00.000Z")
        return ledger
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
