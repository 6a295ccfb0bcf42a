import NoaberCrypto
import NoaberTransparency

/// A log the proof targets know the answers for: a fixed key (its seed is public, so never a
/// real one) and leaves `leaf 0`, `leaf 1`, ... The seed corpora hold checkpoints and proofs it
/// signed (Tests/Fixtures/fuzz), so that mutations start from notes that verify.
package enum FixedLog {
    static let origin = "fuzz.noaber.example/log"
    static let key = try! Ed25519PrivateKey(rawRepresentation: Array(0..<32))
    static let verifier = try! NoteVerifierKey(name: origin, publicKey: key.publicKey)

    static func leafHash(_ index: UInt64) -> SHA256Digest {
        Merkle.leafHash(Array("leaf \(index)".utf8))
    }

    /// The most leaves a proof target's tree has.
    static let maximumSize: UInt64 = 300

    /// The leaf hashes of the largest tree, computed once: a smaller tree is a prefix of it.
    private static let allLeaves = (0..<maximumSize).map(leafHash)

    /// Every complete subtree's hash of the largest tree, by level: `levels[l][i]` covers
    /// leaves i·2^l ..< (i+1)·2^l. Computed once, so that a proof costs lookups, not hashing.
    private static let levels: [[SHA256Digest]] = {
        var levels = [allLeaves]
        while levels.last!.count > 1 {
            let below = levels.last!
            levels.append(stride(from: 0, to: below.count - 1, by: 2).map { Merkle.nodeHash(below[$0], below[$0 + 1]) })
        }
        return levels
    }()

    /// The root of every size up to the largest, computed once.
    private static let roots = (0...maximumSize).map { root(size: $0) }

    /// The `node` function the proof builders take: complete subtrees only, as they ask for.
    static func node(_ level: Int, _ index: UInt64) -> SHA256Digest {
        levels[level][Int(index)]
    }

    /// The root of the tree of the first `size` leaves.
    static func root(_ size: UInt64) -> SHA256Digest { roots[Int(size)] }

    private static func root(size: UInt64) -> SHA256Digest {
        Merkle.root(size: size) { level, index in levels[level][Int(index)] }
    }
}

extension FixedLog {
    /// Seeds the fixed log signed, by target and file name: checkpoints, proofs for a few leaves
    /// and its verifier key. scripts/fuzz.sh writes them beside the committed corpora.
    package static func seeds() -> [(target: FuzzTarget, name: String, bytes: [UInt8])] {
        var seeds: [(FuzzTarget, String, [UInt8])] = [
            (.verifierKey, "fixed-log.vkey", Array(verifier.text.utf8)),
            (.packedPage, "three.packed", PackedPageChecks.seed()),
        ]
        for size: UInt64 in [1, 2, 7, 64, 100] {
            let checkpoint = Checkpoint(origin: origin, size: size, root: root(size))
            let signed = try! SignedCheckpoint.sign(checkpoint, with: key)
            seeds.append((.signedNote, "fixed-log-\(size).checkpoint", Array(signed.serialized.utf8)))
            for index in Set([0, size / 2, size - 1]) {
                let hashes = try! InclusionProof.make(index: index, treeSize: size, node: node)
                let proof = TlogProof(
                    extra: index == 0 ? [1, 2, 3] : nil, index: index, hashes: hashes, checkpoint: signed)
                seeds.append((.tlogProof, "fixed-log-\(size)-\(index).tlog-proof", Array(proof.serialized.utf8)))
            }
        }
        return seeds
    }
}
