import NoaberCore

/// The accounts an entry shows: whose data a reader sees in it, and so who may read it.
enum TouchedAccounts {
    static func of(_ stored: StoredEntry) -> [AccountID] {
        var accounts = stored.postings.map(\.account)
        if let payload = try? Payload.decode(stored.entry.signed.payload) {
            switch payload.body {
            case .accountOpen(let body): accounts.append(body.account)
            case .accountUpdate(let body): accounts.append(body.account)
            case .claim(let claim): accounts += [claim.account, claim.issuer]
            default: break
            }
        }
        var seen = Set<AccountID>()
        return accounts.filter { seen.insert($0).inserted }
    }
}
