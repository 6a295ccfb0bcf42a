import Foundation
import NoaberCore
import NoaberProtocol

/// What a handler knows of the request beside its params.
struct RequestContext: Sendable {
    var id: RPCID
    var peer: PeerCredentials?
    /// What the request's connection has proved (`session.open`).
    var connection: ConnectionSession
    /// Who signed the read; set for every method whose access is `.read`, before its handler runs.
    var reader: Reader?

    /// The reader of a `.read` method. The service admits one before any such handler runs, so
    /// its absence is a fault of the daemon's, never of the client's.
    func requireReader() throws(RPCError) -> Reader {
        guard let reader else { throw .internalError("a read handler ran without a reader") }
        return reader
    }

    /// The response line for a result; a result that cannot be encoded is an internal error.
    func respond(_ result: some Encodable) -> Data {
        // The hot answers skip `JSONEncoder`, for the same bytes.
        if let writable = result as? any JSONWritable { return RPCCoding.successLine(id: id, writable) }
        do { return try RPCCoding.line(RPCSuccess(id: id, result: result)) } catch {
            return respond(.internalError("cannot encode the result"))
        }
    }

    func respond(_ error: RPCError) -> Data {
        Self.respond(id: id, error)
    }

    static func respond(id: RPCID, _ error: RPCError) -> Data {
        RPCCoding.failureLine(id: id, error)
    }
}

/// A response line a handler encoded itself, where encoding inside a read bounds the memory
/// that concurrent answers hold (`ledger.entries`).
struct ResponseLine: Sendable {
    var data: Data
}

/// How the service answers one method: how its params are decoded, and the one handler that runs.
struct Route: Sendable {
    let method: Method
    let decodeParams: @Sendable (Request.ParamsDecoder) throws -> any Sendable
    /// The params decoded from their tree (nil: absent), for `Request.parse`'s short way; any
    /// failure sends the request the long way, through `decodeParams`, which names it.
    let decodeTree: @Sendable (JSONTree?) throws -> any Sendable
    /// The params read in one pass from the line (`Request.onePass`), nil for any but their usual
    /// form; nil itself for a method whose params are not read that way.
    let pullParams: (@Sendable (inout JSONPullReader) -> (any Sendable)?)?
    let run: @Sendable (LedgerService, any Sendable, RequestContext) async throws -> Data

    init<P: Decodable & Sendable, R: Encodable>(
        _ method: Method, _ handler: @escaping @Sendable (LedgerService) -> (P, RequestContext) async throws -> R
    ) {
        self.init(
            method, decode: { try $0.decode(P.self) }, decodeTree: Self.tree(P.self), pull: Self.pulled(P.self),
            run: { service, params, context in
                context.respond(try await handler(service)(params, context))
            })
    }

    /// A method whose handler encodes its own response line.
    init<P: Decodable & Sendable>(
        _ method: Method,
        _ handler: @escaping @Sendable (LedgerService) -> (P, RequestContext) async throws -> ResponseLine
    ) {
        self.init(
            method, decode: { try $0.decode(P.self) }, decodeTree: Self.tree(P.self), pull: Self.pulled(P.self),
            run: { service, params, context in
                try await handler(service)(params, context).data
            })
    }

    /// A method without params: whatever `params` holds, if anything, is not read.
    init<R: Encodable>(
        _ method: Method, _ handler: @escaping @Sendable (LedgerService) -> (RequestContext) async throws -> R
    ) {
        self.init(
            method, decode: { _ in NoParams() }, decodeTree: { _ in NoParams() },
            // Whatever `params` holds is walked (it must be JSON) and not read.
            pull: { reader in (try? reader.skip(depth: 1)).map { NoParams() } },
            run: { service, _, context in
                context.respond(try await handler(service)(context))
            })
    }

    private init<P: Sendable>(
        _ method: Method, decode: @escaping @Sendable (Request.ParamsDecoder) throws -> P,
        decodeTree: @escaping @Sendable (JSONTree?) throws -> P,
        pull: (@Sendable (inout JSONPullReader) -> (any Sendable)?)?,
        run: @escaping @Sendable (LedgerService, P, RequestContext) async throws -> Data
    ) {
        self.method = method
        decodeParams = decode
        self.decodeTree = decodeTree
        pullParams = pull
        self.run = { service, params, context in
            // The params were decoded by this same route, so they are always of its type.
            guard let params = params as? P else { throw RPCError.internalError("params decoded for another method") }
            return try await run(service, params, context)
        }
    }
}

extension Route {
    /// Reads params of type `P` in one pass, where `P` can be read so.
    fileprivate static func pulled<P>(_ type: P.Type) -> (@Sendable (inout JSONPullReader) -> (any Sendable)?)? {
        guard let pullable = P.self as? any PullReadableParams.Type else { return nil }
        return { reader in pullable.pulled(&reader) }
    }

    /// Decodes present params of type `P` from their tree, as `Request.ParamsDecoder` would.
    fileprivate static func tree<P: Decodable>(_ type: P.Type) -> @Sendable (JSONTree?) throws -> P {
        { tree in
            guard let tree else { throw RPCError.invalidParams("\"params\" is missing") }
            if let exact = P.self as? any ExactlyReadableParams.Type, let params = exact.exactly(tree) as? P {
                return params
            }
            return try JSONTreeDecoder(convertFromSnakeCase: true).decode(P.self, from: tree)
        }
    }
}

extension LedgerService {
    /// The handler of every method, grouped by family in the files beside this one.
    static func route(for method: Method) -> Route {
        switch method {
        case .submit: Route(method, submit)
        case .submitBatch: Route(method, submitBatch)
        case .status: Route(method, status)
        case .firstEntry: Route(method, firstEntry)
        case .entries: Route(method, entries)
        case .balances: Route(method, balances)
        case .state: Route(method, state)
        case .treeNodes: Route(method, treeNodes)
        case .rows: Route(method, rows)
        case .entryGet: Route(method, entryGet)
        case .usedIDs: Route(method, usedIDs)
        case .accountGet: Route(method, accountGet)
        case .accountList: Route(method, accountList)
        case .accountHistory: Route(method, accountHistory)
        case .accountStatement: Route(method, accountStatement)
        case .keyList: Route(method, keyList)
        case .categoryList: Route(method, categoryList)
        case .claimList: Route(method, claimList)
        case .checkpoint: Route(method, checkpoint)
        case .inclusionProof: Route(method, inclusionProof)
        case .consistencyProof: Route(method, consistencyProof)
        case .accessLog: Route(method, accessLog)
        case .backupStart: Route(method, backupStart)
        case .backupRead: Route(method, backupRead)
        case .sessionChallenge: Route(method, sessionChallenge)
        case .sessionOpen: Route(method, sessionOpen)
        }
    }

    /// The one rule for page sizes: what the client asked for, at least 1 and at most `max`.
    static func pageSize(_ requested: Int?, default fallback: Int? = nil, max: Int) -> Int {
        min(Swift.max(requested ?? fallback ?? max, 1), max)
    }
}
