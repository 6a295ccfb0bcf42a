package import NoaberCore

// `ledger.submit`'s params read straight from the request's tree. A `credits` entry comes with
// its 1,000 personal texts, and the tree decoder's generic containers were 6 % of the daemon's CPU
// in an import (Benchmarks/README.md, "The import path"). Only the form the CLI writes is read
// here; anything else is left to the tree decoder, which reads it or names what is wrong.

/// Params that can be read from their tree without a `Decoder`, exactly when they are written as
/// Noaber writes them.
package protocol ExactlyReadableParams: Decodable {
    /// The params, or nil when `tree` is not exactly their usual form.
    static func exactly(_ tree: JSONTree) -> Self?
}

extension SubmitParams: ExactlyReadableParams {
    /// `payload`, `signature` and `key_id` strings and, if present, `personal`: an array of
    /// objects of exactly `path`, `salt` and `text`, strings. No other member (the tree decoder
    /// would ignore one, so it is left to it); nothing is checked here that `signedEntry` checks.
    package static func exactly(_ tree: JSONTree) -> SubmitParams? {
        guard case .object(let members) = tree, case .string(let payload)? = members["payload"],
            case .string(let signature)? = members["signature"], case .string(let keyID)? = members["key_id"]
        else { return nil }
        var params = SubmitParams(payload: payload, signature: signature, keyId: keyID)
        if let personal = members["personal"] {
            guard case .array(let items) = personal else { return nil }
            var texts: [PersonalTextInfo] = []
            texts.reserveCapacity(items.count)
            for item in items {
                guard case .object(let text) = item, text.count == 3, case .string(let path)? = text["path"],
                    case .string(let salt)? = text["salt"], case .string(let value)? = text["text"]
                else { return nil }
                texts.append(PersonalTextInfo(path: path, salt: salt, text: value))
            }
            params.personal = texts
        }
        guard members.count == (params.personal == nil ? 3 : 4) else { return nil }
        return params
    }
}
