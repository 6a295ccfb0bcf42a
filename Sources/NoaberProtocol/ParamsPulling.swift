package import NoaberCore

/// Params read straight from the request line in one pass (`Request.onePass`), for the methods a
/// session calls by the thousand. Only the usual form is read; anything else is nil, and the
/// request goes the tree's way, which reads it or names what is wrong.
package protocol PullReadableParams: Decodable, Sendable {
    /// The params at the reader (an object at depth 1), the reader past them; nil when they are
    /// not exactly in their usual form, the reader then anywhere.
    static func pulled(_ reader: inout JSONPullReader) -> Self?
}

extension AccountParams: PullReadableParams {
    /// `{"account": string}`, nothing else: an extra member, which the tree decoder ignores, or a
    /// twin, which it reads as the first, is left to it.
    package static func pulled(_ reader: inout JSONPullReader) -> AccountParams? {
        var account: String?
        do {
            try reader.object(depth: 1) { reader, key throws(LedgerError) in
                guard key == "account", account == nil else { throw JSONPullReader.mismatch }
                account = try reader.string()
            }
        } catch { return nil }
        return account.map(AccountParams.init(account:))
    }
}
