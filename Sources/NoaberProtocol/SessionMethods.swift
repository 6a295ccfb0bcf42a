/// `session.challenge`'s result: 32 random bytes the daemon keeps for this connection until
/// `session.open` answers them.
package struct SessionChallenge: Codable, Sendable {
    /// 64 lowercase hex digits.
    package var challenge: String

    package static let bytes = 32

    package init(challenge: String) {
        self.challenge = challenge
    }
}

/// `session.open`'s params: the challenge the connection was given, which the authorisation signs
/// with the params' bytes, so that the opening holds on this connection only.
package struct SessionOpenParams: Codable, Sendable {
    package var challenge: String

    package init(challenge: String) {
        self.challenge = challenge
    }
}

/// `session.open`'s result: the key the connection's reads are now read as, and its role.
package struct SessionInfo: Codable, Sendable, Equatable {
    package var keyId: String
    package var role: String

    package init(keyId: String, role: String) {
        self.keyId = keyId
        self.role = role
    }
}
