import Foundation
import Glibc
import NoaberCore
import NoaberProtocol
import NoaberTransport

/// One connection of the read benchmark, one request in flight at a time: the first answer
/// decoded and checked, every later one compared with it byte for byte (an account's answer does
/// not change while nothing is written; the status's counters do, so its answers are held to the
/// shape of a result). A thread serves several lanes at once (`serve`, or `servePaced` for reads
/// sent on a schedule), woken by whichever answers first: sixteen blocking threads on two cores
/// spent the client's time switching between them.
final class ReadLane {
    private let mode: BenchClient.ReadMode
    private let connection: LineSocket
    private let signer: ReadSigner
    private let account: AccountID
    private let count: Int
    private let idPrefix = Array(#"{"id":"#.utf8)
    private let requestRest: [UInt8]
    /// What every answer holds after its id.
    private var answerRest: [UInt8] = []
    private var line: [UInt8] = []
    private var digits: [UInt8] = []
    private var nextID = 0
    private var sent = ContinuousClock.now
    /// When the reads are due, in a paced run (`pace(from:every:)`); nil in a closed loop, where
    /// each read is sent as soon as the last is answered.
    private var schedule: (first: ContinuousClock.Instant, interval: Duration)?
    /// A read is sent and not yet answered.
    private(set) var inFlight = false
    /// Each read's latency, and when it was sent (in a paced run, when it was due).
    private(set) var times: [ReadTime] = []

    /// Connects, opens a session when `mode` reads in one, and makes the first, checked read.
    init(
        _ mode: BenchClient.ReadMode, socket: String, signer: ReadSigner, account: AccountID, count: Int
    ) throws {
        self.mode = mode
        self.signer = signer
        self.account = account
        self.count = max(count, 1)
        connection = try LineSocket(path: socket)
        if mode == .session {
            let challenge = try connection.call(
                RPCCoding.requestLine(id: .number(0), method: Method.sessionChallenge.rawValue, params: NoParams()),
                as: SessionChallenge.self)
            _ = try connection.call(
                RPCCoding.requestLine(
                    id: .number(0), method: Method.sessionOpen.rawValue,
                    params: SessionOpenParams(challenge: challenge.challenge), authorize: signer.authorizeSession),
                as: SessionInfo.self)
        }
        let method = mode == .open ? Method.status : Method.accountGet
        let params = mode == .open ? "{}" : #"{"account":"\#(account.rawValue)"}"#
        requestRest = Array(#","jsonrpc":"2.0","method":"\#(method.rawValue)","params":\#(params)}"#.utf8) + [0x0A]
        times.reserveCapacity(self.count)
        // The first read, decoded: the answer the others must repeat.
        try request(0)
        try connection.write(line)
        let first = Array(try connection.readLine())
        let head = Array(#"{"id":0,"jsonrpc":"2.0","result":"#.utf8)
        guard first.starts(with: head) else {
            throw LineSocket.Failure(description: "\(mode.what): \(String(decoding: first, as: UTF8.self))")
        }
        if mode != .open {
            let shown = try RPCCoding.decoder().decode(RPCResponse<AccountInfo>.self, from: Data(first))
            guard shown.result?.account == account.rawValue else {
                throw LineSocket.Failure(description: "\(mode.what) answered another account")
            }
        }
        answerRest = mode == .open ? Array(head.dropFirst(7)) : Array(first.dropFirst(7))
    }

    var done: Bool { times.count == count }

    /// Paces the reads: the first is due at `first`, each next one `interval` later, whether or
    /// not the last was answered by then (open loop). A read is still sent only once the last is
    /// answered (the daemon serves a connection one request at a time), so a read that falls
    /// behind its time is sent late, and its latency counts from when it was due: the wait is the
    /// daemon's, as wrk2 counts it (no coordinated omission).
    func pace(from first: ContinuousClock.Instant, every interval: Duration) {
        schedule = (first, interval)
    }

    /// When the next read is due, in a paced run: nil when one is in flight or all are answered.
    var due: ContinuousClock.Instant? {
        guard let schedule, !inFlight, !done else { return nil }
        return schedule.first + schedule.interval * times.count
    }

    /// A request is its id between two fixed runs of bytes, written into one buffer, so that the
    /// client's own work per read stays a small part of what it measures; a signed one is signed.
    private func request(_ id: Int) throws {
        BenchClient.decimal(id, into: &digits)
        guard mode == .signed else {
            line.removeAll(keepingCapacity: true)
            line += idPrefix
            line += digits
            line += requestRest
            return
        }
        line = [UInt8](
            try RPCCoding.requestLine(
                id: .number(Int64(id)), method: Method.accountGet.rawValue,
                params: AccountParams(account: account.rawValue), authorize: signer.authorize))
    }

    /// Sends the next read.
    func sendNext() throws {
        nextID += 1
        try request(nextID)
        sent = ContinuousClock.now
        inFlight = true
        try connection.write(line)
    }

    /// Takes what the daemon has sent: each whole answer is checked and timed, and in a closed
    /// loop the next read goes out.
    func receive() throws {
        try connection.fill()
        while let answer = connection.nextLine() {
            let now = ContinuousClock.now
            let from = schedule.map { $0.first + $0.interval * times.count } ?? sent
            times.append(ReadTime(sent: from, latency: now - from, late: sent - from))
            inFlight = false
            let afterID = answer.startIndex + idPrefix.count + digits.count
            guard answer.starts(with: idPrefix), answer.count >= afterID - answer.startIndex,
                answer[(answer.startIndex + idPrefix.count)..<afterID].elementsEqual(digits),
                answer[afterID...].starts(with: answerRest),
                mode == .open || answer.endIndex - afterID == answerRest.count
            else {
                throw LineSocket.Failure(
                    description: "\(mode.what): unexpected answer \(String(decoding: answer, as: UTF8.self))")
            }
            if !done, schedule == nil { try sendNext() }
        }
    }

    /// Runs every lane's reads to the end on this thread, and returns their times.
    static func serve(_ lanes: [ReadLane]) throws -> [ReadTime] {
        try serveLanes(lanes, timeout: 10)
        return lanes.flatMap(\.times)
    }
}

extension ReadLane: PolledLane {
    var descriptor: Int32 { connection.descriptor }
    var isFinished: Bool { done }
    func sendFirst() throws { try sendNext() }
}

/// One read of the benchmark: when it was sent (in a paced run, when it was due), and how long
/// its answer took from then.
struct ReadTime: Sendable {
    var sent: ContinuousClock.Instant
    var latency: Duration
    /// How long after it was due the read was sent (a paced run's; zero in a closed loop): its
    /// lane's last read was not answered yet, or the client's thread did not get a core in time.
    var late: Duration = .zero
}
