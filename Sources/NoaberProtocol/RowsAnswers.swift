package import NoaberCore

// `ledger.rows` pages, which a verify reads for every row of the derived tables (a credits ledger
// has a `batch_credits` row per credit): written by `JSONWriter` in `.sortedKeys` order and read
// from `StrictJSON`'s tree, as the entries pages are (PageAnswers.swift, PageReading.swift).

extension RowsResult: JSONWritable, JSONTreeReadable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let batchCredits {
            writer.key("batch_credits")
            writer.array(batchCredits)
        }
        if let claims {
            writer.key("claims")
            writer.array(claims)
        }
        writer.key("head_seq")
        writer.integer(headSeq)
        if let personalSubjects {
            writer.key("personal_subjects")
            writer.array(personalSubjects)
        }
        if let reversals {
            writer.key("reversals")
            writer.array(reversals)
        }
        writer.endObject()
    }

    package init(tree: JSONTree) throws(TreeReadError) {
        let fields = try TreeMembers(tree, path: "result")
        self.init(headSeq: try fields.integer("head_seq"))
        func rows<Row>(
            _ key: String, _ read: (TreeMembers) throws(TreeReadError) -> Row
        ) throws(TreeReadError) -> [Row]? {
            guard let items = try fields.optionalArray(key) else { return nil }
            var rows: [Row] = []
            rows.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                rows.append(try read(try TreeMembers(item, path: "result.\(key)[\(index)]")))
            }
            return rows
        }
        claims = try rows("claims") { row throws(TreeReadError) in try ClaimRowInfo(row) }
        reversals = try rows("reversals") { row throws(TreeReadError) in
            ReversalRowInfo(reversedId: try row.string("reversed_id"), reversalSeq: try row.integer("reversal_seq"))
        }
        personalSubjects = try rows("personal_subjects") { row throws(TreeReadError) in
            SubjectRowInfo(account: try row.string("account"), seq: try row.integer("seq"))
        }
        batchCredits = try rows("batch_credits") { row throws(TreeReadError) in
            BatchCreditRowInfo(
                creditId: try row.string("credit_id"), seq: try row.integer("seq"), idx: try row.integer("idx"))
        }
    }
}

extension ClaimRowInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("account")
        writer.string(account)
        writer.key("amount")
        writer.integer(amount)
        if let careDate {
            writer.key("care_date")
            writer.string(careDate)
        }
        if let category {
            writer.key("category")
            writer.string(category)
        }
        writer.key("claim_id")
        writer.string(claimId)
        writer.key("committed_at")
        writer.string(committedAt)
        if let decidedSeq {
            writer.key("decided_seq")
            writer.integer(decidedSeq)
        }
        if let decision {
            writer.key("decision")
            writer.string(decision)
        }
        writer.key("hour_rate")
        writer.integer(hourRate)
        writer.key("hours")
        writer.string(hours)
        writer.key("issuer")
        writer.string(issuer)
        if let memo {
            writer.key("memo")
            writer.string(memo)
        }
        if let reason {
            writer.key("reason")
            writer.string(reason)
        }
        writer.key("seq")
        writer.integer(seq)
        writer.endObject()
    }

    init(_ row: TreeMembers) throws(TreeReadError) {
        (claimId, seq, committedAt) = (
            try row.string("claim_id"), try row.integer("seq"), try row.string("committed_at")
        )
        (account, issuer, hours) = (try row.string("account"), try row.string("issuer"), try row.string("hours"))
        (hourRate, amount) = (try row.integer("hour_rate"), try row.integer("amount"))
        (category, careDate, memo) = (
            try row.optionalString("category"), try row.optionalString("care_date"), try row.optionalString("memo")
        )
        (decidedSeq, decision, reason) = (
            try row.optionalInteger("decided_seq"), try row.optionalString("decision"), try row.optionalString("reason")
        )
    }
}

extension BatchCreditRowInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("credit_id")
        writer.string(creditId)
        writer.key("idx")
        writer.integer(idx)
        writer.key("seq")
        writer.integer(seq)
        writer.endObject()
    }
}

extension SubjectRowInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("account")
        writer.string(account)
        writer.key("seq")
        writer.integer(seq)
        writer.endObject()
    }
}

extension ReversalRowInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("reversal_seq")
        writer.integer(reversalSeq)
        writer.key("reversed_id")
        writer.string(reversedId)
        writer.endObject()
    }
}
