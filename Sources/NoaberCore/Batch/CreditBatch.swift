/// `credits` (version 2 only, docs/FORMAT.md §17): up to 1,000 credits of one issuer under one
/// signature. Each credit keeps its own id and stands for the credit `tx` it would have been, so
/// the rules, reversals, statements and proofs treat it as one; the batch only saves signatures.
package struct CreditBatch: Codable, Sendable, Equatable {
    /// Credits per batch: a month of a care organisation's lines in a handful of entries, each
    /// payload still within `maxBytes`.
    package static let maxCredits = 1000
    /// A batch payload may be this large; every other kind stays within `Payload.maxBytes`.
    package static let maxBytes = 256 * 1024

    package var issuer: AccountID
    package var credits: [BatchCredit]

    package init(issuer: AccountID, credits: [BatchCredit]) {
        self.issuer = issuer
        self.credits = credits
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case issuer, credits
    }

    /// Credit `index` as the credit transaction it stands for.
    package func transaction(_ index: Int) -> Transaction {
        let credit = credits[index]
        return Transaction(
            purpose: .credit,
            postings: [
                Posting(account: issuer, amount: -credit.amount),
                Posting(account: credit.account, amount: credit.amount),
            ],
            memo: credit.memo, hours: credit.hours, hourRate: credit.hourRate, category: credit.category,
            careDate: credit.careDate)
    }

    /// The credits that carry a memo, by index, in order: a batch's personal fields and texts.
    package var memos: some Sequence<(index: Int, memo: String)> {
        credits.indices.lazy.compactMap { index in credits[index].memo.map { (index, $0) } }
    }

    /// The posting rows the entry has: two per credit, the issuer's then the volunteer's.
    package var postings: [Posting] {
        credits.flatMap {
            [Posting(account: issuer, amount: -$0.amount), Posting(account: $0.account, amount: $0.amount)]
        }
    }
}

/// One credit of a batch: what a credit `tx` carries, and its own id.
package struct BatchCredit: Codable, Sendable, Equatable {
    /// The credit id, of an entry id's form, unique among every entry id and credit id of the ledger.
    package var id: String
    package var account: AccountID
    package var amount: Int64
    package var hours: String?
    package var hourRate: Int64?
    package var category: String?
    package var careDate: String?
    /// Personal: the commitment to the memo's text, at path `credits[i].memo`.
    package var memo: String?

    package init(
        id: String, account: AccountID, amount: Int64, hours: String? = nil, hourRate: Int64? = nil,
        category: String? = nil, careDate: String? = nil, memo: String? = nil
    ) {
        self.id = id
        self.account = account
        self.amount = amount
        self.hours = hours
        self.hourRate = hourRate
        self.category = category
        self.careDate = careDate
        self.memo = memo
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, account, amount, hours
        case hourRate = "hour_rate"
        case category
        case careDate = "care_date"
        case memo
    }

    /// The path of the memo of credit `index` (docs/FORMAT.md §16).
    package static func memoPath(_ index: Int) -> String { "credits[" + String(index) + "].memo" }
}

extension CreditBatch {
    /// The credit index of a memo path `credits[i].memo`, or nil for any other path.
    package static func memoIndex(_ path: String) -> Int? {
        guard path.hasPrefix("credits["), path.hasSuffix("].memo") else { return nil }
        let digits = path.dropFirst("credits[".count).dropLast("].memo".count)
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            digits == "0" || digits.first != "0"
        else { return nil }
        return Int(digits)
    }
}

extension Payload {
    /// The posting rows the entry has (docs/FORMAT.md §6): a transaction's postings, two per
    /// credit of a batch (§17), none for any other kind.
    package var postingRows: [Posting] {
        switch body {
        case .transaction(let tx): tx.postings
        case .credits(let batch): batch.postings
        default: []
        }
    }

    /// The care date of each posting row (docs/FORMAT.md §2): a transaction's one care date on
    /// every row, each credit's own on its two. `original` gives an earlier transaction's, for a reversal.
    package func postingCareDays(committedAt: Timestamp, original: (String) -> String?) -> [String] {
        switch body {
        case .transaction(let tx):
            let day = tx.careDay(committedAt: committedAt, original: original)
            return Array(repeating: day, count: tx.postings.count)
        case .credits(let batch):
            let commitDay = Timestamp.day(of: committedAt)
            return batch.credits.flatMap { [$0.careDate ?? commitDay, $0.careDate ?? commitDay] }
        default:
            return []
        }
    }
}
