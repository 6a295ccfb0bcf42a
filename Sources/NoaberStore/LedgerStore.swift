public import NoaberCore
import NoaberHashing

/// An entry accepted by the rules, ready to be written with what the daemon assigned to it.
public struct AcceptedEntry: Sendable {
    public var entry: CommittedEntry
    public var payload: Payload

    public init(entry: CommittedEntry, payload: Payload) {
        self.entry = entry
        self.payload = payload
    }
}

/// The write side of the store: owns the writer connection. Not thread-safe; the daemon's single
/// writer is its only user.
public final class LedgerStore {
    public let database: Database
    public let connection: Connection

    public init(database: Database) throws(StoreError) {
        self.database = database
        connection = try database.openWriter()
    }

    public var schemaVersion: Int {
        get throws(StoreError) { try Schema.version(connection) }
    }

    /// The rules' state as saved in the derived tables, so that start-up does not replay the chain.
    public func loadState() throws(StoreError) -> LedgerState {
        try connection.snapshot { () throws(StoreError) in
            LedgerState(ledger: try connection.ledger(), keys: try connection.keys(), accounts: try connection.accounts())
        }
    }

    /// Writes a group of entries, their postings and every derived row in one SQLite transaction:
    /// all of them are durable when this returns, or none is.
    public func append(_ batch: [AcceptedEntry]) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            for accepted in batch { try write(accepted) }
        }
    }

    private func write(_ accepted: AcceptedEntry) throws(StoreError) {
        let e = accepted.entry
        let seq = SQLValue.integer(e.seq)
        try connection.statement("INSERT INTO entries (\(Connection.entryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run([
            seq, .text(e.entryID), .text(e.kind.rawValue), .text(e.signed.keyID.hex), .blob(e.signed.payload),
            .blob(e.signed.signature), .text(e.committedAt.rfc3339), .blob(e.prevHash.bytes), .blob(e.hash.bytes),
        ])
        switch accepted.payload.body {
        case .ledgerInit(let body):
            let admin = try publicKey(body.adminKey)
            try connection.statement(
                "INSERT INTO ledger (singleton, ledger_id, name, currency_code, currency_name, scale, hour_rate, admin_key) VALUES (1, ?, ?, ?, ?, ?, ?, ?)"
            ).run([
                .text(accepted.payload.ledger), .text(body.name), .text(body.currency.code), .text(body.currency.name),
                .integer(Int64(body.currency.scale)), .integer(body.hourRate), .text(admin.keyID.hex),
            ])
            try insertKey(admin, spec: body.adminKey, seq: e.seq)
        case .keyAdd(let body):
            try insertKey(try publicKey(body.key), spec: body.key, seq: e.seq)
        case .keyRevoke(let body):
            try connection.statement("UPDATE keys SET revoked_seq = ? WHERE key_id = ?").run([seq, .text(body.keyID.hex)])
        case .accountOpen(let body):
            try connection.statement("INSERT INTO accounts (\(Connection.accountColumns)) VALUES (?, ?, ?, ?, ?, 'open', 0, ?)").run([
                .text(body.account.rawValue), .text(body.accountKind.rawValue), .text(body.name), .integer(body.minBalance),
                .text(body.controllers.map(\.hex).joined(separator: ",")), seq,
            ])
        case .transaction(let tx):
            for (index, posting) in tx.postings.enumerated() {
                try connection.statement("INSERT INTO postings (seq, idx, account, amount) VALUES (?, ?, ?, ?)")
                    .run([seq, .integer(Int64(index)), .text(posting.account.rawValue), .integer(posting.amount)])
                try connection.statement("UPDATE accounts SET balance = balance + ? WHERE account = ?")
                    .run([.integer(posting.amount), .text(posting.account.rawValue)])
            }
        }
    }

    private func publicKey(_ spec: KeySpec) throws(StoreError) -> Ed25519PublicKey {
        do { return try spec.parsedKey() } catch { throw .corruptRow("accepted entry carries a malformed key") }
    }

    private func insertKey(_ key: Ed25519PublicKey, spec: KeySpec, seq: Int64) throws(StoreError) {
        try connection.statement(
            "INSERT INTO keys (key_id, public_key, label, role, added_seq, revoked_seq) VALUES (?, ?, ?, ?, ?, NULL)"
        ).run([.text(key.keyID.hex), .blob(key.rawRepresentation), .text(spec.label), .text(spec.role.rawValue), .integer(seq)])
    }

    /// Replays the whole journal through the verifier and compares the stored derived state.
    /// Throws `VerificationFailure` for the first fault found, or `StoreError` if reading fails.
    public static func verify(_ connection: Connection, pageSize: Int = 1000) throws -> Verifier {
        // One read transaction: the scan sees a single snapshot even while the writer goes on.
        try connection.execute("BEGIN")
        defer { try? connection.execute("COMMIT") }
        var verifier = Verifier()
        var next: Int64 = 1
        while true {
            let page = try connection.entries(from: next, limit: pageSize)
            for stored in page { try verifier.check(stored) }
            guard let last = page.last else { break }
            next = last.entry.seq + 1
        }
        try verifier.finish(
            stored: LedgerState(ledger: try connection.ledger(), keys: try connection.keys(), accounts: try connection.accounts()),
            rows: try connection.journalRows())
        return verifier
    }
}
