/// The database schema as an ordered list of migrations. A migration is never edited once it has
/// shipped; a change to the schema is a new migration appended here.
enum Schema {
    struct Migration {
        let version: Int
        let sql: String
        /// Run after `sql` in the same transaction, for what SQL alone cannot compute.
        var fill: (@Sendable (Connection) throws(StoreError) -> Void)? = nil
    }

    static var latestVersion: Int { migrations.last!.version }

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            sql: """
                -- The journal: one row per signed entry, exactly as submitted, plus what the daemon assigned.
                CREATE TABLE entries (
                    seq          INTEGER PRIMARY KEY CHECK (seq >= 1),
                    entry_id     TEXT    NOT NULL UNIQUE,
                    kind         TEXT    NOT NULL,
                    key_id       TEXT    NOT NULL,
                    payload      BLOB    NOT NULL,
                    signature    BLOB    NOT NULL,
                    committed_at TEXT    NOT NULL,
                    prev_hash    BLOB    NOT NULL,
                    hash         BLOB    NOT NULL
                ) STRICT;

                -- Postings of transactions, derived from the payload, for balance queries and history.
                CREATE TABLE postings (
                    seq     INTEGER NOT NULL REFERENCES entries(seq),
                    idx     INTEGER NOT NULL,
                    account TEXT    NOT NULL,
                    amount  INTEGER NOT NULL,
                    PRIMARY KEY (seq, idx)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX postings_by_account ON postings(account, seq);

                -- Append-only: the journal refuses every change; corrections are new entries.
                CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries cannot be updated'); END;
                CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries cannot be deleted'); END;
                CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: postings cannot be updated'); END;
                CREATE TRIGGER postings_append_only_delete BEFORE DELETE ON postings
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: postings cannot be deleted'); END;

                -- Derived state, rebuilt by replay in `noaber verify` and compared with these rows.
                CREATE TABLE ledger (
                    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
                    ledger_id     TEXT    NOT NULL,
                    name          TEXT    NOT NULL,
                    currency_code TEXT    NOT NULL,
                    currency_name TEXT    NOT NULL,
                    scale         INTEGER NOT NULL,
                    hour_rate     INTEGER NOT NULL,
                    admin_key     TEXT    NOT NULL
                ) STRICT;

                CREATE TABLE keys (
                    key_id      TEXT    PRIMARY KEY,
                    public_key  BLOB    NOT NULL,
                    label       TEXT    NOT NULL,
                    role        TEXT    NOT NULL,
                    added_seq   INTEGER NOT NULL,
                    revoked_seq INTEGER
                ) STRICT;

                CREATE TABLE accounts (
                    account     TEXT    PRIMARY KEY,
                    kind        TEXT    NOT NULL,
                    name        TEXT    NOT NULL,
                    min_balance INTEGER NOT NULL,
                    controllers TEXT    NOT NULL,
                    status      TEXT    NOT NULL,
                    balance     INTEGER NOT NULL,
                    opened_seq  INTEGER NOT NULL
                ) STRICT;
                """
        ),
        Migration(
            version: 2,
            sql: """
                -- The RFC 6962 Merkle tree over the entries (leaf index = seq - 1): every complete
                -- subtree's hash, the leaves at level 0. Roots and proofs at any size come from these
                -- in O(log² n) reads; ledgers made before this migration are filled in at start-up.
                CREATE TABLE merkle_nodes (
                    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
                    idx   INTEGER NOT NULL CHECK (idx >= 0),
                    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (level, idx)
                ) STRICT, WITHOUT ROWID;
                CREATE TRIGGER merkle_nodes_append_only_update BEFORE UPDATE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be updated'); END;
                CREATE TRIGGER merkle_nodes_append_only_delete BEFORE DELETE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be deleted'); END;

                -- The latest checkpoint the daemon signed (a C2SP signed note), written in the same
                -- transaction as the entries it covers. Only the latest is served; any older one an
                -- auditor kept is checked against the tree by a consistency proof.
                CREATE TABLE checkpoint (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    tree_size INTEGER NOT NULL CHECK (tree_size >= 1),
                    root      BLOB    NOT NULL CHECK (length(root) = 32),
                    note      TEXT    NOT NULL,
                    signed_at TEXT    NOT NULL
                ) STRICT;
                """
        ),
        Migration(
            version: 3,
            sql: """
                -- Care categories and the hour rate in force for each (category.set entries); derived,
                -- compared with the replay by verify, as the keys and accounts are.
                CREATE TABLE categories (
                    category  TEXT    PRIMARY KEY,
                    name      TEXT    NOT NULL,
                    hour_rate INTEGER NOT NULL,
                    set_seq   INTEGER NOT NULL
                ) STRICT;

                -- Which transactions a reversal has undone, so that each is reversed once at most;
                -- derived from the chain (a replay rebuilds it).
                CREATE TABLE reversals (
                    reversed_id  TEXT    PRIMARY KEY,
                    reversal_seq INTEGER NOT NULL
                ) STRICT;
                """
        ),
        Migration(
            version: 4,
            sql: """
                -- Claims of hours (claim entries) and their decisions (approving credits, claim.reject
                -- entries); derived from the chain, so that the daemon judges a decision and lists
                -- pending claims without a replay.
                CREATE TABLE claims (
                    claim_id     TEXT    PRIMARY KEY,
                    seq          INTEGER NOT NULL,
                    committed_at TEXT    NOT NULL,
                    account      TEXT    NOT NULL,
                    issuer       TEXT    NOT NULL,
                    hours        TEXT    NOT NULL,
                    hour_rate    INTEGER NOT NULL,
                    amount       INTEGER NOT NULL,
                    category     TEXT,
                    care_date    TEXT,
                    memo         TEXT,
                    decided_seq  INTEGER,
                    decision     TEXT CHECK (decision IN ('approved', 'rejected')),
                    reason       TEXT
                ) STRICT;
                CREATE INDEX claims_by_account ON claims(account, seq);

                -- The settings of the latest ledger.settings entry and how far demurrage was charged
                -- (LedgerState.Settings); no row means the defaults.
                CREATE TABLE settings (
                    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
                    claim_expiry_days  INTEGER NOT NULL,
                    demurrage_rate_ppm INTEGER,
                    demurrage_period   TEXT,
                    demurrage_account  TEXT,
                    demurrage_next     TEXT,
                    demurrage_cursor   TEXT
                ) STRICT;
                """
        ),
        Migration(
            version: 5,
            sql: """
                -- Entry format v2 (docs/FORMAT.md §16): the ledger's version, fixed by its ledger.init.
                ALTER TABLE ledger ADD COLUMN entry_version INTEGER NOT NULL DEFAULT 1;

                -- Personal texts beside the chain, each bound to its entry by the commitment at `path`
                -- in the signed payload. Not append-only: an erase entry deletes rows, and nothing
                -- signed changes. Written in the same transaction as the entry.
                CREATE TABLE personal_data (
                    seq  INTEGER NOT NULL REFERENCES entries(seq),
                    path TEXT    NOT NULL,
                    salt BLOB    NOT NULL CHECK (length(salt) = 16),
                    text TEXT    NOT NULL,
                    PRIMARY KEY (seq, path)
                ) STRICT;

                -- Derived: the accounts each entry with personal data touches, which an erase of the
                -- account reaches.
                CREATE TABLE personal_subjects (
                    account TEXT    NOT NULL,
                    seq     INTEGER NOT NULL,
                    PRIMARY KEY (account, seq)
                ) STRICT, WITHOUT ROWID;
                """
        ),
        Migration(
            version: 6,
            sql: """
                -- The care date of each transaction (docs/FORMAT.md §2) on its postings, so that an
                -- account's statement for a month of care is one range of an index (which holds the
                -- amount too, so an opening balance is summed from the index alone). Derived; filled
                -- here from the payloads: a credit's care_date or its commit day, a reversal the
                -- date of what it reverses (never itself a reversal), anything else its commit day.
                -- The journal's triggers refuse updates, so they step aside for this fill only.
                DROP TRIGGER postings_append_only_update;
                ALTER TABLE postings ADD COLUMN care_date TEXT;
                CREATE TEMP TABLE tx_care_dates (
                    seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL UNIQUE, reverses TEXT, care_date TEXT NOT NULL);
                INSERT INTO tx_care_dates
                    SELECT seq, entry_id,
                        json_extract(CAST(payload AS TEXT), '$.reverses') AS reverses,
                        COALESCE(json_extract(CAST(payload AS TEXT), '$.care_date'), substr(committed_at, 1, 10))
                            AS care_date
                    FROM entries WHERE kind = 'tx';
                UPDATE postings SET care_date = (
                    SELECT COALESCE(
                        (SELECT original.care_date FROM tx_care_dates AS original
                         WHERE original.entry_id = tx.reverses),
                        tx.care_date)
                    FROM tx_care_dates AS tx WHERE tx.seq = postings.seq);
                DROP TABLE tx_care_dates;
                CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: postings cannot be updated'); END;
                CREATE INDEX postings_by_care_date ON postings(account, care_date, seq, amount);
                """
        ),
        Migration(
            version: 7,
            sql: """
                -- Present only in a copy made by `noaber backup` (docs/FORMAT.md §6): the copy says
                -- of itself that it is one, so that a daemon started on it holds its checkpoints
                -- until it is given the last published one and extends it, or signs with a new log
                -- key. Not derived and not evidence; empty in a live ledger.
                CREATE TABLE restore_guard (
                    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
                    taken_at       TEXT    NOT NULL,
                    tree_size      INTEGER NOT NULL CHECK (tree_size >= 0),
                    log_key_id     TEXT    NOT NULL,
                    published_size INTEGER CHECK (published_size >= 1),
                    published_root BLOB    CHECK (length(published_root) = 32)
                ) STRICT;
                """
        ),
        Migration(
            version: 8,
            sql: """
                -- How statements and reports print (docs/FORMAT.md §2 ledger.settings): the latest
                -- ledger.settings entry's language and contact line; NULL where it gave none.
                ALTER TABLE settings ADD COLUMN language TEXT;
                ALTER TABLE settings ADD COLUMN contact TEXT;
                """
        ),
        Migration(
            version: 9,
            sql: """
                -- Each credit of a `credits` entry (docs/FORMAT.md §17), by its credit id: where the
                -- daemon finds a credit that a reversal names, and how it keeps credit ids and entry
                -- ids one space. Derived from the chain, compared with the replay by verify.
                CREATE TABLE batch_credits (
                    credit_id TEXT    PRIMARY KEY,
                    seq       INTEGER NOT NULL,
                    idx       INTEGER NOT NULL CHECK (idx >= 0)
                ) STRICT;
                """
        ),
        Migration(
            version: 10,
            sql: """
                -- batch_credits by (seq, idx), so a batch's rows are appended together, and found by
                -- credit id through a 4-byte hash of it (CreditIDHash, docs/FORMAT.md §6): keyed by
                -- the random-looking ids themselves, the table spread each batch over most of its pages.
                -- The rows are copied by `fill`, which computes the hashes.
                ALTER TABLE batch_credits RENAME TO batch_credits_v9;
                CREATE TABLE batch_credits (
                    seq       INTEGER NOT NULL,
                    idx       INTEGER NOT NULL CHECK (idx >= 0),
                    credit_id TEXT    NOT NULL,
                    id_hash   INTEGER NOT NULL,
                    PRIMARY KEY (seq, idx)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX batch_credits_by_hash ON batch_credits(id_hash);
                """,
            fill: { db throws(StoreError) in
                let insert = try db.statement(
                    "INSERT INTO batch_credits (seq, idx, credit_id, id_hash) VALUES (?, ?, ?, ?)")
                // In pages by rowid, so that a ledger of a million credits is not held at once.
                let page =
                    "SELECT rowid, seq, idx, credit_id FROM batch_credits_v9 WHERE rowid > ? ORDER BY rowid LIMIT 10000"
                var after = Int64.min
                while true {
                    let rows = try db.statement(page).rows([.integer(after)]) {
                        ($0.int64(0), $0.int64(1), $0.int64(2), $0.text(3))
                    }
                    guard let last = rows.last else { break }
                    for (_, seq, idx, id) in rows {
                        try insert.run([.integer(seq), .integer(idx), .text(id), .integer(CreditIDHash.of(id))])
                    }
                    after = last.0
                }
                try db.execute("DROP TABLE batch_credits_v9")
            }
        ),
        Migration(
            version: 11,
            sql: """
                -- Flat growth (Benchmarks/README.md, "Growth"): once a ledger is some 50,000 entries
                -- long, each posting dirties the page at its account's end in every index that
                -- begins with the account, and each balance update a page of the wide accounts rows.
                -- One posting index instead of two: (account, seq, idx) orders an account's history
                -- and statements by commit time, and the care date and amount beside them let a
                -- statement by care date and every opening balance read the index alone.
                DROP INDEX postings_by_care_date;
                DROP INDEX postings_by_account;
                CREATE INDEX postings_by_account ON postings(account, seq, idx, care_date, amount);

                -- Balances in a narrow table of their own, one row per account, updated by the writer
                -- with every posting; read with the accounts rows. Derived, compared with the replay
                -- by verify as the balance column it replaces was.
                CREATE TABLE balances (
                    account TEXT    PRIMARY KEY REFERENCES accounts(account),
                    balance INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;
                INSERT INTO balances (account, balance) SELECT account, balance FROM accounts;
                ALTER TABLE accounts DROP COLUMN balance;
                """
        ),
        Migration(
            version: 12,
            sql: """
                -- The import path (Benchmarks/README.md, fourth round): a credit's id hash went into
                -- batch_credits_by_hash at a random place, so at a million credits each batch dirtied
                -- (and first read) most of that index's thousands of pages. New credits' rows go into
                -- this small table instead, whose index stays a few hundred pages; now and then the
                -- writer moves them all into batch_credits in hash order (LedgerStore.moveRecentCredits),
                -- which passes over the large index once. Derived: batch_credits and this table
                -- together hold one row per credit; every row here is newer than every row there.
                CREATE TABLE batch_credits_recent (
                    seq       INTEGER NOT NULL,
                    idx       INTEGER NOT NULL CHECK (idx >= 0),
                    credit_id TEXT    NOT NULL,
                    id_hash   INTEGER NOT NULL,
                    PRIMARY KEY (seq, idx)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX batch_credits_recent_by_hash ON batch_credits_recent(id_hash);
                """
        ),
        Migration(
            version: 13,
            sql: """
                -- The submit path (Benchmarks/README.md, sixth round): keyed by (level, idx), the tree
                -- had the end of each level on a page of its own, and a group commit wrote five or six
                -- pages for its few new nodes. The nodes an entry completes are those whose last leaf
                -- is that entry's (idx = seq - 1 at level 0); keyed by that leaf, then the level, they
                -- are appended together at the table's end. As one integer, pos = last · 64 + level
                -- with last = (idx + 1) · 2^level - 1, the key is the rowid, so appends fill each page
                -- (SQLite's append balance) and a node is found by a rowid lookup. The CHECK ties pos
                -- to level and idx, which stay the columns FORMAT.md §6 describes.
                CREATE TABLE merkle_nodes_v13 (
                    pos   INTEGER PRIMARY KEY,
                    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 56),
                    idx   INTEGER NOT NULL CHECK (idx >= 0 AND idx < (1 << (56 - level))),
                    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
                    CHECK (pos = ((((idx + 1) << level) - 1) << 6) + level)
                ) STRICT;
                INSERT INTO merkle_nodes_v13 (pos, level, idx, hash)
                    SELECT ((((idx + 1) << level) - 1) << 6) + level, level, idx, hash FROM merkle_nodes
                    ORDER BY 1;
                DROP TABLE merkle_nodes;
                ALTER TABLE merkle_nodes_v13 RENAME TO merkle_nodes;
                CREATE TRIGGER merkle_nodes_append_only_update BEFORE UPDATE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be updated'); END;
                CREATE TRIGGER merkle_nodes_append_only_delete BEFORE DELETE ON merkle_nodes
                    BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes cannot be deleted'); END;
                """
        ),
    ]
}
