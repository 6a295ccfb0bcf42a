import Foundation
import Glibc
import NoaberProtocol

/// A blocking connection to the daemon's socket, one request line out and one answer line back,
/// for the read benchmark's client: a thread per connection and two system calls per read, so
/// that the figures are the daemon's rather than the client's (an `RPCClient` read costs its
/// process about as much CPU as the daemon's answer, on the same two cores).
final class LineSocket {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect \(path): \(why)")
        }
    }

    deinit { close(fd) }

    func write(_ line: [UInt8]) throws {
        var sent = 0
        while sent < line.count {
            let n = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, line.count - sent) }
            guard n > 0 else { throw Failure(description: "write: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    /// The socket's descriptor, for `poll`.
    var descriptor: Int32 { fd }

    /// The next answer line, without its newline, waiting for it if need be.
    func readLine() throws -> ArraySlice<UInt8> {
        while true {
            if let line = nextLine() { return line }
            try fill()
        }
    }

    /// The next whole line already read, if any.
    func nextLine() -> ArraySlice<UInt8>? {
        guard let newline = buffer[start..<end].firstIndex(of: 0x0A) else { return nil }
        defer { start = newline + 1 }
        return buffer[start..<newline]
    }

    /// Reads once: what the daemon has sent, waiting for something if nothing has come yet.
    func fill() throws {
        if start == end {
            (start, end) = (0, 0)
        } else if start > 0 {
            buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
            end -= start
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + end, $0.count - end) }
        guard n > 0 else {
            throw Failure(
                description: n == 0 ? "the daemon closed the connection" : "read: \(String(cString: strerror(errno)))")
        }
        end += n
    }

    /// Sends `line` and decodes its answer's result; an error answer throws.
    func call<R: Decodable>(_ line: Data, as: R.Type) throws -> R {
        try write([UInt8](line))
        let answer = Data(try readLine())
        let response = try RPCCoding.decoder().decode(RPCResponse<R>.self, from: answer)
        if let error = response.error { throw Failure(description: "\(error.reason): \(error.message)") }
        guard let result = response.result else { throw Failure(description: "an answer with no result") }
        return result
    }
}
