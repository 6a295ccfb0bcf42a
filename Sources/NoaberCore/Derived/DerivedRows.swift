// The rows of the derived tables the daemon reads when it judges an entry or serves a proof
// (docs/FORMAT.md §6), as stored: each value as the daemon's queries read it, before any check,
// so that the verifier compares what the daemon would act on.

/// A row of `claims`.
package struct StoredClaimRow: Sendable, Equatable {
    package var claimID: String
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

    package init(
        claimID: String, seq: Int64, committedAt: String, account: String, issuer: String, hours: String,
        hourRate: Int64, amount: Int64, category: String? = nil, careDate: String? = nil, memo: String? = nil,
        decidedSeq: Int64? = nil, decision: String? = nil, reason: String? = nil
    ) {
        self.claimID = claimID
        self.seq = seq
        self.committedAt = committedAt
        self.account = account
        self.issuer = issuer
        self.hours = hours
        self.hourRate = hourRate
        self.amount = amount
        self.category = category
        self.careDate = careDate
        self.memo = memo
        self.decidedSeq = decidedSeq
        self.decision = decision
        self.reason = reason
    }
}

/// A row of `reversals`: the transaction undone (its entry id) and the reversal that undid it.
package struct StoredReversalRow: Sendable, Equatable {
    package var reversedID: String
    package var reversalSeq: Int64

    package init(reversedID: String, reversalSeq: Int64) {
        self.reversedID = reversedID
        self.reversalSeq = reversalSeq
    }
}

/// A row of `batch_credits` (docs/FORMAT.md §17): a credit id, its batch entry and its place there.
package struct StoredBatchCreditRow: Sendable, Equatable {
    package var creditID: String
    package var seq: Int64
    package var index: Int64

    package init(creditID: String, seq: Int64, index: Int64) {
        self.creditID = creditID
        self.seq = seq
        self.index = index
    }
}

/// A row of `personal_subjects`: an account whose erasure reaches entry `seq`.
package struct StoredSubjectRow: Sendable, Hashable {
    package var account: String
    package var seq: Int64

    package init(account: String, seq: Int64) {
        self.account = account
        self.seq = seq
    }
}

/// A row of `merkle_nodes`; the hash as stored, whatever its length.
package struct StoredNode: Sendable, Equatable {
    package var level: Int64
    package var index: Int64
    package var hash: [UInt8]

    package init(level: Int64, index: Int64, hash: [UInt8]) {
        self.level = level
        self.index = index
        self.hash = hash
    }
}

/// The row of `checkpoint` beside its note: the size and root the daemon reads without parsing
/// the note (for its start-up check and as a proof's default size), and when it was stored.
package struct StoredCheckpointRow: Sendable, Equatable {
    package var treeSize: Int64
    package var root: [UInt8]
    package var signedAt: String

    package init(treeSize: Int64, root: [UInt8], signedAt: String) {
        self.treeSize = treeSize
        self.root = root
        self.signedAt = signedAt
    }
}

/// How many rows each derived table holds, counted in one snapshot with the head: rows that
/// belong to no entry (a Merkle node of no subtree, a text of no entry, a second settings row)
/// are invisible to a replay that looks rows up by the chain, but not to the daemon.
package struct TableRows: Sendable, Equatable {
    package var ledger: Int64
    package var settings: Int64
    package var checkpoint: Int64
    package var merkleNodes: Int64
    package var claims: Int64
    package var reversals: Int64
    package var personalData: Int64
    package var personalSubjects: Int64

    package init(
        ledger: Int64, settings: Int64, checkpoint: Int64, merkleNodes: Int64, claims: Int64, reversals: Int64,
        personalData: Int64, personalSubjects: Int64
    ) {
        self.ledger = ledger
        self.settings = settings
        self.checkpoint = checkpoint
        self.merkleNodes = merkleNodes
        self.claims = claims
        self.reversals = reversals
        self.personalData = personalData
        self.personalSubjects = personalSubjects
    }
}
