package import NoaberCore
import NoaberCrypto

// `ledger.tree_nodes` and `ledger.rows` (docs/PROTOCOL.md): the derived tables a verifier compares
// with its replay, as stored, a page at a time; and the counts and checkpoint row `ledger.state`
// adds for the same purpose.

/// The Merkle nodes that entries `from_seq` through `through_seq` complete.
package struct TreeNodesParams: Codable, Sendable {
    /// The span a request may cover: a page of `ledger.entries`.
    package static let maxSpan: Int64 = 1000
    package var fromSeq: Int64
    package var throughSeq: Int64

    package init(fromSeq: Int64, throughSeq: Int64) {
        self.fromSeq = fromSeq
        self.throughSeq = throughSeq
    }
}

package struct TreeNodeInfo: Codable, Sendable, Equatable {
    package var level: Int64
    package var idx: Int64
    /// The stored hash, lowercase hex.
    package var hash: String

    package init(_ node: StoredNode) {
        level = node.level
        idx = node.index
        hash = Hex.encode(node.hash)
    }

    package init(level: Int64, idx: Int64, hash: String) {
        self.level = level
        self.idx = idx
        self.hash = hash
    }

    package func stored() throws(VerificationFailure) -> StoredNode {
        guard let bytes = Hex.decodeLowercase(hash) else {
            throw VerificationFailure(seq: nil, reason: "merkle_nodes: level \(level) idx \(idx) has a malformed hash")
        }
        return StoredNode(level: level, index: idx, hash: bytes)
    }
}

package struct TreeNodesResult: Codable, Sendable {
    package var nodes: [TreeNodeInfo]
    package init(nodes: [TreeNodeInfo]) { self.nodes = nodes }
}

/// The derived tables `ledger.rows` serves.
package enum DerivedTable: String, Codable, Sendable, CaseIterable {
    case claims
    case reversals
    case personalSubjects = "personal_subjects"
    /// The credits of `credits` entries (FORMAT.md §17).
    case batchCredits = "batch_credits"
}

