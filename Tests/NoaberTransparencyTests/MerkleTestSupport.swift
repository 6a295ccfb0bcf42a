import NoaberCrypto
import NoaberTestSupport
import NoaberTransparency
import Testing

/// A store asked for a node it must not have: not emitted by `CompactRange`, or not yet complete
/// at the tree size the proof is for.
struct MissingMerkleNode: Error, CustomStringConvertible {
    let level: Int
    let index: UInt64
    let size: UInt64

    var description: String { "no complete node (\(level), \(index)) in a tree of \(size) leaves" }
}

/// A tree grown leaf by leaf through `CompactRange`, keeping every node it emitted, as the store
/// will; and the roots the range reported at every size.
struct StoredMerkleTree: Sendable {
    struct Key: Hashable, Sendable {
        let level: Int
        let index: UInt64
    }

    let leafHashes: [SHA256Digest]
    /// `roots[s]` is `CompactRange.root` after `s` appends.
    let roots: [SHA256Digest]
    let nodes: [Key: SHA256Digest]
    /// Nodes emitted twice, or out of the documented order; empty when `CompactRange` behaves.
    let emissionProblems: [String]

    init(leafHashes: [SHA256Digest]) {
        self.leafHashes = leafHashes
        var range = CompactRange()
        var roots = [range.root]
        var nodes: [Key: SHA256Digest] = [:]
        var problems: [String] = []
        for (position, leafHash) in leafHashes.enumerated() {
            let emitted = range.append(leafHash)
            if emitted.first != MerkleNode(level: 0, index: UInt64(position), hash: leafHash) {
                problems.append("append \(position) did not emit its leaf first")
            }
            for (parent, child) in zip(emitted.dropFirst(), emitted)
            where parent.level != child.level + 1 || parent.index != child.index / 2 {
                problems.append(
                    "append \(position) emitted (\(parent.level), \(parent.index)) after (\(child.level), \(child.index))"
                )
            }
            for node in emitted
            where nodes.updateValue(node.hash, forKey: Key(level: node.level, index: node.index)) != nil {
                problems.append("node (\(node.level), \(node.index)) emitted twice")
            }
            roots.append(range.root)
        }
        self.roots = roots
        self.nodes = nodes
        self.emissionProblems = problems
    }

    init(random rng: inout SplitMix64, size: Int) {
        self.init(
            leafHashes: (0..<size).map { _ in Merkle.leafHash(rng.bytes(count: Int.random(in: 0...48, using: &rng))) })
    }

    var size: UInt64 { UInt64(leafHashes.count) }

    /// The node as a store holding only the first `size` leaves has it; throws for anything else.
    func node(_ level: Int, _ index: UInt64, size: UInt64) throws(MissingMerkleNode) -> SHA256Digest {
        guard level >= 0, level < 32, (index + 1) << level <= size, let hash = nodes[Key(level: level, index: index)]
        else {
            throw MissingMerkleNode(level: level, index: index, size: size)
        }
        return hash
    }
}

/// RFC 9162's definitions computed straight from the leaf hashes, O(n) and recursive: the reference
/// the store-based code must match.
enum ReferenceMerkle {
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// PATH(m, D[n]) of RFC 9162 §2.1.3.1.
    static func inclusionProof(_ m: Int, _ leaves: [SHA256Digest]) -> [SHA256Digest] {
        let n = leaves.count
        guard n > 1 else { return [] }
        let k = split(n)
        if m < k {
            return inclusionProof(m, Array(leaves[..<k])) + [Merkle.root(leafHashes: Array(leaves[k...]))]
        }
        return inclusionProof(m - k, Array(leaves[k...])) + [Merkle.root(leafHashes: Array(leaves[..<k]))]
    }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1.
    static func consistencyProof(_ m: Int, _ leaves: [SHA256Digest], _ b: Bool = true) -> [SHA256Digest] {
        let n = leaves.count
        if m == n {
            return b ? [] : [Merkle.root(leafHashes: leaves)]
        }
        let k = split(n)
        if m <= k {
            return consistencyProof(m, Array(leaves[..<k]), b) + [Merkle.root(leafHashes: Array(leaves[k...]))]
        }
        return consistencyProof(m - k, Array(leaves[k...]), false) + [Merkle.root(leafHashes: Array(leaves[..<k]))]
    }

    /// For each hash of PATH(m, D[n]), leaf upward: whether it is the right child.
    static func inclusionSides(_ m: UInt64, _ n: UInt64) -> [Bool] {
        guard n > 1 else { return [] }
        let k = UInt64(split(Int(n)))
        return m < k ? inclusionSides(m, k) + [true] : inclusionSides(m - k, n - k) + [false]
    }

    /// Accepts exactly when hashing the proof along PATH(m, D[n])'s shape gives the root: what any
    /// correct verifier must do, written from the proof's definition rather than RFC's verifier.
    static func verifyInclusion(
        leafHash: SHA256Digest, index: UInt64, treeSize: UInt64, proof: [SHA256Digest], root: SHA256Digest
    ) -> Bool {
        guard index < treeSize else { return false }
        let sides = inclusionSides(index, treeSize)
        guard sides.count == proof.count else { return false }
        var hash = leafHash
        for (isRight, sibling) in zip(sides, proof) {
            hash = isRight ? Merkle.nodeHash(hash, sibling) : Merkle.nodeHash(sibling, hash)
        }
        return hash == root
    }

