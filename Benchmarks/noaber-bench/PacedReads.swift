import Foundation
import Glibc
import NoaberCore
import NoaberTransport
import Synchronization

extension BenchClient {
    /// A paced run's figures: the rate offered and achieved, and latency quantiles in milliseconds,
    /// each read's counted from when it was due.
    struct PacedFigures {
        var offered = 0.0
        var rate = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var p999 = 0.0
        var max = 0.0
    }

    /// `account.get` in a session at `rate` reads a second offered for `seconds`, spread evenly
    /// over `connections` connections (each connection's reads `connections / rate` apart, the
    /// connections staggered), the latency of each read counted from when it was due (open loop,
    /// as wrk2 measures): the latency of the daemon's service at that rate, where the closed loop
    /// of `readBenchmark` measures its maximum rate and the queueing of a saturated machine.
    func pacedReadBenchmark(
        signer: ReadSigner, account: AccountID, connections: Int = 16, rate: Double, seconds: Double = 3,
        daemonPID: Int32? = nil, trace: String? = nil
    ) async throws -> PacedFigures {
        let perConnection = max(1, Int((rate * seconds / Double(connections)).rounded()))
        let interval = Duration.seconds(Double(connections) / rate)
        let threads = min(connections, max(Ceiling.cores, 1))
        let cpuBefore = (daemon: daemonPID.flatMap(Self.cpuSeconds), client: Self.ownCPUSeconds())
        // The schedule starts once every thread has its connections open and its sessions made,
        // so that no read is late for want of a connection.
        let meeting = Mutex<(arrived: Int, start: ContinuousClock.Instant?)>((0, nil))
        let times = try await Self.onThreads(threads) { thread in
            let indices = Array(stride(from: thread, to: connections, by: threads))
            let made = Result {
                try indices.map { _ in
                    try ReadLane(.session, socket: socket, signer: signer, account: account, count: perConnection)
                }
            }
            let start = Self.meet(meeting, of: threads)
            let lanes = try made.get()
            for (index, lane) in zip(indices, lanes) {
                lane.pace(from: start + interval / connections * index, every: interval)
            }
            try ReadLane.servePaced(lanes)
            return lanes.flatMap(\.times)
        }.flatMap { $0 }
        let reads = Double(times.count)
        let cpu = (
            daemon: cpuBefore.daemon.flatMap { before in daemonPID.flatMap(Self.cpuSeconds).map { $0 - before } },
            client: Self.ownCPUSeconds() - cpuBefore.client
        )
        guard let first = times.map({ $0.sent }).min(), let last = times.map({ $0.sent + $0.latency }).max() else {
            return PacedFigures(offered: rate)
        }
        if let trace { try Self.write(times, from: first, to: "\(trace).session-paced") }
        let sorted = times.map { $0.latency }.sorted()
        let late = times.map { $0.late }.sorted()
        let figures = PacedFigures(
            offered: rate, rate: reads / (last - first).seconds, p50: Self.percentile(sorted, 0.5),
            p99: Self.percentile(sorted, 0.99), p999: Self.percentile(sorted, 0.999), max: Self.percentile(sorted, 1))
        print(
            String(
                format:
                    "account.get in a session over %d connections, %.0f/s offered (open loop, latency from when each read was due): %.2f s, %.0f reads per second; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms; sent late by over 0.1 ms: %.2f %%",
                connections, rate, (last - first).seconds, figures.rate, figures.p50, figures.p99, figures.p999,
                figures.max,
                100 * Double(late.count - (late.firstIndex { $0 > Duration.microseconds(100) } ?? late.count)) / reads))
        if let daemon = cpu.daemon {
            print(
                String(
                    format: "  CPU per read: daemon %.1f µs, this client %.1f µs", daemon / reads * 1e6,
                    cpu.client / reads * 1e6))
        }
        return figures
    }

