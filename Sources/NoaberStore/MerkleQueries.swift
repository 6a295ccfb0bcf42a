package import NoaberCore
package import NoaberCrypto
import NoaberTransparency

/// The latest signed checkpoint as stored.
package struct StoredCheckpoint: Sendable, Equatable {
    package var treeSize: UInt64
    package var root: SHA256Digest
    /// The signed note, verbatim.
    package var note: String
    package var signedAt: Timestamp

    package init(treeSize: UInt64, root: SHA256Digest, note: String, signedAt: Timestamp) {
        self.treeSize = treeSize
        self.root = root
        self.note = note
        self.signedAt = signedAt
    }
}

/// Reads of the Merkle tree: every proof and root is built from stored complete-subtree nodes,
/// inside one snapshot, so it matches the tree as it was at one moment.
extension Connection {
    /// The number of leaves the stored tree holds: one more than the last leaf's index. The leaf
    /// is among the last few rows (an entry completes at most one node per level after it).
    package func treeSize() throws(StoreError) -> UInt64 {
        let rows = try statement("SELECT pos >> 6 FROM merkle_nodes WHERE level = 0 ORDER BY pos DESC LIMIT 1").rows {
            $0.int64(0)
        }
        return rows.first.map { UInt64(max($0 + 1, 0)) } ?? 0
    }

    /// The hash of the complete subtree at `level` holding leaves [index·2^level, (index+1)·2^level).
    package func merkleNode(level: Int, index: UInt64) throws(StoreError) -> SHA256Digest {
        guard let pos = MerklePosition.of(level: level, index: index) else {
            throw .corruptRow("Merkle node index \(index) is out of range")
        }
        let rows = try statement("SELECT hash FROM merkle_nodes WHERE pos = ? AND level = ? AND idx = ?")
            .rows([.integer(pos), .integer(Int64(level)), .integer(Int64(index))]) { $0.blob(0) }
        guard let bytes = rows.first else { throw .corruptRow("Merkle node (\(level), \(index)) is missing") }
        guard let hash = SHA256Digest(bytes: bytes) else {
            throw .corruptRow("Merkle node (\(level), \(index)) is malformed")
        }
        return hash
    }

    package func latestCheckpoint() throws(StoreError) -> StoredCheckpoint? {
        try statement("SELECT tree_size, root, note, signed_at FROM checkpoint WHERE singleton = 1").rows([]) {
            row throws(StoreError) -> StoredCheckpoint in
            guard row.int64(0) >= 1, let root = SHA256Digest(bytes: row.blob(1)),
                let time = Timestamp(rfc3339: row.text(3))
            else {
                throw .corruptRow("the checkpoint row is malformed")
            }
            return StoredCheckpoint(treeSize: UInt64(row.int64(0)), root: root, note: row.text(2), signedAt: time)
        }.first
    }

    /// The root of the first `size` leaves.
    package func merkleRoot(size: UInt64) throws(StoreError) -> SHA256Digest {
        try snapshot { () throws(StoreError) in
            try requireTree(size)
            return try storeErrors {
                try Merkle.root(size: size) { level, index in try merkleNode(level: level, index: index) }
            }
        }
    }

    /// The inclusion proof of leaf `index` in the tree of `treeSize` leaves.
    package func inclusionProof(index: UInt64, treeSize: UInt64) throws(StoreError) -> [SHA256Digest] {
        try snapshot { () throws(StoreError) in
            try requireTree(treeSize)
            return try storeErrors {
                try InclusionProof.make(index: index, treeSize: treeSize) { level, i in
                    try merkleNode(level: level, index: i)
                }
            }
        }
    }

    /// The proof that the tree of `newSize` leaves extends the tree of `oldSize`.
    package func consistencyProof(oldSize: UInt64, newSize: UInt64) throws(StoreError) -> [SHA256Digest] {
        try snapshot { () throws(StoreError) in
            try requireTree(newSize)
            return try storeErrors {
                try ConsistencyProof.make(oldSize: oldSize, newSize: newSize) { level, i in
                    try merkleNode(level: level, index: i)
                }
            }
        }
    }

    private func requireTree(_ size: UInt64) throws(StoreError) {
        let stored = try treeSize()
        guard size <= stored else { throw .outOfRange("the tree holds \(stored) entries, not \(size)") }
    }

    /// Node reads throw `StoreError`; the proof code's own argument checks throw `MerkleError`.
    private func storeErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch let error as StoreError { throw error } catch {
            throw .outOfRange("\(error)")
        }
    }
}

/// A node's key in `merkle_nodes` (FORMAT.md §6, schema version 13): `last` · 64 + `level`, where
/// `last` = (idx + 1)·2^level − 1 is the index of the subtree's last leaf. The nodes an entry
/// completes share its leaf's `last`, so a group commit appends its nodes together at the end.
package enum MerklePosition {
    /// The key of node (`level`, `index`); nil past the 2^56 leaves the table's CHECK allows.
    package static func of(level: Int, index: UInt64) -> Int64? {
        guard (0...56).contains(level), index < UInt64(1) << UInt64(56 - level) else { return nil }
        return Int64(bitPattern: (((index + 1) << UInt64(level)) - 1) << 6 | UInt64(level))
    }

    /// The smallest key of the nodes leaf `leaf` completes (its own, at level 0).
    package static func first(completedBy leaf: Int64) -> Int64 { leaf << 6 }
}
