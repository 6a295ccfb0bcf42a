import NoaberCrypto
import NoaberTransparency

/// Offline proofs and the RFC 6962 proofs in them. A tlog-proof writes back to exactly its bytes;
/// one that verifies against the fixed log still does after that round trip and fails after any
/// one bit of a hash changes. The input also picks a tree, a leaf and an older size: the proofs
/// the builders make for them verify, and none with one bit changed, or given for another leaf or
/// size, does (the falsified proof immudb's CVE-2022-36111 accepted).
enum ProofChecks {
    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        try checkParsed(bytes)
        try checkBuilt(bytes)
    }

    private static func checkParsed(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let proof = try? TlogProof(parsing: bytes) else { return }
        try require(Array(proof.serialized.utf8) == bytes, "a tlog-proof does not write back to its bytes")
        guard verifies(proof) else { return }
        guard let again = try? TlogProof(parsing: Array(proof.serialized.utf8)), verifies(again) else {
            throw FuzzFinding("a verifying tlog-proof no longer verifies after a round trip")
        }
        for (number, hash) in proof.hashes.enumerated() {
            var changed = proof
            let bit = (number * 37 + bytes.count) % 256
            changed.hashes[number] = flip(hash, bit: bit)
            try require(!verifies(changed), "a tlog-proof still verifies with bit \(bit) of hash \(number + 1) changed")
        }
    }

    /// Whether `proof` proves the fixed log's leaf at its index under a checkpoint the log signed.
    private static func verifies(_ proof: TlogProof) -> Bool {
        let checkpoint = proof.checkpoint.checkpoint
        guard (try? proof.checkpoint.verify(origin: FixedLog.origin, by: [FixedLog.verifier])) != nil else {
            return false
        }
        return
            (try? InclusionProof.verify(
                leafHash: FixedLog.leafHash(proof.index), index: proof.index, treeSize: checkpoint.size,
                proof: proof.hashes, root: checkpoint.root)) != nil
    }

    static func flip(_ digest: SHA256Digest, bit: Int) -> SHA256Digest {
        var bytes = digest.bytes
        bytes[bit / 8] ^= 1 << (bit % 8)
        return SHA256Digest(bytes: bytes)!
    }

    /// The first bytes pick a size (1...300), an index, an older size and a bit; the rest are
    /// taken as a forged proof's hashes, 32 bytes each.
    private static func checkBuilt(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard bytes.count >= 6 else { return }
        let size = 1 + (UInt64(bytes[0]) | UInt64(bytes[1]) << 8) % FixedLog.maximumSize
        let index = UInt64(bytes[2]) % size
        let oldSize = 1 + UInt64(bytes[3]) % size
        let bit = Int(bytes[4]) | Int(bytes[5]) << 8
        let node = FixedLog.node
        let root = FixedLog.root(size)
        let leaf = FixedLog.leafHash(index)
        guard let inclusion = try? InclusionProof.make(index: index, treeSize: size, node: node),
            let consistency = try? ConsistencyProof.make(oldSize: oldSize, newSize: size, node: node)
        else { throw FuzzFinding("no proof for leaf \(index) of \(size), or from \(oldSize)") }
        func includes(_ proof: [SHA256Digest], at index: UInt64, _ leaf: SHA256Digest) -> Bool {
            (try? InclusionProof.verify(leafHash: leaf, index: index, treeSize: size, proof: proof, root: root)) != nil
        }
        let oldRoot = FixedLog.root(oldSize)
        func consistent(_ proof: [SHA256Digest], from old: UInt64, _ oldRoot: SHA256Digest) -> Bool {
            (try? ConsistencyProof.verify(oldSize: old, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof))
                != nil
        }
        try require(includes(inclusion, at: index, leaf), "the inclusion proof of leaf \(index) of \(size) fails")
        try require(
            consistent(consistency, from: oldSize, oldRoot), "the consistency proof \(oldSize) to \(size) fails")
        if !inclusion.isEmpty {
            var changed = inclusion
            changed[bit / 256 % inclusion.count] = flip(changed[bit / 256 % inclusion.count], bit: bit % 256)
            try require(!includes(changed, at: index, leaf), "an inclusion proof with one bit changed verifies")
        }
        try require(!includes(inclusion, at: index, flip(leaf, bit: bit % 256)), "a changed leaf is proven included")
        let other = (index + 1 + UInt64(bytes[4])) % size
        if other != index {
            try require(!includes(inclusion, at: other, leaf), "leaf \(index)'s proof verifies at index \(other)")
        }
        if !consistency.isEmpty {
            var changed = consistency
            changed[bit / 256 % consistency.count] = flip(changed[bit / 256 % consistency.count], bit: bit % 256)
            try require(
                !consistent(changed, from: oldSize, oldRoot), "a consistency proof with one bit changed verifies")
        }
        try require(
            oldSize == size || !consistent(consistency, from: oldSize, flip(oldRoot, bit: bit % 256)),
            "a consistency proof verifies from a changed old root")
        let forged = stride(from: 6, to: bytes.count - 31, by: 32).map {
            SHA256Digest(bytes: Array(bytes[$0..<$0 + 32]))!
        }
        if forged != inclusion {
            try require(!includes(forged, at: index, leaf), "a forged inclusion proof verifies")
        }
        if forged != consistency {
            try require(!consistent(forged, from: oldSize, oldRoot), "a forged consistency proof verifies")
        }
    }
}
