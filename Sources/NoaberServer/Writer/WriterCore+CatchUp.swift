import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTransparency

extension WriterCore {
    /// The entries a restored backup lacks up to the published checkpoint, taken from a newer copy
    /// of the chain (an export) with the commit times, links and hashes they had: entries sent
    /// again by clients would get new times, and so new hashes, and could never reproduce the
    /// published root.
    ///
    /// Every entry is judged by the rules at its own commit time and must hash to what the copy
    /// says; the whole run must end at exactly the published size with exactly the published root,
    /// which the log key signed. Only then is any of it written, in one transaction: so what is
    /// added is exactly the history the key had already signed, or nothing.
    /// Returns the entries written.
    func catchUp(_ entries: [CatchUpEntry]) throws(RestoreError) -> [AcceptedEntry] {
        guard let store, holdsCheckpoints, let published = restore?.published else {
            throw .catchUp("only a restored backup that was given its published checkpoint catches up")
        }
        guard store.tree.size < published.size else { return [] }
        let wanted = Int(published.size - store.tree.size)
        guard entries.count == wanted else {
            throw .catchUp(
                "the ledger holds \(store.tree.size) entries and the published checkpoint \(published.size), but the export gives \(entries.count) of the \(wanted) between"
            )
        }
        draft = GroupDraft()
        defer { draft = GroupDraft() }
        let prior = WriterPriorEntries(store: store)
        var tree = store.tree
        do {
            for item in entries {
                try admitVerbatim(item, prior: prior, store: store)
                tree.append(item.stored.entry.leafHash)
            }
            if let failure = prior.failure {
                throw RestoreError.catchUp("a query failed while catching up: \(failure)")
            }
            guard tree.root == published.root else {
                throw RestoreError.catchUp(
                    "with the export's entries the tree of \(published.size) has root \(tree.root.base64), not the published \(published.root.base64)"
                )
            }
        } catch {
            // Nothing was written; the state goes back to the stored chain's.
            if let reloaded = try? store.loadState() { state = reloaded }
            throw error as? RestoreError ?? .catchUp("\(error)")
        }
        let written = draft.entries
        if let failure = write(to: store) { throw .storage(failure) }
        logger.notice(
            "caught up to the published checkpoint from the export",
            metadata: ["entries": "\(entries.count)", "tree_size": "\(store.tree.size)"])
        return written
    }

    /// Admits one entry of the newer copy as it was committed there.
    private func admitVerbatim(
        _ item: CatchUpEntry, prior: WriterPriorEntries, store: LedgerStore
    ) throws(RestoreError) {
        let entry = item.stored.entry
        let seq = entry.seq
        guard seq == head.seq + Int64(draft.mark) + 1 else {
            throw .catchUp("expected entry \(head.seq + Int64(draft.mark) + 1), the export gives \(seq)")
        }
        let previous = draft.entries.last?.entry.committedAt ?? head.time
        guard previous.map({ entry.committedAt >= $0 }) ?? true else {
            throw .catchUp("entry \(seq) was committed before the entry it follows")
        }
        do {
            guard draft.position(of: entry.entryID) == nil, try store.connection.entry(id: entry.entryID) == nil else {
                throw RestoreError.catchUp("entry \(seq)'s id \(entry.entryID) is already used")
            }
            let payload = try Payload.decode(entry.signed.payload)
            guard payload.id == entry.entryID, payload.kind == entry.kind else {
                throw RestoreError.catchUp("entry \(seq)'s id or kind is not its payload's")
            }
            // Texts erased later in the newer chain are not in its export; those given must match.
            let fields = payload.v >= 2 ? payload.personalFields : []
            for text in item.personal
            where !fields.contains(where: { $0.path == text.path && $0.value == text.commitment }) {
                throw RestoreError.catchUp("entry \(seq)'s personal text \(text.path) does not match its commitment")
            }
            let position = try admit(
                entry.signed, payload, seq: seq, verifiedWith: nil, at: entry.committedAt, prior: prior,
                personal: item.personal)
            guard draft.entries[position].entry.hash == entry.hash else {
                throw RestoreError.catchUp(
                    "entry \(seq) does not hash to what the export says (it follows another chain)")
            }
        } catch let error as RestoreError {
            throw error
        } catch let error as LedgerError {
            throw .catchUp("entry \(seq) is refused by the rules: \(error.message)")
        } catch {
            throw .catchUp("entry \(seq): \(error)")
        }
    }
}
