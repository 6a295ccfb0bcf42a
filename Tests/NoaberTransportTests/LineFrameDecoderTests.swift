import NIOCore
import NIOEmbedded
import NoaberTransport
import Testing

@Suite("Line framing")
struct LineFrameDecoderTests {
    static func channel(maxLength: Int = LineFrameDecoder.defaultMaxLength) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength)))
        return channel
    }

    static func write(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    static func lines(from channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { lines.append(String(buffer: buffer)) }
        return lines
    }

    @Test func splitsLinesAndStripsCarriageReturn() throws {
        let channel = try Self.channel()
        try Self.write("one\ntwo\r\n\nthree\r\r\nfour", to: channel)
        #expect(try Self.lines(from: channel) == ["one", "two", "", "three\r"])
        try Self.write("\n", to: channel)
        #expect(try Self.lines(from: channel) == ["four"])
        #expect(try channel.finish().isClean)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func lineSplitAcrossManyBuffers(chunk: Int) throws {
        let channel = try Self.channel(maxLength: 100)
        let text = "{\"jsonrpc\":\"2.0\",\"id\":1}\r\n" + String(repeating: "x", count: 100) + "\nlast\n"
        let bytes = Array(text.utf8)
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + chunk, bytes.count)]))
            lines += try Self.lines(from: channel)
        }
        #expect(lines == ["{\"jsonrpc\":\"2.0\",\"id\":1}", String(repeating: "x", count: 100), "last"])
        #expect(try channel.finish().isClean)
    }

    @Test func lineOverTheLimitWithItsNewline() throws {
        let channel = try Self.channel(maxLength: 8)
        try Self.write("12345678\n", to: channel)
        #expect(try Self.lines(from: channel) == ["12345678"])
        #expect(throws: LineTooLongError.self) { try Self.write("123456789\n", to: channel) }
        #expect(try Self.lines(from: channel).isEmpty)
        _ = try? channel.finish()
    }

    @Test func lineOverTheLimitBeforeItsNewlineArrives() throws {
        let channel = try Self.channel(maxLength: 8)
        try Self.write("12345678", to: channel)
        #expect(try Self.lines(from: channel).isEmpty)
        do {
            try Self.write("9", to: channel)
            Issue.record("a line longer than the limit was buffered")
        } catch let error as LineTooLongError {
            #expect(error.limit == 8)
        }
        #expect(try Self.lines(from: channel).isEmpty)
        _ = try? channel.finish()
    }

    @Test func partialLineAtEndOfStreamIsDropped() throws {
        let channel = try Self.channel()
        try Self.write("whole\npartial", to: channel)
        #expect(try Self.lines(from: channel) == ["whole"])
        #expect(try channel.finish().isClean)
        #expect(try Self.lines(from: channel).isEmpty)
    }
}
