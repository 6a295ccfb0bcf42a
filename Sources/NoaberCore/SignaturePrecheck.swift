package import NoaberCrypto
import NoaberTransparency

/// Checks a page of entries' signatures on every core before the verifier replays them one by
/// one. Signature checks are nearly all of a replay's work and independent of each other; only
/// *which* key may sign depends on the chain, and that stays with the rules: a precheck result
/// only says "this signature verifies with this public key", which `LedgerState.apply` accepts
/// solely when it is exactly the key it would have picked itself.
package enum SignaturePrecheck {
    package struct Result: Sendable {
        /// The parsed payload, or nil when it does not parse (the replay then reports why).
        package var payload: Payload?
        /// The public key the signature verified with, or nil when it was not checked or failed.
        package var verifiedWith: Ed25519PublicKey?
        /// The entry's hash and Merkle leaf hash, computed from its fields here, beside the
        /// signatures, from one copy of its record; the replay compares and appends them in order.
        package var hash: SHA256Digest
        package var leafHash: SHA256Digest
    }

    /// What each entry of a page gives on its own, whatever came before it in the chain: its
    /// payload parsed (nil when it does not parse), its hash and its Merkle leaf hash.
    package struct Decoded: Sendable {
        var payload: Payload?
        var hash: SHA256Digest
        var leaf: SHA256Digest
    }

    /// `Decoded` for every entry of `page`, on every core. It depends on nothing before the page,
    /// so a reader may decode a page while the page before it is still being checked.
    package static func decode(_ page: [StoredEntry]) -> [Decoded] {
        Parallel.map(page.count) { range in
            range.map { index in
                let entry = page[index].entry
                let record = entry.record
                return Decoded(
                    payload: try? Payload.decode(entry.signed.payload), hash: SHA256.hash(record),
                    leaf: Merkle.leafHash(record))
            }
        }
    }

    /// `known` holds the public keys registered before the page; keys the page itself registers are
    /// added in order, so an entry signed by a key added earlier in the page is checked too.
    /// `decoded`: the page's `decode(_:)`, when it was made ahead; else it is made here.
    package static func run(
        _ page: [StoredEntry], decoded: [Decoded]? = nil, known: [KeyID: Ed25519PublicKey]
    ) -> [Result] {
        let decoded = decoded.flatMap { $0.count == page.count ? $0 : nil } ?? decode(page)
        let payloads = decoded.map(\.payload)
        var keys = known
        var candidates = [Ed25519PublicKey?](repeating: nil, count: page.count)
        for index in page.indices {
            let keyID = page[index].entry.signed.keyID
            if case .ledgerInit(let body)? = payloads[index].map(\.body) {
                let admin = try? body.adminKey.parsedKey()
                candidates[index] = admin
                for spec in [body.adminKey] + (body.logKey.map { [$0] } ?? []) {
                    if let key = try? spec.parsedKey(), keys[key.keyID] == nil { keys[key.keyID] = key }
                }
            } else {
                candidates[index] = keys[keyID]
                if case .keyAdd(let body)? = payloads[index].map(\.body), let key = try? body.key.parsedKey(),
                    keys[key.keyID] == nil
                {
                    keys[key.keyID] = key
                }
            }
        }
        let chosen = candidates
        let verified = Parallel.map(page.count) { range in
            range.map { index -> Ed25519PublicKey? in
                guard let payload = payloads[index], let key = chosen[index],
                    key.keyID == page[index].entry.signed.keyID
                else { return nil }
                return page[index].entry.signed.isValid(for: payload, with: key) ? key : nil
            }
        }
        return page.indices.map {
            Result(
                payload: payloads[$0], verifiedWith: verified[$0], hash: decoded[$0].hash, leafHash: decoded[$0].leaf)
        }
    }
}
