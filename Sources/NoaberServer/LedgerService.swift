import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization
import NoaberTransparency

/// Turns one request line into one response line. Every failure becomes a typed JSON-RPC error;
/// nothing here can take the daemon down.
struct LedgerService: Sendable {
    static let version = "0.1.0"

    let writer: GroupCommitWriter
    let reads: ReadPool
    let database: Database
    let startedAt: ContinuousClock.Instant
    /// The daemon's log key, as `ledger.status` reports it.
    let logPublicKey: Ed25519PublicKey
    let logger: Logger
    /// The writer's clock, by which claims expire.
    var clock: @Sendable () -> Timestamp = Timestamp.now

    func handle(_ line: Data, peer: PeerCredentials?) async -> Data {
        let request: (id: RPCID, method: Method)
        switch Self.envelope(line) {
        case .failure(let failed): return encode(id: failed.id, failed.error)
        case .success(let parsed): request = parsed
        }
        do {
            return try await dispatch(request.method, id: request.id, line: line, peer: peer)
        } catch let error as RPCError {
            return encode(id: request.id, error)
        } catch let error as LedgerError {
            return encode(id: request.id, RPCError(error))
        } catch StoreError.outOfRange(let why) {
            return encode(id: request.id, .invalidParams(why))
        } catch let error as StoreError {
            logger.error("database read failed", metadata: ["method": "\(request.method.rawValue)", "error": "\(error)"])
            if case .corruptRow(let what) = error { return encode(id: request.id, .corruptRow(what)) }
            return encode(id: request.id, .storage("\(error)"))
        } catch {
            logger.error("request failed", metadata: ["method": "\(request.method.rawValue)", "error": "\(error)"])
            return encode(id: request.id, .internalError("\(error)"))
        }
    }

