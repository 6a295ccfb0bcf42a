import Glibc
package import NoaberCore
package import NoaberCrypto
package import NoaberTransparency

/// An entry accepted by the rules, ready to be written with what the daemon assigned to it.
package struct AcceptedEntry: Sendable {
    package var entry: CommittedEntry
    package var payload: Payload
    /// Entry format v2: the personal texts checked against the payload's commitments, and the
    /// accounts whose erasure reaches this entry (docs/FORMAT.md §16).
    package var personal: [PersonalText]
    package var subjects: [AccountID]
    /// The entry's Merkle leaf, `entry.leafHash`: given by a caller that built the entry's record
    /// already for its hash, so that the writer does not build it twice.
    package var leafHash: SHA256Digest

    package init(
        entry: CommittedEntry, payload: Payload, personal: [PersonalText] = [], subjects: [AccountID] = [],
        leafHash: SHA256Digest? = nil
    ) {
        self.entry = entry
        self.payload = payload
        self.personal = personal
        self.subjects = subjects
        self.leafHash = leafHash ?? entry.leafHash
    }
}

/// The write side of the store: owns the writer connection. Not thread-safe; the daemon's single
/// writer is its only user.
package final class LedgerStore {
    package let database: Database
    package let connection: Connection
    /// The right edge of the Merkle tree over every committed entry; its size is the head's seq.
    package private(set) var tree: CompactRange
    /// True while the WAL may still hold pages with erased texts: an erasure's checkpoint could not
    /// finish (a reader held an older snapshot). Every later append tries again until one does.
    package private(set) var walHoldsErasedText = false
    /// The settings row as this store last wrote it: a group that leaves the settings as they
    /// were does not write the row again (a page of the WAL, its sync and its checkpoint, per group).
    private var writtenSettings: LedgerState.Settings?
    /// The rows in `batch_credits_recent`: once a commit brings them to `recentCreditLimit`, it
    /// moves them into `batch_credits` (FORMAT.md §6, schema version 12).
    package internal(set) var recentCredits = 0
    /// The id hashes of every stored credit, which `batchCredit` and the readers ask first.
    package let creditHashes = CreditIDFilter()
    /// The id hashes of every stored entry, which `entrySeq` asks first; nil until it is first
    /// asked (LedgerStore+EntryIDs.swift).
    var entryHashes: IDHashBits?
    /// How many credits' rows `batch_credits_recent` gathers before they are moved. Its index
    /// (some 16 bytes a row) stays within a few hundred pages, which the writer's cache holds,
    /// while a move passes over `batch_credits_by_hash` once for this many credits instead of once
    /// for every batch.
    package let recentCreditLimit: Int

    package static let defaultRecentCreditLimit = 50_000
    /// The writer's `PRAGMA cache_size` as opened (negative: KiB; positive: pages), that in KiB,
    /// whether the larger cache for credits holds, and whether a group with credits came since
    /// the last minute's tick (LedgerStore+Credits.swift).
    let openedCacheSize: Int64
    let openedCacheKiB: Int64
    var holdsCreditsCache = false
    var creditsSinceTick = false
    /// The schema version the file was at when this store opened it (0: a new file); below
    /// `Schema.latestVersion`, the opening converted it.
    package let migratedFrom: Int

    /// With `walSync`, the connection's commits are synced by it (`Database.openWriter`).
    package init(
        database: Database, walSync: WALSync? = nil, recentCreditLimit: Int = defaultRecentCreditLimit
    ) throws(StoreError) {
        self.database = database
        self.recentCreditLimit = max(recentCreditLimit, 1)
        (connection, migratedFrom) = try database.openMigratingWriter(walSync: walSync)
        openedCacheSize = try connection.statement("PRAGMA cache_size").rows { $0.int64(0) }.first ?? -2000
        let pageSize = try connection.statement("PRAGMA page_size").rows { $0.int64(0) }.first ?? 4096
        openedCacheKiB = openedCacheSize < 0 ? -openedCacheSize : openedCacheSize * pageSize / 1024
        tree = CompactRange()
        tree = try Self.restoreTree(connection)
        try loadCreditHashes()
    }

    package var schemaVersion: Int {
        get throws(StoreError) { try Schema.version(connection) }
    }

    package static var latestSchemaVersion: Int { Schema.latestVersion }

    /// The rules' state as saved in the derived tables, so that start-up does not replay the chain.
    package func loadState() throws(StoreError) -> LedgerState {
        try connection.snapshot { () throws(StoreError) in
            LedgerState(
                ledger: try connection.ledger(), keys: try connection.keys(), accounts: try connection.accounts(),
                categories: try connection.categories(), settings: try connection.settings())
        }
    }

    /// Writes a group of entries, their postings, every derived row and the Merkle tree's new nodes
    /// in one SQLite transaction: all of them are durable when this returns, or none is; with
    /// `deferringSync`, all of them are committed, and durable once the connection's `walSync`
    /// has synced `connection.lastCommit`.
    ///
    /// `checkpoint` is asked for a signed note over the tree as it will be after this group; a note
    /// it returns is written in the same transaction, so a checkpoint is never durable without
    /// its entries, nor served before they are.
    ///
    /// `settings` are the rules' settings after the group (they also move as demurrage is charged);
    /// given, they replace the stored row.
    package func append(
        _ batch: [AcceptedEntry], settings: LedgerState.Settings? = nil, deferringSync: Bool = false,
        checkpoint: (_ size: UInt64, _ root: SHA256Digest) -> String? = { _, _ in nil }, at time: Timestamp? = nil
    ) throws(StoreError) {
        var grown = tree
        let newSettings = settings.flatMap { $0 == writtenSettings ? nil : $0 }
        var added: [Int64] = []
        var moved = false
        sizeCache(forCredits: batch.contains { $0.entry.kind == .credits })
        try connection.transaction(deferringSync: deferringSync) { () throws(StoreError) in
            for accepted in batch {
                try write(accepted)
                try writeNodes(grown.append(accepted.leafHash))
                if case .credits(let credits) = accepted.payload.body {
                    added += credits.credits.map { CreditIDHash.of($0.id) }
                }
            }
            if recentCredits + added.count >= recentCreditLimit {
                try moveRecentCredits()
                moved = true
            }
            creditHashes.insert(contentsOf: added)
            if let newSettings { try write(newSettings) }
            if !batch.isEmpty, let note = checkpoint(grown.size, grown.root) {
                try writeCheckpoint(
                    note, size: grown.size, root: grown.root, at: time ?? batch[batch.count - 1].entry.committedAt)
            }
        }
        tree = grown
        if let newSettings { writtenSettings = newSettings }
        creditsCommitted(added.count, moved: moved)
        entriesCommitted(batch)
        // Erased texts were overwritten in the pages, but older copies of those pages stay in the
        // WAL until a checkpoint moves the new ones into the file and truncates it (FORMAT.md §16).
        // The entries are durable already; should this fail, the next checkpoint does it.
        if walHoldsErasedText || batch.contains(where: { $0.entry.kind == .erase }) {
            walHoldsErasedText = !truncateWAL()
        }
    }

    /// Moves every page of the WAL into the database file and empties the WAL. A reader in the
    /// middle of a snapshot keeps older pages alive, so a few short tries are made (readers hold a
    /// snapshot for milliseconds); false if the WAL could not be emptied yet.
    private func truncateWAL() -> Bool {
        // The checkpoint would otherwise wait out the busy timeout on each try, with the writer
        // (and every client) waiting behind it.
        try? connection.execute("PRAGMA busy_timeout = 0")
        defer { try? connection.execute("PRAGMA busy_timeout = 5000") }
        for attempt in 0..<20 {
            if attempt > 0 { usleep(10_000) }
            if let done = try? connection.checkpointWAL(.truncate), !done.busy { return true }
        }
        return false
    }

    /// Stores `note` as the latest checkpoint on its own (the interval mode's checkpoints).
    package func saveCheckpoint(_ note: String, size: UInt64, root: SHA256Digest, at time: Timestamp) throws(StoreError)
    {
        try connection.transaction { () throws(StoreError) in
            try writeCheckpoint(note, size: size, root: root, at: time)
        }
    }

    private func writeCheckpoint(
        _ note: String, size: UInt64, root: SHA256Digest, at time: Timestamp
    ) throws(StoreError) {
        try connection.statement(
            "INSERT OR REPLACE INTO checkpoint (singleton, tree_size, root, note, signed_at) VALUES (1, ?, ?, ?, ?)"
        ).run([.integer(Int64(size)), .blob(root.bytes), .text(note), .text(time.rfc3339)])
    }

    private func writeNodes(_ nodes: [MerkleNode]) throws(StoreError) { try Self.insert(nodes, into: connection) }

    private static func insert(_ nodes: [MerkleNode], into connection: Connection) throws(StoreError) {
        for node in nodes {
            guard let pos = MerklePosition.of(level: node.level, index: node.index) else {
                throw .outOfRange("the tree holds at most 2^56 entries")
            }
            try connection.statement("INSERT INTO merkle_nodes (pos, level, idx, hash) VALUES (?, ?, ?, ?)")
                .run([.integer(pos), .integer(Int64(node.level)), .integer(Int64(node.index)), .blob(node.hash.bytes)])
        }
    }

    /// Loads the tree's right edge, first adding the leaves of entries the tree does not hold yet
    /// (a ledger made before the tree existed), page by page, each page in its own transaction.
    /// Then checks that the tree covers exactly the journal and that the stored checkpoint is the
    /// root of the stored tree at its size: otherwise the file was edited, and signing anything
    /// new could contradict a checkpoint already given out.
    private static func restoreTree(_ connection: Connection) throws(StoreError) -> CompactRange {
        var tree = try connection.snapshot { () throws(StoreError) in
            let size = try connection.treeSize()
            do {
                return try CompactRange(size: size) { level, index in
                    try connection.merkleNode(level: level, index: index)
                }
            } catch let error as StoreError { throw error } catch { throw .treeMismatch("\(error)") }
        }
        let entries = try connection.journalRows().entries
        guard tree.size <= UInt64(max(entries, 0)) else {
            throw .treeMismatch("it holds \(tree.size) leaves, but the journal only \(entries) entries")
        }
        while tree.size < UInt64(entries) {
            let page = try connection.entries(from: Int64(tree.size) + 1, limit: 1000)
            guard !page.isEmpty else { break }
            var grown = tree
            try connection.transaction { () throws(StoreError) in
                for stored in page {
                    guard stored.entry.seq == Int64(grown.size) + 1 else {
                        throw .treeMismatch("entry \(grown.size + 1) is missing from the journal")
                    }
                    try insert(grown.append(stored.entry.leafHash), into: connection)
                }
            }
            tree = grown
        }
        guard tree.size == UInt64(entries) else {
            throw .treeMismatch("it holds \(tree.size) leaves, but the journal \(entries) entries")
        }
        // The leaves no checkpoint covers yet will be in the next one: they must be their entries'.
        let covered = try connection.latestCheckpoint()?.treeSize ?? 0
        var next = Int64(covered) + 1
        while next <= entries {
            let page = try connection.entries(from: next, limit: 1000)
            guard let last = page.last else { break }
            for stored in page
            where try connection.merkleNode(level: 0, index: UInt64(stored.entry.seq - 1)) != stored.entry.leafHash {
                throw .treeMismatch("the leaf of entry \(stored.entry.seq) is not the hash of its record")
            }
            next = last.entry.seq + 1
        }
        if let checkpoint = try connection.latestCheckpoint() {
            guard checkpoint.treeSize <= tree.size else {
                throw .treeMismatch(
                    "the stored checkpoint covers \(checkpoint.treeSize) entries, but the journal holds \(tree.size)")
            }
            let root = try connection.merkleRoot(size: checkpoint.treeSize)
            guard root == checkpoint.root else {
                throw .treeMismatch(
                    "the stored checkpoint's root at size \(checkpoint.treeSize) is \(checkpoint.root.hex), but the tree gives \(root.hex)"
                )
            }
        }
        return tree
    }

    // size: one case per entry kind, so that the tables each kind writes read side by side, as
    // FORMAT.md §6 lists them.
    private func write(_ accepted: AcceptedEntry) throws(StoreError) {
        let e = accepted.entry
        let seq = SQLValue.integer(e.seq)
        try connection.statement("INSERT INTO entries (\(Connection.entryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run([
                seq, .text(e.entryID), .text(e.kind.rawValue), .text(e.signed.keyID.hex), .blob(e.signed.payload),
                .blob(e.signed.signature), .text(e.committedAt.rfc3339), .blob(e.prevHash.bytes), .blob(e.hash.bytes),
            ])
        try connection.insertPersonal(accepted)
        switch accepted.payload.body {
        case .ledgerInit(let body):
            let admin = try publicKey(body.adminKey)
            try connection.statement(
                "INSERT INTO ledger (singleton, ledger_id, name, currency_code, currency_name, scale, hour_rate, admin_key, entry_version) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"
            ).run([
                .text(accepted.payload.ledger), .text(body.name), .text(body.currency.code), .text(body.currency.name),
                .integer(Int64(body.currency.scale)), .integer(body.hourRate), .text(admin.keyID.hex),
                .integer(Int64(accepted.payload.v)),
            ])
            try insertKey(admin, spec: body.adminKey, seq: e.seq)
            if let spec = body.logKey { try insertKey(try publicKey(spec), spec: spec, seq: e.seq) }
        case .keyAdd(let body):
            try insertKey(try publicKey(body.key), spec: body.key, seq: e.seq)
        case .keyRevoke(let body):
            try connection.statement("UPDATE keys SET revoked_seq = ? WHERE key_id = ?").run([
                seq, .text(body.keyID.hex),
            ])
        case .accountOpen(let body):
            try connection.statement(
                "INSERT INTO accounts (account, kind, name, min_balance, controllers, status, opened_seq) VALUES (?, ?, ?, ?, ?, 'open', ?)"
            ).run([
                .text(body.account.rawValue), .text(body.accountKind.rawValue), .text(body.name),
                .integer(body.minBalance),
                .text(body.controllers.map(\.hex).joined(separator: ",")), seq,
            ])
            try connection.statement("INSERT INTO balances (account, balance) VALUES (?, 0)").run([
                .text(body.account.rawValue)
            ])
        case .accountUpdate(let body):
            // The rules accepted it, so the account exists; each given field replaces the stored one.
            let account = SQLValue.text(body.account.rawValue)
            if let status = body.status {
                try connection.statement("UPDATE accounts SET status = ? WHERE account = ?").run([
                    .text(status.rawValue), account,
                ])
            }
            if let minimum = body.minBalance {
                try connection.statement("UPDATE accounts SET min_balance = ? WHERE account = ?").run([
                    .integer(minimum), account,
                ])
            }
            if let controllers = body.controllers {
                try connection.statement("UPDATE accounts SET controllers = ? WHERE account = ?")
                    .run([.text(controllers.map(\.hex).joined(separator: ",")), account])
            }
            if let name = body.name {
                try connection.statement("UPDATE accounts SET name = ? WHERE account = ?").run([.text(name), account])
            }
        case .categorySet(let body):
            try connection.statement(
                "INSERT OR REPLACE INTO categories (category, name, hour_rate, set_seq) VALUES (?, ?, ?, ?)"
            )
            .run([.text(body.category), .text(body.name), .integer(body.hourRate), seq])
        case .ledgerSettings:
            break  // the settings row is written from the state after the group
        case .erase(let body):
            try connection.erasePersonal(body, seq: e.seq)
        case .claim(let claim):
            try connection.statement(
                "INSERT INTO claims (claim_id, seq, committed_at, account, issuer, hours, hour_rate, amount, category, care_date, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ).run([
                .text(accepted.payload.id), seq, .text(e.committedAt.rfc3339), .text(claim.account.rawValue),
                .text(claim.issuer.rawValue),
                .text(claim.hours), .integer(claim.hourRate), .integer(claim.amount), .optionalText(claim.category),
                .optionalText(claim.careDate), .optionalText(claim.memo),
            ])
        case .claimReject(let reject):
            try connection.statement(
                "UPDATE claims SET decided_seq = ?, decision = 'rejected', reason = ? WHERE claim_id = ?"
            )
            .run([seq, .text(reject.reason), .text(reject.claim)])
        case .credits(let batch):
            try writeCredits(batch, seq: seq, committedAt: e.committedAt)
        case .transaction(let tx):
            if let claim = tx.claim {
                try connection.statement("UPDATE claims SET decided_seq = ?, decision = 'approved' WHERE claim_id = ?")
                    .run([seq, .text(claim)])
            }
            if tx.purpose == .reversal, let original = tx.reverses {
                try connection.statement("INSERT INTO reversals (reversed_id, reversal_seq) VALUES (?, ?)").run([
                    .text(original), seq,
                ])
            }
            let careDay = SQLValue.text(try careDay(of: tx, committedAt: e.committedAt))
            for (index, posting) in tx.postings.enumerated() {
                try connection.statement(
                    "INSERT INTO postings (seq, idx, account, amount, care_date) VALUES (?, ?, ?, ?, ?)"
                ).run([seq, .integer(Int64(index)), .text(posting.account.rawValue), .integer(posting.amount), careDay])
                try connection.statement("UPDATE balances SET balance = balance + ? WHERE account = ?")
                    .run([.integer(posting.amount), .text(posting.account.rawValue)])
            }
        }
    }

    /// The day `tx` counts for (docs/FORMAT.md §2); a reversal's original is in the database, or
    /// earlier in this transaction, whose writes this connection sees.
    private func careDay(of tx: Transaction, committedAt: Timestamp) throws(StoreError) -> String {
        var original: String?
        if tx.purpose == .reversal, let id = tx.reverses { original = try connection.careDate(ofTransaction: id) }
        return tx.careDay(committedAt: committedAt) { _ in original }
    }

    private func write(_ settings: LedgerState.Settings) throws(StoreError) {
        let demurrage = settings.demurrage
        try connection.statement(
            "INSERT OR REPLACE INTO settings (singleton, claim_expiry_days, demurrage_rate_ppm, demurrage_period, demurrage_account, demurrage_next, demurrage_cursor, language, contact) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).run([
            .integer(Int64(settings.claimExpiryDays)), demurrage.map { .integer($0.ratePPM) } ?? .null,
            .optionalText(demurrage?.period.rawValue), .optionalText(demurrage?.account.rawValue),
            .optionalText(settings.demurrageNext?.rfc3339), .optionalText(settings.demurrageCursor?.rawValue),
            .optionalText(settings.language), .optionalText(settings.contact),
        ])
    }

    private func publicKey(_ spec: KeySpec) throws(StoreError) -> Ed25519PublicKey {
        do { return try spec.parsedKey() } catch { throw .corruptRow("accepted entry carries a malformed key") }
    }

    private func insertKey(_ key: Ed25519PublicKey, spec: KeySpec, seq: Int64) throws(StoreError) {
        try connection.statement(
            "INSERT INTO keys (key_id, public_key, label, role, added_seq, revoked_seq) VALUES (?, ?, ?, ?, ?, NULL)"
        ).run([
            .text(key.keyID.hex), .blob(key.rawRepresentation), .text(spec.label), .text(spec.role.rawValue),
            .integer(seq),
        ])
    }
}
