import ArgumentParser
import NoaberTransport

/// The server's end of `noaber --host ssh://…`: ssh runs it, and it relays. It parses nothing and
/// adds no rights: whoever runs it can do exactly what connecting to the socket allows.
struct DialStdio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dial-stdio",
        abstract: "Relay standard input and output to the daemon's socket (what `--host ssh://` runs on the server).",
        discussion: """
            Copies bytes both ways, unchanged, until the daemon closes the connection; when standard input \
            ends, the daemon is told so and its remaining answers are still relayed. Meant to be run by ssh, \
            e.g. as the forced command of a volunteer's key (deploy/README.md).
            """)

    @OptionGroup var socket: SocketOptions

    func run() throws {
        try StdioRelay.run(socketPath: socket.socketPath)
    }
}