    /// Waits until `count` threads have called it, and returns the instant the last one set: a
    /// millisecond after it came.
    static func meet(
        _ meeting: borrowing Mutex<(arrived: Int, start: ContinuousClock.Instant?)>, of count: Int
    ) -> ContinuousClock.Instant {
        meeting.withLock { state in
            state.arrived += 1
            if state.arrived == count { state.start = .now + .milliseconds(1) }
        }
        while true {
            if let start = meeting.withLock({ $0.start }) { return start }
            usleep(100)
        }
    }
}

extension ReadLane {
    /// Runs paced lanes (`pace(from:every:)`) to the end on this thread: each read sent when it is
    /// due, or at once when its lane's last answer comes after that; fails when reads are in
    /// flight and none is answered for `timeout`.
    static func servePaced(_ lanes: [ReadLane], timeout: Duration = .seconds(10)) throws {
        preciseTimers()
        var answered = ContinuousClock.now
        while lanes.contains(where: { !$0.done }) {
            let now = ContinuousClock.now
            for lane in lanes {
                if let due = lane.due, due <= now { try lane.sendNext() }
            }
            var waiting = fd_set()
            var top: Int32 = -1
            for lane in lanes where lane.inFlight {
                guard lane.descriptor < fd_set.capacity else {
                    throw LineSocket.Failure(description: "descriptor \(lane.descriptor) is past what pselect takes")
                }
                waiting.insert(lane.descriptor)
                top = max(top, lane.descriptor)
            }
            guard top >= 0 || lanes.contains(where: { $0.due != nil }) else { break }
            if top >= 0, ContinuousClock.now - answered > timeout {
                throw LineSocket.Failure(description: "no answer for \(timeout)")
            }
            // Until the next read is due, or for a while when every lane waits for an answer.
            let wait = max(.zero, (lanes.compactMap(\.due).min() ?? .now + .milliseconds(100)) - .now)
            var spec = timespec(
                tv_sec: Int(wait.components.seconds), tv_nsec: Int(wait.components.attoseconds / 1_000_000_000))
            let ready = pselect(top + 1, &waiting, nil, nil, &spec, nil)
            guard ready >= 0 || errno == EINTR else {
                throw LineSocket.Failure(description: "pselect: \(String(cString: strerror(errno)))")
            }
            guard ready > 0 else { continue }
            for lane in lanes where lane.inFlight && waiting.contains(lane.descriptor) { try lane.receive() }
            answered = .now
        }
    }

    /// Lets this thread's timed waits end on time: by default Linux lets a thread's timer fire up
    /// to 50 µs late (its timer slack), to group wake-ups, and each microsecond late would count
    /// as the daemon's. Best effort: without it the lateness is in the figures.
    private static func preciseTimers() {
        // prctl(2) is variadic in C, which Swift does not call; on Linux's calling conventions
        // (x86-64 and arm64) a variadic function takes integer arguments as a fixed one does.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(nil, "prctl") else { return }
        let setTimerSlack: Int32 = 29  // PR_SET_TIMERSLACK, in nanoseconds
        _ = unsafeBitCast(symbol, to: Prctl.self)(setTimerSlack, 1000, 0, 0, 0)
    }
}

extension fd_set {
    /// Adds `fd` (below FD_SETSIZE) to the set, as FD_SET does.
    fileprivate mutating func insert(_ fd: Int32) {
        let bits = Int32(MemoryLayout<Int>.size * 8)
        withUnsafeMutableBytes(of: &self) { raw in
            raw.bindMemory(to: Int.self)[Int(fd / bits)] |= 1 << Int(fd % bits)
        }
    }

    /// Whether `fd` is in the set, as FD_ISSET tells.
    fileprivate func contains(_ fd: Int32) -> Bool {
        let bits = Int32(MemoryLayout<Int>.size * 8)
        let word = withUnsafeBytes(of: self) {
            $0.load(fromByteOffset: Int(fd / bits) * MemoryLayout<Int>.size, as: Int.self)
        }
        return word & (1 << Int(fd % bits)) != 0
    }

    /// The descriptors a set can hold.
    fileprivate static let capacity = Int32(MemoryLayout<fd_set>.size * 8)
}
