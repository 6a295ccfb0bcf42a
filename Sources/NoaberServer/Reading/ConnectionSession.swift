import NoaberCrypto
import NoaberProtocol
import Synchronization

/// What one connection has proved: the challenge it was given last, and the key that answered one
/// (docs/PROTOCOL.md, "Sessions"). It lives and dies with the connection and is never named on the
/// wire, so there is no token to steal: another connection can neither use nor open it.
final class ConnectionSession: Sendable {
    private struct State {
        var challenge: [UInt8]?
        var keyID: KeyID?
    }

    private let state = Mutex(State())

    init() {}

    /// The key the connection's reads without `auth` are read as, if a session is open.
    var keyID: KeyID? { state.withLock { $0.keyID } }

    /// A fresh challenge, replacing any earlier one: only the latest can be answered.
    func issueChallenge() throws(RPCError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try SecureRandom.bytes(SessionChallenge.bytes) } catch {
            throw .internalError("no random bytes for a challenge: \(error)")
        }
        state.withLock { $0.challenge = bytes }
        return bytes
    }

    /// Opens the session as `keyID` if `answer` is the challenge this connection holds. Any
    /// attempt spends the challenge: each opening needs one of its own.
    func open(answering answer: String, as keyID: KeyID) throws(RPCError) {
        let given = Hex.decodeLowercase(answer)
        try state.withLock { state throws(RPCError) in
            guard let challenge = state.challenge else {
                throw .sessionChallengeInvalid(
                    "this connection holds no challenge: ask session.challenge on it first (each opening answers a new one)"
                )
            }
            state.challenge = nil
            guard given == challenge else {
                throw .sessionChallengeInvalid(
                    "the challenge is not the one this connection was given (a session opens on its own connection only)"
                )
            }
            state.keyID = keyID
        }
    }

    /// Ends the session: the key was revoked, so no later read may go under it.
    func close() {
        state.withLock { $0.keyID = nil }
    }
}
