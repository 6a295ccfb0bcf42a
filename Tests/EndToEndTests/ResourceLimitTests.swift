import Foundation
import Glibc
import NoaberTestSupport
import Testing

/// Limits that keep one client from exhausting the daemon: connections that send no request within
/// the request deadline are closed and free their slots, and the deadline is checked when the
/// daemon starts. (The bound on concurrent
/// reads, which caps their memory, is tested on `ReadPool` itself in NoaberServerTests.)
@Suite("Resource limits against a real daemon")
struct ResourceLimitTests {
    static let statusRequest = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger.status\"}\n"

    @Test func silentConnectionIsClosedWhileABusyOneStays() async throws {
        let daemon = try await DaemonProcess(extraArguments: ["--request-deadline", "2", "--log-level", "debug"])
        defer { daemon.tearDown() }
        let clock = ContinuousClock()
        let silent = try RawClient(socketPath: daemon.socket)
        // The daemon accepts after this, so its timer for `silent` starts no earlier.
        let connected = clock.now
        let busy = try RawClient(socketPath: daemon.socket)
        async let silentClosed = offloaded { silent.waitForClose(timeout: .seconds(30)) }
        // A request every 250 ms for 5 s, well past the timeout: never silent for 2 s, never closed.
        let (answers, lastRequest) = try await offloaded { () throws -> ([String?], ContinuousClock.Instant) in
            var answers: [String?] = []
            var sent = clock.now
            while clock.now - connected < .seconds(5) {
                sent = clock.now
                busy.send(Self.statusRequest)
                answers.append(try busy.readLine(timeout: .seconds(30)))
                usleep(250_000)
            }
            return (answers, sent)
        }
        #expect(answers.count >= 5)
        #expect(answers.allSatisfy { $0?.contains("\"result\"") == true }, "\(answers)\n\(daemon.log())")
        let silentClosedAt = try #require(try await silentClosed, "the silent connection is still open after 30 s")
        #expect(silentClosedAt - connected >= .milliseconds(1900), "closed after \(silentClosedAt - connected)")
        // Once it falls silent, the busy connection goes the same way.
        let busyClosedAt = try #require(
            try await offloaded { busy.waitForClose(timeout: .seconds(30)) },
            "the busy connection, once silent, is closed")
        #expect(
            busyClosedAt - lastRequest >= .milliseconds(1900),
            "closed \(busyClosedAt - lastRequest) after its last request")
        #expect(daemon.log().contains("no complete request within the deadline"))
        // New connections are still served.
        let fresh = try RawClient(socketPath: daemon.socket)
        fresh.send(Self.statusRequest)
        let answer = try await offloaded { try fresh.readLine(timeout: .seconds(30)) }
        #expect(answer?.contains("\"result\"") == true, "\(answer ?? "end of file")")
    }

    @Test func idleClientsCannotHoldEverySlot() async throws {
        let directory = try DaemonProcess.makeTemporaryDirectory()
        let config = directory.appendingPathComponent("noaberd.conf")
        try "max_connections = 2\nrequest_deadline = 3\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess(directory: directory, extraArguments: ["--config", config.path])
        defer { daemon.tearDown() }
        let clock = ContinuousClock()
        // Two clients that are answered once, so that both surely hold a slot, and then say nothing.
        // (A slot of the harness's own status calls may take a moment to be freed: then retry.)
        // The deadline runs from the answer, so the guaranteed lower bound is counted from when the
        // request was sent (its answer may come late on a loaded machine).
        var idle: [(client: RawClient, sentAt: ContinuousClock.Instant)] = []
        while idle.count < 2 {
            let client = try RawClient(socketPath: daemon.socket)
            let sentAt = clock.now
            client.send(Self.statusRequest)
            let answer = try await offloaded { try client.readLine(timeout: .seconds(30)) }
            if answer?.contains("\"result\"") == true {
                idle.append((client, sentAt))
            } else {
                #expect(answer == nil || answer!.contains("too_many_connections"), "\(answer!)")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let held = clock.now
        // Both slots are taken: a third client is turned away...
        let third = try RawClient(socketPath: daemon.socket)
        let refusal = try await offloaded { try third.readLine(timeout: .seconds(30)) }
        // (Unless the machine is so slow that the idle ones were closed before the third came in.)
        if clock.now - held < .seconds(2) {
            #expect(refusal?.contains("too_many_connections") == true, "\(refusal ?? "end of file")")
        }
        // ...until the daemon closes the idle ones and frees their slots.
        for (client, sentAt) in idle {
            let closedAt = try #require(
                try await offloaded { client.waitForClose(timeout: .seconds(30)) }, "still open after 30 s")
            #expect(closedAt - sentAt >= .milliseconds(2500), "closed \(closedAt - sentAt) after its request")
        }
        var answer: String?
        for _ in 0..<50 where answer?.contains("\"result\"") != true {
            let client = try RawClient(socketPath: daemon.socket)
            client.send(Self.statusRequest)
            answer = try await offloaded { try client.readLine(timeout: .seconds(30)) }
            if answer?.contains("\"result\"") != true { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answer?.contains("\"result\"") == true, "a new client is served once the idle ones are gone")
    }

    @Test(arguments: ["0", "86401", "-1", "soon"])
    func requestDeadlineOutOfRangeIsRefused(value: String) throws {
        let directory = try DaemonProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--request-deadline=\(value)", "--data", directory.appendingPathComponent("data").path], in: directory)
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("request_deadline = \(value): expected a number of seconds from 1 to 86400"),
            "\(result.stderr)")
    }
}

/// A client socket driven by hand, to see exactly when the daemon closes it.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIFailure(message: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, b) in socketPath.utf8.enumerated() { buffer[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw CLIFailure(message: "connect: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    /// Reads once, waiting at most `milliseconds`: the bytes, [] at end of file, nil if none came.
    private func receive(milliseconds: Int32) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, max(milliseconds, 0)) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(chunk[..<n]) : []
    }

    /// The next line without its `\n`, or nil at end of file; throws if none comes in time.
    func readLine(timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        var searched = 0
        while true {
            if let end = buffered[searched...].firstIndex(of: 0x0A) {
                defer { buffered.removeSubrange(...end) }
                return String(decoding: buffered[..<end], as: UTF8.self)
            }
            searched = buffered.count
            let left = Int32((deadline - ContinuousClock.now) / .milliseconds(1))
            guard let bytes = receive(milliseconds: left) else {
                throw CLIFailure(message: "no answer within \(timeout)")
            }
            if bytes.isEmpty { return nil }
            buffered += bytes
        }
    }

    /// When the daemon closed the connection (anything it sent is skipped), or nil if it is still
    /// open after `timeout`.
    func waitForClose(timeout: Duration) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let left = Int32((deadline - ContinuousClock.now) / .milliseconds(1))
            if let bytes = receive(milliseconds: left), bytes.isEmpty { return ContinuousClock.now }
        }
        return nil
    }
}
