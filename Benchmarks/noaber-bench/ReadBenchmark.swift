import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTransport
import Synchronization

extension BenchClient {
    /// How the reads of a run are authorised.
    enum ReadMode: CaseIterable {
        /// `ledger.status`, which needs no authorisation: the floor of a read's cost.
        case open
        /// `account.get` signed request by request: the client's signature and the daemon's
        /// verification, nonce and scope checks and access-log record, each time.
        case signed
        /// `account.get` on connections authenticated once (`session.open`): the scope check and the
        /// access-log record each time, no signature.
        case session

        var what: String {
            switch self {
            case .open: "unsigned ledger.status"
            case .signed: "signed account.get"
            case .session: "account.get in a session"
            }
        }
    }

    /// A read run's figures: reads per second and latency quantiles in milliseconds.
    struct ReadFigures {
        var rate = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var max = 0.0
    }

    /// Balance reads of `account` by a member key from `connections` connections, each way of
    /// `modes`, one after another. With `daemonPID`, also the CPU each read cost the daemon and
    /// this client: on a shared machine wall-clock rates are noisy, CPU per read much less so.
    /// With `trace`, each read's send time and latency go to that file (`trace.<mode>`), to tell
    /// a tail of stalls that hold many reads at once from one spread over the run.
    func readBenchmark(
        signer: ReadSigner, account: AccountID, connections: Int = 16, perConnection: Int = 2000,
        modes: [ReadMode] = ReadMode.allCases, daemonPID: Int32? = nil, trace: String? = nil
    )
        async throws -> [ReadMode: ReadFigures]
    {
        var figures: [ReadMode: ReadFigures] = [:]
        for mode in modes {
            let cpuBefore = (daemon: daemonPID.flatMap(Self.cpuSeconds), client: Self.ownCPUSeconds())
            let start = ContinuousClock.now
            var times: [ReadTime] = []
            let run = try await timed {
                // A thread per core, each serving its share of the connections as they answer.
                let threads = min(connections, max(Ceiling.cores, 1))
                times = try await Self.onThreads(threads) { thread in
                    let lanes = try stride(from: thread, to: connections, by: threads).map { _ in
                        try ReadLane(mode, socket: socket, signer: signer, account: account, count: perConnection)
                    }
                    return try ReadLane.serve(lanes)
                }.flatMap { $0 }
                return Run(latencies: times.map(\.latency))
            }
            if let trace { try Self.write(times, from: start, to: "\(trace).\(mode)") }
            report(
                "\(mode.what) over \(connections) connections", count: connections * perConnection, run: run,
                unit: "reads")
            if let before = cpuBefore.daemon, let after = daemonPID.flatMap(Self.cpuSeconds) {
                let reads = Double(connections * perConnection)
                print(
                    String(
                        format: "  CPU per read: daemon %.1f µs, this client %.1f µs", (after - before) / reads * 1e6,
                        (Self.ownCPUSeconds() - cpuBefore.client) / reads * 1e6))
            }
            let sorted = run.latencies.sorted()
            figures[mode] = ReadFigures(
                rate: Double(connections * perConnection) / run.elapsed.seconds, p50: Self.percentile(sorted, 0.5),
                p99: Self.percentile(sorted, 0.99), max: Self.percentile(sorted, 1))
        }
        return figures
    }

    /// The decimal digits of `value` (not negative), replacing what `digits` held.
    static func decimal(_ value: Int, into digits: inout [UInt8]) {
        digits.removeAll(keepingCapacity: true)
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        digits.reverse()
    }

    /// Runs `body` on `count` threads of its own at once and gathers what each returns: blocking
    /// sockets, so not on the tasks' pool.
    static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T]
    {
        let results = Mutex<[Result<T, any Error>]>([])
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                let result = Result { try body(index) }
                results.withLock { $0.append(result) }
                group.leave()
            }
            thread.start()
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { done.resume() }
        }
        return try results.withLock { $0 }.map { try $0.get() }
    }

    /// Writes one line per read, in the order they were sent: milliseconds from `start` to its
    /// sending (in a paced run, to when it was due), its latency, and how late it was sent (0 in a
    /// closed loop), in milliseconds.
    static func write(_ times: [ReadTime], from start: ContinuousClock.Instant, to path: String) throws {
        let lines = times.sorted { $0.sent < $1.sent }.map { time in
            String(
                format: "%.3f %.3f %.3f\n", (time.sent - start).seconds * 1000, time.latency.seconds * 1000,
                time.late.seconds * 1000)
        }
        try Data(lines.joined().utf8).write(to: URL(fileURLWithPath: path))
    }

    /// User and system CPU seconds of process `pid` so far (/proc/PID/stat), nil if unreadable.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After the command name: state is field 3, utime and stime fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's user and system CPU seconds so far.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
