import Foundation
package import NoaberCore
import NoaberCrypto

/// An import's credits as `credits` entries (docs/FORMAT.md §17), for a version 2 ledger: up to
/// `size` lines of the file each, grouped by account (`make`), every credit under its line's own
/// id, so that a line imported before (by a batch or as a single credit) is found by that id and
/// left out.
package struct ImportBatch: Sendable {
    /// The file line of each credit, in the batch's order. Only the numbers are kept: a million
    /// lines' credits, held once more here, were 600 MB of the client's memory.
    package var lines: [Int]
    /// The unsigned batch, its memos still texts: `Session.sign` commits to them.
    package var payload: Payload

    /// Whatever the memos hold, a batch's request stays within the daemon's default 1 MiB line:
    /// the payload within `CreditBatch.maxBytes`, the texts beside it within what is left.
    static let maxTextBytes = 400_000

    /// Groups `credits` (all from `issuer`) into batches of at most `size` credits whose payload
    /// and texts fit one request. A batch's id comes from its credits' ids: the same lines give
    /// the same batch, which a rerun replays rather than writes twice.
    ///
    /// The credits are taken by account (the volunteer's), each account's in file order: a batch
    /// then pays a few hundred volunteers rather than nearly every one, and the daemon writes
    /// each volunteer's postings, personal-data subject and balance at the end of that account's
    /// range of its indexes, so a batch's commit touches a page per account it pays (Benchmarks/
    /// README.md, "The import path"). Credits of one issuer only add up, so their order changes no
    /// rule's verdict; each credit keeps its own id, so a rerun finds it wherever it went.
    package static func make(
        _ credits: [ImportPlan.Credit], issuer: AccountID, ledgerID: String, size: Int
    ) -> [ImportBatch] {
        let accounts = credits.map { element($0).account }
        let order = credits.indices.sorted { (accounts[$0], $0) < (accounts[$1], $1) }
        var batches: [ImportBatch] = []
        var current: [ImportPlan.Credit] = []
        var payloadBytes = 0
        var textBytes = 0
        func close() {
            guard !current.isEmpty else { return }
            batches.append(ImportBatch(credits: current, issuer: issuer, ledgerID: ledgerID))
            (current, payloadBytes, textBytes) = ([], 0, 0)
        }
        for credit in order.lazy.map({ credits[$0] }) {
            // A commitment is 64 characters whatever the memo; the text travels beside it, its
            // quotes and backslashes escaped.
            let element = Self.element(credit)
            let bytes = Self.encodedSize(element, committed: true) + 1
            let text = (element.memo?.utf8.count ?? 0) * 2 + 100
            if current.count == size || payloadBytes + bytes > CreditBatch.maxBytes - 512
                || textBytes + text > maxTextBytes
            {
                close()
            }
            current.append(credit)
            payloadBytes += bytes
            textBytes += text
        }
        close()
        return batches
    }

    private init(credits: [ImportPlan.Credit], issuer: AccountID, ledgerID: String) {
        lines = credits.map(\.line.number)
        let elements = credits.map(Self.element)
        let digest = SHA256.hash(([issuer.rawValue] + elements.map(\.id)).joined(separator: "\n"))
        payload = Payload(
            v: 2, ledger: ledgerID, id: "impb-" + Hex.encode(digest.bytes.prefix(16)),
            body: .credits(CreditBatch(issuer: issuer, credits: elements)))
    }

    /// The line's credit as an element of a batch: what its credit `tx` would carry, under its id.
    static func element(_ credit: ImportPlan.Credit) -> BatchCredit {
        guard case .transaction(let tx) = credit.payload.body, tx.postings.count == 2 else {
            preconditionFailure("an import plan holds credit transactions")
        }
        return BatchCredit(
            id: credit.payload.id, account: tx.postings[1].account, amount: tx.postings[1].amount, hours: tx.hours,
            hourRate: tx.hourRate, category: tx.category, careDate: tx.careDate, memo: tx.memo)
    }

    /// At least the bytes `element` takes in the payload's JSON (`Payload.encoded()`), counted
    /// rather than encoded: the encoder is the cost of the whole plan at a million lines.
    /// `committed`: with the memo's commitment (64 hex characters) in place of its text.
    package static func encodedSize(_ element: BatchCredit, committed: Bool = false) -> Int {
        // `"key":` and a comma (or the closing brace) per field present.
        func field(_ key: String, _ valueBytes: Int) -> Int { key.utf8.count + 4 + valueBytes }
        func string(_ text: String?) -> Int {
            guard let text else { return 0 }
            // An escape takes at most six bytes (\u001f) for a byte below 0x20, two for " and \.
            return 2 + text.utf8.reduce(0) { $0 + ($1 < 0x20 ? 6 : $1 == 0x22 || $1 == 0x5C ? 2 : 1) }
        }
        func integer(_ value: Int64?) -> Int { value.map { String($0).utf8.count } ?? 0 }
        let fields: [(String, Int?)] = [
            ("id", string(element.id)), ("account", string(element.account.rawValue)),
            ("amount", integer(element.amount)), ("hours", element.hours.map { string($0) }),
            ("hour_rate", element.hourRate.map { integer($0) }), ("category", element.category.map { string($0) }),
            ("care_date", element.careDate.map { string($0) }),
            ("memo", element.memo.map { committed ? 66 : string($0) }),
        ]
        return 1 + fields.reduce(0) { sum, entry in sum + (entry.1.map { field(entry.0, $0) } ?? 0) }
    }

    /// The file line of credit `index` of this batch, as the daemon names it (`credits[i]`).
    package func line(ofCredit index: Int) -> Int? {
        lines.indices.contains(index) ? lines[index] : nil
    }
}
