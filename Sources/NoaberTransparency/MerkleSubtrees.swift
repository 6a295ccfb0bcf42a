import NoaberCrypto

/// Arithmetic on the tree's shape that the root, the compact range and both proofs share.
extension Merkle {
    /// The largest power of two strictly below `n` (n >= 2): where RFC 6962 splits a tree of n leaves.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n >= 2, "a tree of fewer than two leaves has no split")
        return 1 << (UInt64.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    /// The MTH of leaves [start, start + count) from stored complete subtrees.
    ///
    /// `start` must be a multiple of a power of two at least `count`, as it is for every subtree the
    /// RFC's recursion produces; then the range is its maximal complete subtrees, one per set bit of
    /// `count`, largest first, and its MTH folds them from the right. Reads one node per set bit.
    static func rangeRoot(
        from start: UInt64, count: UInt64, node: (_ level: Int, _ index: UInt64) throws -> SHA256Digest
    ) rethrows -> SHA256Digest {
        precondition(count > 0, "an empty range has no subtree root")
        // Clearing the lowest set bit leaves the offset of that piece: the larger pieces lie before it.
        var remaining = count & (count - 1)
        var level = count.trailingZeroBitCount
        var result = try node(level, (start + remaining) >> level)
        while remaining != 0 {
            level = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            result = nodeHash(try node(level, (start + remaining) >> level), result)
        }
        return result
    }
}
