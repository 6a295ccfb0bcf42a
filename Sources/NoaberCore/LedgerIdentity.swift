package import NoaberCrypto

/// How a ledger's id is made: the first 16 bytes of SHA-256 over a domain prefix, the admin's raw
/// public key and a nonce, all three in the signed `ledger.init`.
///
/// Deriving the id, rather than choosing it at random, ties it to one admin key: nobody without
/// that key's private half can sign an entry 1 for the id. So a client that pins the id (`--ledger`)
/// also pins the settings entry 1 signs, and a program posing as the daemon cannot start a look-alike
/// ledger under the real id to have users sign amounts at another scale. The nonce lets one admin
/// key start several ledgers.
package enum LedgerIdentity {
    package static let context = "noaber:ledger:v1\n"
    package static let nonceByteCount = 16

    package static func derive(adminKey: Ed25519PublicKey, nonce: [UInt8]) -> String {
        let digest = SHA256.hash(Array(context.utf8) + adminKey.rawRepresentation + nonce)
        return Hex.encode(digest.bytes.prefix(16))
    }

    /// The nonce's bytes, from exactly 32 lowercase hex characters.
    package static func parseNonce(_ text: String) throws(LedgerError) -> [UInt8] {
        guard text.utf8.count == nonceByteCount * 2, let bytes = Hex.decodeLowercase(text) else {
            throw .invalidPayload("nonce must be 32 lowercase hex characters (16 bytes)")
        }
        return bytes
    }

    /// Checks that `ledgerID` is the one `body` derives.
    package static func check(_ ledgerID: String, for body: LedgerInit, adminKey: Ed25519PublicKey) throws(LedgerError)
    {
        let derived = derive(adminKey: adminKey, nonce: try parseNonce(body.nonce))
        guard ledgerID == derived else {
            throw .invalidPayload("ledger id \(ledgerID) is not the one admin_key and nonce make (\(derived))")
        }
    }
}
