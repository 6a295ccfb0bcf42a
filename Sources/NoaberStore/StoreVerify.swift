package import NoaberCore
import NoaberCrypto

extension LedgerStore {
    /// Replays the whole journal through the verifier and compares everything derived from it:
    /// the state, every Merkle node, the row counts, the checkpoint row's size and root, and the
    /// claims, reversals and personal subjects, as `noaber verify` does over the socket.
    /// Throws `VerificationFailure` for the first fault found, or `StoreError` if reading fails.
    package static func verify(_ connection: Connection, pageSize: Int = 1000) throws -> Verifier {
        // One read transaction: the scan sees a single snapshot even while the writer goes on.
        try connection.execute("BEGIN")
        defer { try? connection.execute("COMMIT") }
        var verifier = Verifier(keepsNodes: true)
        var next: Int64 = 1
        while true {
            let page = try connection.entries(from: next, limit: pageSize)
            for stored in page { try verifier.check(stored) }
            guard let last = page.last else { break }
            try verifier.checkTreeNodes(try connection.treeNodes(completedFrom: next, through: last.entry.seq))
            next = last.entry.seq + 1
        }
        try verifier.finish(
            stored: LedgerState(
                ledger: try connection.ledger(), keys: try connection.keys(), accounts: try connection.accounts(),
                categories: try connection.categories(), settings: try connection.settings()),
            rows: try connection.journalRows())
        // Rows first, so that a row missing or changed is named; then the counts, for rows of no entry.
        try compareTables(connection, verifier, pageSize: pageSize)
        let checkpoint = try connection.latestCheckpoint()
        try verifier.checkTableRows(try connection.tableRows(), hasCheckpoint: checkpoint != nil)
        if let checkpoint, let row = try connection.checkpointRow(),
            row.treeSize != Int64(checkpoint.treeSize) || row.root != checkpoint.root.bytes
        {
            throw VerificationFailure(seq: nil, reason: "checkpoint: the stored row differs from its note")
        }
        return verifier
    }

    private static func compareTables(_ connection: Connection, _ verifier: Verifier, pageSize: Int) throws {
        let head = verifier.entries
        var tables = DerivedTablesAudit(head: head)
        var claim: String?
        repeat {
            let page = try connection.claimRows(after: claim, limit: pageSize)
            try tables.check(claims: page, pageHead: head, replay: verifier)
            claim = page.count == pageSize ? page.last?.claimID : nil
        } while claim != nil
        var reversal: String?
        repeat {
            let page = try connection.reversalRows(after: reversal, limit: pageSize)
            try tables.check(reversals: page, pageHead: head, replay: verifier)
            reversal = page.count == pageSize ? page.last?.reversedID : nil
        } while reversal != nil
        var subject: StoredSubjectRow?
        repeat {
            let page = try connection.subjectRows(after: subject, limit: pageSize)
            try tables.check(subjects: page, pageHead: head, replay: verifier)
            subject = page.count == pageSize ? page.last : nil
        } while subject != nil
        var credit: String?
        repeat {
            let page = try connection.batchCreditRows(after: credit, limit: pageSize)
            try tables.check(batchCredits: page, pageHead: head, replay: verifier)
            credit = page.count == pageSize ? page.last?.creditID : nil
        } while credit != nil
        try tables.finish(replay: verifier)
    }
}
