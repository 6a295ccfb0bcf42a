// A `tx` payload's bytes as `JSONEncoder` writes them (compact, keys sorted, slashes unescaped),
// by hand: `Payload.decode` compares a payload with them to find it written the canonical way,
// which spares it the second tree (`JSONTreeEncoder`) and the walk of both. `TransactionJSONTests`
// holds them to `JSONEncoder`'s bytes; a payload spelt any other way is compared tree to tree.

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
