import NoaberCore
import NoaberProtocol

// Who may read personal texts (docs/FORMAT.md §16; invariant 9 of CONTRIBUTING.md). Every handler
// that serves one asks `mayReadPersonalData`, so the decision has one place.

extension LedgerService {
    /// Whether the request's reader may see the personal texts (names, labels, memos, reasons) of
    /// entries that touch `accounts` (an empty list: of the ledger as a whole).
    ///
    /// The reader's scope decides it: an operator, admin or auditor key reads every text; a member
    /// key those of entries that touch an account it controls, and none of the ledger as a whole;
    /// a request without a reader (an open method) none.
    func mayReadPersonalData(of accounts: [AccountID], _ context: RequestContext) -> Bool {
        guard let reader = context.reader else { return false }
        return reader.readsEverything || accounts.contains(where: reader.mayRead)
    }

    /// What a reader not entitled to personal texts sees in their place, or nil for one who is.
    func withheldMarker(of accounts: [AccountID], _ context: RequestContext) -> String? {
        mayReadPersonalData(of: accounts, context) ? nil : "[withheld]"
    }

    /// The page as served: on a version 2 ledger each entry carries its stored texts (possibly
    /// none, all erased) for an entitled reader, and none (nil) otherwise; a version 1 ledger's
    /// entries never carry any, their texts being in the payload.
    func servingPersonalData(
        _ page: [StoredEntry], version: Int?, _ context: RequestContext
    ) -> [StoredEntry] {
        guard (version ?? 1) >= 2 else {
            return page.map {
                var served = $0
                served.personal = nil
                return served
            }
        }
        // A reader of every account is entitled to every text: no payload needs decoding to know.
        let readsEverything = context.reader?.readsEverything == true
        return page.map { stored in
            var served = stored
            let entitled = readsEverything || mayReadPersonalData(of: TouchedAccounts.of(stored), context)
            served.personal = entitled ? (stored.personal ?? []) : nil
            // A batch of credits (FORMAT.md §17) pays many volunteers: each memo is its credit's
            // volunteer's, so a reader of one account sees only its own credits' memos (a reader of
            // the issuer, all of them).
            if entitled, !readsEverything, let reader = context.reader,
                case .credits(let batch)? = try? Payload.decode(stored.entry.signed.payload).body,
                !reader.mayRead(batch.issuer)
            {
                served.personal = served.personal?.filter { text in
                    guard let index = CreditBatch.memoIndex(text.path), batch.credits.indices.contains(index) else {
                        return false
                    }
                    return reader.mayRead(batch.credits[index].account)
                }
            }
            return served
        }
    }
}
