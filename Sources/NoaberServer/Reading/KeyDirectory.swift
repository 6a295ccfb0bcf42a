import NoaberCore
import NoaberCrypto
import NoaberStore
import Synchronization

/// Every registered key as the daemon judges requests by it: its public key (for the writer's
/// signature pre-check and for read authorisations), its role, whether it was revoked, and the
/// accounts it controls. The writer keeps it current after each commit, so that a read never
/// waits for the database to learn who may read what.
final class KeyDirectory: Sendable {
    struct Key: Sendable, Equatable {
        var publicKey: Ed25519PublicKey
        var role: KeyRole
        var revoked: Bool
        var accounts: Set<AccountID>
    }

    private struct Contents {
        var ledgerID: String?
        /// The entry format version entry 1 fixed for the whole ledger (docs/FORMAT.md §16).
        var entryVersion = 1
        var keys: [KeyID: Key] = [:]
    }

    private let contents: Mutex<Contents>

    init(_ state: LedgerState) {
        var contents = Contents(ledgerID: state.ledger?.id, entryVersion: state.ledger?.version ?? 1)
        for (id, key) in state.keys {
            contents.keys[id] = Key(
                publicKey: key.publicKey, role: key.role, revoked: key.revokedSeq != nil, accounts: [])
        }
        for account in state.accounts.values {
            for controller in account.controllers { contents.keys[controller]?.accounts.insert(account.id) }
        }
        self.contents = Mutex(contents)
    }

    var ledgerID: String? { contents.withLock { $0.ledgerID } }

    /// The ledger's entry format version: whether its names and memos are stored beside the chain.
    var entryVersion: Int { contents.withLock { $0.entryVersion } }

    func key(_ id: KeyID) -> Key? { contents.withLock { $0.keys[id] } }

    /// Takes in what a committed group changed: keys added or revoked, accounts opened, controllers
    /// changed. Everything else leaves the directory as it is.
    func record(_ committed: [AcceptedEntry]) {
        contents.withLock { contents in
            for accepted in committed {
                switch accepted.payload.body {
                case .ledgerInit(let body):
                    contents.ledgerID = accepted.payload.ledger
                    contents.entryVersion = accepted.payload.v
                    for spec in [body.adminKey] + (body.logKey.map { [$0] } ?? []) {
                        Self.add(spec, to: &contents.keys)
                    }
                case .keyAdd(let body):
                    Self.add(body.key, to: &contents.keys)
                case .keyRevoke(let body):
                    contents.keys[body.keyID]?.revoked = true
                case .accountOpen(let body):
                    for controller in body.controllers { contents.keys[controller]?.accounts.insert(body.account) }
                case .accountUpdate(let body):
                    guard let controllers = body.controllers else { continue }
                    for id in contents.keys.keys { contents.keys[id]?.accounts.remove(body.account) }
                    for controller in controllers { contents.keys[controller]?.accounts.insert(body.account) }
                default:
                    continue
                }
            }
        }
    }

    private static func add(_ spec: KeySpec, to keys: inout [KeyID: Key]) {
        // The rules accepted the entry, so its key parses.
        guard let publicKey = try? spec.parsedKey() else { return }
        keys[publicKey.keyID] = Key(publicKey: publicKey, role: spec.role, revoked: false, accounts: [])
    }
}
