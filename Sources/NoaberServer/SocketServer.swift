import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import NoaberProtocol
import NoaberTransport
import ServiceLifecycle
import Synchronization

/// The Unix-socket front of the daemon. Each connection is served one request at a time: its next
/// request is read only once the answer to the last one is written to the socket, so a client that
/// does not read holds one answer at most, and `AnswerMemory` bounds them all together.
/// `RequestDeadline` frees the slots of clients that neither ask nor read.
///
/// On graceful shutdown it stops accepting, answers every request it has read (a request not yet
/// started with `shutting_down`), closes each connection once it owes it nothing, and returns once
/// all connections are closed.
package final class SocketServer: Service, Sendable {
    private let configuration: ServerConfiguration
    private let service: LedgerService
    private let logger: Logger
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let shuttingDown = Atomic<Bool>(false)
    private let answers: AnswerMemory<any Channel>
    /// Connections accepted but not yet taken up by `serve`. When the server channel closes, NIO
    /// drops those still buffered in its stream, and a dropped one traps ("Deinited NIOAsyncWriter
    /// without calling finish()", apple/swift-nio#2813); holding them here lets `run` serve them.
    private let unserved = Mutex(Unserved())

    private struct Unserved {
        var accepting = true
        var channels: [ObjectIdentifier: NIOAsyncChannel<ByteBuffer, ByteBuffer>] = [:]
    }

    /// How long the listening socket stays open after the shutdown signal.
    static let backlogGrace = TimeAmount.milliseconds(100)

    init(configuration: ServerConfiguration, service: LedgerService, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        answers = AnswerMemory(capacity: configuration.answerBufferBytes)
    }

    package func run() async throws {
        let path = configuration.socketPath
        try SocketFile.prepare(path)
        let server = try await bind(path)
        // Only a socket this process bound is ours to remove; a refused start leaves others' alone.
        defer { SocketFile.remove(path) }
        try SocketFile.setPermissions(path, mode: configuration.socketMode, group: configuration.socketGroup)
        logger.info(
            "listening", metadata: ["socket": .escaped(path), "mode": "\(String(configuration.socketMode, radix: 8))"])

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                defer {
                    // Connections accepted as the server closed never came out of its stream.
                    for connection in self.stopAccepting() {
                        group.addTask(executorPreference: EventLoopExecutor(connection.channel.eventLoop)) {
                            await self.serve(connection)
                        }
                    }
                }
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask(executorPreference: EventLoopExecutor(connection.channel.eventLoop)) {
                            await self.serve(connection)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: no new connections, answering the requests read")
            self.shuttingDown.store(true, ordering: .sequentiallyConsistent)
            // Connections already made but not yet accepted (in the listen backlog) would be reset
            // by closing the socket at once; for a moment more they are accepted and told
            // `shutting_down`, so that a request sent before the signal is never met by a reset.
            server.channel.eventLoop.scheduleTask(in: Self.backlogGrace) { server.channel.close(promise: nil) }
            // Each connection is closed once it has answered what it read (`RequestDeadline`).
            for channel in self.connections.withLock({ Array($0.values) }) {
                channel.pipeline.fireUserInboundEventTriggered(RequestDeadline.Drain())
            }
        }
    }

    private func bind(_ path: String) async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        let maxLine = configuration.maxLineBytes
        let deadline = TimeAmount.seconds(Int64(configuration.requestDeadlineSeconds))
        let logger = logger
        // Bind under a tight umask so the socket is never, even briefly, connectable by others.
        let previous = umask(0o177)
        defer { umask(previous) }
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                // A client that shuts down its writing half (`noaber dial-stdio` when its input
                // ends, `nc -N`) still gets every answer it is owed before the daemon closes.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: maxLine)))
                        try pipeline.addHandler(RequestDeadline(deadline: deadline, logger: logger))
                        return try self.adopt(channel)
                    }
                }
        } catch {
            throw DaemonError.cannotBind(path: path, reason: "\(error)")
        }
    }

    /// Wraps an accepted connection and keeps it until `serve` takes it; after `stopAccepting`
    /// it refuses, and NIO closes the connection.
    private func adopt(_ channel: any Channel) throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try unserved.withLock { state in
            guard state.accepting else { throw ChannelError.ioOnClosedChannel }
            // Two lines read ahead at most: requests wait in the socket, not in the daemon's memory.
            let connection = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2)))
            state.channels[ObjectIdentifier(channel)] = connection
            return connection
        }
    }

    /// Refuses further connections and returns those accepted that `serve` has not taken yet.
    private func stopAccepting() -> [NIOAsyncChannel<ByteBuffer, ByteBuffer>] {
        unserved.withLock { state in
            state.accepting = false
            return Array(state.channels.values)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        // Each connection is served once, by whichever task takes it first.
        guard unserved.withLock({ $0.channels.removeValue(forKey: key) }) != nil else { return }
        let count = connections.withLock { open -> Int in
            open[key] = channel
            return open.count
        }
        defer { _ = connections.withLock { $0.removeValue(forKey: key) } }
        let peer = await PeerCredentials.of(channel)
        let limit = configuration.maxConnections
        let maxLine = configuration.maxLineBytes
        do {
            try await connection.executeThenClose { inbound, _ in
                if count > limit || shuttingDown.load(ordering: .sequentiallyConsistent) {
                    let error = count > limit ? RPCError.tooManyConnections(limit: limit) : .shuttingDown
                    try await send(ByteBuffer(bytes: RequestContext.respond(id: .null, error)), on: channel)
                    return
                }
                let session = ConnectionSession()
                do {
                    for try await line in inbound {
                        let request = Array(line.readableBytesView)
                        // The answer is copied into a buffer at once and its Data dropped, so that
                        // a large page is held once, not twice, while the client reads it.
                        let answer: ByteBuffer
                        if shuttingDown.load(ordering: .sequentiallyConsistent) {
                            // A request read after the daemon began to stop is answered, not started.
                            answer = ByteBuffer(bytes: service.refuseWhileStopping(request))
                        } else {
                            answer = ByteBuffer(bytes: await service.handle(request, peer: peer, connection: session))
                        }
                        try await send(answer, on: channel)
                    }
                } catch is LineTooLongError {
                    logger.notice(
                        "request line too long; closing connection",
                        metadata: ["peer": "\(peer?.description ?? "unknown")"])
                    try await send(
                        ByteBuffer(bytes: RequestContext.respond(id: .null, .requestTooLarge(limit: maxLine))),
                        on: channel)
                }
            }
        } catch {
            // The client went away, was closed, or wrote garbage at the transport level; only this connection ends.
            logger.debug("connection closed with error", metadata: ["error": .escaped(error)])
        }
    }

    /// Writes one answer and waits until it is written to the socket, its bytes counted meanwhile
    /// in `answers`; connections chosen to make room for it are closed.
    private func send(_ buffer: ByteBuffer, on channel: any Channel) async throws {
        let (ticket, victims) = answers.reserve(buffer.readableBytes, for: ObjectIdentifier(channel), holder: channel)
        for victim in victims {
            logger.notice(
                "closing a connection that does not read its answer: answers out exceed answer_buffer_bytes",
                metadata: ["limit": "\(answers.capacity)"])
            victim.close(promise: nil)
        }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [answers] _ in answers.release(ticket) }
        channel.writeAndFlush(buffer, promise: written)
        try await written.futureResult.get()
    }
}

