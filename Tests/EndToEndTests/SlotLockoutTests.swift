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
        // A connection takes its slot when the daemon starts serving it, a moment after the accept.
        try await Task.sleep(for: .milliseconds(300))
        let full = clock.now
        let trickle = Task.detached {
            var sent = 0
            while !Task.isCancelled && sent < request.count - 1 {
                for (i, holder) in holders.enumerated() {
                    holder.send(i % 2 == 0 ? "\n" : String(decoding: [request[sent]], as: UTF8.self))
                }
                sent += 1
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { trickle.cancel() }
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
        let closedAfter = try await withThrowingTaskGroup(of: Duration?.self) { group in
            for (at, holder) in connected {
                group.addTask { try await offloaded { holder.waitForClose(timeout: .seconds(30)).map { $0 - at } } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
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
}
