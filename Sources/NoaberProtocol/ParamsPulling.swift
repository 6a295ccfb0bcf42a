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

extension SubmitParams: PullReadableParams {
    /// `payload`, `signature` and `key_id` strings and, if present, `personal`: an array of objects
    /// of exactly `path`, `salt` and `text`, strings; each member once, no other (`exactly(_:)`'s
    /// form, read without its tree). Nothing is checked here that `signedEntry` checks.
    package static func pulled(_ reader: inout JSONPullReader) -> SubmitParams? {
        var payload: String?
        var signature: String?
        var keyID: String?
        var personal: [PersonalTextInfo]?
        do {
            try reader.object(depth: 1) { reader, key throws(LedgerError) in
                switch key {
                case "payload" where payload == nil: payload = try reader.string()
                case "signature" where signature == nil: signature = try reader.string()
                case "key_id" where keyID == nil: keyID = try reader.string()
                case "personal" where personal == nil:
                    var texts: [PersonalTextInfo] = []
                    try reader.array(depth: 2) { reader throws(LedgerError) in
                        texts.append(try PersonalTextInfo.pulled(&reader))
                    }
                    personal = texts
                default: throw JSONPullReader.mismatch
                }
            }
        } catch { return nil }
        guard let payload, let signature, let keyID else { return nil }
        var params = SubmitParams(payload: payload, signature: signature, keyId: keyID)
        params.personal = personal
        return params
    }
}

extension PersonalTextInfo {
    /// `{"path", "salt", "text"}`, strings, each once, no other member.
    fileprivate static func pulled(_ reader: inout JSONPullReader) throws(LedgerError) -> PersonalTextInfo {
        var path: String?
        var salt: String?
        var text: String?
        try reader.object(depth: 3) { reader, key throws(LedgerError) in
            switch key {
            case "path" where path == nil: path = try reader.string()
            case "salt" where salt == nil: salt = try reader.string()
            case "text" where text == nil: text = try reader.string()
            default: throw JSONPullReader.mismatch
            }
        }
        guard let path, let salt, let text else { throw JSONPullReader.mismatch }
        return PersonalTextInfo(path: path, salt: salt, text: text)
    }
}
