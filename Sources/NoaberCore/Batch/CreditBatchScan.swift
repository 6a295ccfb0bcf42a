// A `credits` payload read from its bytes in one pass, as a `tx` payload is (`scannedTransaction`):
// the strict parser's tree of a thousand credits, a dictionary each, was a third of the daemon's
// event loops during an import (Benchmarks/README.md, "The import path", seventh round).

extension Payload {
    /// A version 2 `credits` payload read from its bytes in one pass, when they are the canonical
    /// ones (`encodedCredits`) and every personal field holds a commitment; nil for anything else
    /// (another kind or version, another spelling, a member twice or unknown, a value of another
    /// type, malformed JSON), which `decode` then reads its usual way, which judges it. Taken only
    /// when the value read writes back to the very bytes, and its strings are read by the strict
    /// parser's own string reader, so it reads what the tree way reads and accepts nothing it
    /// would refuse (the `payload` fuzz target compares the two).
    package static func scannedCredits(_ bytes: [UInt8]) -> Payload? {
        guard bytes.count <= CreditBatch.maxBytes else { return nil }
        var reader = JSONPullReader(bytes, lenient: false)
        var v: Int64?
        var ledger: String?
        var id: String?
        var kind: String?
        var issuer: String?
        var credits: [BatchCredit]?
        do throws(LedgerError) {
            try reader.object(depth: 0) { (reader, key) throws(LedgerError) in
                switch key {
                case "v" where v == nil: v = try reader.integer()
                case "ledger" where ledger == nil: ledger = try reader.string()
                case "id" where id == nil: id = try reader.string()
                case "kind" where kind == nil: kind = try reader.string()
                case "issuer" where issuer == nil: issuer = try reader.string()
                case "credits" where credits == nil:
                    var items: [BatchCredit] = []
                    // A credit takes some 40 bytes at least: room for what the payload can hold.
                    items.reserveCapacity(min(CreditBatch.maxCredits, bytes.count / 32))
                    try reader.array(depth: 1) { (reader) throws(LedgerError) in
                        items.append(try Self.scannedCredit(&reader))
                    }
                    credits = items
                default: throw JSONPullReader.mismatch
                }
            }
            try reader.end()
        } catch { return nil }
        guard v == 2, kind == "credits", let ledger, let id, let issuer, let account = try? AccountID(issuer),
            let credits
        else { return nil }
        let batch = CreditBatch(issuer: account, credits: credits)
        let payload = Payload(v: 2, ledger: ledger, id: id, body: .credits(batch))
        guard payload.encodedCredits(batch) == bytes else { return nil }
        // Version 2 keeps personal texts beside the chain: a payload must carry their commitments.
        guard (try? PersonalData.requireCommitments(in: payload)) != nil else { return nil }
        return payload
    }

    /// One credit of a batch, its members each at most once and none unknown.
    private static func scannedCredit(_ reader: inout JSONPullReader) throws(LedgerError) -> BatchCredit {
        var id: String?
        var account: String?
        var amount: Int64?
        var hours: String?
        var hourRate: Int64?
        var category: String?
        var careDate: String?
        var memo: String?
        try reader.object(depth: 2) { (reader, key) throws(LedgerError) in
            switch key {
            case "id" where id == nil: id = try reader.string()
            case "account" where account == nil: account = try reader.string()
            case "amount" where amount == nil: amount = try reader.integer()
            case "hours" where hours == nil: hours = try reader.string()
            case "hour_rate" where hourRate == nil: hourRate = try reader.integer()
            case "category" where category == nil: category = try reader.string()
            case "care_date" where careDate == nil: careDate = try reader.string()
            case "memo" where memo == nil: memo = try reader.string()
            default: throw JSONPullReader.mismatch
            }
        }
        guard let id, let account, let valid = try? AccountID(account), let amount else {
            throw JSONPullReader.mismatch
        }
        return BatchCredit(
            id: id, account: valid, amount: amount, hours: hours, hourRate: hourRate, category: category,
            careDate: careDate, memo: memo)
    }
}
