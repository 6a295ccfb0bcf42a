package import Foundation
import NIOCore
import NIOPosix
import NoaberCore
package import NoaberCrypto
package import NoaberProtocol

/// Why a call did not get a result.
package enum ClientError: Error, CustomStringConvertible, Sendable {
    /// Nothing listens at the socket path, or the path is not reachable.
    case cannotConnect(path: String, reason: String)
    /// The daemon closed the connection before answering.
    case connectionClosed
    /// The daemon's answer is not a JSON-RPC response.
    case malformedResponse(String)
    /// The daemon answered with an error.
    case rpc(RPCError)
    /// The program that relays to a remote daemon (ssh) could not be started.
    case cannotStart(command: String, daemon: String, reason: String)
    /// The relaying program ended before the daemon answered; it has said why on stderr.
    case commandExited(command: String, daemon: String, status: Int32)

    package var description: String {
        switch self {
        case .cannotConnect(let path, let reason):
            "cannot connect to noaberd at \(path): \(reason) (is noaberd running? use --socket or NOABER_SOCKET)"
        case .connectionClosed: "noaberd closed the connection before answering"
        case .malformedResponse(let why): "malformed response from noaberd: \(why)"
        case .rpc(let error): error.message
        case .cannotStart(let command, let daemon, let reason):
            "cannot run \(command) to reach noaberd at \(daemon): \(reason) (set NOABER_SSH to the ssh command)"
        case .commandExited(let command, let daemon, let status):
            "\(command) exited with status \(status) before noaberd at \(daemon) answered (see \(command)'s message above)"
        }
    }
}

