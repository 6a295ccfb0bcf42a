package import NoaberCrypto

/// The right edge of a tree (the roots of its maximal complete subtrees): enough to append leaves
/// and to compute the root, in O(log n) memory.
///
/// The writer keeps one of these in memory: each append hashes at most log₂ n nodes and hands back
/// exactly the nodes that just became complete, which is everything the store has to save.
package struct CompactRange: Sendable, Equatable {
    /// The number of leaves appended so far.
    package private(set) var size: UInt64

    /// One hash per set bit of `size`, the largest (leftmost) subtree first.
    private var hashes: [SHA256Digest]

    /// The empty tree.
    package init() {
        size = 0
        hashes = []
    }

    /// Restores the range of a tree of `size` leaves from stored complete-subtree nodes, reading one
    /// node per set bit of `size`; `node(level, index)` is as in `Merkle.root(size:node:)`.
    package init(size: UInt64, node: (_ level: Int, _ index: UInt64) throws -> SHA256Digest) rethrows {
        var hashes: [SHA256Digest] = []
        hashes.reserveCapacity(size.nonzeroBitCount)
        var covered: UInt64 = 0
        for level in stride(from: UInt64.bitWidth - 1, through: 0, by: -1) where (size >> level) & 1 == 1 {
            hashes.append(try node(level, covered >> level))
            covered += 1 << level
        }
        self.size = size
        self.hashes = hashes
    }

    /// The tree's root (RFC 6962 MTH); `Merkle.emptyRoot` for the empty tree.
    package var root: SHA256Digest {
        guard var result = hashes.last else { return Merkle.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = Merkle.nodeHash(hash, result)
        }
        return result
    }

    /// Appends one leaf hash; returns every node that became complete, the leaf (level 0) first, then its parents upward.
    @discardableResult
    package mutating func append(_ leafHash: SHA256Digest) -> [MerkleNode] {
        precondition(size < UInt64.max, "a Merkle tree holds at most 2^64 - 1 leaves")
        var hash = leafHash
        var node = MerkleNode(level: 0, index: size, hash: hash)
        var completed = [node]
        // An odd index is a right child: its left sibling is the smallest subtree on the edge, and
        // the two now make a complete parent. Carrying on like binary addition.
        while node.index & 1 == 1 {
            hash = Merkle.nodeHash(hashes.removeLast(), hash)
            node = MerkleNode(level: node.level + 1, index: node.index >> 1, hash: hash)
            completed.append(node)
        }
        hashes.append(hash)
        size += 1
        return completed
    }
}
