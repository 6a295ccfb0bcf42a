import NoaberCore
import NoaberCrypto
import Testing

/// The parts of a `LedgerState` that the rules change; equal before and after a refused entry.
struct StateSnapshot: Equatable {
    var ledger: LedgerState.Ledger?
    var keys: [KeyID: LedgerState.Key]
    var accounts: [AccountID: LedgerState.Account]
    var categories: [String: LedgerState.Category]
    var settings: LedgerState.Settings

    init(_ state: LedgerState) {
        ledger = state.ledger
        keys = state.keys
        accounts = state.accounts
        categories = state.categories
        settings = state.settings
    }
}

/// A ledger built entry by entry through the real rules, with a fixed admin key (so that its id,
/// which that key derives, is fixed too) and generated keys for everyone else.
struct TestLedger {
    // A fixed test seed; never a real key.
    static let adminKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x5A, count: 32))
    static let nonce = [UInt8](repeating: 0x42, count: LedgerIdentity.nonceByteCount)
    static let id = LedgerIdentity.derive(adminKey: adminKey.publicKey, nonce: nonce)
    static let currency = Currency(code: "ZMT", name: "Zorgmunt", scale: 2)
    static let hourRate: Int64 = 1000

    let admin: Ed25519PrivateKey
    var state = LedgerState()
    var seq: Int64 = 0
    /// Every accepted entry, in order.
    var accepted: [SignedEntry] = []
    /// What reversals and claims' decisions are judged by.
    var prior = ReplayedEntries()
    /// The commit time of the next entry; tests move it forward to expire claims or reach demurrage.
    var now = Timestamp(rfc3339: "2026-11-02T09:00:00.000Z")!
    private var counter = 0

    init() throws {
        admin = Self.adminKey
    }

    mutating func nextID() -> String {
        counter += 1
        return "e-\(counter)"
    }

    func initBody(
        admin key: Ed25519PrivateKey? = nil, role: KeyRole = .admin, hourRate: Int64 = hourRate
    ) -> Payload.Body {
        .ledgerInit(
            LedgerInit(
                name: "Zorgkring Oost", currency: Self.currency, hourRate: hourRate,
                adminKey: KeySpec(publicKey: (key ?? admin).publicKey, label: "admin", role: role),
                nonce: Hex.encode(Self.nonce)))
    }

    /// Signs `body` as the next entry of this ledger (or of `ledger`), without applying it.
    mutating func sign(
        _ body: Payload.Body, by key: Ed25519PrivateKey? = nil, ledger: String = id, entryID: String? = nil
    ) throws -> SignedEntry {
        let payload = Payload(ledger: ledger, id: entryID ?? nextID(), body: body)
        return try SignedEntry.sign(payload, with: key ?? admin)
    }

    /// Applies `signed` as the next entry; it must be accepted.
    @discardableResult
    mutating func apply(_ signed: SignedEntry) throws -> Payload {
        let payload = try state.apply(signed, seq: seq + 1, at: now, prior: prior)
        seq += 1
        prior.record(payload, seq: seq, at: now)
        accepted.append(signed)
        return payload
    }

    @discardableResult
    mutating func submit(_ body: Payload.Body, by key: Ed25519PrivateKey? = nil) throws -> Payload {
        try apply(try sign(body, by: key))
    }

    /// Applies `signed` expecting the refusal `expected`, and checks that nothing changed.
    mutating func expectRefusal(
        _ signed: SignedEntry, _ expected: LedgerError, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectRefusal(signed, sourceLocation: sourceLocation) { error in
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    /// Applies `signed` expecting a refusal with this `reason` whose message mentions every fragment.
    mutating func expectRefusal(
        _ signed: SignedEntry, reason: String, mentioning fragments: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectRefusal(signed, sourceLocation: sourceLocation) { error in
            #expect(error.reason == reason, "\(error.message)", sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(
                    error.message.contains(fragment), "\"\(error.message)\" should mention \"\(fragment)\"",
                    sourceLocation: sourceLocation)
            }
        }
    }

    private mutating func expectRefusal(
        _ signed: SignedEntry, sourceLocation: SourceLocation, check: (LedgerError) -> Void
    ) {
        let before = StateSnapshot(state)
        do {
            try state.apply(signed, seq: seq + 1, at: now, prior: prior)
            Issue.record("the entry was accepted", sourceLocation: sourceLocation)
        } catch {
            check(error)
        }
        #expect(StateSnapshot(state) == before, "a refused entry changed the state", sourceLocation: sourceLocation)
    }

    var balanceSum: Int64 { state.accounts.values.reduce(0) { $0 + $1.balance } }

    func balance(_ id: String) throws -> Int64? { state.accounts[try AccountID(id)]?.balance }
}

