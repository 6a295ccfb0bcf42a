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
