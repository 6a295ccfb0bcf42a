import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Testing

/// A store in a fresh temporary directory (removed when the fixture goes away) and a ledger
/// whose entries go through the real rules before they are appended.
final class StoreFixture {
    // A fixed test seed (never a real key), so that the ledger id it derives is fixed too.
    static let adminKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x5A, count: 32))
    static let nonce = [UInt8](repeating: 0x42, count: LedgerIdentity.nonceByteCount)
    static let ledgerID = LedgerIdentity.derive(adminKey: adminKey.publicKey, nonce: nonce)

    let directory: URL
    let database: Database
    let store: LedgerStore
    let admin: Ed25519PrivateKey
    let coordinator: Ed25519PrivateKey
    let jan: Ed25519PrivateKey
    let piet: Ed25519PrivateKey
    var state = LedgerState()
    var seq: Int64 = 0
    var head = SHA256Digest.zero
    /// 2 makes the entries of entry format v2, their personal texts beside them.
    var entryVersion = 1
    var prior = ReplayedEntries()
    private var counter = 0

    /// `walSync` given, the store's commits are synced by it (`Database.openWriter`).
    init(walSync: (Database) -> WALSync? = { _ in nil }) throws {
        directory = try makeTemporaryDirectory("noaber-store")
        database = Database(directory: directory.path)
        store = try LedgerStore(database: database, walSync: walSync(database))
        admin = Self.adminKey
        coordinator = try .generate()
        jan = try .generate()
        piet = try .generate()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Judges `body` as the next entry and returns it committed (one second after the previous),
    /// without writing it.
    func accept(_ body: Payload.Body, by key: Ed25519PrivateKey? = nil, id: String? = nil) throws -> AcceptedEntry {
        counter += 1
        var payload = Payload(ledger: Self.ledgerID, id: id ?? "e-\(counter)", body: body)
        var personal: [PersonalText] = []
        if entryVersion == 2 { (payload, personal) = try payload.committingPersonalData() }
        let signed = try SignedEntry.sign(payload, with: key ?? admin)
        try state.apply(signed, seq: seq + 1, prior: prior)
        let subjects = payload.personalSubjects(claim: prior.claim)
        seq += 1
        prior.record(payload, seq: seq, at: Timestamp(millisecondsSinceEpoch: 0))
        let time = Timestamp(millisecondsSinceEpoch: 1_795_430_360_000 + seq * 1000)
        let hash = EntryHash.compute(seq: seq, prevHash: head, committedAt: time, signed: signed)
        let entry = CommittedEntry(
            seq: seq, entryID: payload.id, kind: payload.kind, signed: signed, committedAt: time, prevHash: head,
            hash: hash)
        head = hash
        return AcceptedEntry(entry: entry, payload: payload, personal: personal, subjects: subjects)
    }

    /// The opening entries: init, three keys, an issuer and two volunteers (seq 1…7).
    func openingEntries() throws -> [AcceptedEntry] {
        var batch = [
            try accept(
                .ledgerInit(
                    LedgerInit(
                        name: "Zorgkring", currency: Currency(code: "ZMT", name: "Zorgmunt", scale: 2), hourRate: 1000,
                        adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin),
                        nonce: Hex.encode(Self.nonce))))
        ]
        for (key, label, role) in [
            (coordinator, "coordinator", KeyRole.operator), (jan, "jan", .member), (piet, "piet", .member),
        ] {
            batch.append(try accept(.keyAdd(KeyAdd(key: KeySpec(publicKey: key.publicKey, label: label, role: role)))))
        }
        batch.append(try accept(open("org:zorgkring", .issuer, min: -100_000, coordinator)))
        batch.append(try accept(open("vol:jan", .member, jan), by: coordinator))
        batch.append(try accept(open("vol:piet", .member, piet), by: coordinator))
        return batch
    }

    func open(_ id: String, _ kind: AccountKind, min: Int64 = 0, _ controller: Ed25519PrivateKey) throws -> Payload.Body
    {
        .accountOpen(
            AccountOpen(
                account: try AccountID(id), accountKind: kind, name: id.uppercased(), minBalance: min,
                controllers: [controller.publicKey.keyID]))
    }

    func credit(_ to: String, hours: String, memo: String? = nil, careDate: String? = nil) throws -> AcceptedEntry {
        let amount = try Hours(hours).amount(atRate: 1000)
        var body = try tx(.credit, ("org:zorgkring", -amount), (to, amount), memo: memo, hours: hours, hourRate: 1000)
        if case .transaction(var credit) = body {
            credit.careDate = careDate
            body = .transaction(credit)
        }
        return try accept(body, by: coordinator)
    }

    /// The coordinator's reversal of `original` (an earlier entry of this fixture).
    func reversal(of original: AcceptedEntry, reason: String = "a mistake") throws -> AcceptedEntry {
        guard case .transaction(let tx) = original.payload.body else { throw FixtureFailure("not a transaction") }
        return try accept(
            .transaction(
                Transaction(
                    purpose: .reversal, postings: tx.postings.map { Posting(account: $0.account, amount: -$0.amount) },
                    reverses: original.payload.id, reason: reason)),
            by: coordinator)
    }

    func transfer(_ from: String, _ to: String, _ amount: Int64, by key: Ed25519PrivateKey) throws -> AcceptedEntry {
        try accept(try tx(.transfer, (from, -amount), (to, amount), memo: "\(from) to \(to)"), by: key)
    }

    /// Opening entries and five transactions (seq 8…12), appended in three batches.
    func populate() throws {
        try store.append(try openingEntries())
        try store.append([try credit("vol:jan", hours: "2", memo: "shopping")])
        try store.append([
            try transfer("vol:jan", "vol:piet", 500, by: jan),
            try credit("vol:piet", hours: "0.5"),
            try transfer("vol:piet", "vol:jan", 200, by: piet),
            try transfer("vol:jan", "vol:piet", 100, by: jan),
        ])
    }

    func tx(
        _ purpose: Purpose, _ postings: (String, Int64)..., memo: String? = nil, hours: String? = nil,
        hourRate: Int64? = nil
    ) throws -> Payload.Body {
        .transaction(
            Transaction(
                purpose: purpose, postings: try postings.map { Posting(account: try AccountID($0.0), amount: $0.1) },
                memo: memo, hours: hours, hourRate: hourRate))
    }

    /// One integer from a query on the writer connection.
    func integer(_ sql: String, on connection: Connection? = nil) throws -> Int64 {
        try #require(try (connection ?? store.connection).statement(sql).rows { $0.int64(0) }.first)
    }

    func text(_ sql: String, on connection: Connection? = nil) throws -> String {
        try #require(try (connection ?? store.connection).statement(sql).rows { $0.text(0) }.first)
    }

    /// The schema as version 12 left it: the Merkle nodes keyed by (level, idx), with no `pos`.
    func undoVersion13() throws {
        try store.connection.execute(
            """
            CREATE TABLE merkle_nodes_v2 (
                level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
                idx   INTEGER NOT NULL CHECK (idx >= 0),
                hash  BLOB    NOT NULL CHECK (length(hash) = 32),
                PRIMARY KEY (level, idx)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO merkle_nodes_v2 SELECT level, idx, hash FROM merkle_nodes;
            DROP TABLE merkle_nodes;
            ALTER TABLE merkle_nodes_v2 RENAME TO merkle_nodes;
            CREATE TRIGGER merkle_nodes_append_only_update BEFORE UPDATE ON merkle_nodes
                BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be updated'); END;
            CREATE TRIGGER merkle_nodes_append_only_delete BEFORE DELETE ON merkle_nodes
                BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be deleted'); END;
            DELETE FROM schema_migrations WHERE version >= 13;
            """)
    }

    /// The schema as version 11 left it: every credit's row in `batch_credits`, no recent table.
    func undoVersion12() throws {
        try undoVersion13()
        try store.connection.execute(
            """
            INSERT INTO batch_credits SELECT seq, idx, credit_id, id_hash FROM batch_credits_recent;
            DROP TABLE batch_credits_recent;
            DELETE FROM schema_migrations WHERE version >= 12;
            """)
    }

    /// Puts the schema back as version 10 left it: the balance in the accounts rows (in its old
    /// place among the columns) and the two posting indexes that begin with the account.
    func undoVersion11() throws {
        try undoVersion12()
        try store.connection.execute(
            """
            CREATE TABLE accounts_v9 (
                account TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, min_balance INTEGER NOT NULL,
                controllers TEXT NOT NULL, status TEXT NOT NULL, balance INTEGER NOT NULL, opened_seq INTEGER NOT NULL
            ) STRICT;
            INSERT INTO accounts_v9
                SELECT a.account, a.kind, a.name, a.min_balance, a.controllers, a.status, b.balance, a.opened_seq
                FROM accounts a JOIN balances b ON b.account = a.account;
            DROP TABLE balances;
            DROP TABLE accounts;
            ALTER TABLE accounts_v9 RENAME TO accounts;
            DROP INDEX postings_by_account;
            CREATE INDEX postings_by_account ON postings(account, seq);
            CREATE INDEX postings_by_care_date ON postings(account, care_date, seq, amount);
            DELETE FROM schema_migrations WHERE version >= 11;
            """)
    }

    /// Row counts of every table the store writes.
    func counts() throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for table in ["entries", "postings", "ledger", "keys", "accounts"] {
            result[table] = try integer("SELECT COUNT(*) FROM \(table)")
        }
        result["balance sum"] = try integer("SELECT COALESCE(SUM(balance), 0) FROM balances")
        return result
    }
}

/// The SQLite error inside a `StoreError`, or nil (recording an issue) for anything else.
func sqliteError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SQLiteError? {
    do {
        try body()
        Issue.record("expected an SQLite error", sourceLocation: sourceLocation)
    } catch StoreError.sqlite(let error) {
        return error
    } catch {
        Issue.record("expected an SQLite error, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
