// Parameters and results of the transparency methods (docs/PROTOCOL.md, "Checkpoints and proofs").
// Hashes are base64, as in the C2SP formats the CLI builds from them.

package struct CheckpointResult: Codable, Sendable {
    /// The latest signed checkpoint, verbatim; nil until the ledger has an active log key.
    package var checkpoint: String?
    /// The number of entries (leaves) the tree holds now; the checkpoint's size is at most this.
    package var treeSize: UInt64
    package init(checkpoint: String?, treeSize: UInt64) {
        self.checkpoint = checkpoint
        self.treeSize = treeSize
    }
}

package struct InclusionProofParams: Codable, Sendable {
    /// The entry, by its id.
    package var entryId: String
    /// The tree size to prove inclusion in; omitted: the latest checkpoint's size.
    package var treeSize: UInt64?
    package init(entryId: String, treeSize: UInt64?) {
        self.entryId = entryId
        self.treeSize = treeSize
    }
}

package struct InclusionProofResult: Codable, Sendable {
    package var entry: EntryInfo
    /// The entry's leaf index: its seq minus one.
    package var index: UInt64
    package var treeSize: UInt64
    package var hashes: [String]
    /// The latest checkpoint, when `tree_size` was omitted and the proof is for its size.
    package var checkpoint: String?
    package init(entry: EntryInfo, index: UInt64, treeSize: UInt64, hashes: [String], checkpoint: String?) {
        self.entry = entry
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
        self.checkpoint = checkpoint
    }
}

package struct ConsistencyProofParams: Codable, Sendable {
    package var oldSize: UInt64
    /// Omitted: the latest checkpoint's size.
    package var newSize: UInt64?
    package init(oldSize: UInt64, newSize: UInt64?) {
        self.oldSize = oldSize
        self.newSize = newSize
    }
}

package struct ConsistencyProofResult: Codable, Sendable {
    package var oldSize: UInt64
    package var newSize: UInt64
    package var hashes: [String]
    /// The latest checkpoint, when `new_size` was omitted and the proof ends at its size.
    package var checkpoint: String?
    package init(oldSize: UInt64, newSize: UInt64, hashes: [String], checkpoint: String?) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
        self.checkpoint = checkpoint
    }
}
