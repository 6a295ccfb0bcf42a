package import NoaberCrypto

/// Proofs that a leaf is in a tree of a given size (RFC 9162 §2.1.3): the sibling hashes on the
/// path from the leaf to the root, leaf upward. With one, a volunteer can show that an entry is in
/// the published ledger without anyone handing over the other entries.
package enum InclusionProof {
    /// RFC 9162 §2.1.3.1, from stored complete-subtree nodes. Precondition-free: throws for index >= treeSize.
    ///
    /// Reads O(log n) nodes: every sibling on the path is a complete subtree except at most one on
    /// the tree's right edge, which is rebuilt from the complete subtrees under it. Throws
    /// `MerkleError.indexOutOfRange`, or whatever `node` throws.
    package static func make(
        index: UInt64, treeSize: UInt64, node: (_ level: Int, _ index: UInt64) throws -> SHA256Digest
    ) throws -> [SHA256Digest] {
        guard index < treeSize else { throw MerkleError.indexOutOfRange(index: index, treeSize: treeSize) }
        var proof: [SHA256Digest] = []
        var level = 0
        // Climb while the subtree holding the leaf at this level is not yet the whole tree.
        while (treeSize - 1) >> level != 0 {
            let sibling = (index >> level) ^ 1
            let start = sibling << level
            // A sibling that starts past the end does not exist: RFC 6962 lifts the node unchanged.
            if start < treeSize {
                let available = treeSize - start
                if available >> level != 0 {
                    proof.append(try node(level, sibling))
                } else {
                    proof.append(try Merkle.rangeRoot(from: start, count: available, node: node))
                }
            }
            level += 1
        }
        return proof
    }

    /// RFC 9162 §2.1.3.2. Throws MerkleError for every malformed or wrong proof.
    ///
    /// Throws `indexOutOfRange` for index >= treeSize, `wrongProofLength` when the proof is not
    /// exactly as long as the tree's shape calls for, and `rootMismatch` when it leads elsewhere.
    package static func verify(
        leafHash: SHA256Digest, index: UInt64, treeSize: UInt64, proof: [SHA256Digest], root: SHA256Digest
    ) throws(MerkleError) {
        guard index < treeSize else { throw .indexOutOfRange(index: index, treeSize: treeSize) }
        let expected = length(index: index, treeSize: treeSize)
        guard proof.count == expected else { throw .wrongProofLength(expected: expected, actual: proof.count) }

        // The RFC's algorithm: fn walks the leaf's path, sn the path of the last leaf; where the two
        // coincide the node is on the right edge and has only left siblings.
        var fn = index
        var sn = treeSize - 1
        var result = leafHash
        for hash in proof {
            guard sn != 0 else { throw .wrongProofLength(expected: expected, actual: proof.count) }
            if fn & 1 == 1 || fn == sn {
                result = Merkle.nodeHash(hash, result)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                result = Merkle.nodeHash(result, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength(expected: expected, actual: proof.count) }
        guard result == root else { throw .rootMismatch }
    }

    /// The number of hashes in the proof for `index` in a tree of `treeSize` leaves (index < treeSize).
    ///
    /// Below the level where the leaf's path and the last leaf's path meet, every level has a
    /// sibling; above it, only the levels where the path turns right (a set bit of the index) do.
    static func length(index: UInt64, treeSize: UInt64) -> Int {
        let inner = UInt64.bitWidth - (index ^ (treeSize - 1)).leadingZeroBitCount
        return inner + (index >> inner).nonzeroBitCount
    }
}
