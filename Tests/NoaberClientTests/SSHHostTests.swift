import NoaberClient
import NoaberTransport
import Testing

@Suite("--host ssh:// URLs")
struct SSHHostTests {
    @Test func userServerAndPortAreRead() throws {
        let full = try SSHHost(parsing: "ssh://jan@zorg.example:2222")
        #expect(full == SSHHost(user: "jan", server: "zorg.example", port: 2222))
        #expect(full.url == "ssh://jan@zorg.example:2222")
        let bare = try SSHHost(parsing: "SSH://zorg.example/")
        #expect(bare == SSHHost(user: nil, server: "zorg.example", port: nil))
        #expect(bare.url == "ssh://zorg.example")
        let ipv6 = try SSHHost(parsing: "ssh://piet@[::1]:22")
        #expect(ipv6 == SSHHost(user: "piet", server: "::1", port: 22))
        #expect(ipv6.url == "ssh://piet@[::1]:22")
        #expect(try SSHHost(parsing: "ssh://127.0.0.1").server == "127.0.0.1")
    }

    @Test(arguments: ["zorg.example", "jan@zorg.example:22", ""])
    func aValueWithoutSchemeIsRefused(_ given: String) {
        #expect(throws: HostError.missingScheme(given: given)) { try SSHHost(parsing: given) }
    }

    @Test(arguments: [
        ("http://zorg.example", "http"), ("unix:///run/noaber/noaberd.sock", "unix"), ("tcp://h:1", "tcp"),
    ])
    func otherSchemesAreRefused(_ given: String, _ scheme: String) {
        #expect(throws: HostError.unsupportedScheme(given: given, scheme: scheme)) { try SSHHost(parsing: given) }
    }

    @Test(arguments: [
        "ssh://", "ssh://jan@", "ssh://@zorg.example", "ssh://jan:secret@zorg.example", "ssh://zorg.example:0",
        "ssh://zorg.example:65536", "ssh://zorg.example:22a", "ssh://zorg.example:", "ssh://zorg.example/run/x.sock",
        "ssh://zorg.example?x=1", "ssh://::1", "ssh://[::1", "ssh://[]:22", "ssh://[::1]x", "ssh://-oProxyCommand=sh",
        "ssh://-jan@zorg.example", "ssh://zorg example", "ssh://zörg.example", "ssh://jan;rm@zorg.example",
    ])
    func malformedHostsAreRefused(_ given: String) {
        #expect {
            try SSHHost(parsing: given)
        } throws: { error in
            guard case .malformed(let named, let reason)? = error as? HostError else { return false }
            return named == given && !reason.isEmpty
        }
    }

    @Test func theEndpointRunsDialStdioOverSSH() throws {
        let host = try SSHHost(parsing: "ssh://jan@zorg.example:2222")
        #expect(
            host.endpoint()
                == .command(
                    executable: "ssh",
                    arguments: ["-T", "-p", "2222", "--", "jan@zorg.example", "noaber", "dial-stdio"],
                    display: "ssh://jan@zorg.example:2222"))
        let custom = try SSHHost(parsing: "ssh://zorg.example").endpoint(
            sshCommand: "  /opt/ssh -i my.key\t-o BatchMode=yes ", remoteSocket: "/srv/noaber/d.sock")
        #expect(
            custom
                == .command(
                    executable: "/opt/ssh",
                    arguments: [
                        "-i", "my.key", "-o", "BatchMode=yes", "-T", "--", "zorg.example", "noaber", "dial-stdio",
                        "--socket", "/srv/noaber/d.sock",
                    ],
                    display: "ssh://zorg.example"))
        #expect(try SSHHost(parsing: "ssh://h").endpoint(sshCommand: " ").description == "ssh://h")
    }

    /// ssh hands the remote command to the server's shell, so the socket path is one quoted word.
    @Test func theRemoteSocketIsQuotedForTheServersShell() throws {
        let endpoint = try SSHHost(parsing: "ssh://h").endpoint(remoteSocket: "/tmp/it's here;rm -rf x")
        guard case .command(_, let arguments, _) = endpoint else {
            Issue.record("not a command")
            return
        }
        #expect(arguments.suffix(2) == ["--socket", "'/tmp/it'\\''s here;rm -rf x'"])
    }
}
