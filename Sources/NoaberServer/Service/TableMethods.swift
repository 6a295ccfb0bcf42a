import NoaberCore
import NoaberProtocol
import NoaberStore

/// `ledger.tree_nodes` and `ledger.rows`: the derived tables as stored, a bounded page at a time,
/// so that `noaber verify` compares with its replay every row the daemon judges entries and serves
/// proofs from. Ledger-wide reads, like `ledger.state`.
extension LedgerService {
    func treeNodes(_ params: TreeNodesParams, _ context: RequestContext) async throws -> TreeNodesResult {
        try context.requireReader().requireEverything("ledger.tree_nodes")
        let span = TreeNodesParams.maxSpan
        guard params.fromSeq >= 1, params.throughSeq >= params.fromSeq, params.throughSeq - params.fromSeq < span else {
            throw RPCError.invalidParams(
                "from_seq must be at least 1 and through_seq from from_seq to from_seq + \(span - 1)")
        }
        try recordRead(context, .treeNodes, accounts: nil)
        let nodes = try await reads.read(.page) { db in
            try db.treeNodes(completedFrom: params.fromSeq, through: params.throughSeq).map(TreeNodeInfo.init)
        }
        return TreeNodesResult(nodes: nodes)
    }

    func rows(_ params: RowsParams, _ context: RequestContext) async throws -> RowsResult {
        try context.requireReader().requireEverything("ledger.rows")
        guard let table = DerivedTable(rawValue: params.table) else {
            let names = DerivedTable.allCases.map(\.rawValue).joined(separator: ", ")
            throw RPCError.invalidParams("\"table\" must be one of \(names), not \(params.table)")
        }
        guard (params.afterSeq == nil) || (table == .personalSubjects && params.afterKey != nil) else {
            throw RPCError.invalidParams("after_seq goes with after_key, for personal_subjects only")
        }
        let limit = Self.pageSize(params.limit, max: RowsParams.maxLimit)
        try recordRead(context, .rows, accounts: nil)
        let page = try await reads.read(.page) { db in
            try db.snapshot { () throws(StoreError) in
                var page = RowsResult(headSeq: try db.summary().entries)
                switch table {
                case .claims:
                    page.claims = try db.claimRows(after: params.afterKey, limit: limit).map(ClaimRowInfo.init)
                case .reversals:
                    page.reversals = try db.reversalRows(after: params.afterKey, limit: limit).map(ReversalRowInfo.init)
                case .personalSubjects:
                    let after = params.afterKey.map { StoredSubjectRow(account: $0, seq: params.afterSeq ?? Int64.min) }
                    page.personalSubjects = try db.subjectRows(after: after, limit: limit).map(SubjectRowInfo.init)
                case .batchCredits:
                    page.batchCredits = try db.batchCreditRows(after: params.afterKey, limit: limit).map(
                        BatchCreditRowInfo.init)
                }
                return page
            }
        }
        return page
    }
}
