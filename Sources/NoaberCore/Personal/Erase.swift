/// `erase` (entry format v2 only): removes personal texts from beside the chain, signed by an admin
/// (docs/FORMAT.md §16). Its `reason` is in the chain for good, so it names the request, never the
/// person or their data.
package struct Erase: Codable, Sendable, Equatable {
    package var reason: String
    /// Everything personal about this account, in the entries before the erasure.
    package var account: AccountID?
    /// Or these entries' personal fields.
    package var entries: [ErasedEntry]?

    package init(reason: String, account: AccountID? = nil, entries: [ErasedEntry]? = nil) {
        self.reason = reason
        self.account = account
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case reason, account, entries }

    package static let maxEntries = 1000
    package static let maxFields = 16
}

/// One entry an erasure names, and which of its personal fields (by path; absent: all of them).
package struct ErasedEntry: Codable, Sendable, Equatable {
    package var id: String
    package var fields: [String]?

    package init(id: String, fields: [String]? = nil) {
        self.id = id
        self.fields = fields
    }
}

/// A personal text's place: its entry and its path there.
package struct PersonalKey: Sendable, Hashable, Comparable {
    package var seq: Int64
    package var path: String

    package init(seq: Int64, path: String) {
        self.seq = seq
        self.path = path
    }

    package static func < (a: PersonalKey, b: PersonalKey) -> Bool { (a.seq, a.path) < (b.seq, b.path) }
}

extension LedgerState {
    /// The conditions of §16 for an `erase`; it changes nothing in the state.
    mutating func applyErase(_ body: Erase, signer: Key, prior: (any PriorEntries)?) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "erase personal data")
        try Text.validateForm(body.reason, field: "reason", maxLength: 500)
        switch (body.account, body.entries) {
        case (let account?, nil):
            guard accounts[account] != nil else { throw .unknownAccount(account) }
        case (nil, let entries?):
            guard (1...Erase.maxEntries).contains(entries.count) else {
                throw .invalidPayload("an erase names 1 to \(Erase.maxEntries) entries")
            }
            guard Set(entries.map(\.id)).count == entries.count else {
                throw .invalidPayload("an erase names an entry twice")
            }
            for named in entries { try checkErased(named, prior: prior) }
        default:
            throw .invalidPayload("an erase names either an account or entries (one of the two)")
        }
    }

    private func checkErased(_ named: ErasedEntry, prior: (any PriorEntries)?) throws(LedgerError) {
        guard let known = prior?.personalFields(of: named.id), !known.paths.isEmpty else {
            throw .invalidPayload("entry \(named.id) is no earlier entry with personal data")
        }
        guard let fields = named.fields else { return }
        guard (1...Erase.maxFields).contains(fields.count), Set(fields).count == fields.count else {
            throw .invalidPayload("the fields of entry \(named.id) must be 1 to \(Erase.maxFields) distinct paths")
        }
        if let unknown = fields.first(where: { !known.paths.contains($0) }) {
            throw .invalidPayload(
                "entry \(named.id) has no personal field \"\(unknown)\" (it has \(known.paths.joined(separator: ", ")))"
            )
        }
    }
}

extension Payload {
    /// The accounts whose data this entry is: the accounts it opens or changes, a transaction's
    /// postings, a claim's volunteer and issuer (and, through `claim`, those of the claim a
    /// `claim.reject` decides). Who may read the entry, and whose erasure reaches it, follow from it.
    package func touchedAccounts(claim: (String) -> ClaimRecord?) -> [AccountID] {
        let accounts: [AccountID]
        switch body {
        case .accountOpen(let b): accounts = [b.account]
        case .accountUpdate(let b): accounts = [b.account]
        case .transaction(let b): accounts = b.postings.map(\.account)
        case .credits(let b): accounts = [b.issuer] + b.credits.map(\.account)
        case .claim(let b): accounts = [b.account, b.issuer]
        case .claimReject(let b): accounts = claim(b.claim).map { [$0.claim.account, $0.claim.issuer] } ?? []
        default: accounts = []
        }
        var seen = Set<AccountID>()
        return accounts.filter { seen.insert($0).inserted }
    }

    /// The accounts a version 2 entry with personal data touches, whose erasure reaches it
    /// (docs/FORMAT.md §16).
    package func personalSubjects(claim: (String) -> ClaimRecord?) -> [AccountID] {
        guard v >= 2, !personalFields.isEmpty else { return [] }
        return touchedAccounts(claim: claim)
    }
}
