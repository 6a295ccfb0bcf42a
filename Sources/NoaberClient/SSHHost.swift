import Foundation
package import NoaberTransport

/// Why a `--host` (or `$NOABER_HOST`) value was refused, before anything was run.
package enum HostError: Error, Equatable, CustomStringConvertible {
    /// Not a URL at all, e.g. a bare server name.
    case missingScheme(given: String)
    /// A URL of another kind than ssh://.
    case unsupportedScheme(given: String, scheme: String)
    /// An ssh:// URL whose user, server or port is unusable.
    case malformed(given: String, reason: String)

    package var description: String {
        switch self {
        case .missingScheme(let given):
            "host \"\(given)\" is not a URL; write ssh://[user@]server[:port]"
        case .unsupportedScheme(let given, let scheme):
            "host \"\(given)\": \(scheme):// is not supported, only ssh://[user@]server[:port]; for a daemon on this computer use --socket"
        case .malformed(let given, let reason):
            "host \"\(given)\": \(reason); write ssh://[user@]server[:port]"
        }
    }
}

/// A daemon on another computer, reached as `docker -H ssh://` and git reach theirs: ssh runs
/// `noaber dial-stdio` there, which relays the line protocol to that computer's socket. Keys and
/// signing stay on this computer; only the JSON lines travel, inside ssh's encryption.
package struct SSHHost: Equatable, Sendable {
    package var user: String?
    package var server: String
    package var port: Int?

    package init(user: String?, server: String, port: Int?) {
        self.user = user
        self.server = server
        self.port = port
    }

    package init(parsing given: String) throws(HostError) {
        guard let separator = given.range(of: "://") else { throw .missingScheme(given: given) }
        let scheme = given[..<separator.lowerBound].lowercased()
        guard scheme == "ssh" else { throw .unsupportedScheme(given: given, scheme: scheme) }
        var rest = Substring(given[separator.upperBound...])
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        func refuse(_ reason: String) -> HostError { .malformed(given: given, reason: reason) }
        if rest.contains(where: { "/?#".contains($0) }) {
            throw refuse("a path is not allowed; name the daemon's socket on the server with --remote-socket")
        }
        if let at = rest.firstIndex(of: "@") {
            let user = rest[..<at]
            if user.contains(":") {
                throw refuse("a password in the URL is not supported; ssh asks for it, or use a key")
            }
            guard Self.isName(user) else { throw refuse("the user must be letters, digits, '.', '_' or '-'") }
            self.user = String(user)
            rest = rest[rest.index(after: at)...]
        }
        let portText: Substring?
        if rest.hasPrefix("[") {
            // An IPv6 address, bracketed as in any URL so that its colons are not the port's.
            guard let close = rest.firstIndex(of: "]") else { throw refuse("the IPv6 address has no closing ]") }
            server = String(rest[rest.index(after: rest.startIndex)..<close])
            guard !server.isEmpty, server.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw refuse("the IPv6 address in brackets is not valid")
            }
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw refuse("only :port may follow the ]") }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else {
            let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[1].contains(":") {
                throw refuse("an IPv6 address goes in brackets, as in ssh://[::1]:22")
            }
            server = String(parts[0])
            guard !server.isEmpty else { throw refuse("the server is missing") }
            // A leading '-' would make ssh read the server as one of its options.
            guard Self.isName(parts[0]) else { throw refuse("the server must be letters, digits, '.', '_' or '-'") }
            portText = parts.count == 2 ? parts[1] : nil
        }
        if let portText {
            guard portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65535).contains(port) else {
                throw refuse("the port must be a number from 1 to 65535")
            }
            self.port = port
        }
    }

    /// Letters, digits, '.', '_' and '-', not starting with '-'.
    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// The URL in its plain form, to name the daemon in messages.
    package var url: String {
        let host = server.contains(":") ? "[\(server)]" : server
        return "ssh://" + (user.map { "\($0)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// How to reach the daemon: `ssh -T [-p port] -- [user@]server noaber dial-stdio [--socket PATH]`.
    /// `sshCommand` replaces `ssh` with a program and options of the user's ($NOABER_SSH), split
    /// at spaces; `remoteSocket` is quoted for the server's shell, which ssh hands the command to.
    package func endpoint(sshCommand: String? = nil, remoteSocket: String? = nil) -> Endpoint {
        var words = (sshCommand ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if words.isEmpty { words = ["ssh"] }
        var arguments = Array(words.dropFirst()) + ["-T"]
        if let port { arguments += ["-p", String(port)] }
        arguments += ["--", (user.map { "\($0)@" } ?? "") + server, "noaber", "dial-stdio"]
        if let remoteSocket { arguments += ["--socket", Self.shellQuoted(remoteSocket)] }
        return .command(executable: words[0], arguments: arguments, display: url)
    }

    /// `text` as one word for a POSIX shell: as is when nothing in it is special, else in single
    /// quotes, each quote inside written as '\''.
    static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0)) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
