import Foundation
import NIOCore

/// `noaber dial-stdio`: the server's half of `noaber --host ssh://`. It copies bytes, unparsed,
/// between its standard input and output and the daemon's socket, so a remote client speaks to
/// the daemon exactly as a local one, with exactly the rights the socket gives.
///
/// Plain blocking reads on two threads rather than NIO: sshd may hand over pipes, sockets or a
/// terminal, and NIO would refuse some of them and make the others non-blocking for every process
/// that shares them.
package enum StdioRelay {
    /// Returns when the daemon closes the connection, which it does once the input has ended and
    /// the socket's writing half is shut down after it.
    package static func run(
        socketPath: String, input: CInt = STDIN_FILENO, output: CInt = STDOUT_FILENO
    ) throws(ClientError) {
        // A peer that went away shows as a failed write, which ends the relay; not as a signal.
        signal(SIGPIPE, SIG_IGN)
        let socket = try connect(socketPath)
        let toDaemon = Thread {
            copy(from: input, to: socket)
            // The daemon reads this as the end of requests; the answers still owed come back first.
            shutdown(socket, CInt(SHUT_WR))
        }
        toDaemon.start()
        copy(from: socket, to: output)
        close(socket)
    }

    private static func connect(_ path: String) throws(ClientError) -> CInt {
        let address: SocketAddress
        do { address = try SocketAddress(unixDomainSocketPath: path) } catch {
            throw .cannotConnect(path: path, reason: "\(error)")
        }
        let socket = Glibc.socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw .cannotConnect(path: path, reason: String(cString: strerror(errno))) }
        let connected = address.withSockAddr { Glibc.connect(socket, $0, socklen_t($1)) }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw .cannotConnect(path: path, reason: reason)
        }
        return socket
    }

    /// Copies until `source` ends or either side fails; a failure ends the relay as end of file
    /// would, since there is no one to tell but the peer, who sees the connection close.
    private static func copy(from source: CInt, to destination: CInt) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var written = 0
            while written < count {
                let n = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + written, count - written) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                written += n
            }
        }
    }
}
