import Foundation
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import NoaberTransparency
import Testing

/// Schema version 13 (Benchmarks/README.md, "The submit path, sixth round"): `merkle_nodes` keyed by
/// `pos`, the node's last leaf · 64 + its level, so that a group commit's new nodes are appended
/// together instead of at the end of every level.
@Suite("Version 13: the Merkle nodes keyed by their last leaf")
struct MerkleNodeKeyTests {
    /// Every root, inclusion proof and page of stored nodes the daemon serves from the table.
    struct Answers: Equatable {
        var roots: [SHA256Digest]
        var proofs: [[SHA256Digest]]
        var pages: [[StoredNode]]
    }

    static func answers(_ db: Connection, size: UInt64) throws -> Answers {
        var answers = Answers(roots: [], proofs: [], pages: [])
        for n in 1...size {
            answers.roots.append(try db.merkleRoot(size: n))
            answers.proofs.append(try db.inclusionProof(index: n / 2, treeSize: n))
        }
        for (from, through) in [(Int64(1), Int64(size)), (2, 9), (8, 8), (5, Int64(size))] {
            answers.pages.append(try db.treeNodes(completedFrom: from, through: through))
        }
        return answers
    }

    @Test(arguments: [3, 21])
    func aVersion12TreeMigratesAndServesTheSame(seed: Int) throws {
        let (f, _) = try CareDateStoreTests.randomLedger(seed: seed)
        let size = f.store.tree.size
        let expected = try Self.answers(f.store.connection, size: size)
        #expect(expected.pages[0].count == Int(Verifier.nodeCount(size: Int64(size))))
        try f.undoVersion13()
        #expect(try f.integer("SELECT COUNT(*) FROM pragma_table_info('merkle_nodes') WHERE name = 'pos'") == 0)
        let reopened = try LedgerStore(database: f.database)
        #expect(try reopened.schemaVersion == 13 && reopened.migratedFrom == 12)
        let db = reopened.connection
        #expect(reopened.tree.size == size && reopened.tree.root == f.store.tree.root)
        #expect(try Self.answers(db, size: size) == expected)
        #expect(
            try f.integer(
                "SELECT COUNT(*) FROM merkle_nodes WHERE pos != ((((idx + 1) << level) - 1) << 6) + level", on: db)
                == 0)
        #expect(try f.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'merkle_nodes_v13'", on: db) == 0)
        // Append-only still, and the next appends extend the migrated tree.
        #expect(throws: StoreError.self) { try db.execute("UPDATE merkle_nodes SET hash = zeroblob(32)") }
        #expect(throws: StoreError.self) { try db.execute("DELETE FROM merkle_nodes WHERE level = 0") }
        try reopened.append([try f.credit("vol:jan", hours: "1"), try f.credit("vol:piet", hours: "2")])
        #expect(try db.treeSize() == size + 2)
        #expect(try db.merkleRoot(size: size + 2) == reopened.tree.root)
        _ = try LedgerStore.verify(db)
    }

    @Test func aGroupsNodesAreTheLastRowsOfTheTable() throws {
        let f = try StoreFixture()
        try f.populate()
        let db = f.store.connection
        // Leaves 12 to 15 (entries 13 to 16) complete 4 + 2 + 1 + 1 + 1 nodes, the last of them
        // the root of all 16: the last rows of the table, in the order they were made.
        try f.store.append((0..<4).map { _ in try f.credit("vol:jan", hours: "1") })
        let last = try db.statement("SELECT level, idx FROM merkle_nodes ORDER BY rowid DESC LIMIT 9").rows {
            [$0.int64(0), $0.int64(1)]
        }
        #expect(
            last.reversed() == [[0, 12], [0, 13], [1, 6], [0, 14], [0, 15], [1, 7], [2, 3], [3, 1], [4, 0]])
        #expect(try db.treeSize() == 16)
    }

    @Test func aRowWhosePosIsNotItsPlaceIsRefused() throws {
        let f = try StoreFixture()
        try f.populate()
        let db = f.store.connection
        #expect(try f.integer("SELECT pos FROM merkle_nodes WHERE level = 2 AND idx = 1") == 7 << 6 | 2)
        try db.execute("DROP TRIGGER merkle_nodes_append_only_update")
        for change in ["pos = pos + 64", "level = 3", "idx = 0", "level = 57, pos = -1"] {
            let error = sqliteError { try db.execute("UPDATE merkle_nodes SET \(change) WHERE level = 2 AND idx = 1") }
            #expect(error?.code == 275, "\(change)")  // SQLITE_CONSTRAINT_CHECK
        }
        let error = sqliteError {
            try db.execute("INSERT INTO merkle_nodes (pos, level, idx, hash) VALUES (12 << 6, 0, 13, zeroblob(32))")
        }
        #expect(error?.code == 275)
        #expect(MerklePosition.of(level: 56, index: 1) == nil && MerklePosition.of(level: 57, index: 0) == nil)
        let top = try #require(MerklePosition.of(level: 0, index: (1 << 56) - 1))
        #expect(top >> 6 == (1 << 56) - 1 && top & 63 == 0)
        let node = try #require(MerklePosition.of(level: 3, index: 5))
        #expect(node == Int64(47 * 64 + 3))  // leaves 40 to 47
    }
}
