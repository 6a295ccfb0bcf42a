import Logging
import NIOCore

/// Closes a connection on `IdleStateHandler`'s read-idle event (the client has sent nothing for the
/// idle timeout), so that idle clients cannot hold all `max_connections` slots forever.
///
/// A client waiting for its answer sends nothing either, so the handler sits after the line decoder
/// and counts requests read but not yet answered: while the daemon still owes an answer and is free
/// to send it, the connection stays (the idle event comes again a full timeout later). Answers take
/// milliseconds, so this only matters for a request stuck behind unusual load; cutting it off would
/// leave a client unsure whether its submission was committed. A connection whose answers are held
/// up because the client does not read them (the channel is not writable) is closed all the same:
/// then it is the client that is idle.
final class IdleConnectionCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let logger: Logger
    /// Request lines read and not yet answered. Empty lines get no answer and are not counted; a
    /// line the daemon sends unasked (an error before closing) never takes the count below zero.
    private var unanswered = 0

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if Self.unwrapInboundIn(data).readableBytes > 0 { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        unanswered = max(unanswered - 1, 0)
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .read? = event as? IdleStateHandler.IdleStateEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if unanswered == 0 || !context.channel.isWritable {
            logger.debug("closing idle connection", metadata: ["unanswered": "\(unanswered)"])
            context.close(promise: nil)
        }
    }
}
