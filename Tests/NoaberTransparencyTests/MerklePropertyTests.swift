import NoaberCrypto
import NoaberTestSupport
import NoaberTransparency
import Testing

/// Properties of the store-based tree code against RFC 9162's recursive definitions, over seeded
/// random trees: the edge sizes around powers of two, and random sizes up to 300 leaves.
@Suite("Merkle tree properties")
struct MerklePropertyTests {
    static let seed: UInt64 = 0x6E6F_6162_6572  // "noaber"

    /// Trees small enough to check every pair of sizes exhaustively.
    static let smallLimit: UInt64 = 40

    static let trees: [StoredMerkleTree] = {
        var rng = SplitMix64(seed: seed)
        let sizes =
            [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 256, 300]
            + (0..<10).map { _ in Int.random(in: 1...300, using: &rng) }
        return sizes.map { StoredMerkleTree(random: &rng, size: $0) }
    }()

    static var treeIndices: Range<Int> { trees.indices }

    /// Trees whose first tampering sample flips every one of the 256 bits of each hash, not just one.
    static let everyBitSizes: Set<UInt64> = [5, 33, 300]

    /// floor(log2 n) + 1 for n > 0: the number of levels a proof can touch.
    static func bitLength(_ n: UInt64) -> Int { UInt64.bitWidth - n.leadingZeroBitCount }

    @Test(arguments: treeIndices)
    func compactRangeGivesTheReferenceRootAtEverySize(tree: Int) throws {
        let tree = Self.trees[tree]
        #expect(tree.emissionProblems.isEmpty, "\(tree.emissionProblems)")
        // Every complete subtree, and nothing else, was emitted exactly once: 2n - popcount(n) nodes.
        #expect(tree.nodes.count == 2 * tree.leafHashes.count - tree.size.nonzeroBitCount)
        for size in 0...tree.size {
            let reference = Merkle.root(leafHashes: Array(tree.leafHashes[..<Int(size)]))
            #expect(tree.roots[Int(size)] == reference, "CompactRange.root at size \(size)")
            var reads = 0
            let stored = try Merkle.root(size: size) { level, index in
                reads += 1
                return try tree.node(level, index, size: size)
            }
            #expect(stored == reference, "Merkle.root(size:node:) at size \(size)")
            #expect(reads == size.nonzeroBitCount)
        }
        for (key, hash) in tree.nodes {
            let leaves = tree.leafHashes[Int(key.index << key.level)..<Int((key.index + 1) << key.level)]
            #expect(hash == Merkle.root(leafHashes: Array(leaves)), "node (\(key.level), \(key.index))")
        }
    }

