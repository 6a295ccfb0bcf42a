import Foundation
import Glibc
import NoaberTestSupport
import Testing

/// The review held all 256 slots for ever with connections that sent a lone newline every 20 s, or
/// a request one byte a second, and locked a legitimate client out. Under `request_deadline` such a
/// connection is closed once the deadline passes without a complete request line.
@Suite("Slots against keep-alive and slow-loris clients")
struct SlotLockoutTests {
    @Test func newlineTrickleAndByteAtATimeClientsAreClosedAtTheDeadline() async throws {
        let deadline = 2
        let daemon = try await DaemonProcess(extraArguments: ["--request-deadline", "\(deadline)"])
        defer { daemon.tearDown() }
        let clock = ContinuousClock()
        // Every slot taken: half send "\n" every 250 ms, half a status request a byte every 250 ms.
        let request = Array(ResourceLimitTests.statusRequest.utf8)
        // The harness's own status calls free their slots first.
        try await Task.sleep(for: .milliseconds(300))
        let connected = try (0..<256).map { _ in (at: clock.now, client: try RawClient(socketPath: daemon.socket)) }
        let holders = connected.map(\.client)
        async let closes = offloaded { Self.trickle(holders, request: request, for: .seconds(40)) }
        // A connection takes its slot when the daemon starts serving it, a moment after the accept.
        try await Task.sleep(for: .milliseconds(300))
        let full = clock.now
        // A legitimate client retries until it is served: how long was it locked out?
        var refusals = 0
        var served: ContinuousClock.Instant?
        while served == nil && clock.now - full < .seconds(30) {
            let client = try RawClient(socketPath: daemon.socket)
            client.send(ResourceLimitTests.statusRequest)
            let answer = try await offloaded { try client.readLine(timeout: .seconds(30)) }
            if answer?.contains("\"result\"") == true {
                served = clock.now
            } else {
                #expect(answer == nil || answer!.contains("too_many_connections"), "\(answer ?? "")")
                refusals += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let lockout = try #require(served, "still locked out after 30 s\n\(daemon.log())") - full
        // The holders are closed, none before the deadline.
        let closedAfter = zip(connected, try await closes).map { connection, closed in closed.map { $0 - connection.at }
        }
        let open = closedAfter.filter { $0 == nil }.count
        let earliest = closedAfter.compactMap { $0 }.min() ?? .zero
        let latest = closedAfter.compactMap { $0 }.max() ?? .zero
        print(
            "256 keep-alive and slow-loris connections, request deadline \(deadline) s: a new client locked out "
                + "\(lockout) (\(refusals) refusals); holders closed \(earliest) to \(latest) after connecting; \(open) still open"
        )
        #expect(open == 0)
        #expect(refusals > 0, "the slots were not all held")
        #expect(earliest >= .milliseconds(deadline * 1000), "a holder was closed \(earliest) after it connected")
        #expect(lockout <= .seconds(deadline) + .milliseconds(1500), "locked out for \(lockout)")
        #expect(latest <= .seconds(deadline) + .milliseconds(1500), "a holder kept its slot for \(latest)")
    }

    /// Sends each holder its trickle every 250 ms (a lone newline, or the next byte of a request
    /// that never ends) and notes when the daemon closes it, all on one thread, so that the times
    /// are the daemon's and not the test's scheduling.
    static func trickle(_ holders: [RawClient], request: [UInt8], for limit: Duration) -> [ContinuousClock.Instant?] {
        let clock = ContinuousClock()
        let start = clock.now
        var closedAt = [ContinuousClock.Instant?](repeating: nil, count: holders.count)
        var watched = holders.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        var scratch = [UInt8](repeating: 0, count: 4096)
        var nextSend = start
        var sent = 0
        while clock.now - start < limit, closedAt.contains(where: { $0 == nil }) {
            if clock.now >= nextSend {
                let byte = String(decoding: [request[sent % (request.count - 1)]], as: UTF8.self)
                for (i, holder) in holders.enumerated() where closedAt[i] == nil {
                    holder.send(i % 2 == 0 ? "\n" : byte)
                }
                sent += 1
                nextSend = nextSend + .milliseconds(250)
            }
            for i in watched.indices {
                watched[i].revents = 0
                watched[i].fd = closedAt[i] == nil ? holders[i].fd : -1
            }
            guard poll(&watched, nfds_t(watched.count), 20) > 0 else { continue }
            for i in watched.indices where watched[i].revents != 0 && closedAt[i] == nil {
                let n = recv(watched[i].fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno != EAGAIN) { closedAt[i] = clock.now }
            }
        }
        return closedAt
    }
}
