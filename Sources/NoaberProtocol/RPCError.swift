package import NoaberCore

/// A JSON-RPC 2.0 error object. Codes are stable (docs/PROTOCOL.md): the JSON-RPC ones for
/// malformed requests, 1000–1099 for ledger rules (`LedgerError`), -32000… for server conditions.
package struct RPCError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    package struct Details: Codable, Sendable, Equatable {
        /// Stable machine-readable name of the error, e.g. `limit_exceeded`.
        package var reason: String
    }

    package var code: Int
    package var message: String
    package var data: Details?

    package init(code: Int, reason: String, message: String) {
        self.code = code
        self.message = message
        data = Details(reason: reason)
    }

    package init(_ error: LedgerError) {
        self.init(code: error.code, reason: error.reason, message: error.message)
    }

    package var reason: String { data?.reason ?? "unknown" }
    package var description: String { message }

    /// The line is not valid JSON.
    package static func parseError(_ why: String) -> RPCError {
        RPCError(code: -32700, reason: "parse_error", message: "parse error: \(why)")
    }
    /// The JSON is not a JSON-RPC 2.0 request object.
    package static func invalidRequest(_ why: String) -> RPCError {
        RPCError(code: -32600, reason: "invalid_request", message: "invalid request: \(why)")
    }
    /// The request line is longer than the server accepts; the connection is closed after this.
    package static func requestTooLarge(limit: Int) -> RPCError {
        RPCError(code: -32600, reason: "request_too_large", message: "request line is longer than \(limit) bytes")
    }
    /// No method of that name.
    package static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, reason: "method_not_found", message: "unknown method \"\(shown(method))\"")
    }

    /// A client's text as an error message may repeat it (`ClientText`).
    package static func shown(_ text: String) -> String { ClientText.escaped(text) }

    /// The params do not fit the method.
    package static func invalidParams(_ why: String) -> RPCError {
        RPCError(code: -32602, reason: "invalid_params", message: "invalid params: \(why)")
    }
    /// A fault inside the server; nothing was committed.
    package static func internalError(_ why: String) -> RPCError {
        RPCError(code: -32603, reason: "internal_error", message: "internal error: \(why)")
    }
    /// The daemon is shutting down and accepts no new writes.
    package static let shuttingDown = RPCError(
        code: -32000, reason: "shutting_down", message: "noaberd is shutting down; retry when it is back")
    /// The database refused the write (disk full, I/O error); nothing was committed.
    package static func storage(_ why: String) -> RPCError {
        RPCError(code: -32001, reason: "storage_error", message: "storage error, nothing was committed: \(why)")
    }
    /// The submission was committed but its sync to the disk failed, so it may or may not survive;
    /// the writer has stopped. It shares `storage_error`'s code, so that clients that know only the
    /// code wait and resend, which is what this asks too: unchanged, since the entry may be in.
    package static func syncFailed(_ why: String) -> RPCError {
        RPCError(
            code: -32001, reason: "sync_failed",
            message:
                "the disk failed to sync, so this submission may or may not have been committed; resend it unchanged once noaberd is restarted: \(why)"
        )
    }
    /// A stored row could not be read back as a valid value: the database file was damaged or
    /// edited outside Noaber. It shares `storage_error`'s code, so clients that know only the code
    /// still read it as one; its own reason lets `verify` report a failed audit, not an outage.
    package static func corruptRow(_ what: String) -> RPCError {
        RPCError(
            code: -32001, reason: corruptRowReason,
            message: "storage error, nothing was committed: corrupt row: \(what)")
    }
    package static let corruptRowReason = "corrupt_row"
    package var isCorruptRow: Bool { reason == Self.corruptRowReason }

    /// Too many connections are open.
    package static func tooManyConnections(limit: Int) -> RPCError {
        RPCError(code: -32002, reason: "too_many_connections", message: "noaberd already serves \(limit) connections")
    }

    /// The ledger is a restored backup whose checkpoints are held (`ledger.status`'s
    /// `checkpoint_hold`), and the request needs a checkpoint newer than the one it holds.
    package static func checkpointsHeld(_ why: String) -> RPCError {
        RPCError(code: -32005, reason: "checkpoints_held", message: "checkpoints are held: \(why)")
    }

    /// The daemon already keeps as many backup copies as it allows at once.
    package static func backupBusy(limit: Int) -> RPCError {
        RPCError(
            code: -32006, reason: "backup_busy",
            message: "\(limit) backups are being taken already; retry when one has finished")
    }

    // 1030–1039: reading. A read of account or personal data carries a read authorisation.

    /// The method reads account or personal data, and the request carries no authorisation.
    package static func readKeyRequired(_ method: String) -> RPCError {
        RPCError(
            code: 1030, reason: "read_key_required",
            message:
                "\(method) reads account data: sign the request with a registered key, or open a session on the connection (noaber: --key FILE or $NOABER_KEY)"
        )
    }
    /// The key may not read what was asked (a member key asking for another's account, say).
    package static func readForbidden(_ why: String) -> RPCError {
        RPCError(code: 1031, reason: readForbiddenReason, message: "read refused: \(why)")
    }
    private static let readForbiddenReason = "read_forbidden"
    package var isReadForbidden: Bool { reason == Self.readForbiddenReason }
    /// The ledger has no such entry (or claim, or account…): `LedgerError.notFound`'s code.
    package var isNotFound: Bool { code == LedgerError.notFound("").code }
    /// The authorisation does not hold: unknown or revoked key, malformed, or a bad signature.
    package static func readAuthInvalid(_ why: String) -> RPCError {
        RPCError(code: 1032, reason: "read_auth_invalid", message: "read authorisation refused: \(why)")
    }
    /// The authorisation's timestamp is too far from the daemon's clock.
    package static func readAuthStale(_ why: String) -> RPCError {
        RPCError(code: 1033, reason: "read_auth_stale", message: "read authorisation refused: \(why)")
    }
    /// The authorisation's nonce was used before, within the window: a replayed request.
    package static let readAuthReplayed = RPCError(
        code: 1034, reason: "read_auth_replayed",
        message: "read authorisation refused: its nonce was used before (a replayed request)")
    /// `session.open` does not answer the challenge this connection was given last: none was asked
    /// for, it was answered already, or it is another connection's (a replayed session opening).
    package static func sessionChallengeInvalid(_ why: String) -> RPCError {
        RPCError(code: 1035, reason: "session_challenge_invalid", message: "session refused: \(why)")
    }
}
