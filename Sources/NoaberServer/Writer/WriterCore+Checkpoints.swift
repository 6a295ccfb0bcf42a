import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTransparency
import Synchronization

extension WriterCore {
    /// Refuses to start when this tree does not extend what the log key already signed: a new
    /// checkpoint from it would contradict one that may have been published.
    static func requireExtends(_ file: SignedHeadFile, store: LedgerStore) throws(StoreError) {
        let signed: SignedHeadFile.Head?
        do { signed = try file.read() } catch { throw .treeMismatch("cannot read \(file.path): \(error)") }
        guard let signed else { return }
        guard signed.size <= store.tree.size else {
            throw .treeMismatch(
                "the log key has signed a checkpoint of \(signed.size) entries (\(file.path)), but this database holds \(store.tree.size): it was restored from an older backup or cut short. Restore the newer database, or start with a new log key (and announce it)"
            )
        }
        let root = try store.connection.merkleRoot(size: signed.size)
        guard root == signed.root else {
            throw .treeMismatch(
                "the log key has signed root \(signed.root.base64) for \(signed.size) entries (\(file.path)), but this database gives \(root.base64): its history differs from what was signed"
            )
        }
    }

    func warnIfLogKeyIsNotActive() {
        let logKey = checkpoints.key.publicKey.keyID
        if state.ledger != nil, state.keys[logKey].map({ $0.role != .log || $0.revokedSeq != nil }) ?? true {
            logger.warning(
                "the ledger does not name this daemon's log key as an active log key, so no checkpoints are signed; an admin announces it with `noaber key add --role log`",
                metadata: ["key_id": "\(logKey.hex)"])
        }
    }

    /// Records a durable checkpoint beside the log key; a failure is logged, since the checkpoint
    /// itself is already stored and served. Only a larger one than recorded before is written, so
    /// that the writer's thread and the sync's, which both record, never step it back.
    func remember(size: UInt64, root: SHA256Digest) {
        rememberedSize.withLock { recorded in
            guard size > recorded else { return }
            do {
                try signedHead.write(.init(size: size, root: root))
                recorded = size
            } catch {
                logger.error(
                    "cannot record the signed checkpoint beside the log key", metadata: ["error": .escaped(error)])
            }
        }
    }

    /// Signs a checkpoint for the current tree if the latest stored one is older.
    func checkpointIfBehind() {
        guard let store, halted == nil, !holdsCheckpoints, store.tree.size > checkpointSize else { return }
        let (size, root) = (store.tree.size, store.tree.root)
        guard let note = checkpoints.sign(size: size, root: root, state: state, logger: logger) else { return }
        do {
            try store.saveCheckpoint(note, size: size, root: root, at: clock())
            checkpointSize = size
            remember(size: size, root: root)
            logger.debug("checkpoint signed", metadata: ["tree_size": "\(size)", "root": "\(root.hex)"])
        } catch {
            logger.error("cannot store a checkpoint", metadata: ["error": .escaped(error)])
        }
    }
}
