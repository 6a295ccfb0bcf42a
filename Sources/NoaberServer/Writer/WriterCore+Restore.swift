import Logging
package import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTransparency
import Synchronization

/// Why the checkpoints of a restored backup are held, as `ledger.status` reports it.
struct CheckpointHold: Sendable, Equatable {
    var guarded: RestoreGuard
    /// The chain has passed the published size with another root: only a new log key can sign
    /// for it now.
    var diverged: Bool
}

/// Why noaberd could not release a restored backup's checkpoints, or catch it up.
package enum RestoreError: Error, CustomStringConvertible {
    /// The file given as the last published checkpoint is not one of this ledger's, signed by
    /// the daemon's log key.
    case notACheckpoint(String)
    /// This ledger's history differs from the published checkpoint's.
    case diverged(String)
    /// The export's entries do not extend this ledger to the published checkpoint.
    case catchUp(String)
    /// The database could not be read or written.
    case storage(String)

    package var description: String {
        switch self {
        case .notACheckpoint(let why): "the published checkpoint: \(why)"
        case .diverged(let why): why
        case .catchUp(let why): "cannot catch up: \(why)"
        case .storage(let why): "storage error: \(why)"
        }
    }
}

/// One entry of a newer copy of the chain (an export), with its personal texts.
package struct CatchUpEntry: Sendable {
    package var stored: StoredEntry
    package var personal: [PersonalText]

    package init(stored: StoredEntry, personal: [PersonalText]) {
        self.stored = stored
        self.personal = personal
    }
}

/// A restored backup (docs/FORMAT.md §6, `restore_guard`; deploy/README.md, "Restore"). The log
/// key that made the backup may have signed checkpoints over entries the backup lacks; signing
/// again from the backup would sign a second history under that key. So no checkpoint is signed
/// with it until the chain extends the last published checkpoint, which the operator gives; a
/// daemon with another log key, announced in the chain, signs as usual.
extension WriterCore {
    var holdsCheckpoints: Bool { restore.map { $0.logKeyID == checkpoints.key.publicKey.keyID } ?? false }

    func announceRestore() {
        publishHold()
        guard let restore else { return }
        let metadata: Logger.Metadata = [
            "taken_at": "\(restore.takenAt.rfc3339)", "entries": "\(restore.treeSize)",
            "log_key_id": "\(restore.logKeyID.hex)",
        ]
        if holdsCheckpoints {
            logger.warning(
                "this ledger is a restored backup: no checkpoint is signed with the log key that made it until noaberd is given the last published checkpoint (--published-checkpoint FILE) and the chain extends it, or a new log key signs (deploy/README.md, Restore); writes continue",
                metadata: metadata)
        } else {
            logger.notice("this ledger is a restored backup; this daemon signs with a new log key", metadata: metadata)
        }
    }

    func publishHold() {
        let current: CheckpointHold? =
            if holdsCheckpoints, let restore { CheckpointHold(guarded: restore, diverged: diverged(restore)) } else {
                nil
            }
        hold.withLock { $0 = current }
    }

    /// True once the chain holds the published size with a root other than the published one.
    private func diverged(_ restore: RestoreGuard) -> Bool {
        guard let published = restore.published, let store, store.tree.size >= published.size else { return false }
        return (try? store.connection.merkleRoot(size: published.size)) != published.root
    }

    /// Lifts the hold once the chain reaches the published checkpoint with its root, and signs.
    func releaseIfCaughtUp() {
        guard holdsCheckpoints, let published = restore?.published, let store, store.tree.size >= published.size,
            (try? store.connection.merkleRoot(size: published.size)) == published.root
        else {
            publishHold()
            return
        }
        // A `log.key.signed` that knows of a larger checkpoint than the one given must be
        // extended too: the key signed that one as well.
        do { try Self.requireExtends(signedHead, store: store) } catch {
            publishHold()
            logger.error(
                "the chain extends the published checkpoint, but not what log.key.signed records; checkpoints stay held",
                metadata: ["error": .escaped(error)])
            return
        }
        do { try store.liftRestoreGuard() } catch {
            logger.error("cannot lift the restore guard", metadata: ["error": .escaped(error)])
            return
        }
        restore = nil
        publishHold()
        logger.notice(
            "the restored ledger extends the published checkpoint; checkpoints are signed again",
            metadata: ["published_size": "\(published.size)", "tree_size": "\(store.tree.size)"])
        checkpointIfBehind()
    }

    /// Takes the last published checkpoint: it must be this ledger's, signed by this daemon's log
    /// key. A chain that already extends it is released; a shorter one is held until it does (an
    /// export's entries can catch it up); one that contradicts it can never be, and is refused.
    func adoptPublished(_ text: String) throws(RestoreError) {
        guard let store, let ledger = state.ledger else { throw .notACheckpoint("the ledger is not initialised") }
        let head = try Self.verifiedHead(text, ledgerID: ledger.id, key: checkpoints.key.publicKey)
        if head.size <= store.tree.size {
            let root: SHA256Digest
            do { root = try store.connection.merkleRoot(size: head.size) } catch { throw .storage("\(error)") }
            guard root == head.root else {
                throw .diverged(
                    "this ledger's first \(head.size) entries have root \(root.base64), but the published checkpoint signed \(head.root.base64): its history differs from what was published, and only a new log key can sign for it (deploy/README.md, Restore)"
                )
            }
        }
        guard holdsCheckpoints, var restore else {
            logger.notice("the published checkpoint is consistent with this ledger", metadata: ["size": "\(head.size)"])
            return
        }
        if restore.published.map({ $0.size < head.size }) ?? true {
            do { try store.recordPublished(head) } catch { throw .storage("\(error)") }
            restore.published = head
            self.restore = restore
        }
        releaseIfCaughtUp()
    }

    private static func verifiedHead(
        _ text: String, ledgerID: String, key: Ed25519PublicKey
    ) throws(RestoreError) -> PublishedHead {
        do {
            let checkpoint = try SignedCheckpoint(parsing: text)
            try LogOrigin.verify(
                checkpoint, ledgerID: ledgerID, by: [LogOrigin.verifierKey(ledgerID: ledgerID, publicKey: key)])
            return PublishedHead(size: checkpoint.checkpoint.size, root: checkpoint.checkpoint.root)
        } catch {
            throw .notACheckpoint("\(error)")
        }
    }
}

extension CheckpointHoldInfo {
    init(_ hold: CheckpointHold) {
        let key = hold.guarded.logKeyID.hex
        let message =
            if hold.diverged {
                "this restored ledger has passed the published checkpoint with another history; no checkpoint is signed with log key \(key) again: start noaberd with a new log key and have an admin announce it (deploy/README.md, Restore)"
            } else {
                "this ledger is a restored backup; no checkpoint is signed with log key \(key) until noaberd is given the last published checkpoint and the chain extends it, or a new log key is announced (deploy/README.md, Restore)"
            }
        self.init(
            reason: hold.diverged ? "diverged" : "restored_backup", message: message,
            backupTakenAt: hold.guarded.takenAt.rfc3339, backupEntries: hold.guarded.treeSize, logKeyId: key,
            publishedSize: hold.guarded.published?.size)
    }
}
