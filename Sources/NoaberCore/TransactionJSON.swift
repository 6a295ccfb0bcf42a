// A `tx` payload's bytes as `JSONEncoder` writes them (compact, keys sorted, slashes unescaped),
// by hand: `Payload.decode` compares a payload with them to find it written the canonical way,
// which spares it the second tree (`JSONTreeEncoder`) and the walk of both. `TransactionJSONTests`
// holds them to `JSONEncoder`'s bytes; a payload spelt any other way is compared tree to tree.
// A payload written that way is also read from its bytes in one pass (`scannedTransaction`),
// without StrictJSON's tree of dictionaries: a verify reads every entry's payload.

extension Payload {
    /// The canonical bytes of a `tx` payload, as `encodedByFoundation()` writes them.
    package func encodedTransaction(_ tx: Transaction) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + tx.postings.count * 48)
        out.append(UInt8(ascii: "{"))
        // Keys in JSONEncoder's sorted order: header and body share the one object.
        func member(_ key: String, _ write: (inout [UInt8]) -> Void) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            Self.write(string: key, to: &out)
            out.append(UInt8(ascii: ":"))
            write(&out)
        }
        func text(_ key: String, _ value: String?) {
            if let value { member(key) { Self.write(string: value, to: &$0) } }
        }
        text("care_date", tx.careDate)
        text("category", tx.category)
        text("claim", tx.claim)
        if let hourRate = tx.hourRate { member("hour_rate") { $0 += String(hourRate).utf8 } }
        text("hours", tx.hours)
        text("id", id)
        text("kind", kind.rawValue)
        text("ledger", ledger)
        text("memo", tx.memo)
        text("period", tx.period)
        member("postings") { out in
            out.append(UInt8(ascii: "["))
            for (index, posting) in tx.postings.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += #"{"account":"#.utf8
                Self.write(string: posting.account.rawValue, to: &out)
                out += #","amount":"#.utf8
                out += String(posting.amount).utf8
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        text("purpose", tx.purpose.rawValue)
        text("reason", tx.reason)
        text("reverses", tx.reverses)
        member("v") { $0 += String(v).utf8 }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension Payload {
    /// A `tx` payload read from its tree by hand, when its bytes are the canonical ones: then
    /// they mean exactly the value read (its own canonical bytes are those bytes), which the
    /// `Codable` way (`JSONTreeDecoder`, two thirds of a transaction's decode) would read too.
    /// Nil for anything else, which that way then reads and judges.
    static func canonicalTransaction(_ tree: JSONTree, bytes: [UInt8]) -> Payload? {
        guard case .object(let members) = tree, case .string("tx")? = members["kind"],
            case .number(let version)? = members["v"], let v = Int(version), supportedVersions.contains(v),
            case .string(let ledger)? = members["ledger"], case .string(let id)? = members["id"],
            case .string(let purpose)? = members["purpose"], let purpose = Purpose(rawValue: purpose),
            case .array(let items)? = members["postings"]
        else { return nil }
        var postings: [Posting] = []
        postings.reserveCapacity(items.count)
        for item in items {
            guard case .object(let posting) = item, case .string(let account)? = posting["account"],
                case .number(let amount)? = posting["amount"], let amount = Int64(amount),
                let account = try? AccountID(account)
            else { return nil }
            postings.append(Posting(account: account, amount: amount))
        }
        // Absent: nil; a string: it; anything else: not this way.
        func text(_ key: String) -> String?? {
            switch members[key] {
            case nil: .some(nil)
            case .string(let value)?: .some(value)
            default: nil
            }
        }
        var hourRate: Int64?
        if let member = members["hour_rate"] {
            guard case .number(let rate) = member, let rate = Int64(rate) else { return nil }
            hourRate = rate
        }
        guard case .some(let memo) = text("memo"), case .some(let hours) = text("hours"),
            case .some(let category) = text("category"), case .some(let careDate) = text("care_date"),
            case .some(let claim) = text("claim"), case .some(let reverses) = text("reverses"),
            case .some(let reason) = text("reason"), case .some(let period) = text("period")
        else { return nil }
        let tx = Transaction(
            purpose: purpose, postings: postings, memo: memo, hours: hours, hourRate: hourRate, category: category,
            careDate: careDate, claim: claim, reverses: reverses, reason: reason, period: period)
        let payload = Payload(v: v, ledger: ledger, id: id, body: .transaction(tx))
        return payload.encodedTransaction(tx) == bytes ? payload : nil
    }
}

extension Payload {
    /// A `tx` payload read from its bytes in one pass, when they are the canonical ones and
    /// `decode` accepts them; nil for anything else (another kind, another spelling, a member twice
    /// or unknown, a value of another type, malformed JSON, a v2 memo without its commitment),
    /// which `decode` then reads its usual way, which judges it. Taken only
    /// when the value read writes back to the very bytes, so it accepts nothing that way would
    /// refuse, and reads what it reads (`canonicalTransaction`, the same strings by the same parser).
    package static func scannedTransaction(_ bytes: [UInt8]) -> Payload? {
        guard bytes.count <= maxBytes else { return nil }
        var reader = JSONPullReader(bytes, lenient: false)
        var v: Int?
        var ledger: String?
        var id: String?
        var kind: String?
        var purpose: Purpose?
        var postings: [Posting]?
        var hourRate: Int64?
        // memo, hours, category, care_date, claim, reverses, reason, period
        var texts: [String?] = Array(repeating: nil, count: 8)
        var seen: UInt16 = 0
        do throws(LedgerError) {
            try reader.object(depth: 0) { (reader, key) throws(LedgerError) in
                guard let bit = Self.transactionMemberBit(key), seen & bit == 0 else { throw JSONPullReader.mismatch }
                seen |= bit
                switch key {
                case "v": v = Int(exactly: try reader.integer())
                case "ledger": ledger = try reader.string()
                case "id": id = try reader.string()
                case "kind": kind = try reader.string()
                case "purpose": purpose = Purpose(rawValue: try reader.string())
                case "hour_rate": hourRate = try reader.integer()
                case "postings":
                    var items: [Posting] = []
                    try reader.array(depth: 1) { (reader) throws(LedgerError) in
                        var account: String?
                        var amount: Int64?
                        try reader.object(depth: 2) { (reader, key) throws(LedgerError) in
                            switch key {
                            case "account" where account == nil: account = try reader.string()
                            case "amount" where amount == nil: amount = try reader.integer()
                            default: throw JSONPullReader.mismatch
                            }
                        }
                        guard let account, let amount, let valid = try? AccountID(account) else {
                            throw JSONPullReader.mismatch
                        }
                        items.append(Posting(account: valid, amount: amount))
                    }
                    postings = items
                default: texts[Self.transactionTextKeys.firstIndex(of: key)!] = try reader.string()
                }
            }
            try reader.end()
        } catch { return nil }
        guard kind == "tx", let v, supportedVersions.contains(v), let ledger, let id, let purpose, let postings
        else { return nil }
        let tx = Transaction(
            purpose: purpose, postings: postings, memo: texts[0], hours: texts[1], hourRate: hourRate,
            category: texts[2], careDate: texts[3], claim: texts[4], reverses: texts[5], reason: texts[6],
            period: texts[7])
        let payload = Payload(v: v, ledger: ledger, id: id, body: .transaction(tx))
        guard payload.encodedTransaction(tx) == bytes else { return nil }
        // Version 2 keeps personal texts beside the chain: a payload must carry their commitments.
        if payload.v >= 2, (try? PersonalData.requireCommitments(in: payload)) == nil { return nil }
        return payload
    }

    /// The optional text members of a `tx` payload, in the order `scannedTransaction` keeps them.
    private static let transactionTextKeys = [
        "memo", "hours", "category", "care_date", "claim", "reverses", "reason", "period",
    ]

    /// A bit for each member of a `tx` payload; nil: no such member.
    private static func transactionMemberBit(_ key: String) -> UInt16? {
        switch key {
        case "v": 1 << 8
        case "ledger": 1 << 9
        case "id": 1 << 10
        case "kind": 1 << 11
        case "purpose": 1 << 12
        case "postings": 1 << 13
        case "hour_rate": 1 << 14
        default: transactionTextKeys.firstIndex(of: key).map { 1 << UInt16($0) }
        }
    }
}
