/// The kinds of ledger entry (docs/DESIGN.md, "Entry kinds").
package enum EntryKind: String, Codable, Sendable, CaseIterable {
    case ledgerInit = "ledger.init"
    case keyAdd = "key.add"
    case keyRevoke = "key.revoke"
    case accountOpen = "account.open"
    case accountUpdate = "account.update"
    case categorySet = "category.set"
    case ledgerSettings = "ledger.settings"
    case claim
    case claimReject = "claim.reject"
    case transaction = "tx"
    /// Version 2 only: removes personal texts from beside the chain (docs/FORMAT.md §16).
    case erase
    /// Version 2 only: up to 1,000 credits of one issuer under one signature (docs/FORMAT.md §17).
    case credits
}

/// What a key may do: admins manage keys and accounts, operators open accounts, members and
/// merchants' keys control accounts, auditors only read. A `log` key is the daemon's: it signs
/// the ledger's checkpoints and no entry, so holding the server's key never lets anyone move coins.
package enum KeyRole: String, Codable, Sendable, CaseIterable {
    case admin, `operator`, member, auditor, log
}

/// Issuers (care organisations) create coins within their credit limit; members are volunteers;
/// merchants are shops and services that accept coins.
package enum AccountKind: String, Codable, Sendable, CaseIterable {
    case issuer, member, merchant
}

/// Why money moves: `credit` pays a volunteer for care, `transfer` is member to member, `redeem`
/// is a member paying a merchant, `reversal` undoes an earlier transaction (a correction: nothing is
/// ever changed or deleted), `demurrage` is the periodic charge on held coins that the daemon writes
/// when the ledger's settings ask for one.
package enum Purpose: String, Codable, Sendable, CaseIterable {
    case credit, transfer, redeem, reversal, demurrage
}

package enum AccountStatus: String, Codable, Sendable, CaseIterable {
    case open, frozen, closed
}
