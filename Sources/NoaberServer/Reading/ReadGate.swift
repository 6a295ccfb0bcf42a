import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Synchronization

/// Judges read authorisations: a registered, active key's signature over this very request, made
/// within the window around the daemon's clock, with a nonce not seen before.
final class ReadGate: Sendable {
    let directory: KeyDirectory
    private let clock: @Sendable () -> Timestamp
    private let nonces = Mutex(NonceWindow())

    init(directory: KeyDirectory, clock: @escaping @Sendable () -> Timestamp) {
        self.directory = directory
        self.clock = clock
    }

    /// The reader `auth` proves, for `method` with `params` (their bytes as the request carries
    /// them), signed under `context`; throws the typed refusal otherwise.
    func admit(
        _ auth: ReadAuthorization?, method: Method, params: ArraySlice<UInt8>,
        context: String = ReadAuthorization.context
    ) throws(RPCError) -> Reader {
        guard let auth else { throw .readKeyRequired(method.rawValue) }
        guard let ledgerID = directory.ledgerID else { throw .readAuthInvalid("the daemon serves no ledger yet") }
        // Lowercase only: one spelling per key, as everywhere on the wire.
        guard auth.keyId == auth.keyId.lowercased(), let keyID = KeyID(hex: auth.keyId) else {
            throw .readAuthInvalid("key_id must be 32 lowercase hex digits")
        }
        guard let key = directory.key(keyID) else { throw .readAuthInvalid("key \(auth.keyId) is not registered") }
        guard !key.revoked else { throw .readAuthInvalid("key \(auth.keyId) was revoked") }
        guard let time = Timestamp(rfc3339: auth.timestamp) else {
            throw .readAuthInvalid("timestamp must be an RFC 3339 UTC time like 2026-12-06T10:00:00.000Z")
        }
        let now = clock()
        let skew = time.millisecondsSinceEpoch - now.millisecondsSinceEpoch
        guard abs(skew) <= ReadAuthorization.windowMilliseconds else {
            throw .readAuthStale(
                "its timestamp \(auth.timestamp) is \(abs(skew) / 1000) s from the daemon's clock (\(now.rfc3339)); at most \(ReadAuthorization.windowMilliseconds / 1000) s are allowed: check this computer's clock"
            )
        }
        guard let nonce = Hex.decodeLowercase(auth.nonce), nonce.count == ReadAuthorization.nonceBytes else {
            throw .readAuthInvalid("nonce must be \(ReadAuthorization.nonceBytes * 2) lowercase hex digits")
        }
        guard let signature = Hex.decodeLowercase(auth.signature) else {
            throw .readAuthInvalid("signature must be lowercase hex")
        }
        let message = ReadAuthorization.message(
            context: context, ledgerID: ledgerID, method: method.rawValue, timestamp: auth.timestamp, nonce: auth.nonce,
            params: params)
        guard key.publicKey.isValidSignature(signature, for: message) else {
            throw .readAuthInvalid(
                "the signature does not verify for this ledger, method and params under key \(auth.keyId)")
        }
        // Only a request whose signature holds may spend a nonce: forgeries cannot fill the window.
        guard nonces.withLock({ $0.insert(Nonce(nonce), at: now) }) else { throw .readAuthReplayed }
        return Reader(keyID: keyID, role: key.role, accounts: key.accounts)
    }

    /// The reader of a read on a connection whose session `keyID` opened: the key as the
    /// directory knows it now, so that a revocation or a change of controllers counts from the
    /// next read on; a revoked key's session is closed.
    func admit(session keyID: KeyID, of connection: ConnectionSession) throws(RPCError) -> Reader {
        guard let key = directory.key(keyID) else { throw .readAuthInvalid("key \(keyID.hex) is not registered") }
        guard !key.revoked else {
            connection.close()
            throw .readAuthInvalid("key \(keyID.hex) was revoked; the session on this connection is closed")
        }
        return Reader(keyID: keyID, role: key.role, accounts: key.accounts)
    }
}

/// A read's 16-byte nonce as two words: at thousands of reads a second, minutes of them are kept,
/// and two words hash and store in a fraction of what an array of bytes takes.
struct Nonce: Hashable {
    let high: UInt64
    let low: UInt64

    init(_ bytes: [UInt8]) {
        precondition(bytes.count == ReadAuthorization.nonceBytes)
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The nonces seen in the last two windows. A timestamp older than one window is refused anyway,
/// so a nonce needs remembering for at most two: one generation is dropped each window.
struct NonceWindow {
    private var current = Set<Nonce>()
    private var previous = Set<Nonce>()
    private var rotatedAt: Int64 = 0

    /// Records `nonce`; false if it was seen within the window.
    mutating func insert(_ nonce: Nonce, at now: Timestamp) -> Bool {
        // Two windows ahead of the oldest timestamp still accepted, so rotating never forgets a
        // nonce whose request could still be replayed.
        if now.millisecondsSinceEpoch - rotatedAt >= 2 * ReadAuthorization.windowMilliseconds {
            previous = current
            current.removeAll(keepingCapacity: true)
            rotatedAt = now.millisecondsSinceEpoch
        }
        guard !previous.contains(nonce) else { return false }
        return current.insert(nonce).inserted
    }

    var count: Int { current.count + previous.count }
}
