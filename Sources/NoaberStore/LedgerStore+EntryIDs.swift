import NoaberCore

// Entry ids as the writer's rules ask for them: every credit id of a batch must be new among the
// ledger's entry ids as well as its credit ids (docs/FORMAT.md §17), so a batch of 1,000 credits
// asked the `entries` index 1,000 times for ids it nearly never held.

extension LedgerStore {
    /// The seq of the entry whose id is `id`, as `Connection.entrySeq` finds it: an id whose hash
    /// no stored entry's id has is answered from memory. The hashes are read from the `entries`
    /// index when first asked (a ledger that never imports never reads them), then kept up by
    /// every commit of this store, the writer's only way to add entries.
    package func entrySeq(id: String) throws(StoreError) -> Int64? {
        if entryHashes == nil {
            // A ledger that imports has few entries (a thousand credits each): 512 KiB of bits
            // answer nearly every id from memory up to some hundred thousand entries.
            var hashes = IDHashBits(log2Bits: 22)
            _ = try connection.statement("SELECT entry_id FROM entries").rows { row throws(StoreError) in
                hashes.insert(CreditIDHash.of(row.text(0)))
            }
            entryHashes = hashes
        }
        guard entryHashes?.mayContain(CreditIDHash.of(id)) == true else { return nil }
        return try connection.entrySeq(id: id)
    }

    /// After a commit: the ids of the entries it added, once the hashes are kept.
    func entriesCommitted(_ batch: [AcceptedEntry]) {
        guard entryHashes != nil else { return }
        for accepted in batch { entryHashes?.insert(CreditIDHash.of(accepted.entry.entryID)) }
    }
}
