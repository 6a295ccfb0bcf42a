import Logging
import NIOCore

/// Keeps a connection's slot for clients that use it (`request_deadline`, docs/PROTOCOL.md,
/// "Request deadline"). It sits after the line decoder, so it sees whole lines:
///
/// - Whenever the daemon owes the connection nothing (from the connect, and from the answer to its
///   last request), the client has the deadline to complete a non-empty request line, or the
///   connection is closed. Bytes of a line do not count until the line is whole, so a request sent
///   a byte a second does not hold the slot; an empty line is dropped here and counts for nothing,
///   so a newline every few seconds does not either. While a request is being worked on, nothing
///   runs: the client is waiting for the daemon.
/// - An answer the client has not taken (NIO could not write it all to the socket) within the
///   deadline closes the connection too, so a client that asks and never reads holds neither its
///   slot nor the answer's memory for longer (`AnswerMemory` bounds them meanwhile).
/// - On `Drain` (the daemon is stopping) the connection is closed as soon as every request read
///   on it has been answered and the answers written, after a short quiet spell in which a request
///   already on its way is still read (and answered `shutting_down`).
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The user event that starts a drain.
    struct Drain: Sendable {}

    /// How long a draining connection waits for a request already sent before it is closed.
    static let drainQuiet = TimeAmount.milliseconds(100)

    private let deadline: TimeAmount
    private let logger: Logger
    /// Request lines read and not yet answered. An answer the daemon sends unasked (an error before
    /// it closes) never takes it below zero.
    private var working = 0
    /// When each answer handed to the channel and not yet written to the socket must be written
    /// by, oldest first (NIO writes a connection's answers in order).
    private var unwritten: [NIODeadline] = []
    /// When a connection owed nothing is closed, and why; nil while it is owed something.
    private var idle: (at: NIODeadline, why: String)?
    /// The one timer, and when it fires: at or before the earliest deadline above. Deadlines only
    /// move later while a client keeps up, so the timer is left where it is and, when it fires
    /// early, set again for the deadline then due. Three timers set and cancelled per request
    /// were about 2 % of the daemon's CPU per submitted entry (Benchmarks/README.md, "The submit
    /// path, third round").
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?
    private var draining = false

    init(deadline: TimeAmount, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { settle(context) }

    func handlerRemoved(context: ChannelHandlerContext) { stopTimer() }

    func channelActive(context: ChannelHandlerContext) {
        // A drain may have come before the channel was active; `settle` starts its timer too.
        settle(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard Self.unwrapInboundIn(data).readableBytes > 0 else { return }
        working += 1
        idle = nil
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        working = max(working - 1, 0)
        let due = context.eventLoop.now + deadline
        unwritten.append(due)
        let promise = promise ?? context.eventLoop.makePromise()
        promise.futureResult.assumeIsolated().whenComplete { _ in
            if !self.unwritten.isEmpty { self.unwritten.removeFirst() }
            self.settle(context)
        }
        wake(context, at: due)
        context.write(data, promise: promise)
        settle(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is Drain else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        draining = true
        settle(context)
    }

    /// Starts the right deadline for a connection that is owed nothing now.
    private func settle(_ context: ChannelHandlerContext) {
        guard working == 0, context.channel.isActive else { return }
        if !draining {
            arm(context, deadline, "no complete request within the deadline")
        } else if unwritten.isEmpty {
            arm(context, Self.drainQuiet, "the daemon is stopping and owes it nothing")
        }
    }

    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount, _ why: String) {
        let at = context.eventLoop.now + delay
        idle = (at, why)
        wake(context, at: at)
    }

    /// Makes sure the timer fires by `at`.
    private func wake(_ context: ChannelHandlerContext, at: NIODeadline) {
        if let timer, timer.at <= at { return }
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { self.fire(context) }
        timer = (task, at)
    }

    /// Closes the connection if a deadline has passed; else sets the timer for the next one.
    private func fire(_ context: ChannelHandlerContext) {
        timer = nil
        let now = context.eventLoop.now
        if let oldest = unwritten.first, oldest <= now {
            logger.debug("closing connection: its answer was not read within the deadline")
            context.close(promise: nil)
            return
        }
        if let idle, idle.at <= now {
            // A draining connection is closed only once its answers are written; until then this
            // deadline is spent, and the next `settle` sets another.
            if working == 0, !draining || unwritten.isEmpty {
                logger.debug("closing connection", metadata: ["reason": "\(idle.why)"])
                context.close(promise: nil)
                return
            }
            self.idle = nil
        }
        if let next = [unwritten.first, idle?.at].compactMap({ $0 }).min() { wake(context, at: next) }
    }

    private func stopTimer() {
        timer?.task.cancel()
        timer = nil
        idle = nil
    }
}
