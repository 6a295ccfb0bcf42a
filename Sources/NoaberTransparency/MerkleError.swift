/// Why a Merkle proof was refused or could not be made.
///
/// Verifiers throw one case per distinct failure so that a client can tell a caller's mistake
/// (sizes out of order, an index past the end) from evidence that the log misbehaved (a root that
/// does not match), and say which in its message.
package enum MerkleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The leaf index is at or beyond the tree size, so the tree has no such leaf.
    case indexOutOfRange(index: UInt64, treeSize: UInt64)
    /// The proof has another number of hashes than the tree sizes call for.
    case wrongProofLength(expected: Int, actual: Int)
    /// The inclusion proof and leaf hash lead to another root than the one given.
    case rootMismatch
    /// The consistency proof does not lead to the given root of the old tree.
    case oldRootMismatch
    /// The consistency proof does not lead from the old root to the given root of the new tree.
    case newRootMismatch
    /// Two trees of the same size have different roots, so they cannot both be this log.
    case rootsDifferAtSameSize(size: UInt64)
    /// The old tree is larger than the new one.
    case sizesOutOfOrder(oldSize: UInt64, newSize: UInt64)
    /// A consistency proof from the empty tree: every tree extends it, so such a proof proves nothing.
    case emptyOldTree

    /// A sentence a person can act on.
    package var description: String {
        switch self {
        case .indexOutOfRange(let index, let treeSize):
            "leaf index \(index) is out of range for a tree of \(treeSize) leaves"
        case .wrongProofLength(let expected, let actual):
            "the proof has \(actual) hashes where the tree sizes call for \(expected)"
        case .rootMismatch:
            "the inclusion proof does not lead to the given root"
        case .oldRootMismatch:
            "the consistency proof does not lead to the given old root"
        case .newRootMismatch:
            "the consistency proof does not lead to the given new root"
        case .rootsDifferAtSameSize(let size):
            "two trees of \(size) leaves have different roots"
        case .sizesOutOfOrder(let oldSize, let newSize):
            "the old tree size \(oldSize) is larger than the new tree size \(newSize)"
        case .emptyOldTree:
            "a consistency proof from the empty tree proves nothing; the old tree size must be at least 1"
        }
    }
}
