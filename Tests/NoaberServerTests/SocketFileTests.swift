import Foundation
import Glibc
import NoaberTestSupport
import Testing

@testable import NoaberServer

/// A daemon removes a socket file left by a crash, and never one that a live daemon serves.
@Suite("Socket file housekeeping")
struct SocketFileTests {
    /// A Unix socket bound at a fresh path; listening with `backlog` unless nil.
    final class BoundSocket {
        let directory: URL
        let path: String
        let fd: Int32
        var clients: [Int32] = []

        init(listening backlog: Int32?) throws {
            directory = try makeTemporaryDirectory("noaber-sock")
            path = directory.appendingPathComponent("s.sock").path
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            let address = try #require(SocketFile.address(path))
            let rc = SocketFile.withSockaddr(address) { bind(fd, $0, $1) }
            try #require(rc == 0, "bind: \(String(cString: strerror(errno)))")
            if let backlog { try #require(listen(fd, backlog) == 0) }
        }

        /// Connects without blocking until the listener's backlog is full (EAGAIN).
        func fillBacklog() throws {
            let address = try #require(SocketFile.address(path))
            for _ in 0..<1000 {
                let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                let rc = SocketFile.withSockaddr(address) { connect(client, $0, $1) }
                let error = errno
                clients.append(client)
                if rc != 0 {
                    try #require(error == EAGAIN, "connect: \(String(cString: strerror(error)))")
                    return
                }
            }
            Issue.record("the backlog never filled")
        }

        deinit {
            for client in clients { close(client) }
            close(fd)
            try? FileManager.default.removeItem(at: directory)
        }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func aSocketNobodyListensOnIsStaleAndRemoved() throws {
        let left = try BoundSocket(listening: nil)
        #expect(SocketFile.probe(left.path) == .stale)
        try SocketFile.prepare(left.path)
        #expect(!exists(left.path))
    }

    @Test func aLiveDaemonsSocketIsKept() throws {
        let live = try BoundSocket(listening: 16)
        #expect(SocketFile.probe(live.path) == .listening)
        #expect(throws: DaemonError.self) { try SocketFile.prepare(live.path) }
        #expect(exists(live.path))
    }

    /// A busy daemon whose backlog is full refuses connections with EAGAIN; that is not a crash.
    @Test func aBusyDaemonsSocketIsKept() throws {
        let busy = try BoundSocket(listening: 0)
        try busy.fillBacklog()
        #expect(SocketFile.probe(busy.path) == .listening)
        #expect(throws: DaemonError.self) { try SocketFile.prepare(busy.path) }
        #expect(exists(busy.path))
    }

    @Test func aFileThatIsNotASocketIsLeftAlone() throws {
        let directory = try makeTemporaryDirectory("noaber-sock")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sock").path
        try "precious".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: DaemonError.self) { try SocketFile.prepare(path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test func noFileIsNothingToDo() throws {
        try SocketFile.prepare("/tmp/noaber-no-such-\(UUID().uuidString).sock")
    }
}
