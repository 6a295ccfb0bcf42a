package import NIOCore

/// The request line was longer than the limit; the server answers with an error and closes.
package struct LineTooLongError: Error, Sendable {
    package var limit: Int
}

/// Splits the byte stream into newline-terminated lines (a trailing `\r` is dropped) and refuses
/// any line longer than `maxLength` before buffering more of it.
package struct LineFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    /// 1 MiB: far more than any entry needs (payloads are at most 64 KiB), small enough that one
    /// client cannot make the daemon buffer without bound.
    package static let defaultMaxLength = 1 << 20

    package let maxLength: Int
    private var scanned = 0

    package init(maxLength: Int = LineFrameDecoder.defaultMaxLength) {
        self.maxLength = maxLength
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > maxLength { throw LineTooLongError(limit: maxLength) }
            return .needMoreData
        }
        let length = newline - view.startIndex
        scanned = 0
        guard length <= maxLength else { throw LineTooLongError(limit: maxLength) }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: length - 1)!
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    /// A partial line at end of stream is a client that went away mid-request: it is dropped.
    package mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.clear()
        return .needMoreData
    }
}
