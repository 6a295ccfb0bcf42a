import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import NoaberTransparency
import Testing

/// The store keeps the Merkle tree beside the journal: same transaction, roots and proofs at any
/// size from stored nodes, and older ledgers filled in at start-up.
@Suite("Merkle tree in the store")
struct MerkleStoreTests {
    /// The reference root of the first `size` stored entries, rebuilt from their records.
    func referenceRoot(_ f: StoreFixture, size: Int64) throws -> SHA256Digest {
        Merkle.root(leafHashes: try f.store.connection.entries(from: 1, limit: Int(size)).map(\.entry.leafHash))
    }

    @Test func everyAppendExtendsTheStoredTree() throws {
        let f = try StoreFixture()
        try f.populate()
        #expect(f.store.tree.size == 12)
        #expect(try f.store.connection.treeSize() == 12)
        for size in Int64(1)...12 {
            #expect(try f.store.connection.merkleRoot(size: UInt64(size)) == referenceRoot(f, size: size))
        }
        #expect(f.store.tree.root == (try referenceRoot(f, size: 12)))
        // Every complete subtree of 12 leaves: 12 + 6 + 3 + 1.
        #expect(try f.integer("SELECT COUNT(*) FROM merkle_nodes") == 22)
    }

    @Test func aCheckpointIsWrittenWithItsEntriesOrNotAtAll() throws {
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries()) { size, root in "note for \(size) \(root.hex)\n" }
        let stored = try #require(try f.store.connection.latestCheckpoint())
        #expect(stored.treeSize == 7 && stored.root == f.store.tree.root && stored.note.hasPrefix("note for 7"))

        // A group that fails to commit leaves neither its entries, its nodes nor its checkpoint.
        let duplicate = try f.credit("vol:jan", hours: "1")
        #expect(throws: StoreError.self) {
            try f.store.append([duplicate, duplicate]) { size, _ in "note for \(size)\n" }
        }
        #expect(try f.store.connection.latestCheckpoint()?.treeSize == 7)
        #expect(try f.store.connection.treeSize() == 7)
        #expect(f.store.tree.size == 7, "the in-memory tree is unchanged too")
    }

    @Test func aLedgerFromBeforeTheTreeIsFilledInAtStartUp() throws {
        let f = try StoreFixture()
        try f.populate()
        let root = f.store.tree.root
        // Schema version 1 had no tree: remove it, as if the migration had just created the table.
        try f.store.connection.execute("DROP TRIGGER merkle_nodes_append_only_delete")
        try f.store.connection.execute("DELETE FROM merkle_nodes")
        let reopened = try LedgerStore(database: f.database)
        #expect(reopened.tree.size == 12 && reopened.tree.root == root)
        #expect(try f.integer("SELECT COUNT(*) FROM merkle_nodes") == 22)
    }

    @Test func aTreeThatContradictsTheJournalOrItsCheckpointIsRefused() throws {
        let f = try StoreFixture()
        try f.store.append(try f.openingEntries()) { size, root in "checkpoint \(size)\n" }
        try f.store.connection.execute("DROP TRIGGER merkle_nodes_append_only_update")
        // Seven leaves: the right edge is the subtrees of 4, 2 and 1 entries.
        try f.store.connection.execute("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 0")
        #expect {
            _ = try LedgerStore(database: f.database)
        } throws: { error in
            guard case StoreError.treeMismatch(let why) = error else { return false }
            return why.contains("the stored checkpoint's root at size 7")
        }

        let g = try StoreFixture()
        try g.populate()
        try g.store.connection.execute(
            "INSERT INTO merkle_nodes (pos, level, idx, hash) VALUES (12 << 6, 0, 12, zeroblob(32))")
        #expect(throws: StoreError.treeMismatch("it holds 13 leaves, but the journal only 12 entries")) {
            _ = try LedgerStore(database: g.database)
        }
    }

    /// Random ledgers of 1 to 300 entries, appended in random groups each with its checkpoint: every
    /// stored inclusion proof verifies against every later checkpoint's root, and every stored
    /// consistency proof between two checkpoints verifies.
    @Test(arguments: [1, 2, 7, 64, 131, 300])
    func storedProofsVerifyAgainstEveryLaterCheckpoint(entries: Int) throws {
        var random = SplitMix64(seed: UInt64(entries))
        let f = try StoreFixture()
        var batch = Array(try f.openingEntries().prefix(entries))
        var checkpoints: [(size: UInt64, root: SHA256Digest)] = []
        var written = 0
        func flush() throws {
            try f.store.append(batch) { size, root in
                checkpoints.append((size, root))
                return "checkpoint \(size)\n"
            }
            written += batch.count
            batch = []
        }
        try flush()
        while written + batch.count < entries {
            batch.append(try f.credit(random.next() % 2 == 0 ? "vol:jan" : "vol:piet", hours: "0.01"))
            if random.next() % 4 == 0 { try flush() }
        }
        if !batch.isEmpty { try flush() }
        #expect(f.store.tree.size == UInt64(entries))

        let db = f.store.connection
        let leaves = try db.entries(from: 1, limit: entries).map(\.entry.leafHash)
        for (size, root) in checkpoints {
            #expect(Merkle.root(leafHashes: Array(leaves.prefix(Int(size)))) == root)
            // All leaves for small trees; a sample of 40 for larger ones, to stay fast in debug builds.
            let indices = size <= 40 ? Array(0..<size) : (0..<40).map { _ in random.next() % size }
            for index in indices {
                let proof = try db.inclusionProof(index: index, treeSize: size)
                try InclusionProof.verify(
                    leafHash: leaves[Int(index)], index: index, treeSize: size, proof: proof, root: root)
            }
        }
        for (old, new) in zip(checkpoints, checkpoints.dropFirst()) {
            let proof = try db.consistencyProof(oldSize: old.size, newSize: new.size)
            try ConsistencyProof.verify(
                oldSize: old.size, newSize: new.size, oldRoot: old.root, newRoot: new.root, proof: proof)
        }
        #expect(throws: StoreError.self) { _ = try db.inclusionProof(index: 0, treeSize: UInt64(entries) + 1) }
    }
}
