/// Where the daemon's line protocol is spoken: its Unix socket, or the standard input and output
/// of a program that relays to it (`ssh server noaber dial-stdio`). `RPCClient` speaks the same
/// protocol over both, so a remote volunteer's client signs and checks exactly as a local one.
package enum Endpoint: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(path: String)
    /// `executable` is a path, or a name looked up on PATH; `display` names the daemon in messages
    /// (e.g. `ssh://jan@zorgkring.example`) without the options a user may have added.
    case command(executable: String, arguments: [String], display: String)

    package var description: String {
        switch self {
        case .unixSocket(let path): path
        case .command(_, _, let display): display
        }
    }
}