    /// Checks the JSON-RPC envelope field by field, so that each mistake gets its own message.
    private static func envelope(_ line: Data) -> Result<(RPCID, Method), FailedRequest> {
        guard let object = try? RPCCoding.decoder().decode(LooseEnvelope.self, from: line) else {
            let isJSON = (try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])) != nil
            return .failure(FailedRequest(.null, isJSON ? .invalidRequest("expected a JSON object") : .parseError("not valid JSON")))
        }
        let id: RPCID
        switch object.id {
        case nil: return .failure(FailedRequest(.null, .invalidRequest("\"id\" is required; notifications are not supported")))
        case .string(let text)?: id = .string(text)
        case .integer(let number)?: id = .number(number)
        case .other?: return .failure(FailedRequest(.null, .invalidRequest("\"id\" must be an integer or a string")))
        }
        guard case .string("2.0")? = object.jsonrpc else {
            return .failure(FailedRequest(id, .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        guard case .string(let name)? = object.method else {
            return .failure(FailedRequest(id, .invalidRequest("\"method\" must be a string")))
        }
        guard let method = Method(rawValue: name) else { return .failure(FailedRequest(id, .methodNotFound(name))) }
        return .success((id, method))
    }

    /// An envelope field of any JSON type, so that a wrong type is named rather than fatal.
    private enum LooseValue: Decodable {
        case string(String)
        case integer(Int64)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let number = try? container.decode(Int64.self) {
                self = .integer(number)
            } else {
                self = .other
            }
        }
    }

    private struct LooseEnvelope: Decodable {
        var jsonrpc: LooseValue?
        var id: LooseValue?
        var method: LooseValue?
    }

    struct FailedRequest: Error {
        var id: RPCID
        var error: RPCError
        init(_ id: RPCID, _ error: RPCError) {
            self.id = id
            self.error = error
        }
    }

    private func dispatch(_ method: Method, id: RPCID, line: Data, peer: PeerCredentials?) async throws -> Data {
        switch method {
        case .submit:
            let params: SubmitParams = try decodeParams(line)
            return try encode(id: id, await writer.submit(try params.signedEntry(), peer: peer).get())
        case .submitBatch:
            let params: SubmitBatchParams = try decodeParams(line)
            guard (1...SubmitBatchParams.maxEntries).contains(params.entries.count) else {
                throw RPCError.invalidParams("a batch holds 1 to \(SubmitBatchParams.maxEntries) entries, not \(params.entries.count)")
            }
            var entries: [SignedEntry] = []
            for (index, entry) in params.entries.enumerated() {
                do { entries.append(try entry.signedEntry()) } catch {
                    throw RPCError.invalidParams("entries[\(index)]: \(error.message)")
                }
            }
            let outcomes = await writer.submitBatch(entries, peer: peer)
            var results: [SubmitResult] = []
            for outcome in outcomes {
                switch outcome {
                case .success(let result): results.append(result)
                case .failure(let error):
                    // The entry refused in its own right names the batch's failure; the others only echo it.
                    let refused = outcomes.firstIndex { if case .failure(let e) = $0 { !e.message.hasPrefix("batch entry ") } else { false } }
                    if let refused, case .failure(let own) = outcomes[refused] { throw GroupCommitWriter.aborted(by: refused, own) }
                    throw error
                }
            }
            return encode(id: id, SubmitBatchResult(results: results))
        case .status:
            return encode(id: id, try await status())
        case .entries:
            let params: EntriesParams = try decodeParams(line)
            let limit = min(max(params.limit ?? EntriesParams.maxLimit, 1), EntriesParams.maxLimit)
            // A page stops at about 8 MiB of payload (at least one entry), so a response line stays
            // far below what a client buffers however large the payloads are. The store finds the
            // cut from the payloads' lengths and reads no more than that; the page is encoded inside
            // the read, so that ReadPool's bound on concurrent reads also bounds the pages in memory.
            return try await reads.read { db in
                let page = try db.entries(from: params.fromSeq, limit: limit, maxPayloadBytes: EntriesParams.maxPageBytes)
                    .map(EntryInfo.init)
                return encode(id: id, EntriesResult(entries: page))
            }
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
        case .state:
            let result = try await reads.read { db in
                try db.snapshot { () throws(StoreError) in
                    StateResult(
                        headSeq: try db.summary().entries, rows: try db.journalRows(), ledger: try db.ledger().map(LedgerInfo.init),
                        keys: try db.keys().map(KeyInfo.init), accounts: try db.accounts().map(AccountInfo.init),
                        checkpoint: try db.latestCheckpoint()?.note, categories: try db.categories().map(CategoryInfo.init),
                        settings: SettingsInfo(try db.settings()))
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
        case .accountStatement:
            let params: StatementParams = try decodeParams(line)
            let account = try accountID(AccountParams(account: params.account))
            func time(_ text: String?, _ name: String) throws -> Timestamp? {
                guard let text else { return nil }
                guard let value = Timestamp(rfc3339: text) else {
                    throw RPCError.invalidParams("\"\(name)\" must be an RFC 3339 UTC time like 2026-11-01T00:00:00.000Z")
                }
                return value
            }
            let (from, to) = (try time(params.fromTime, "from_time"), try time(params.toTime, "to_time"))
            if let from, let to, to < from { throw RPCError.invalidParams("\"to_time\" is before \"from_time\"") }
            let limit = min(max(params.limit ?? StatementParams.maxLimit, 1), StatementParams.maxLimit)
            let statement = try await reads.read { db in
                try db.statement(of: account, from: from, to: to, afterSeq: params.afterSeq ?? 0, limit: limit)
            }
            guard let statement else { throw LedgerError.unknownAccount(account) }
            return encode(
                id: id,
                StatementResult(
                    account: AccountInfo(statement.account), opening: statement.opening, lines: statement.lines.map(HistoryLineInfo.init),
                    closing: statement.closing, more: statement.more))
        case .keyList:
            return encode(id: id, KeyList(keys: try await reads.read { try $0.keys() }.map(KeyInfo.init)))
        case .categoryList:
            return encode(id: id, CategoryList(categories: try await reads.read { try $0.categories() }.map(CategoryInfo.init)))
        case .claimList:
            return encode(id: id, try await claims(try decodeParams(line)))
        case .checkpoint:
            let result = try await reads.read { db in
                try db.snapshot { () throws(StoreError) in
                    CheckpointResult(checkpoint: try db.latestCheckpoint()?.note, treeSize: try db.treeSize())
                }
            }
            return encode(id: id, result)
        case .inclusionProof:
            return encode(id: id, try await inclusionProof(try decodeParams(line)))
        case .consistencyProof:
            return encode(id: id, try await consistencyProof(try decodeParams(line)))
        }
    }

    private func status() async throws -> StatusResult {
        let (summary, schema, logKeyActive, checkpoint, settings) = try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                (
                    try db.summary(),
                    Int(try db.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").rows { $0.int64(0) }[0]),
                    try db.keys().first { $0.id == logPublicKey.keyID }.map { $0.role == .log && $0.revokedSeq == nil },
                    try db.latestCheckpoint(),
                    try db.settings()
                )
            }
        }
        let logKey = summary.ledger.flatMap { ledger in
            logKeyActive == true ? try? NoteVerifierKey(name: LogOrigin.origin(ledgerID: ledger.id), publicKey: logPublicKey).text : nil
        }
        let uptime = ContinuousClock.now - startedAt
        var result = StatusResult(
            initialised: summary.ledger != nil, ledgerId: summary.ledger?.id, name: summary.ledger?.name,
            currency: summary.ledger?.currency, hourRate: summary.ledger?.hourRate, entries: summary.entries,
            headHash: summary.headHash.hex, headTime: summary.headTime?.rfc3339, databaseBytes: database.sizeOnDisk(),
            uptimeSeconds: uptime.components.seconds, version: Self.version, schemaVersion: schema,
            groupCommits: writer.groupCommits.load(ordering: .relaxed),
            entriesCommitted: writer.entriesCommitted.load(ordering: .relaxed),
            logPublicKey: Hex.encode(logPublicKey.rawRepresentation), logKey: logKey, checkpointSize: checkpoint?.treeSize,
            logKeyRevoked: logKeyActive == false ? true : nil)
        if summary.ledger != nil { result.settings = SettingsInfo(settings) }
        return result
    }

    private func claims(_ params: ClaimListParams) async throws -> ClaimListResult {
        let account = try params.account.map { try accountID(AccountParams(account: $0)) }
        let limit = min(max(params.limit ?? ClaimListParams.maxLimit, 1), ClaimListParams.maxLimit)
        let now = clock()
        return try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                let days = try db.settings().claimExpiryDays
                let since = params.pending == true ? Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(days) * 86_400_000) : nil
                let rows = try db.claims(account: account, pendingSince: since, afterSeq: params.afterSeq ?? 0, limit: limit)
                return ClaimListResult(
                    claims: rows.map { ClaimInfo(record: $0.record, decision: $0.decision, reason: $0.reason, expiryDays: days, now: now) },
                    claimExpiryDays: days)
            }
        }
    }

    /// Reads the entry, the tree size and the proof in one snapshot, so they belong together.
    private func inclusionProof(_ params: InclusionProofParams) async throws -> InclusionProofResult {
        let result = try await reads.read { db in
            try db.snapshot { () throws(StoreError) -> InclusionProofResult? in
                guard let entry = try db.entry(id: params.entryId), let stored = try db.entries(from: entry.seq, limit: 1).first else {
                    return nil
                }
                let checkpoint = params.treeSize == nil ? try db.latestCheckpoint() : nil
                guard let size = params.treeSize ?? checkpoint?.treeSize else {
                    throw StoreError.outOfRange("the ledger has no checkpoint yet; give tree_size")
                }
                let index = UInt64(entry.seq - 1)
                guard index < size else {
                    throw StoreError.outOfRange("entry \(params.entryId) is entry \(entry.seq), after the tree of size \(size)")
                }
                let hashes = try db.inclusionProof(index: index, treeSize: size)
                return InclusionProofResult(
                    entry: EntryInfo(stored), index: index, treeSize: size, hashes: hashes.map(\.base64), checkpoint: checkpoint?.note)
            }
        }
        guard let result else { throw LedgerError.notFound("entry \(params.entryId)") }
        return result
    }

    private func consistencyProof(_ params: ConsistencyProofParams) async throws -> ConsistencyProofResult {
        try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                let checkpoint = params.newSize == nil ? try db.latestCheckpoint() : nil
                guard let newSize = params.newSize ?? checkpoint?.treeSize else {
                    throw StoreError.outOfRange("the ledger has no checkpoint yet; give new_size")
                }
                guard params.oldSize >= 1, params.oldSize <= newSize else {
                    throw StoreError.outOfRange("old_size must be from 1 to new_size (\(newSize)), not \(params.oldSize)")
                }
                let hashes = try db.consistencyProof(oldSize: params.oldSize, newSize: newSize)
                return ConsistencyProofResult(
                    oldSize: params.oldSize, newSize: newSize, hashes: hashes.map(\.base64), checkpoint: checkpoint?.note)
            }
        }
    }

    private func accountID(_ params: AccountParams) throws -> AccountID {
        do { return try AccountID(params.account) } catch {
            throw RPCError.invalidParams("\"account\" \(params.account) is not an account id (lowercase parts joined by ':', e.g. vol:jan-peeters)")
        }
    }

    private func decodeParams<P: Decodable>(_ line: Data) throws -> P {
        do {
            return try RPCCoding.decoder().decode(RPCParams<P>.self, from: line).params
        } catch let DecodingError.keyNotFound(key, context) {
            let path = Self.wireName(context.codingPath + [key])
            throw RPCError.invalidParams(path == "params" ? "\"params\" is missing" : "missing \"\(path)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw RPCError.invalidParams("\"\(Self.wireName(context.codingPath))\" has the wrong type")
        } catch {
            throw RPCError.invalidParams("params do not fit method")
        }
    }

    /// A coding path as it is spelled on the wire: `params.from_seq`.
    private static func wireName(_ path: [any CodingKey]) -> String {
        path.map { key in
            key.intValue.map { "[\($0)]" } ?? key.stringValue.reduce(into: "") { name, c in
                if c.isUppercase { name += "_" + c.lowercased() } else { name.append(c) }
            }
        }.joined(separator: ".")
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
