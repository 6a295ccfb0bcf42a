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
    /// The number of leaves the stored tree holds.
    package func treeSize() throws(StoreError) -> UInt64 {
        let rows = try statement("SELECT COALESCE(MAX(idx) + 1, 0) FROM merkle_nodes WHERE level = 0").rows {
            $0.int64(0)
        }
        return UInt64(max(rows[0], 0))
    }

    /// The hash of the complete subtree at `level` holding leaves [index·2^level, (index+1)·2^level).
    package func merkleNode(level: Int, index: UInt64) throws(StoreError) -> SHA256Digest {
        guard index <= UInt64(Int64.max) else { throw .corruptRow("Merkle node index \(index) is out of range") }
        let rows = try statement("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")
            .rows([.integer(Int64(level)), .integer(Int64(index))]) { $0.blob(0) }
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
