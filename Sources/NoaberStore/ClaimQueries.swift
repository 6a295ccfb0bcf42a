package import NoaberCore

/// A claim as listed: the claim and what became of it.
package struct ClaimRow: Sendable, Equatable {
    package var record: ClaimRecord
    package var decision: String?
    package var reason: String?
}

// Claims and settings, read back from their derived tables.
extension Connection {
    static let claimColumns =
        "claim_id, seq, committed_at, account, issuer, hours, hour_rate, amount, category, care_date, memo, decided_seq, decision, reason"

    package func claim(id: String) throws(StoreError) -> ClaimRecord? {
        try statement("SELECT \(Self.claimColumns) FROM claims WHERE claim_id = ?").rows([.text(id)], decodeClaim)
            .first?.record
    }

    /// Claims in order of seq, after `afterSeq`: all of them, or those of one account; `pendingAt`
    /// keeps only the undecided ones made after that time (the earliest not yet expired).
    package func claims(
        account: AccountID?, pendingSince: Timestamp?, afterSeq: Int64, limit: Int
    ) throws(StoreError) -> [ClaimRow] {
        var sql = "SELECT \(Self.claimColumns) FROM claims WHERE seq > ?"
        var values: [SQLValue] = [.integer(afterSeq)]
        if let account {
            sql += " AND account = ?"
            values.append(.text(account.rawValue))
        }
        if let pendingSince {
            sql += " AND decided_seq IS NULL AND committed_at > ?"
            values.append(.text(pendingSince.rfc3339))
        }
        sql += " ORDER BY seq LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try statement(sql).rows(values, decodeClaim)
    }

    func decodeClaim(_ row: Statement) throws(StoreError) -> ClaimRow {
        let id = row.text(0)
        func optional(_ column: Int32) -> String? { row.isNull(column) ? nil : row.text(column) }
        guard let committedAt = Timestamp(rfc3339: row.text(2)), let account = try? AccountID(row.text(3)),
            let issuer = try? AccountID(row.text(4))
        else { throw .corruptRow("claim \(id) has a malformed time or account") }
        let claim = Claim(
            account: account, issuer: issuer, hours: row.text(5), hourRate: row.int64(6), amount: row.int64(7),
            category: optional(8),
            careDate: optional(9), memo: optional(10))
        return ClaimRow(
            record: ClaimRecord(
                id: id, seq: row.int64(1), committedAt: committedAt, claim: claim,
                decidedSeq: row.isNull(11) ? nil : row.int64(11)),
            decision: optional(12), reason: optional(13))
    }

    /// The settings in force; the defaults when no `ledger.settings` entry was made.
    package func settings() throws(StoreError) -> LedgerState.Settings {
        let rows = try statement(
            "SELECT claim_expiry_days, demurrage_rate_ppm, demurrage_period, demurrage_account, demurrage_next, demurrage_cursor, language, contact FROM settings"
        ).rows { row throws(StoreError) -> LedgerState.Settings in
            var settings = LedgerState.Settings(
                claimExpiryDays: Int(row.int64(0)), language: row.isNull(6) ? nil : row.text(6),
                contact: row.isNull(7) ? nil : row.text(7))
            guard !row.isNull(1) else { return settings }
            guard let period = DemurragePeriod(rawValue: row.text(2)), let account = try? AccountID(row.text(3)),
                let next = Timestamp(rfc3339: row.text(4))
            else { throw .corruptRow("the settings row has a malformed demurrage") }
            settings.demurrage = Demurrage(ratePPM: row.int64(1), period: period, account: account)
            settings.demurrageNext = next
            if !row.isNull(5) {
                guard let cursor = try? AccountID(row.text(5)) else {
                    throw .corruptRow("the settings row has a malformed demurrage cursor")
                }
                settings.demurrageCursor = cursor
            }
            return settings
        }
        return rows.first ?? LedgerState.Settings()
    }
}
