import Foundation
package import NoaberCore
import NoaberCrypto

/// An import's credits as `credits` entries (docs/FORMAT.md §17), for a version 2 ledger: up to
/// `size` lines of the file each, in file order, every credit under its line's own id, so that a
/// line imported before (by a batch or as a single credit) is found by that id and left out.
package struct ImportBatch: Sendable {
    /// The lines' credits, in file order.
    package var credits: [ImportPlan.Credit]
    /// The unsigned batch, its memos still texts: `Session.sign` commits to them.
    package var payload: Payload

    /// Whatever the memos hold, a batch's request stays within the daemon's default 1 MiB line:
    /// the payload within `CreditBatch.maxBytes`, the texts beside it within what is left.
    static let maxTextBytes = 400_000

    /// Groups `credits` (all from `issuer`) into batches of at most `size` credits whose payload
    /// and texts fit one request. A batch's id comes from its credits' ids: the same lines give
    /// the same batch, which a rerun replays rather than writes twice.
    package static func make(
        _ credits: [ImportPlan.Credit], issuer: AccountID, ledgerID: String, size: Int
    ) -> [ImportBatch] {
        var batches: [ImportBatch] = []
        var current: [ImportPlan.Credit] = []
        var payloadBytes = 0
        var textBytes = 0
        func close() {
            guard !current.isEmpty else { return }
            batches.append(ImportBatch(credits: current, issuer: issuer, ledgerID: ledgerID))
            (current, payloadBytes, textBytes) = ([], 0, 0)
        }
        for credit in credits {
            // A commitment is 64 characters whatever the memo; the text travels beside it, its
            // quotes and backslashes escaped.
            let element = Self.element(credit)
            var sized = element
            if sized.memo != nil { sized.memo = String(repeating: "0", count: 64) }
            let bytes = Self.encodedSize(sized) + 1
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
        self.credits = credits
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

    private static func encodedSize(_ element: BatchCredit) -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a plain value type into JSON cannot fail.
        return (try? encoder.encode(element).count) ?? 0
    }

    /// The file line of credit `index` of this batch, as the daemon names it (`credits[i]`).
    package func line(ofCredit index: Int) -> Int? {
        credits.indices.contains(index) ? credits[index].line.number : nil
    }
}
