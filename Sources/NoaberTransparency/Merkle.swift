package import NoaberCrypto

/// The hashing of an RFC 6962 / RFC 9162 Merkle tree over the ledger's entries, and its root.
///
/// Leaves and interior nodes are hashed under different one-byte prefixes (0x00 and 0x01), so a
/// node's 64 bytes of children can never be passed off as a leaf and vice versa (second-preimage
/// resistance). These are the exact rules of Certificate Transparency and the C2SP transparency-log
/// specifications, so an auditor can check our roots and proofs with any of their tools.
package enum Merkle {
    /// SHA-256(0x00 ‖ data): the hash of one leaf, here one entry's bytes.
    package static func leafHash(_ data: [UInt8]) -> SHA256Digest {
        let hasher = SHA256Hasher()
        hasher.update([0x00])
        hasher.update(data)
        return hasher.finalize()
    }

    /// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node from its two children.
    package static func nodeHash(_ left: SHA256Digest, _ right: SHA256Digest) -> SHA256Digest {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + 2 * SHA256Digest.byteCount)
        bytes.append(0x01)
        bytes.append(contentsOf: left.bytes)
        bytes.append(contentsOf: right.bytes)
        return SHA256.hash(bytes)
    }

    /// The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1).
    package static let emptyRoot: SHA256Digest = SHA256.hash([UInt8]())

    /// The reference MTH over all leaf hashes (RFC 6962 §2.1), O(n); for tests and small trees.
    ///
    /// This follows the RFC's recursive definition literally (split at the largest power of two
    /// below n), so the faster store-based code can be checked against it.
    package static func root(leafHashes: [SHA256Digest]) -> SHA256Digest {
        leafHashes.isEmpty ? emptyRoot : treeHash(leafHashes[...])
    }

    /// The root of the tree of `size` leaves from stored complete-subtree nodes.
    ///
    /// `node(level, index)` must return the hash of the complete subtree over leaves
    /// [index·2^level, (index+1)·2^level); this reads one node per set bit of `size`.
    package static func root(
        size: UInt64, node: (_ level: Int, _ index: UInt64) throws -> SHA256Digest
    ) rethrows -> SHA256Digest {
        size == 0 ? emptyRoot : try rangeRoot(from: 0, count: size, node: node)
    }

    private static func treeHash(_ hashes: ArraySlice<SHA256Digest>) -> SHA256Digest {
        guard hashes.count > 1 else { return hashes[hashes.startIndex] }
        let split = hashes.startIndex + Int(largestPowerOfTwo(below: UInt64(hashes.count)))
        return nodeHash(treeHash(hashes[..<split]), treeHash(hashes[split...]))
    }
}
