import NIOCore
import NIOEmbedded
import NoaberServer
import NoaberTransport

/// What the daemon does with a stranger's bytes before any method runs: the framing splits them
/// into exactly the lines they hold (a trailing CR dropped, a line over the limit refused), and
/// each line's answer, if the envelope already decides it, is one line of I-JSON that says
/// `jsonrpc` 2.0 and holds an error whose message has no control character (a client prints it);
/// and a line the one-pass reader takes is the request the tree's way reads.
enum EnvelopeChecks {
    /// Small, so that the fuzzer reaches the limit.
    static let maxLength = 200

    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        let lines = try frame(bytes)
        try require(lines == expectedLines(bytes), "the framing split the bytes into other lines")
        for line in lines where !line.isEmpty {
            if let difference = RequestEnvelope.onePassDisagreement(line) { throw FuzzFinding(difference) }
            guard let answer = RequestEnvelope.answerBeforeRouting(line) else { continue }
            try checkAnswer(answer)
        }
    }

    /// The lines `LineFrameDecoder` passes on, fed in pieces whose size the first byte picks.
    private static func frame(_ bytes: [UInt8]) throws(FuzzFinding) -> [[UInt8]] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength)))
        // An unclosed channel and its pipeline hold each other: close it however the input ends.
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let piece = max(1, Int(bytes.first ?? 1) % 64)
        var lines: [[UInt8]] = []
        func drain() throws(FuzzFinding) {
            do {
                while let line = try channel.readInbound(as: ByteBuffer.self) {
                    lines.append(Array(line.readableBytesView))
                }
            } catch { throw FuzzFinding("reading the framed lines failed: \(error)") }
        }
        var start = 0
        do {
            while start < bytes.count {
                let end = min(bytes.count, start + piece)
                try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
                try drain()
                start = end
            }
            _ = try channel.finish()
        } catch is LineTooLongError {
            try drain()
            lines.append(Array("<too long>".utf8))
        } catch {
            throw FuzzFinding("the framing threw \(error)")
        }
        try drain()
        return lines
    }

    /// The complete lines of `bytes`, each without a final CR, up to the first one over the limit
    /// (or an unfinished one over it), which stands as `<too long>`.
    private static func expectedLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let tail = parts.removeLast()
        var lines: [[UInt8]] = []
        for part in parts {
            if part.count > maxLength { return lines + [Array("<too long>".utf8)] }
            lines.append(part.last == 0x0D ? Array(part.dropLast()) : part)
        }
        return tail.count > maxLength ? lines + [Array("<too long>".utf8)] : lines
    }

    private static func checkAnswer(_ answer: [UInt8]) throws(FuzzFinding) {
        try require(answer.last == 0x0A && answer.count { $0 == 0x0A } == 1, "an answer is not exactly one line")
        guard case .success(.object(let members)) = ReferenceJSON.parse(Array(answer.dropLast())) else {
            throw FuzzFinding("an answer is not an I-JSON object: \(String(decoding: answer, as: UTF8.self))")
        }
        try require(members["jsonrpc"] == .string(["2", ".", "0"]), "an answer lacks \"jsonrpc\": \"2.0\"")
        try require(members["id"] != nil, "an answer has no id")
        guard case .object(let error)? = members["error"], case .string(let message)? = error["message"] else {
            throw FuzzFinding("an answer before routing is not an error with a message")
        }
        if let control = message.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw FuzzFinding("an error message echoes control character U+\(String(control.value, radix: 16))")
        }
    }
}