    /// A root written in terms of the old root and the proof's hashes.
    indirect enum Formula {
        case oldRoot
        case proof(Int)
        case node(Formula, Formula)

        func evaluate(oldRoot: SHA256Digest, proof: [SHA256Digest]) -> SHA256Digest {
            switch self {
            case .oldRoot: oldRoot
            case .proof(let position): proof[position]
            case .node(let left, let right):
                Merkle.nodeHash(
                    left.evaluate(oldRoot: oldRoot, proof: proof), right.evaluate(oldRoot: oldRoot, proof: proof))
            }
        }
    }

    /// SUBPROOF(m, D[n], b)'s shape: how the old and the new root are made of its hashes.
    static func consistencyFormulas(
        _ m: UInt64, _ n: UInt64, _ b: Bool, count: inout Int
    ) -> (old: Formula, new: Formula) {
        if m == n {
            guard !b else { return (.oldRoot, .oldRoot) }
            count += 1
            return (.proof(count - 1), .proof(count - 1))
        }
        let k = UInt64(split(Int(n)))
        if m <= k {
            let (old, new) = consistencyFormulas(m, k, b, count: &count)
            count += 1
            return (old, .node(new, .proof(count - 1)))
        }
        let (old, new) = consistencyFormulas(m - k, n - k, false, count: &count)
        count += 1
        return (.node(.proof(count - 1), old), .node(.proof(count - 1), new))
    }

    /// Accepts exactly when PROOF(m, D[n])'s shape rebuilds both roots from the proof, with the
    /// conventions of transparency-dev/merkle for m = 0 and m = n.
    static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: SHA256Digest, newRoot: SHA256Digest, proof: [SHA256Digest]
    ) -> Bool {
        guard oldSize > 0, oldSize <= newSize else { return false }
        var count = 0
        let (old, new) = consistencyFormulas(oldSize, newSize, true, count: &count)
        guard count == proof.count else { return false }
        return old.evaluate(oldRoot: oldRoot, proof: proof) == oldRoot
            && new.evaluate(oldRoot: oldRoot, proof: proof) == newRoot
    }
}

/// Whether a verifier threw.
func merkleRejects(_ body: () throws(MerkleError) -> Void) -> Bool {
    do {
        try body()
        return false
    } catch {
        return true
    }
}

extension SHA256Digest {
    /// This digest with bit `bit` (0 = the first byte's low bit) flipped.
    func flippingBit(_ bit: Int) -> SHA256Digest {
        var bytes = self.bytes
        bytes[bit / 8] ^= 1 << (bit % 8)
        return SHA256Digest(bytes: bytes)!
    }
}

/// What a Merkle proof claims, so a test can change one part and ask the verifier again.
protocol ProofClaim {
    var proof: [SHA256Digest] { get set }
    var isRejected: Bool { get }
}

extension ProofClaim {
    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }

    /// Expects the verifier to reject the claim with any one of `bits` flipped in any hash of the
    /// proof or in any of `hashes` (named for the message).
    func expectEveryBitMatters(
        _ bits: [Int], hashes: [(String, WritableKeyPath<Self, SHA256Digest>)], _ about: Comment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for bit in bits {
            for position in proof.indices {
                #expect(
                    with { $0.proof[position] = $0.proof[position].flippingBit(bit) }.isRejected,
                    "proof[\(position)] bit \(bit), \(about)", sourceLocation: sourceLocation)
            }
            for (name, hash) in hashes {
                #expect(
                    with { $0[keyPath: hash] = $0[keyPath: hash].flippingBit(bit) }.isRejected,
                    "\(name) bit \(bit), \(about)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// Everything an inclusion proof claims.
struct InclusionClaim: ProofClaim {
    var leafHash: SHA256Digest
    var index: UInt64
    var treeSize: UInt64
    var proof: [SHA256Digest]
    var root: SHA256Digest

    var isRejected: Bool {
        merkleRejects { () throws(MerkleError) in
            try InclusionProof.verify(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof, root: root)
        }
    }

    /// Whether RFC 9162's definition says this claim holds.
    var holdsByDefinition: Bool {
        ReferenceMerkle.verifyInclusion(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof, root: root)
    }

}

/// Everything a consistency proof claims.
struct ConsistencyClaim: ProofClaim {
    var oldSize: UInt64
    var newSize: UInt64
    var oldRoot: SHA256Digest
    var newRoot: SHA256Digest
    var proof: [SHA256Digest]

    var isRejected: Bool {
        merkleRejects { () throws(MerkleError) in
            try ConsistencyProof.verify(
                oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
        }
    }

    /// Whether RFC 9162's definition says this claim holds.
    var holdsByDefinition: Bool {
        ReferenceMerkle.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
    }

}
