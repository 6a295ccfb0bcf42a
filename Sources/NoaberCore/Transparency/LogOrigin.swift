public import NoaberHashing

/// Noaber's name for a ledger's transparency log: `noaber/<32-hex ledger id>`. It is both the
/// checkpoint's origin line and the log key's name, so a verifier key, a checkpoint and a proof all
/// name the ledger they belong to, and a checkpoint of one ledger cannot pass for another's.
public enum LogOrigin {
    public static let prefix = "noaber/"

    public static func origin(ledgerID: String) -> String {
        prefix + ledgerID
    }

    /// The verifier key an auditor trusts for the ledger's checkpoints.
    public static func verifierKey(ledgerID: String, publicKey: Ed25519PublicKey) throws(NoteError) -> NoteVerifierKey {
        try NoteVerifierKey(name: origin(ledgerID: ledgerID), publicKey: publicKey)
    }
}
