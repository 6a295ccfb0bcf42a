package import NoaberCrypto

/// One complete subtree's hash: the unit the store keeps so that roots and proofs at any size can
/// be built from O(log² n) reads instead of rehashing every leaf.
package struct MerkleNode: Sendable, Equatable {
    /// The height above the leaves: 0 is a leaf, `level` covers 2^level leaves.
    package var level: Int
    /// The position among the nodes of this level: it covers leaves [index·2^level, (index+1)·2^level).
    package var index: UInt64
    /// The subtree's hash: the leaf hash at level 0, otherwise `Merkle.nodeHash` of its two children.
    package var hash: SHA256Digest

    /// A node as the store saves it.
    package init(level: Int, index: UInt64, hash: SHA256Digest) {
        self.level = level
        self.index = index
        self.hash = hash
    }
}
