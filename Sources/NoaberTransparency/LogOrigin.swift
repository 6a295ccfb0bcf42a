package import NoaberCrypto

/// Noaber's name for a ledger's transparency log: `noaber/<32-hex ledger id>`. It is both the
/// checkpoint's origin line and the log key's name, so a verifier key, a checkpoint and a proof all
/// name the ledger they belong to, and a checkpoint of one ledger cannot pass for another's.
package enum LogOrigin {
    package static let prefix = "noaber/"

    package static func origin(ledgerID: String) -> String {
        prefix + ledgerID
    }

    /// The verifier key an auditor trusts for the ledger's checkpoints.
    package static func verifierKey(ledgerID: String, publicKey: Ed25519PublicKey) throws(NoteError) -> NoteVerifierKey
    {
        try NoteVerifierKey(name: origin(ledgerID: ledgerID), publicKey: publicKey)
    }

    /// Verifies a checkpoint of ledger `ledgerID`: its origin must be the ledger's, and it counts
    /// only under keys *named* for that ledger. A log key may sign notes under any name, so
    /// checking the key alone would let the holder of ledger X's key vouch for ledger Y's tree by
    /// signing it under X's name.
    @discardableResult
    package static func verify(
        _ checkpoint: SignedCheckpoint, ledgerID: String, by keys: [NoteVerifierKey]
    ) throws(NoteError) -> NoteVerifierKey {
        let origin = origin(ledgerID: ledgerID)
        let named = keys.filter { NoteSyntax.same($0.name, origin) }
        guard !named.isEmpty else { throw .noKeyForLog(origin: origin, keyNames: keys.map(\.name)) }
        return try checkpoint.verify(origin: origin, by: named)
    }

    /// The signatures a note carries, as `name (key id)`, for messages about keys nobody trusts.
    package static func signers(of checkpoint: SignedCheckpoint) -> String {
        checkpoint.note.signatures.map {
            "\($0.name) (key id \(Hex.encode(withUnsafeBytes(of: $0.keyID.bigEndian, Array.init))))"
        }.joined(separator: ", ")
    }
}
