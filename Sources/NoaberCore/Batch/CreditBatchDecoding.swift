// A `credits` payload read straight from its parsed tree: through the generic path (the tree
// decoder, the tree encoder, the comparison of the two trees) it was the largest cost of a
// submitted batch off the writer's thread. This reads only what Noaber itself writes, exactly: every
// field present with its type, nothing else, integers in their plain form. Anything else, a
// mistake included, goes the generic way, which judges it and names the field; so this can only
// accept what that path accepts, as the same payload (tested, and checked by the fuzz target).

extension Payload {
    /// A version 2 `credits` payload from the strict parser's tree, or nil when the tree is not
    /// exactly as a `credits` payload is written, for `decodeGenerally` to judge.
    package static func decodedCredits(_ tree: JSONTree) -> Payload? {
        guard case .object(let fields) = tree, fields.count == 6, fields["kind"] == .string("credits"),
            fields["v"] == .number("2"), case .string(let ledger) = fields["ledger"],
            case .string(let id) = fields["id"], case .string(let issuerText) = fields["issuer"],
            let issuer = try? AccountID(issuerText), case .array(let items) = fields["credits"]
        else { return nil }
        var credits: [BatchCredit] = []
        credits.reserveCapacity(items.count)
        for item in items {
            guard case .object(let credit) = item, let read = BatchCredit(exactly: credit) else { return nil }
            credits.append(read)
        }
        return Payload(v: 2, ledger: ledger, id: id, body: .credits(CreditBatch(issuer: issuer, credits: credits)))
    }
}

extension BatchCredit {
    /// The credit, if its fields are exactly `id`, `account` and `amount` and any of the optional
    /// ones, each of its type (absent, never null), integers as `JSONEncoder` writes them.
    fileprivate init?(exactly fields: [String: JSONTree]) {
        guard case .string(let id) = fields["id"], case .string(let accountText) = fields["account"],
            let account = try? AccountID(accountText), let amount = Self.integer(fields["amount"])
        else { return nil }
        self.init(id: id, account: account, amount: amount)
        var read = 3
        func text(_ key: String) -> String?? {
            guard let value = fields[key] else { return .some(nil) }
            guard case .string(let text) = value else { return nil }
            read += 1
            return .some(text)
        }
        guard let hours = text("hours"), let category = text("category"), let careDate = text("care_date"),
            let memo = text("memo")
        else { return nil }
        (self.hours, self.category, self.careDate, self.memo) = (hours, category, careDate, memo)
        if let rate = fields["hour_rate"] {
            guard let value = Self.integer(rate) else { return nil }
            hourRate = value
            read += 1
        }
        guard read == fields.count else { return nil }
    }

    /// An Int64 written in its one plain form ("-5", never "-05", "5.0" or "5e0").
    private static func integer(_ value: JSONTree?) -> Int64? {
        guard case .number(let text) = value, let integer = Int64(text), String(integer) == text else { return nil }
        return integer
    }
}
