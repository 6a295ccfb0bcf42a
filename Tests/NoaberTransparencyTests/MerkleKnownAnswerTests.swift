import NoaberCrypto
import NoaberTransparency
import Testing

/// Fixed answers and edge cases: the hashing rules, the RFC 6962 test tree, argument errors, and
/// sizes near 2^64 where a careless shift or sum would overflow.
@Suite("Merkle known answers and edge cases")
struct MerkleKnownAnswerTests {
    /// The eight leaves of RFC 6962's test tree, as Certificate Transparency's test suites use them.
    static let rfc6962Leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        Array(0x50...0x57), Array(0x60...0x6F),
    ]

    /// The roots of the first 1…8 of those leaves, from the same test suites and recomputed with
    /// Python's hashlib; the vectors' happy paths carry sizes 1, 2, 3, 5, 6, 7 and 8 of them.
    static let rfc6962Roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func hashingIsDomainSeparated() throws {
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Merkle.root(leafHashes: []) == Merkle.emptyRoot)
        #expect(Merkle.leafHash([]) == SHA256.hash([0x00]))
        #expect(Merkle.leafHash([]).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let data = Array("entry".utf8)
        #expect(Merkle.leafHash(data) == SHA256.hash([0x00] + data))
        let left = SHA256.hash("left")
        let right = SHA256.hash("right")
        #expect(Merkle.nodeHash(left, right) == SHA256.hash([0x01] + left.bytes + right.bytes))
        #expect(Merkle.nodeHash(left, right) != Merkle.nodeHash(right, left))
        // A node's children, hashed as a leaf, give another hash: no second preimages across levels.
        #expect(Merkle.leafHash(left.bytes + right.bytes) != Merkle.nodeHash(left, right))
    }

    @Test func rfc6962TestTree() throws {
        let leafHashes = Self.rfc6962Leaves.map(Merkle.leafHash)
        let tree = StoredMerkleTree(leafHashes: leafHashes)
        #expect(tree.roots[0] == Merkle.emptyRoot)
        for size in 1...8 {
            let expected = Self.rfc6962Roots[size - 1]
            #expect(Merkle.root(leafHashes: Array(leafHashes[..<size])).hex == expected, "size \(size)")
            #expect(tree.roots[size].hex == expected, "CompactRange at size \(size)")
            #expect(try Merkle.root(size: UInt64(size)) { try tree.node($0, $1, size: UInt64(size)) }.hex == expected)
        }
        // All 15 complete subtrees of the 8-leaf tree, each once.
        #expect(tree.nodes.count == 15)
        #expect(tree.emissionProblems.isEmpty)
        var range = CompactRange()
        for leafHash in leafHashes[..<3] { range.append(leafHash) }
        let emitted = range.append(leafHashes[3])
        #expect(emitted.map(\.level) == [0, 1, 2])
        #expect(emitted.map(\.index) == [3, 1, 0])
        #expect(emitted.last?.hash.hex == Self.rfc6962Roots[3])
    }

    @Test func makeRefusesBadArguments() throws {
        let tree = StoredMerkleTree(leafHashes: Self.rfc6962Leaves.map(Merkle.leafHash))
        func node(_ level: Int, _ index: UInt64) throws -> SHA256Digest { try tree.node(level, index, size: 8) }
        #expect(throws: MerkleError.indexOutOfRange(index: 8, treeSize: 8)) {
            try InclusionProof.make(index: 8, treeSize: 8, node: node)
        }
        #expect(throws: MerkleError.indexOutOfRange(index: 0, treeSize: 0)) {
            try InclusionProof.make(index: 0, treeSize: 0, node: node)
        }
        #expect(throws: MerkleError.indexOutOfRange(index: .max, treeSize: 8)) {
            try InclusionProof.make(index: .max, treeSize: 8, node: node)
        }
        #expect(throws: MerkleError.sizesOutOfOrder(oldSize: 5, newSize: 4)) {
            try ConsistencyProof.make(oldSize: 5, newSize: 4, node: node)
        }
        #expect(throws: MerkleError.emptyOldTree) { try ConsistencyProof.make(oldSize: 0, newSize: 8, node: node) }
        #expect(throws: MerkleError.emptyOldTree) { try ConsistencyProof.make(oldSize: 0, newSize: 0, node: node) }
        #expect(try ConsistencyProof.make(oldSize: 8, newSize: 8, node: node).isEmpty)
        #expect(try InclusionProof.make(index: 0, treeSize: 1, node: node).isEmpty)
        // What the store throws comes through unchanged.
        #expect(throws: MissingMerkleNode.self) { try InclusionProof.make(index: 0, treeSize: 9, node: node) }
    }

    @Test func verifiersSayWhatIsWrong() throws {
        let leafHashes = Self.rfc6962Leaves.map(Merkle.leafHash)
        let tree = StoredMerkleTree(leafHashes: leafHashes)
        let root5 = tree.roots[5]
        let root8 = tree.roots[8]
        let inclusion = try InclusionProof.make(index: 2, treeSize: 8) { try tree.node($0, $1, size: 8) }
        func verifyInclusion(
            index: UInt64 = 2, treeSize: UInt64 = 8, proof: [SHA256Digest]? = nil, root: SHA256Digest? = nil
        ) throws(MerkleError) {
            try InclusionProof.verify(
                leafHash: leafHashes[2], index: index, treeSize: treeSize, proof: proof ?? inclusion,
                root: root ?? root8)
        }
        try verifyInclusion()
        #expect(throws: MerkleError.indexOutOfRange(index: 8, treeSize: 8)) { try verifyInclusion(index: 8) }
        #expect(throws: MerkleError.indexOutOfRange(index: .max, treeSize: .max)) {
            try verifyInclusion(index: .max, treeSize: .max)
        }
        #expect(throws: MerkleError.wrongProofLength(expected: 3, actual: 4)) {
            try verifyInclusion(proof: inclusion + [root8])
        }
        #expect(throws: MerkleError.wrongProofLength(expected: 3, actual: 0)) { try verifyInclusion(proof: []) }
        #expect(throws: MerkleError.rootMismatch) { try verifyInclusion(root: root5) }

        let consistency = try ConsistencyProof.make(oldSize: 5, newSize: 8) { try tree.node($0, $1, size: 8) }
        #expect(consistency.count == 4)
        func verifyConsistency(
            oldSize: UInt64 = 5, newSize: UInt64 = 8, oldRoot: SHA256Digest? = nil, newRoot: SHA256Digest? = nil,
            proof: [SHA256Digest]? = nil
        ) throws(MerkleError) {
            try ConsistencyProof.verify(
                oldSize: oldSize, newSize: newSize, oldRoot: oldRoot ?? root5, newRoot: newRoot ?? root8,
                proof: proof ?? consistency)
        }
        try verifyConsistency()
        try verifyConsistency(oldSize: 5, newSize: 5, newRoot: root5, proof: [])
        #expect(throws: MerkleError.sizesOutOfOrder(oldSize: 8, newSize: 5)) {
            try verifyConsistency(oldSize: 8, newSize: 5)
        }
        #expect(throws: MerkleError.emptyOldTree) {
            try verifyConsistency(oldSize: 0, oldRoot: Merkle.emptyRoot, proof: [])
        }
        #expect(throws: MerkleError.emptyOldTree) {
            try verifyConsistency(
                oldSize: 0, newSize: 0, oldRoot: Merkle.emptyRoot, newRoot: Merkle.emptyRoot, proof: [])
        }
        #expect(throws: MerkleError.wrongProofLength(expected: 0, actual: 4)) {
            try verifyConsistency(newSize: 5, newRoot: root5)
        }
        #expect(throws: MerkleError.rootsDifferAtSameSize(size: 5)) { try verifyConsistency(newSize: 5, proof: []) }
        #expect(throws: MerkleError.wrongProofLength(expected: 4, actual: 0)) { try verifyConsistency(proof: []) }
        #expect(throws: MerkleError.wrongProofLength(expected: 4, actual: 3)) {
            try verifyConsistency(proof: Array(consistency.dropFirst()))
        }
        #expect(throws: MerkleError.oldRootMismatch) { try verifyConsistency(oldRoot: tree.roots[4]) }
        #expect(throws: MerkleError.newRootMismatch) { try verifyConsistency(newRoot: tree.roots[7]) }
    }

    /// RFC 9162 inclusion proofs bind the leaf's path, not the tree size: leaf 0 sits on the same
    /// path in trees of 3 and 4 leaves, so the proof for the one also verifies at the other. This is
    /// why a verifier must take the size from a signed checkpoint along with the root.
    @Test func aProofCanHoldAtANeighbouringSize() throws {
        let tree = StoredMerkleTree(leafHashes: Self.rfc6962Leaves.map(Merkle.leafHash))
        let proof = try InclusionProof.make(index: 0, treeSize: 4) { try tree.node($0, $1, size: 4) }
        try InclusionProof.verify(
            leafHash: tree.leafHashes[0], index: 0, treeSize: 3, proof: proof, root: tree.roots[4])
        // Likewise a consistency proof from 2 to 4 reads as one from 2 to 3.
        let consistency = try ConsistencyProof.make(oldSize: 2, newSize: 4) { try tree.node($0, $1, size: 4) }
        try ConsistencyProof.verify(
            oldSize: 2, newSize: 3, oldRoot: tree.roots[2], newRoot: tree.roots[4], proof: consistency)
    }

    @Test func errorsReadAsSentences() {
        let errors: [MerkleError] = [
            .indexOutOfRange(index: 9, treeSize: 8), .wrongProofLength(expected: 3, actual: 4), .rootMismatch,
            .oldRootMismatch, .newRootMismatch, .rootsDifferAtSameSize(size: 5),
            .sizesOutOfOrder(oldSize: 8, newSize: 5),
            .emptyOldTree,
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(
            MerkleError.indexOutOfRange(index: 9, treeSize: 8).description
                == "leaf index 9 is out of range for a tree of 8 leaves")
        #expect(MerkleError.wrongProofLength(expected: 3, actual: 4).description.contains("4 hashes"))
    }

    /// A tree in which every leaf hash is the same has a node hash per level that costs one table
    /// lookup, so roots and proofs near 2^64 leaves can be checked without building the tree.
    struct UniformTree {
        let levels: [SHA256Digest]

        init(leafHash: SHA256Digest) {
            var levels = [leafHash]
            while levels.count < 64 { levels.append(Merkle.nodeHash(levels.last!, levels.last!)) }
            self.levels = levels
        }

        func node(_ level: Int, _ index: UInt64) -> SHA256Digest { levels[level] }
    }

    @Test func sizesNearTwoToTheSixtyFour() throws {
        let uniform = UniformTree(leafHash: Merkle.leafHash([0x2A]))
        for size: UInt64 in [.max, .max - 1, 1 << 63, (1 << 63) + 1, (1 << 63) - 1] {
            let root = Merkle.root(size: size, node: uniform.node)
            var range = CompactRange(size: size, node: uniform.node)
            #expect(range.root == root)
            #expect(range.size == size)
            for index in [0, 1, size / 2, size - 2, size - 1] {
                let proof = try InclusionProof.make(index: index, treeSize: size, node: uniform.node)
                try InclusionProof.verify(
                    leafHash: uniform.levels[0], index: index, treeSize: size, proof: proof, root: root)
            }
            for old in [1, 2, 3, size / 2, size - 1, size] {
                let proof = try ConsistencyProof.make(oldSize: old, newSize: size, node: uniform.node)
                let oldRoot = Merkle.root(size: old, node: uniform.node)
                try ConsistencyProof.verify(oldSize: old, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof)
            }
            if size < .max {
                let emitted = range.append(uniform.levels[0])
                #expect(emitted.count == (size & ~(size + 1)).nonzeroBitCount + 1)
                #expect(range.root == Merkle.root(size: size + 1, node: uniform.node))
            }
        }
        #expect(throws: MerkleError.indexOutOfRange(index: .max, treeSize: .max)) {
            try InclusionProof.make(index: .max, treeSize: .max, node: uniform.node)
        }
    }
}
