package import NoaberCore

// Personal texts of entry format v2 (docs/FORMAT.md §16 and §6): kept in `personal_data` beside the
// journal, not in it, so that an `erase` can delete them and leave every signed byte as it was.

extension Connection {
    /// Stores an accepted entry's personal texts and the accounts whose erasure reaches it; called
    /// in the transaction that stores the entry, so neither is ever durable without the other.
    func insertPersonal(_ accepted: AcceptedEntry) throws(StoreError) {
        let seq = SQLValue.integer(accepted.entry.seq)
        for text in accepted.personal {
            try statement("INSERT INTO personal_data (seq, path, salt, text) VALUES (?, ?, ?, ?)")
                .run([seq, .text(text.path), .blob(text.salt), .text(text.text)])
        }
        for account in accepted.subjects {
            try statement("INSERT INTO personal_subjects (account, seq) VALUES (?, ?)")
                .run([.text(account.rawValue), seq])
        }
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
