import Logging
import NoaberCore
import NoaberCrypto
import NoaberTransparency

/// Signs the ledger's checkpoints with the daemon's log key, but only while the chain names that
/// key as an active log key: a checkpoint an auditor cannot tie to the ledger would prove nothing.
/// Every root it signs comes from the writer's one append-only tree, so no two checkpoints it
/// signs can be inconsistent.
struct CheckpointSigner: Sendable {
    let key: Ed25519PrivateKey
    /// Where the key lives; what it signed is recorded beside it.
    let keyPath: String
    /// Sign in every group commit (true), or on the interval timer only.
    let everyCommit: Bool

    func sign(size: UInt64, root: SHA256Digest, state: LedgerState, logger: Logger) -> String? {
        guard let ledger = state.ledger, let announced = state.keys[key.publicKey.keyID],
            announced.role == .log, announced.revokedSeq == nil
        else { return nil }
        let checkpoint = Checkpoint(origin: LogOrigin.origin(ledgerID: ledger.id), size: size, root: root)
        do {
            return try SignedCheckpoint.sign(checkpoint, with: key).serialized
        } catch {
            logger.error("cannot sign a checkpoint", metadata: ["error": .escaped(error)])
            return nil
        }
    }
}
