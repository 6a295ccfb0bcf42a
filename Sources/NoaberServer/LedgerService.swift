import Foundation
import Logging
import NoaberCore
import NoaberHashing
import NoaberProtocol
import NoaberStore
import Synchronization

/// Turns one request line into one response line. Every failure becomes a typed JSON-RPC error;
/// nothing here can take the daemon down.
struct LedgerService: Sendable {
    static let version = "0.1.0"

    let writer: GroupCommitWriter
    let reads: ReadPool
    let database: Database
    let startedAt: ContinuousClock.Instant
    let logger: Logger

    func handle(_ line: Data, peer: PeerCredentials?) async -> Data {
        let envelope: RPCEnvelope
        do {
            envelope = try RPCCoding.decoder().decode(RPCEnvelope.self, from: line)
        } catch {
            let isJSON = (try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])) != nil
            return encode(id: .null, isJSON ? .invalidRequest("expected a JSON object") : .parseError("not valid JSON"))
        }
        let id = envelope.id ?? .null
        guard envelope.jsonrpc == "2.0" else { return encode(id: id, .invalidRequest("\"jsonrpc\" must be \"2.0\"")) }
        guard envelope.id != nil else { return encode(id: .null, .invalidRequest("\"id\" is required; notifications are not supported")) }
        guard let name = envelope.method else { return encode(id: id, .invalidRequest("\"method\" is missing")) }
        guard let method = Method(rawValue: name) else { return encode(id: id, .methodNotFound(name)) }
        do {
            return try await dispatch(method, id: id, line: line, peer: peer)
        } catch let error as RPCError {
            return encode(id: id, error)
        } catch let error as LedgerError {
            return encode(id: id, RPCError(error))
        } catch {
            logger.error("request failed", metadata: ["method": "\(name)", "error": "\(error)"])
            return encode(id: id, .internalError("\(error)"))
        }
    }

    private func dispatch(_ method: Method, id: RPCID, line: Data, peer: PeerCredentials?) async throws -> Data {
        switch method {
        case .submit:
            let params: SubmitParams = try decodeParams(line)
            return try encode(id: id, await writer.submit(try params.signedEntry(), peer: peer).get())
        case .status:
            return encode(id: id, try await status())
        case .entries:
            let params: EntriesParams = try decodeParams(line)
            let limit = min(max(params.limit ?? EntriesParams.maxLimit, 1), EntriesParams.maxLimit)
            let entries = try await reads.read { try $0.entries(from: params.fromSeq, limit: limit) }
            return encode(id: id, EntriesResult(entries: entries.map(EntryInfo.init)))
        case .balances:
            let result = try await reads.read { db in
                try db.snapshot { () throws(StoreError) in
                    BalancesResult(
                        headSeq: try db.summary().entries,
                        balances: try db.balances().sorted { $0.key < $1.key }.map {
                            AccountBalance(account: $0.key.rawValue, balance: $0.value)
                        })
                }
            }
            return encode(id: id, result)
        case .entryGet:
            let params: EntryGetParams = try decodeParams(line)
            let found = try await reads.read { db in
                try db.entry(id: params.id).map { entry in try db.entries(from: entry.seq, limit: 1).first }
            }
            guard let stored = found ?? nil else { throw LedgerError.notFound("entry \(params.id)") }
            return encode(id: id, EntryInfo(stored))
        case .accountGet:
            let account = try accountID(try decodeParams(line) as AccountParams)
            guard let found = try await reads.read({ try $0.account(account) }) else { throw LedgerError.unknownAccount(account) }
            return encode(id: id, AccountInfo(found))
        case .accountList:
            return encode(id: id, AccountList(accounts: try await reads.read { try $0.accounts() }.map(AccountInfo.init)))
        case .accountHistory:
            let params: HistoryParams = try decodeParams(line)
            let account = try accountID(AccountParams(account: params.account))
            let limit = min(max(params.limit ?? 20, 1), 1000)
            let lines = try await reads.read { db in
                try db.account(account) == nil ? nil : try db.history(of: account, limit: limit, beforeSeq: params.beforeSeq)
            }
            guard let lines else { throw LedgerError.unknownAccount(account) }
            return encode(id: id, HistoryResult(account: account.rawValue, lines: lines.map(HistoryLineInfo.init)))
        case .keyList:
            return encode(id: id, KeyList(keys: try await reads.read { try $0.keys() }.map(KeyInfo.init)))
        }
    }

    private func status() async throws -> StatusResult {
        let (summary, schema) = try await reads.read { db in
            (try db.summary(), Int(try db.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").rows { $0.int64(0) }[0]))
        }
        let uptime = ContinuousClock.now - startedAt
        return StatusResult(
            initialised: summary.ledger != nil, ledgerId: summary.ledger?.id, name: summary.ledger?.name,
            currency: summary.ledger?.currency, hourRate: summary.ledger?.hourRate, entries: summary.entries,
            headHash: summary.headHash.hex, headTime: summary.headTime?.rfc3339, databaseBytes: database.sizeOnDisk(),
            uptimeSeconds: uptime.components.seconds, version: Self.version, schemaVersion: schema,
            groupCommits: writer.groupCommits.load(ordering: .relaxed),
            entriesCommitted: writer.entriesCommitted.load(ordering: .relaxed))
    }

    private func accountID(_ params: AccountParams) throws -> AccountID {
        do { return try AccountID(params.account) } catch { throw RPCError.invalidParams(error.message) }
    }

    private func decodeParams<P: Decodable>(_ line: Data) throws -> P {
        do {
            return try RPCCoding.decoder().decode(RPCParams<P>.self, from: line).params
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).filter { $0 != "params" }
            throw RPCError.invalidParams(path.isEmpty ? "\"params\" is missing" : "missing \"\(path.joined(separator: "."))\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw RPCError.invalidParams("\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw RPCError.invalidParams("params do not fit method")
        }
    }

    private func encode(id: RPCID, _ result: some Encodable) -> Data {
        do { return try RPCCoding.line(RPCSuccess(id: id, result: result)) } catch {
            return encode(id: id, .internalError("cannot encode the result"))
        }
    }

    private func encode(id: RPCID, _ error: RPCError) -> Data {
        // An error object of strings and numbers always encodes.
        try! RPCCoding.line(RPCFailure(id: id, error: error))
    }
}
