import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore

/// Turns one request line into one response line. Every failure becomes a typed JSON-RPC error;
/// nothing here can take the daemon down. Each method has one handler, in the family files beside
/// this one (`route(for:)` names them all).
struct LedgerService: Sendable {
    static let version = "0.1.0"

    let writer: GroupCommitWriter
    let reads: ReadPool
    /// The writer's credit id hashes, which `ledger.used_ids` asks before SQLite.
    let creditIDs: CreditIDFilter
    /// Judges read authorisations by the writer's key directory.
    let gate: ReadGate
    let accessLog: AccessLogger
    let database: Database
    /// Copies taken by `backup.start`, until read.
    let backups: BackupFiles
    let startedAt: ContinuousClock.Instant
    /// The daemon's log key, as `ledger.status` reports it.
    let logPublicKey: Ed25519PublicKey
    let logger: Logger
    /// The writer's clock, by which claims expire.
    var clock: @Sendable () -> Timestamp = Timestamp.now

    func handle(_ line: [UInt8], peer: PeerCredentials?, connection: ConnectionSession) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .failure(let failed): return RequestContext.respond(id: failed.id, failed.error)
        case .success(let parsed): request = parsed
        }
        var context = RequestContext(id: request.id, peer: peer, connection: connection)
        let route: Route
        let params: any Sendable
        switch request.call {
        case .failure(let error): return context.respond(error)
        case .success(let call): (route, params) = call
        }
        let answer = await answer(request, route, params, &context)
        // A write is answered by the writer once durable; any other answer, a refusal too, waits
        // until what it may show is (docs/DESIGN.md, invariant 5; `WALSync`).
        if route.method.access != .write, let failure = await writer.untilDurable() {
            return context.respond(.storage("\(failure)"))
        }
        return answer
    }

    private func answer(
        _ request: Request, _ route: Route, _ params: any Sendable, _ context: inout RequestContext
    ) async -> Data {
        let (peer, connection) = (context.peer, context.connection)
        if route.method.access == .read || route.method.access == .session {
            // A request's own `auth` counts before the connection's session: a one-shot signed read
            // is judged by its signature alone, wherever it is sent.
            let session = request.auth == nil && route.method.access == .read ? connection.keyID : nil
            do {
                if let session {
                    context.reader = try gate.admit(session: session, of: connection)
                } else {
                    context.reader = try gate.admit(
                        request.auth, method: route.method, params: request.paramsBytes,
                        context: route.method.access == .session
                            ? ReadAuthorization.sessionContext : ReadAuthorization.context)
                }
            } catch {
                logRefusedRead(error, route.method, keyID: request.auth?.keyId ?? session?.hex, peer: peer)
                return context.respond(error)
            }
        }
        do {
            return try await route.run(self, params, context)
        } catch let error as RPCError {
            if error.isReadForbidden {
                logRefusedRead(error, route.method, keyID: context.reader?.keyID.hex, peer: peer)
            }
            return context.respond(error)
        } catch let error as LedgerError {
            return context.respond(RPCError(error))
        } catch StoreError.outOfRange(let why) {
            return context.respond(.invalidParams(why))
        } catch let error as StoreError {
            logger.error(
                "database read failed", metadata: ["method": "\(route.method.rawValue)", "error": .escaped(error)])
            if case .corruptRow(let what) = error { return context.respond(.corruptRow(what)) }
            return context.respond(.storage("\(error)"))
        } catch {
            logger.error("request failed", metadata: ["method": "\(route.method.rawValue)", "error": .escaped(error)])
            return context.respond(.internalError("\(error)"))
        }
    }

    /// The answer to a request read after the daemon began to stop: `shutting_down`, by the
    /// request's id when it has one; nothing is started.
    func refuseWhileStopping(_ line: [UInt8]) -> Data {
        switch Request.parse(line) {
        case .failure(let failed): RequestContext.respond(id: failed.id, .shuttingDown)
        case .success(let request): RequestContext.respond(id: request.id, .shuttingDown)
        }
    }

    /// A refused read goes to the daemon's log (the access log holds only what was shown).
    private func logRefusedRead(_ error: RPCError, _ method: Method, keyID: String?, peer: PeerCredentials?) {
        logger.notice(
            "read refused",
            metadata: [
                "method": "\(method.rawValue)", "reason": "\(error.reason)",
                "key_id": .escaped(keyID ?? "none"),
                "peer": "\(peer?.description ?? "unknown")",
            ])
    }

    /// Puts a read on record (`AccessLogger.record`): the accounts it shows, or nil for every
    /// account. A handler calls it before it answers; a read that cannot be recorded throws.
    func recordRead(_ context: RequestContext, _ method: Method, accounts: [AccountID]?) throws(RPCError) {
        try accessLog.record(
            try context.requireReader(), method: method, accounts: accounts, peer: context.peer, at: clock())
    }

    /// Reads an optional RFC 3339 time from params, naming the param in the error.
    func time(_ text: String?, _ name: String) throws(RPCError) -> Timestamp? {
        guard let text else { return nil }
        guard let value = Timestamp(rfc3339: text) else {
            throw .invalidParams("\"\(name)\" must be an RFC 3339 UTC time like 2026-11-01T00:00:00.000Z")
        }
        return value
    }

    /// Reads an account id from params, with the form it should have in the error.
    func accountID(_ text: String) throws(RPCError) -> AccountID {
        do { return try AccountID(text) } catch {
            throw .invalidParams(
                "\"account\" \(RPCError.shown(text)) is not an account id (lowercase parts joined by ':', e.g. vol:jan-peeters)"
            )
        }
    }
}
