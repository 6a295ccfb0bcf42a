package import NoaberCrypto

/// Proofs that a tree of one size is a prefix of a larger one (RFC 9162 §2.1.4): with one, an
/// auditor who kept last month's root can check that today's ledger only appended to it.
package enum ConsistencyProof {
    /// RFC 9162 §2.1.4.1 (0 < oldSize <= newSize; oldSize == newSize gives an empty proof).
    ///
    /// Reads O(log² n) nodes at most. Throws `MerkleError.sizesOutOfOrder` or `.emptyOldTree` for
    /// sizes outside that range, or whatever `node` throws.
    package static func make(
        oldSize: UInt64, newSize: UInt64, node: (_ level: Int, _ index: UInt64) throws -> SHA256Digest
    ) throws -> [SHA256Digest] {
        guard oldSize <= newSize else { throw MerkleError.sizesOutOfOrder(oldSize: oldSize, newSize: newSize) }
        guard oldSize > 0 else { throw MerkleError.emptyOldTree }

        // SUBPROOF(m, D[start..<start+n], b) unrolled: each step appends one subtree hash to the
        // proof, in reverse, and narrows the range to the half that still holds the old tree's end.
        var m = oldSize
        var n = newSize
        var start: UInt64 = 0
        var oldTreeIsKnown = true  // the RFC's b: the current range's old part is the whole old tree
        var upper: [SHA256Digest] = []
        while m != n {
            let k = Merkle.largestPowerOfTwo(below: n)
            if m <= k {
                upper.append(try Merkle.rangeRoot(from: start + k, count: n - k, node: node))
                n = k
            } else {
                upper.append(try node(k.trailingZeroBitCount, start >> k.trailingZeroBitCount))
                start += k
                m -= k
                n -= k
                oldTreeIsKnown = false
            }
        }
        var proof: [SHA256Digest] = []
        proof.reserveCapacity(upper.count + 1)
        if !oldTreeIsKnown {
            proof.append(try Merkle.rangeRoot(from: start, count: m, node: node))
        }
        proof.append(contentsOf: upper.reversed())
        return proof
    }

    /// RFC 9162 §2.1.4.2.
    ///
    /// Equal sizes need an empty proof and equal roots. An old size of 0 is refused, even with a
    /// new size of 0, as transparency-dev/merkle's test vectors require: every tree extends the
    /// empty one, so such a proof would check nothing. Otherwise throws `wrongProofLength`,
    /// `oldRootMismatch` or `newRootMismatch`.
    package static func verify(
        oldSize: UInt64, newSize: UInt64, oldRoot: SHA256Digest, newRoot: SHA256Digest, proof: [SHA256Digest]
    ) throws(MerkleError) {
        guard oldSize <= newSize else { throw .sizesOutOfOrder(oldSize: oldSize, newSize: newSize) }
        guard oldSize > 0 else { throw .emptyOldTree }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .wrongProofLength(expected: 0, actual: proof.count) }
            guard oldRoot == newRoot else { throw .rootsDifferAtSameSize(size: oldSize) }
            return
        }
        let expected = length(oldSize: oldSize, newSize: newSize)
        guard proof.count == expected else { throw .wrongProofLength(expected: expected, actual: proof.count) }

        // When the old tree is a complete subtree the proof leaves out its root: the verifier has it.
        let path = oldSize & (oldSize - 1) == 0 ? [oldRoot] + proof : proof
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // fr rebuilds the old root and sr the new one from the same hashes; right siblings of the
        // old tree's last leaf count only for the new tree.
        var fr = path[0]
        var sr = path[0]
        for hash in path.dropFirst() {
            guard sn != 0 else { throw .wrongProofLength(expected: expected, actual: proof.count) }
            if fn & 1 == 1 || fn == sn {
                fr = Merkle.nodeHash(hash, fr)
                sr = Merkle.nodeHash(hash, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = Merkle.nodeHash(sr, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength(expected: expected, actual: proof.count) }
        guard fr == oldRoot else { throw .oldRootMismatch }
        guard sr == newRoot else { throw .newRootMismatch }
    }

    /// The number of hashes in the proof between sizes 0 < oldSize < newSize.
    ///
    /// It is the tail of the inclusion proof for the old tree's last leaf, from the level of the
    /// largest complete subtree ending there, plus that subtree's root unless it is the whole old tree.
    static func length(oldSize: UInt64, newSize: UInt64) -> Int {
        let shift = oldSize.trailingZeroBitCount
        let tail = InclusionProof.length(index: oldSize - 1, treeSize: newSize) - shift
        return oldSize >> shift == 1 ? tail : tail + 1
    }
}
