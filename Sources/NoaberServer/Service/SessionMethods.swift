import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol

/// `session.*`: authenticating a connection once, so that its reads need no signature each
/// (docs/PROTOCOL.md, "Sessions").
extension LedgerService {
    /// A fresh challenge for this connection; asking again replaces it.
    func sessionChallenge(_ context: RequestContext) async throws -> SessionChallenge {
        SessionChallenge(challenge: Hex.encode(try context.connection.issueChallenge()))
    }

    /// Opens the session: the service has checked the authorisation under the session context
    /// (key, window, nonce, signature over the params) before this runs; here the params must
    /// answer this connection's own challenge.
    func sessionOpen(_ params: SessionOpenParams, _ context: RequestContext) async throws -> SessionInfo {
        let reader = try context.requireReader()
        try context.connection.open(answering: params.challenge, as: reader.keyID)
        logger.info(
            "session opened",
            metadata: [
                "key_id": "\(reader.keyID.hex)", "role": "\(reader.role.rawValue)",
                "peer": "\(context.peer?.description ?? "unknown")",
            ])
        return SessionInfo(keyId: reader.keyID.hex, role: reader.role.rawValue)
    }
}
