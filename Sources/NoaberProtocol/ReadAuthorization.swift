package import NoaberCrypto

/// A signed read: the key that asks, when, and a nonce, signed over the method and the exact bytes
/// of its params (docs/PROTOCOL.md, "Read authorisation"). The daemon answers a read of personal or
/// account data only under one, checks the reader's right to what it asks, and records the read.
package struct ReadAuthorization: Codable, Sendable, Equatable {
    /// The signing key's id, lowercase hex.
    package var keyId: String
    /// RFC 3339 UTC with milliseconds; the daemon refuses one more than `window` from its clock.
    package var timestamp: String
    /// 16 random bytes, lowercase hex; the daemon refuses one it saw within the window.
    package var nonce: String
    /// Ed25519 over `message(...)`, lowercase hex.
    package var signature: String

    package init(keyId: String, timestamp: String, nonce: String, signature: String) {
        self.keyId = keyId
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }

    /// The domain tag: a read signature can never pass for an entry's (`noaber:entry:v1`) or a
    /// note's.
    package static let context = "noaber:read:v1"
    /// The domain tag of `session.open`'s authorisation: a read's signature cannot open a session,
    /// nor a session's be spent as a read.
    package static let sessionContext = "noaber:session:v1"
    /// How far a timestamp may be from the daemon's clock, either way, in milliseconds.
    package static let windowMilliseconds: Int64 = 120_000
    package static let nonceBytes = 16

    /// The signed message: the context (`context`, or `sessionContext` for `session.open`), the ledger id, the method, the timestamp and the nonce,
    /// each followed by a NUL byte (none of them can hold one), then the params' bytes exactly as
    /// they stand in the request line (none when the request has no params).
    package static func message(
        context: String = context, ledgerID: String, method: String, timestamp: String, nonce: String,
        params: some Collection<UInt8>
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(context.utf8.count + ledgerID.utf8.count + method.utf8.count + 64 + params.count)
        for field in [context, ledgerID, method, timestamp, nonce] {
            bytes += field.utf8
            bytes.append(0)
        }
        bytes += params
        return bytes
    }

    /// Signs a read of `method` with `params` (their exact bytes on the wire) for ledger `ledgerID`.
    package static func sign(
        context: String = context, method: String, params: [UInt8], ledgerID: String, timestamp: String,
        with key: Ed25519PrivateKey
    ) throws -> ReadAuthorization {
        let nonce = Hex.encode(try SecureRandom.bytes(nonceBytes))
        let message = message(
            context: context, ledgerID: ledgerID, method: method, timestamp: timestamp, nonce: nonce, params: params)
        return ReadAuthorization(
            keyId: key.publicKey.keyID.hex, timestamp: timestamp, nonce: nonce,
            signature: Hex.encode(try key.signature(for: message)))
    }
}
