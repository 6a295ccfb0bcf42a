package import NoaberCore

// Personal texts of entry format v2 (docs/FORMAT.md §16 and §6): kept in `personal_data` beside the
// journal, not in it, so that an `erase` can delete them and leave every signed byte as it was.

extension Connection {
    /// Stores an accepted entry's personal texts and the accounts whose erasure reaches it; called
    /// in the transaction that stores the entry, so neither is ever durable without the other.
    func insertPersonal(_ accepted: AcceptedEntry) throws(StoreError) {
        let seq = SQLValue.integer(accepted.entry.seq)
        // A batch of credits has up to 1,000 texts and some hundreds of subjects.
        var texts = RowInserts(self, into: "personal_data", columns: ["seq", "path", "salt", "text"])
        for text in accepted.personal {
            try texts.add(seq, .text(text.path), .blob(text.salt), .text(text.text))
        }
        try texts.finish()
        var subjects = RowInserts(self, into: "personal_subjects", columns: ["account", "seq"])
        for account in accepted.subjects {
            try subjects.add(.text(account.rawValue), seq)
        }
        try subjects.finish()
    }

    /// Deletes what the `erase` at `seq` covers. The writer's connection has `secure_delete` on,
    /// so SQLite overwrites the freed bytes rather than leaving them in free space.
    func erasePersonal(_ erase: Erase, seq: Int64) throws(StoreError) {
        if let account = erase.account {
            try statement(
                "DELETE FROM personal_data WHERE seq IN (SELECT seq FROM personal_subjects WHERE account = ? AND seq < ?)"
            ).run([.text(account.rawValue), .integer(seq)])
            return
        }
        for named in erase.entries ?? [] {
            let entry = "(SELECT seq FROM entries WHERE entry_id = ? AND seq < ?)"
            if let fields = named.fields {
                for path in fields {
                    try statement("DELETE FROM personal_data WHERE seq = \(entry) AND path = ?")
                        .run([.text(named.id), .integer(seq), .text(path)])
                }
            } else {
                try statement("DELETE FROM personal_data WHERE seq = \(entry)").run([.text(named.id), .integer(seq)])
            }
        }
    }

    /// The personal texts still stored for entries `from` through `through`, by seq.
    package func personalTexts(from: Int64, through: Int64) throws(StoreError) -> [Int64: [PersonalText]] {
        var texts: [Int64: [PersonalText]] = [:]
        let rows = try statement(
            "SELECT seq, path, salt, text FROM personal_data WHERE seq BETWEEN ? AND ? ORDER BY seq, path"
        ).rows([.integer(from), .integer(through)]) { row in
            (row.int64(0), PersonalText(path: row.text(1), salt: row.blob(2), text: row.text(3)))
        }
        for (seq, text) in rows { texts[seq, default: []].append(text) }
        return texts
    }

    /// Every personal text still stored, in seq and path order (for exports).
    package func allPersonalTexts() throws(StoreError) -> [(seq: Int64, text: PersonalText)] {
        try statement("SELECT seq, path, salt, text FROM personal_data ORDER BY seq, path").rows { row in
            (row.int64(0), PersonalText(path: row.text(1), salt: row.blob(2), text: row.text(3)))
        }
    }
}

// What readers see (docs/FORMAT.md §16): on a version 2 ledger the derived tables hold
// commitments where version 1 held texts, so a human read puts back the text, or `[erased]`.
extension Connection {
    package func personalText(seq: Int64, path: String) throws(StoreError) -> String? {
        try statement("SELECT text FROM personal_data WHERE seq = ? AND path = ?")
            .rows([.integer(seq), .text(path)]) { $0.text(0) }.first
    }

    /// History lines with their memos and reversals' reasons as texts; `withheld` replaces them
    /// for a reader not entitled.
    package func revealed(_ lines: [HistoryLine], withheld: String? = nil) throws(StoreError) -> [HistoryLine] {
        guard try (ledger()?.version ?? 1) >= 2 else { return lines }
        var result = lines
        for index in result.indices {
            let seq = result[index].seq
            let memo = result[index].creditIndex.map(BatchCredit.memoPath) ?? "memo"
            if result[index].memo != nil { result[index].memo = try text(seq, memo, withheld) }
            if result[index].reason != nil { result[index].reason = try text(seq, "reason", withheld) }
        }
        return result
    }

    /// The keys with their labels as texts: each from the entry that added it (`key.label` in a
    /// `key.add`; `admin_key.label` or `log_key.label` in entry 1).
    package func revealed(_ keys: [LedgerState.Key], withheld: String? = nil) throws(StoreError) -> [LedgerState.Key] {
        guard try (ledger()?.version ?? 1) >= 2 else { return keys }
        var result = keys
        for index in result.indices {
            let key = result[index]
            let path = key.addedSeq == 1 ? (key.role == .log ? "log_key.label" : "admin_key.label") : "key.label"
            result[index].label = try text(key.addedSeq, path, withheld)
        }
        return result
    }

    /// The accounts with their names as texts: each that of the latest entry that set it. One
    /// query finds every name, however many accounts are asked for.
    package func revealed(
        _ accounts: [LedgerState.Account], withheld: String? = nil
    ) throws(StoreError) -> [LedgerState.Account] {
        guard try (ledger()?.version ?? 1) >= 2 else { return accounts }
        if let withheld {
            return accounts.map {
                var account = $0
                account.name = withheld
                return account
            }
        }
        let names = try statement(
            """
            SELECT named.account, personal_data.text FROM (
                SELECT json_extract(CAST(payload AS TEXT), '$.account') AS account, MAX(seq) AS seq FROM entries
                WHERE kind IN ('account.open', 'account.update') AND json_extract(CAST(payload AS TEXT), '$.name') IS NOT NULL
                GROUP BY account
            ) AS named LEFT JOIN personal_data ON personal_data.seq = named.seq AND personal_data.path = 'name'
            """
        ).rows { row in (row.text(0), row.isNull(1) ? nil : row.text(1)) }
        let byAccount = Dictionary(names, uniquingKeysWith: { first, _ in first })
        return accounts.map { account in
            var shown = account
            shown.name = (byAccount[account.id.rawValue] ?? nil) ?? PersonalData.erasedMarker
            return shown
        }
    }
}

extension Connection {
    /// Claims with their memos and rejection reasons as texts (or `withheld`, or `[erased]`).
    package func revealed(_ rows: [ClaimRow], withheld: String? = nil) throws(StoreError) -> [ClaimRow] {
        guard try (ledger()?.version ?? 1) >= 2 else { return rows }
        var result = rows
        for index in result.indices {
            if result[index].record.claim.memo != nil {
                result[index].record.claim.memo = try text(result[index].record.seq, "memo", withheld)
            }
            if result[index].reason != nil, let decided = result[index].record.decidedSeq {
                result[index].reason = try text(decided, "reason", withheld)
            }
        }
        return result
    }

    private func text(_ seq: Int64, _ path: String, _ withheld: String?) throws(StoreError) -> String {
        if let withheld { return withheld }
        return try personalText(seq: seq, path: path) ?? PersonalData.erasedMarker
    }
}