    @Test(arguments: treeIndices)
    func restoredRangeContinuesLikeTheFreshOne(tree: Int) throws {
        let tree = Self.trees[tree]
        var rng = SplitMix64(seed: Self.seed ^ UInt64(tree.leafHashes.count))
        var restoreSizes = Set([0, tree.size, tree.size / 2])
        for _ in 0..<3 { restoreSizes.insert(UInt64.random(in: 0...tree.size, using: &rng)) }
        for restoreSize in restoreSizes.sorted() {
            var fresh = CompactRange()
            for leafHash in tree.leafHashes[..<Int(restoreSize)] { fresh.append(leafHash) }
            var reads = 0
            var restored = try CompactRange(size: restoreSize) { level, index in
                reads += 1
                return try tree.node(level, index, size: restoreSize)
            }
            #expect(reads == restoreSize.nonzeroBitCount)
            #expect(restored == fresh, "restored at size \(restoreSize)")
            #expect(restored.size == restoreSize)
            for size in restoreSize..<tree.size {
                let emitted = restored.append(tree.leafHashes[Int(size)])
                #expect(emitted == fresh.append(tree.leafHashes[Int(size)]))
                #expect(
                    restored.root == tree.roots[Int(size) + 1],
                    "restored at \(restoreSize), then appended to \(size + 1)")
            }
            #expect(restored == fresh)
        }
    }

    /// Every leaf against the size just after it and the full size, a random size in between, and
    /// for small trees every size.
    static func inclusionCases(_ tree: StoredMerkleTree, _ rng: inout SplitMix64) -> [(index: UInt64, size: UInt64)] {
        var cases: [(index: UInt64, size: UInt64)] = []
        for index in 0..<tree.size {
            if tree.size <= smallLimit {
                cases += (index + 1...tree.size).map { (index, $0) }
            } else {
                let sizes = Set([index + 1, tree.size, UInt64.random(in: index + 1...tree.size, using: &rng)])
                cases += sizes.sorted().map { (index, $0) }
            }
        }
        return cases
    }

    @Test(arguments: treeIndices)
    func inclusionProofsFromStoredNodesVerify(tree: Int) throws {
        let tree = Self.trees[tree]
        var rng = SplitMix64(seed: Self.seed &+ UInt64(tree.leafHashes.count))
        let cases = Self.inclusionCases(tree, &rng)
        for (position, (index, size)) in cases.enumerated() {
            var reads = 0
            let proof = try InclusionProof.make(index: index, treeSize: size) { level, nodeIndex in
                reads += 1
                return try tree.node(level, nodeIndex, size: size)
            }
            #expect(reads <= 2 * Self.bitLength(size), "O(log n) reads for leaf \(index) of \(size)")
            let leafHash = tree.leafHashes[Int(index)]
            #expect(throws: Never.self, "leaf \(index) of \(size)") {
                try InclusionProof.verify(
                    leafHash: leafHash, index: index, treeSize: size, proof: proof, root: tree.roots[Int(size)])
            }
            // Compare with the RFC's definition on small trees, and on a sample of the rest.
            if size <= Self.smallLimit || position % 37 == 0 {
                #expect(
                    proof == ReferenceMerkle.inclusionProof(Int(index), Array(tree.leafHashes[..<Int(size)])),
                    "leaf \(index) of \(size)")
            }
        }
    }

    /// Every old size against itself, the next size, the full size and a random size in between,
    /// and for small trees every pair.
    static func consistencyCases(_ tree: StoredMerkleTree, _ rng: inout SplitMix64) -> [(old: UInt64, new: UInt64)] {
        var cases: [(old: UInt64, new: UInt64)] = []
        for old in 1...tree.size {
            if tree.size <= smallLimit {
                cases += (old...tree.size).map { (old, $0) }
            } else {
                let sizes = Set([
                    old, min(old + 1, tree.size), tree.size, UInt64.random(in: old...tree.size, using: &rng),
                ])
                cases += sizes.sorted().map { (old, $0) }
            }
        }
        return cases
    }

    @Test(arguments: treeIndices)
    func consistencyProofsFromStoredNodesVerify(tree: Int) throws {
        let tree = Self.trees[tree]
        var rng = SplitMix64(seed: Self.seed &- UInt64(tree.leafHashes.count))
        let cases = Self.consistencyCases(tree, &rng)
        for (position, (old, new)) in cases.enumerated() {
            var reads = 0
            let proof = try ConsistencyProof.make(oldSize: old, newSize: new) { level, index in
                reads += 1
                return try tree.node(level, index, size: new)
            }
            let levels = Self.bitLength(new)
            #expect(reads <= levels * levels, "O(log² n) reads from \(old) to \(new)")
            #expect(old != new || proof.isEmpty)
            #expect(throws: Never.self, "from \(old) to \(new)") {
                try ConsistencyProof.verify(
                    oldSize: old, newSize: new, oldRoot: tree.roots[Int(old)], newRoot: tree.roots[Int(new)],
                    proof: proof)
            }
            if new <= Self.smallLimit || position % 37 == 0 {
                #expect(
                    proof == ReferenceMerkle.consistencyProof(Int(old), Array(tree.leafHashes[..<Int(new)])),
                    "from \(old) to \(new)")
            }
        }
    }

    /// Flipping any one bit of the proof, the root, the leaf hash or the index makes verification fail.
    /// A tree size one larger or smaller fails too unless the path there has the very same shape, in
    /// which case the proof really does hold: RFC 9162 proofs commit to the path, not to the size.
    @Test(arguments: treeIndices)
    func tamperedInclusionProofsFail(tree: Int) throws {
        let tree = Self.trees[tree]
        var rng = SplitMix64(seed: Self.seed ^ 0xABCD ^ UInt64(tree.leafHashes.count))
        for sample in 0..<8 {
            let index = UInt64.random(in: 0..<tree.size, using: &rng)
            let size = UInt64.random(in: index + 1...tree.size, using: &rng)
            let proof = try InclusionProof.make(index: index, treeSize: size) { try tree.node($0, $1, size: size) }
            let claim = InclusionClaim(
                leafHash: tree.leafHashes[Int(index)], index: index, treeSize: size, proof: proof,
                root: tree.roots[Int(size)])
            let about: Comment = "leaf \(index) of \(size)"
            #expect(!claim.isRejected, about)
            // One random bit of each hash; every bit for the first sample of a few trees.
            let bits =
                sample == 0 && Self.everyBitSizes.contains(tree.size)
                ? Array(0..<256) : [Int.random(in: 0..<256, using: &rng)]
            claim.expectEveryBitMatters(bits, hashes: [("root", \.root), ("leaf hash", \.leafHash)], about)
            for bit in 0..<64 {
                #expect(claim.with { $0.index ^= 1 << bit }.isRejected, "index bit \(bit), \(about)")
            }
            for otherSize in [size - 1, size + 1] {
                let resized = claim.with { $0.treeSize = otherSize }
                #expect(resized.isRejected == !resized.holdsByDefinition, "size \(otherSize), \(about)")
            }
            #expect(claim.with { $0.proof.append($0.root) }.isRejected, about)
            #expect(claim.with { $0.proof.insert($0.leafHash, at: 0) }.isRejected, about)
            if !proof.isEmpty {
                #expect(claim.with { $0.proof.removeLast() }.isRejected, about)
            }
            if proof.count > 1 {
                #expect(claim.with { $0.proof.swapAt(0, 1) }.isRejected, about)
            }
        }
    }

    /// As for inclusion: every bit of the proof and of both roots matters, and sizes one off fail
    /// unless the proof's shape there is the same.
    @Test(arguments: treeIndices)
    func tamperedConsistencyProofsFail(tree: Int) throws {
        let tree = Self.trees[tree]
        var rng = SplitMix64(seed: Self.seed ^ 0xDCBA ^ UInt64(tree.leafHashes.count))
        for sample in 0..<8 {
            let old = UInt64.random(in: 1...tree.size, using: &rng)
            let new = UInt64.random(in: old...tree.size, using: &rng)
            let proof = try ConsistencyProof.make(oldSize: old, newSize: new) { try tree.node($0, $1, size: new) }
            let claim = ConsistencyClaim(
                oldSize: old, newSize: new, oldRoot: tree.roots[Int(old)], newRoot: tree.roots[Int(new)], proof: proof)
            let about: Comment = "from \(old) to \(new)"
            #expect(!claim.isRejected, about)
            let bits =
                sample == 0 && Self.everyBitSizes.contains(tree.size)
                ? Array(0..<256) : [Int.random(in: 0..<256, using: &rng)]
            claim.expectEveryBitMatters(bits, hashes: [("old root", \.oldRoot), ("new root", \.newRoot)], about)
            for (otherOld, otherNew) in [(old - 1, new), (old + 1, new), (old, new - 1), (old, new + 1)] {
                let resized = claim.with {
                    $0.oldSize = otherOld
                    $0.newSize = otherNew
                }
                #expect(resized.isRejected == !resized.holdsByDefinition, "sizes \(otherOld), \(otherNew) \(about)")
            }
            #expect(claim.with { $0.proof.append($0.newRoot) }.isRejected, about)
            if old != new {
                #expect(claim.with { swap(&$0.oldRoot, &$0.newRoot) }.isRejected, "swapped roots, \(about)")
                #expect(claim.with { $0.proof.removeLast() }.isRejected, about)
            }
        }
    }
}
