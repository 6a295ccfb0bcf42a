// Parameters and results of the transparency methods (docs/PROTOCOL.md, "Checkpoints and proofs").
// Hashes are base64, as in the C2SP formats the CLI builds from them.

public struct CheckpointResult: Codable, Sendable {
    /// The latest signed checkpoint, verbatim; nil until the ledger has an active log key.
    public var checkpoint: String?
    /// The number of entries (leaves) the tree holds now; the checkpoint's size is at most this.
    public var treeSize: UInt64
    public init(checkpoint: String?, treeSize: UInt64) {
        self.checkpoint = checkpoint
        self.treeSize = treeSize
    }
}

public struct InclusionProofParams: Codable, Sendable {
    /// The entry, by its id.
    public var entryId: String
    /// The tree size to prove inclusion in; omitted: the latest checkpoint's size.
    public var treeSize: UInt64?
    public init(entryId: String, treeSize: UInt64?) {
        self.entryId = entryId
        self.treeSize = treeSize
    }
}

public struct InclusionProofResult: Codable, Sendable {
    public var entry: EntryInfo
    /// The entry's leaf index: its seq minus one.
    public var index: UInt64
    public var treeSize: UInt64
    public var hashes: [String]
    /// The latest checkpoint, when `tree_size` was omitted and the proof is for its size.
    public var checkpoint: String?
    public init(entry: EntryInfo, index: UInt64, treeSize: UInt64, hashes: [String], checkpoint: String?) {
        self.entry = entry
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
        self.checkpoint = checkpoint
    }
}

public struct ConsistencyProofParams: Codable, Sendable {
    public var oldSize: UInt64
    /// Omitted: the latest checkpoint's size.
    public var newSize: UInt64?
    public init(oldSize: UInt64, newSize: UInt64?) {
        self.oldSize = oldSize
        self.newSize = newSize
    }
}

public struct ConsistencyProofResult: Codable, Sendable {
    public var oldSize: UInt64
    public var newSize: UInt64
    public var hashes: [String]
    /// The latest checkpoint, when `new_size` was omitted and the proof ends at its size.
    public var checkpoint: String?
    public init(oldSize: UInt64, newSize: UInt64, hashes: [String], checkpoint: String?) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
        self.checkpoint = checkpoint
    }
}