/// A connection to noaberd, used inside `withConnection`'s scope: one request line out, one
/// response line back, in order.
package final class RPCClient {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var nextID: Int64 = 1
    /// The ids of requests written by `request` whose answers are still to be read, oldest first.
    private var unanswered: [Int64] = []
    /// Signs every read (`Method.Access.read`) from here on; set once the ledger's id is known.
    package var readSigner: ReadSigner?
    /// The key whose session this connection opened (`openSession`): reads then go unsigned.
    package private(set) var sessionKeyID: String?

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects to the Unix socket at `socketPath`, runs `body`, and closes the connection.
    package static func withConnection<R>(
        socketPath: String, maxLineBytes: Int = LineFrameDecoder.defaultMaxLength * 64,
        _ body: (RPCClient) async throws -> R
    ) async throws -> R {
        try await withConnection(to: .unixSocket(path: socketPath), maxLineBytes: maxLineBytes, body)
    }

    /// Connects to `endpoint`, runs `body`, and closes the connection; for a command, waits for it
    /// to exit, and blames it when it ended before the daemon answered.
    package static func withConnection<R>(
        to endpoint: Endpoint, maxLineBytes: Int = LineFrameDecoder.defaultMaxLength * 64,
        _ body: (RPCClient) async throws -> R
    ) async throws -> R {
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(LineFrameDecoder(maxLength: maxLineBytes)))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        switch endpoint {
        case .unixSocket(let path):
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(unixDomainSocketPath: path, channelInitializer: initializer)
            } catch let error as IOError {
                throw ClientError.cannotConnect(path: path, reason: String(cString: strerror(error.errnoCode)))
            } catch {
                throw ClientError.cannotConnect(path: path, reason: "\(error)")
            }
            return try await run(channel, body)
        case .command(let executable, let arguments, let display):
            let child = try RelayChild(executable: executable, arguments: arguments, display: display)
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .takingOwnershipOfDescriptors(
                        input: child.readDescriptor, output: child.writeDescriptor, channelInitializer: initializer)
            } catch {
                child.closeDescriptors()
                _ = await child.finish(grace: .zero)
                throw ClientError.cannotStart(command: child.name, daemon: display, reason: "\(error)")
            }
            do {
                let result = try await run(channel, body)
                _ = await child.finish()
                return result
            } catch {
                // A lost connection is the relay's doing when it failed: ssh said why on stderr. Any
                // other error (the daemon's refusal, the client's own checks) stands as it is.
                let lost: Bool
                switch error {
                case ClientError.connectionClosed, is IOError, is ChannelError: lost = true
                default: lost = false
                }
                let status = await child.finish()
                if lost, let status, status != 0 {
                    throw ClientError.commandExited(command: child.name, daemon: display, status: status)
                }
                throw error
            }
        }
    }

    private static func run<R>(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ body: (RPCClient) async throws -> R
    ) async throws -> R {
        try await channel.executeThenClose { inbound, outbound in
            let client = RPCClient(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(client)
        }
    }

    /// Calls `method` and decodes its result; an error answer throws `ClientError.rpc`.
    package func call<P: Encodable, R: Decodable>(_ method: Method, _ params: P, as: R.Type = R.self) async throws -> R
    {
        let id = nextID
        nextID += 1
        let line = try RPCCoding.requestLine(
            id: .number(id), method: method.rawValue, params: params, authorize: authorizer(for: method))
        return try await send(line, as: R.self)
    }

    /// Writes a request and returns without its answer, so that the daemon works on it while the
    /// caller does something else; `answer(_:)` reads it. The daemon answers a connection's lines
    /// in order, so answers must be read in the order their requests were written.
    package func request<P: Encodable, R: Decodable>(
        _ method: Method, _ params: P, as: R.Type = R.self
    ) async throws -> Pending<R> {
        let id = nextID
        nextID += 1
        let line = try RPCCoding.requestLine(
            id: .number(id), method: method.rawValue, params: params, authorize: authorizer(for: method))
        try await outbound.write(ByteBuffer(bytes: line))
        unanswered.append(id)
        return Pending(id: id)
    }

    /// The answer to a request written by `request(_:_:as:)`, which must be the oldest unanswered.
    package func answer<R: Decodable>(_ pending: Pending<R>) async throws -> R {
        guard unanswered.first == pending.id else {
            throw ClientError.malformedResponse("answer \(pending.id) read out of order")
        }
        unanswered.removeFirst()
        guard let buffer = try await inbound.next() else { throw ClientError.connectionClosed }
        return try Self.decode(Data(buffer.readableBytesView), as: R.self)
    }

    /// A call's answer would be the answer to an earlier request still pending.
    private func checkNothingPending() throws {
        guard unanswered.isEmpty else {
            throw ClientError.malformedResponse(
                "a call was made before the answers to \(unanswered.count) requests were read")
        }
    }

    /// A request written whose answer has not been read yet.
    package struct Pending<R: Decodable> {
        fileprivate let id: Int64
    }

    /// Authenticates the connection once (docs/PROTOCOL.md, "Sessions"): asks the daemon for a
    /// challenge and answers it signed by `signer`'s key; from then on reads are sent without
    /// `auth` and the daemon reads them as that key. One round trip more than a signed read, and
    /// no signature for any read after it.
    @discardableResult
    package func openSession(_ signer: ReadSigner) async throws -> SessionInfo {
        let challenge = try await call(.sessionChallenge, NoParams(), as: SessionChallenge.self)
        let id = nextID
        nextID += 1
        let line = try RPCCoding.requestLine(
            id: .number(id), method: Method.sessionOpen.rawValue,
            params: SessionOpenParams(challenge: challenge.challenge), authorize: signer.authorizeSession)
        let info = try await send(line, as: SessionInfo.self)
        sessionKeyID = info.keyId
        return info
    }

    /// Sends an already encoded line (tests use it for malformed requests) and decodes the answer.
    package func send<R: Decodable>(_ line: Data, as: R.Type = R.self) async throws -> R {
        try checkNothingPending()
        try await outbound.write(ByteBuffer(bytes: line))
        guard let buffer = try await inbound.next() else { throw ClientError.connectionClosed }
        return try Self.decode(Data(buffer.readableBytesView), as: R.self)
    }

    /// Writes every request of `batch` before reading any answer, so that they cost one round trip
    /// instead of one each. The daemon answers a connection's lines one by one, in order
    /// (docs/PROTOCOL.md), so the n-th answer is the n-th request's. Every answer is read before
    /// any is decoded: one that is an error must not leave the others unread on the connection.
    package func send(_ batch: Batch) async throws -> Answers {
        try checkNothingPending()
        var bytes = Data()
        for (method, encode) in batch.requests {
            bytes += try encode(nextID, authorizer(for: method))
            nextID += 1
        }
        try await outbound.write(ByteBuffer(bytes: bytes))
        var lines: [Data] = []
        for _ in batch.requests {
            guard let buffer = try await inbound.next() else { throw ClientError.connectionClosed }
            lines.append(Data(buffer.readableBytesView))
        }
        return Answers(lines: lines)
    }

    private func authorizer(for method: Method) -> ((String, [UInt8]) throws -> ReadAuthorization)? {
        guard method.access == .read, sessionKeyID == nil, let readSigner else { return nil }
        return readSigner.authorize
    }

    fileprivate static func decode<R: Decodable>(_ line: Data, as: R.Type) throws -> R {
        // A page read in one pass; any line that pass does not take is read below, which decides.
        if let scannable = R.self as? any JSONLineScannable.Type,
            let result = scannable.scan(line: Array(line.last == 0x0A ? line.dropLast() : line)) as? R
        {
            return result
        }
        if let readable = R.self as? any JSONTreeReadable.Type, let result = try treeResult(line, as: readable) as? R {
            return result
        }
        let response: RPCResponse<R>
        do {
            response = try RPCCoding.decoder().decode(RPCResponse<R>.self, from: line)
        } catch {
            throw ClientError.malformedResponse("\(error)")
        }
        if let error = response.error { throw ClientError.rpc(error) }
        guard let result = response.result else { throw ClientError.malformedResponse("neither result nor error") }
        return result
    }

    /// A page's result read from one strict parse of its line, without `JSONDecoder`; nil for an
    /// error answer, which the caller decodes as any other.
    private static func treeResult(_ line: Data, as type: any JSONTreeReadable.Type) throws -> (any JSONTreeReadable)? {
        let tree: JSONTree
        do { tree = try StrictJSON.parse(Array(line.last == 0x0A ? line.dropLast() : line), lenient: true) } catch {
            throw ClientError.malformedResponse("\(error)")
        }
        guard case .object(let members) = tree else {
            throw ClientError.malformedResponse("the answer is not an object")
        }
        if let error = members["error"], error != .null { return nil }
        guard let result = members["result"], result != .null else {
            throw ClientError.malformedResponse("neither result nor error")
        }
        do { return try type.init(tree: result) } catch { throw ClientError.malformedResponse("\(error)") }
    }

    /// Writes raw bytes without waiting for an answer (tests: partial lines, oversized lines).
    package func writeRaw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Reads the next raw line, or nil when the daemon closed the connection.
    package func readLine() async throws -> String? {
        guard let buffer = try await inbound.next() else { return nil }
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }
}