package struct RowsParams: Codable, Sendable {
    package static let maxLimit = 1000
    package var table: String
    /// The key of the last row of the previous page: a claim id, a reversed entry id, or a
    /// subject's account (with `after_seq`). Absent: from the first row.
    package var afterKey: String?
    package var afterSeq: Int64?
    package var limit: Int?

    package init(table: DerivedTable, afterKey: String? = nil, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.table = table.rawValue
        self.afterKey = afterKey
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

package struct ClaimRowInfo: Codable, Sendable, Equatable {
    package var claimId: String
    package var seq: Int64
    package var committedAt: String
    package var account: String
    package var issuer: String
    package var hours: String
    package var hourRate: Int64
    package var amount: Int64
    package var category: String?
    package var careDate: String?
    package var memo: String?
    package var decidedSeq: Int64?
    package var decision: String?
    package var reason: String?

    package init(_ r: StoredClaimRow) {
        (claimId, seq, committedAt, account, issuer, hours) = (
            r.claimID, r.seq, r.committedAt, r.account, r.issuer, r.hours
        )
        (hourRate, amount, category, careDate, memo) = (r.hourRate, r.amount, r.category, r.careDate, r.memo)
        (decidedSeq, decision, reason) = (r.decidedSeq, r.decision, r.reason)
    }

    package var stored: StoredClaimRow {
        StoredClaimRow(
            claimID: claimId, seq: seq, committedAt: committedAt, account: account, issuer: issuer, hours: hours,
            hourRate: hourRate, amount: amount, category: category, careDate: careDate, memo: memo,
            decidedSeq: decidedSeq, decision: decision, reason: reason)
    }
}

package struct ReversalRowInfo: Codable, Sendable, Equatable {
    package var reversedId: String
    package var reversalSeq: Int64

    package init(_ r: StoredReversalRow) {
        reversedId = r.reversedID
        reversalSeq = r.reversalSeq
    }

    package init(reversedId: String, reversalSeq: Int64) {
        self.reversedId = reversedId
        self.reversalSeq = reversalSeq
    }

    package var stored: StoredReversalRow { StoredReversalRow(reversedID: reversedId, reversalSeq: reversalSeq) }
}

package struct SubjectRowInfo: Codable, Sendable, Equatable {
    package var account: String
    package var seq: Int64

    package init(_ r: StoredSubjectRow) {
        account = r.account
        seq = r.seq
    }

    package init(account: String, seq: Int64) {
        self.account = account
        self.seq = seq
    }

    package var stored: StoredSubjectRow { StoredSubjectRow(account: account, seq: seq) }
}

package struct BatchCreditRowInfo: Codable, Sendable, Equatable {
    package var creditId: String
    package var seq: Int64
    package var idx: Int64

    package init(_ r: StoredBatchCreditRow) {
        (creditId, seq, idx) = (r.creditID, r.seq, r.index)
    }

    package init(creditId: String, seq: Int64, idx: Int64) {
        (self.creditId, self.seq, self.idx) = (creditId, seq, idx)
    }

    package var stored: StoredBatchCreditRow { StoredBatchCreditRow(creditID: creditId, seq: seq, index: idx) }
}

/// A page of one table, in the order of its key, from one snapshot whose last entry is `head_seq`;
/// only the asked table's list is present.
package struct RowsResult: Codable, Sendable {
    package var headSeq: Int64
    package var claims: [ClaimRowInfo]?
    package var reversals: [ReversalRowInfo]?
    package var personalSubjects: [SubjectRowInfo]?
    package var batchCredits: [BatchCreditRowInfo]?

    package init(
        headSeq: Int64, claims: [ClaimRowInfo]? = nil, reversals: [ReversalRowInfo]? = nil,
        personalSubjects: [SubjectRowInfo]? = nil
    ) {
        self.headSeq = headSeq
        self.claims = claims
        self.reversals = reversals
        self.personalSubjects = personalSubjects
    }

    /// How many rows the page holds, whichever table it is of.
    package var count: Int {
        (claims?.count ?? 0) + (reversals?.count ?? 0) + (personalSubjects?.count ?? 0) + (batchCredits?.count ?? 0)
    }
}

/// `ledger.state`'s `table_rows`: the rows each derived table holds, in the state's snapshot.
package struct TableRowsInfo: Codable, Sendable, Equatable {
    package var ledger: Int64
    package var settings: Int64
    package var checkpoint: Int64
    package var merkleNodes: Int64
    package var claims: Int64
    package var reversals: Int64
    package var personalData: Int64
    package var personalSubjects: Int64

    package init(_ r: TableRows) {
        (ledger, settings, checkpoint, merkleNodes) = (r.ledger, r.settings, r.checkpoint, r.merkleNodes)
        (claims, reversals, personalData, personalSubjects) = (
            r.claims, r.reversals, r.personalData, r.personalSubjects
        )
    }

    package var rows: TableRows {
        TableRows(
            ledger: ledger, settings: settings, checkpoint: checkpoint, merkleNodes: merkleNodes, claims: claims,
            reversals: reversals, personalData: personalData, personalSubjects: personalSubjects)
    }
}

/// `ledger.state`'s `checkpoint_row`: the columns of the checkpoint row beside its note.
package struct CheckpointRowInfo: Codable, Sendable, Equatable {
    package var treeSize: Int64
    /// The stored root, lowercase hex.
    package var root: String
    package var signedAt: String

    package init(_ r: StoredCheckpointRow) {
        treeSize = r.treeSize
        root = Hex.encode(r.root)
        signedAt = r.signedAt
    }

    package func stored() throws(VerificationFailure) -> StoredCheckpointRow {
        guard let bytes = Hex.decodeLowercase(root) else {
            throw VerificationFailure(seq: nil, reason: "the checkpoint row's root is not lowercase hex")
        }
        return StoredCheckpointRow(treeSize: treeSize, root: bytes, signedAt: signedAt)
    }
}