/// The everyday ledger: an admin, a coordinator (operator) controlling the issuer, two volunteers,
/// a shop and an auditor; the issuer may go to -1000.00.
struct Community {
    var ledger: TestLedger
    let coordinator: Ed25519PrivateKey
    let jan: Ed25519PrivateKey
    let piet: Ed25519PrivateKey
    let bakker: Ed25519PrivateKey
    let auditor: Ed25519PrivateKey

    static let issuerLimit: Int64 = -100_000

    init() throws {
        ledger = try TestLedger()
        coordinator = try .generate()
        jan = try .generate()
        piet = try .generate()
        bakker = try .generate()
        auditor = try .generate()
        try ledger.submit(ledger.initBody())
        for (key, label, role) in [
            (coordinator, "coordinator", KeyRole.operator), (jan, "jan", .member), (piet, "piet", .member),
            (bakker, "bakker", .member), (auditor, "auditor", .auditor),
        ] {
            try ledger.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: key.publicKey, label: label, role: role))))
        }
        try ledger.submit(try open("org:zorgkring", .issuer, min: Self.issuerLimit, coordinator))
        try ledger.submit(try open("vol:jan", .member, jan), by: coordinator)
        try ledger.submit(try open("vol:piet", .member, piet), by: coordinator)
        try ledger.submit(try open("shop:bakker", .merchant, bakker))
    }

    func open(
        _ id: String, _ kind: AccountKind, min: Int64 = 0, _ controllers: Ed25519PrivateKey...
    ) throws -> Payload.Body {
        .accountOpen(
            AccountOpen(
                account: try AccountID(id), accountKind: kind, name: id, minBalance: min,
                controllers: controllers.map(\.publicKey.keyID)))
    }

    /// Pays `hours` of care from the issuer to `to`, signed by the coordinator.
    mutating func credit(_ to: String, hours: String) throws {
        let amount = try Hours(hours).amount(atRate: TestLedger.hourRate)
        try ledger.submit(
            try tx(.credit, ("org:zorgkring", -amount), (to, amount), hours: hours, hourRate: TestLedger.hourRate),
            by: coordinator)
    }
}

func tx(
    _ purpose: Purpose, _ postings: (String, Int64)..., memo: String? = nil, hours: String? = nil,
    hourRate: Int64? = nil
) throws -> Payload.Body {
    try tx(purpose, postings: postings, memo: memo, hours: hours, hourRate: hourRate)
}

func tx(
    _ purpose: Purpose, postings: [(String, Int64)], memo: String? = nil, hours: String? = nil, hourRate: Int64? = nil,
    category: String? = nil
) throws -> Payload.Body {
    .transaction(
        Transaction(
            purpose: purpose, postings: try postings.map { Posting(account: try AccountID($0.0), amount: $0.1) },
            memo: memo, hours: hours, hourRate: hourRate, category: category))
}

/// Commits signed entries the way the daemon does: seq from 1, one second apart, each hash
/// linking to the previous one, with the postings stored beside each transaction.
enum Chain {
    static let start = Timestamp(millisecondsSinceEpoch: 1_795_430_360_123)

    static func commit(_ signed: [SignedEntry], times: [Timestamp]? = nil) throws -> [StoredEntry] {
        var prev = SHA256Digest.zero
        var result: [StoredEntry] = []
        for (index, entry) in signed.enumerated() {
            let payload = try Payload.decode(entry.payload)
            let seq = Int64(index + 1)
            let time = times?[index] ?? Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + seq * 1000)
            let hash = EntryHash.compute(seq: seq, prevHash: prev, committedAt: time, signed: entry)
            let committed = CommittedEntry(
                seq: seq, entryID: payload.id, kind: payload.kind, signed: entry, committedAt: time, prevHash: prev,
                hash: hash)
            result.append(StoredEntry(entry: committed, postings: payload.postingRows))
            prev = hash
        }
        return result
    }

    /// Recomputes every hash from `index` on, as a forger who controls the database would.
    static func relink(_ entries: inout [StoredEntry], from index: Int) {
        var prev = index == 0 ? SHA256Digest.zero : entries[index - 1].entry.hash
        for i in index..<entries.count {
            var e = entries[i].entry
            e.prevHash = prev
            e.hash = EntryHash.compute(seq: e.seq, prevHash: prev, committedAt: e.committedAt, signed: e.signed)
            entries[i].entry = e
            prev = e.hash
        }
    }
}