extension RPCClient {
    /// Requests to send together with `RPCClient.send(_:)`; each `add` returns the handle by which
    /// its answer is read, typed, so that answers cannot be mixed up by position.
    package struct Batch {
        fileprivate var requests: [(Method, (Int64, ((String, [UInt8]) throws -> ReadAuthorization)?) throws -> Data)] =
            []

        package var isEmpty: Bool { requests.isEmpty }

        package init() {}

        package mutating func add<P: Encodable, R: Decodable>(
            _ method: Method, _ params: P, as: R.Type = R.self
        ) -> Answer<R> {
            requests.append(
                (
                    method,
                    { id, authorize in
                        try RPCCoding.requestLine(
                            id: .number(id), method: method.rawValue, params: params, authorize: authorize)
                    }
                ))
            return Answer(index: requests.count - 1)
        }
    }

    package struct Answer<R: Decodable> {
        fileprivate let index: Int
    }

    /// The raw answers of a batch; each is decoded only when asked for, so a caller decides in
    /// which order failures are reported.
    package struct Answers {
        fileprivate let lines: [Data]

        /// The answer's result; an error answer throws `ClientError.rpc`.
        package func result<R>(_ answer: Answer<R>) throws -> R {
            try RPCClient.decode(lines[answer.index], as: R.self)
        }
    }
}

/// Signs reads for one ledger with the user's key: the key never leaves this process, only the
/// authorisations do.
package struct ReadSigner: Sendable {
    package let key: Ed25519PrivateKey
    package let ledgerID: String

    package init(key: Ed25519PrivateKey, ledgerID: String) {
        self.key = key
        self.ledgerID = ledgerID
    }

    package func authorize(_ method: String, _ params: [UInt8]) throws -> ReadAuthorization {
        try ReadAuthorization.sign(
            method: method, params: params, ledgerID: ledgerID, timestamp: Timestamp.now().rfc3339, with: key)
    }

    /// Signs a `session.open` under the session context.
    package func authorizeSession(_ method: String, _ params: [UInt8]) throws -> ReadAuthorization {
        try ReadAuthorization.sign(
            context: ReadAuthorization.sessionContext, method: method, params: params, ledgerID: ledgerID,
            timestamp: Timestamp.now().rfc3339, with: key)
    }
}
