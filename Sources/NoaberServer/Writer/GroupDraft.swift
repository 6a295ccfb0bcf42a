import NoaberCore
import NoaberCrypto
import NoaberStore

/// The entries one group commit is about to write, in chain order, with the chain link each will
/// have. A batch that is refused is rolled back to its mark, so only whole units stay in the draft.
struct GroupDraft {
    private(set) var entries: [AcceptedEntry] = []
    /// Entry id → index in `entries`: an id seen twice in one group is a replay or a conflict.
    private var positions: [String: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }

    func position(of entryID: String) -> Int? { positions[entryID] }

    /// The hash the next entry links to: the group's last entry, or else the chain's head.
    func previousHash(head: SHA256Digest) -> SHA256Digest { entries.last?.entry.hash ?? head }

    mutating func append(_ accepted: AcceptedEntry) {
        positions[accepted.payload.id] = entries.count
        entries.append(accepted)
    }

    var mark: Int { entries.count }

    mutating func rollback(to mark: Int) {
        for dropped in entries[mark...] { positions[dropped.payload.id] = nil }
        entries.removeLast(entries.count - mark)
    }
}
