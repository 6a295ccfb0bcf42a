import Foundation
import Glibc
import NoaberProtocol

/// One connection's share of a submission, one request in flight at a time, on a blocking socket
/// that a thread serves with several others (`serveLanes`), as the read benchmark's lanes are: an
/// `RPCClient` per connection cost the client about 35 µs of CPU per entry, against about 13 here,
/// on the cores the daemon shares (Benchmarks/README.md, "The submit path, third round").
final class SubmitLane {
    private let connection: LineSocket
    private let lines: [[UInt8]]
    private let indices: [Int]
    private let start: ContinuousClock.Instant
    private var next = 0
    private var sent = ContinuousClock.now
    /// The indices refused for a missing balance (`limit_exceeded`), to be sent again.
    private(set) var failed: [Int] = []
    private(set) var times: [Duration] = []
    /// When each committed entry was acknowledged, from `start`.
    private(set) var done: [Duration] = []
    /// What a success holds after its id.
    private static let resultHead = Array(#","jsonrpc":"2.0","result":{"#.utf8)

    /// `lines[i]` is the request line of entry `indices[i]`; its answer is known by the line's id.
    init(socket: String, lines: [[UInt8]], indices: [Int], since start: ContinuousClock.Instant) throws {
        connection = try LineSocket(path: socket)
        self.lines = lines
        self.indices = indices
        self.start = start
        times.reserveCapacity(lines.count)
        done.reserveCapacity(lines.count)
    }

    var finished: Bool { times.count == lines.count }

    private func sendNext() throws {
        sent = ContinuousClock.now
        try connection.write(lines[next])
        next += 1
    }

    /// A success names the request's id and holds a result; only a refusal for a missing
    /// balance, which a later retry can meet, is not fatal.
    func receive() throws {
        try connection.fill()
        while let answer = connection.nextLine() {
            let now = ContinuousClock.now
            times.append(now - sent)
            let index = indices[next - 1]
            // A request line begins with its id (`{"id":7,`, keys sorted), and so does its answer.
            let line = lines[next - 1]
            let idEnd = line.firstIndex(of: UInt8(ascii: ",")) ?? line.endIndex
            if answer.starts(with: line[..<idEnd]), answer.dropFirst(idEnd).starts(with: Self.resultHead) {
                done.append(now - start)
            } else {
                let response = try RPCCoding.decoder().decode(RPCResponse<SubmitResult>.self, from: Data(answer))
                guard let error = response.error, error.reason == "limit_exceeded" else {
                    throw LineSocket.Failure(
                        description: "submit: unexpected answer \(String(decoding: answer, as: UTF8.self))")
                }
                failed.append(index)
            }
            if !finished { try sendNext() }
        }
    }
}

extension SubmitLane: PolledLane {
    var descriptor: Int32 { connection.descriptor }
    var isFinished: Bool { finished }
    func sendFirst() throws { try sendNext() }
}