/// Housekeeping for the socket file.
enum SocketFile {
    /// Removes a stale socket left by a crash, but refuses to steal one that a live daemon serves.
    static func prepare(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError.cannotBind(path: path, reason: "a file that is not a socket is in the way")
        }
        switch probe(path) {
        case .stale: unlink(path)
        case .listening: throw DaemonError.cannotBind(path: path, reason: "another noaberd is listening there")
        case .unknown(let why):
            throw DaemonError.cannotBind(
                path: path, reason: "cannot tell whether another noaberd serves it (connect: \(why)); remove it if not")
        }
    }

    /// What a connection attempt says about an existing socket file.
    enum Probe: Equatable {
        /// Nobody listens (ECONNREFUSED): a crashed daemon left it behind.
        case stale
        case listening
        /// Anything else, e.g. a full backlog (EAGAIN) of a busy, live daemon, or no permission.
        case unknown(String)
    }

    static func setPermissions(_ path: String, mode: UInt32, group: String?) throws {
        if let group {
            guard let entry = getgrnam(group) else {
                throw DaemonError.cannotBind(path: path, reason: "no group named \(group)")
            }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw DaemonError.cannotBind(
                    path: path, reason: "cannot give the socket to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw DaemonError.cannotBind(
                path: path, reason: "cannot set the socket's mode: \(String(cString: strerror(errno)))")
        }
    }

    static func remove(_ path: String) { unlink(path) }

    /// Only a refused connection proves a socket stale. Removing it on any failed connect would
    /// let a second daemon steal the path of a live one whose backlog is momentarily full.
    static func probe(_ path: String) -> Probe {
        guard let address = address(path) else { return .unknown("path too long") }
        // Non-blocking, so that a full backlog answers EAGAIN at once instead of waiting.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .unknown(String(cString: strerror(errno))) }
        defer { close(fd) }
        if withSockaddr(address, { connect(fd, $0, $1) }) == 0 { return .listening }
        switch errno {
        case ECONNREFUSED: return .stale
        case EAGAIN, EINPROGRESS: return .listening
        case let code: return .unknown(String(cString: strerror(code)))
        }
    }

    /// `path` as a Unix socket address; nil when it does not fit in `sun_path`.
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, b) in bytes.enumerated() { buffer[i] = b }
        }
        return address
    }

    /// Passes `address` as the `sockaddr` pointer and length that `bind` and `connect` take.
    static func withSockaddr<R>(_ address: sockaddr_un, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = address
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
