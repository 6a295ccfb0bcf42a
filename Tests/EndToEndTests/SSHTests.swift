import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber --host ssh://` against a real sshd whose key may run only `noaber dial-stdio` on the
/// test daemon's socket, as deploy/README.md sets up a volunteer's account.
@Suite("Over ssh", .enabled(if: SSHServer.available, SSHServer.skipMessage))
struct SSHTests {
    /// Runs the CLI as a volunteer on another computer would: the local socket leads nowhere, so
    /// every answer came through ssh.
    static func remote(_ daemon: DaemonProcess, _ ssh: SSHServer, _ arguments: [String]) async throws -> CommandResult {
        try await runProcessOffloaded(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments, in: daemon.directory,
            environment: .inherited(adding: [
                "NOABER_SOCKET": daemon.directory.appendingPathComponent("no-such.sock").path,
                "NOABER_SSH": ssh.sshCommand,
            ]),
            input: .empty)
    }

    /// The CLI, which sshd's forced command runs.
    static let noaber = DaemonProcess.binaries.appendingPathComponent("noaber").path

    /// A test daemon (with the walkthrough's ledger unless `ledger` is false) behind an sshd whose
    /// key may run only `noaber dial-stdio` on its socket; the caller stops both.
    static func daemonBehindSSH(ledger: Bool = true) async throws -> (DaemonProcess, SSHServer) {
        let daemon = try await DaemonProcess()
        do {
            if ledger { _ = try WalkthroughLedger(on: daemon) }
            return (daemon, try await SSHServer(command: "\(noaber) dial-stdio --socket \(daemon.socket)"))
        } catch {
            daemon.tearDown()
            throw error
        }
    }

    @Test func aVolunteerReadsAndSignsOverSSHWithTheKeyOnTheirOwnComputer() async throws {
        let (daemon, ssh) = try await Self.daemonBehindSSH()
        defer { daemon.tearDown() }
        defer { ssh.stop() }
        let host = "ssh://root@127.0.0.1:\(ssh.port)"

        // Jan reads her own balance with her own key, which never leaves this computer, and not Piet's.
        let balance = try await Self.remote(
            daemon, ssh, ["balance", "vol:jan-peeters", "--key", "jan.key", "--host", host])
        #expect(balance.status == 0, "\(balance.stderr)\nsshd:\n\(ssh.log())")
        #expect(balance.stdout.contains("12.50 ZMT"), "\(balance.stdout)")
        let other = try await Self.remote(daemon, ssh, ["balance", "vol:piet", "--key", "jan.key", "--host", host])
        #expect(other.status != 0 && other.stderr.contains("read refused"), "\(other.stderr)")
        let keyless = try await Self.remote(daemon, ssh, ["balance", "vol:jan-peeters", "--host", host])
        #expect(keyless.status != 0 && keyless.stderr.contains("--key FILE or $NOABER_KEY"), "\(keyless.stderr)")

        // Signed here with jan.key; only the signed entry crosses ssh.
        let transfer = try await Self.remote(
            daemon, ssh,
            [
                "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "2.50",
                "--memo", "over ssh", "--host", host,
            ])
        #expect(transfer.status == 0, "\(transfer.stderr)")
        #expect(transfer.stdout.contains("entry \(WalkthroughLedger.entries + 1)"), "\(transfer.stdout)")
        #expect(try daemon.balance("vol:piet") == 750)

        // The port in $NOABER_SSH rather than the URL, and the host from $NOABER_HOST.
        let verify = try await runProcessOffloaded(
            URL(fileURLWithPath: Self.noaber),
            ["verify", "--key", "admin.key", "--ledger", try daemon.status().ledgerId ?? ""],
            in: daemon.directory,
            environment: .inherited(adding: [
                "NOABER_SOCKET": "/nonexistent/noaberd.sock", "NOABER_HOST": "ssh://root@127.0.0.1",
                "NOABER_SSH": ssh.sshCommand + " -p \(ssh.port)",
            ]),
            input: .empty)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("OK: \(WalkthroughLedger.entries + 1) entries"), "\(verify.stdout)")
    }

    /// An auditor on another computer takes a backup: the copy crosses ssh in pieces and is
    /// written there, whole and private.
    @Test func anAuditorTakesABackupOverSSH() async throws {
        let (daemon, ssh) = try await Self.daemonBehindSSH()
        defer { daemon.tearDown() }
        defer { ssh.stop() }
        let result = try await Self.remote(
            daemon, ssh,
            ["backup", "--out", "remote.sqlite", "--key", "admin.key", "--host", "ssh://root@127.0.0.1:\(ssh.port)"])
        #expect(result.status == 0, "\(result.stderr)\nsshd:\n\(ssh.log())")
        #expect(result.stdout.contains("backup of \(WalkthroughLedger.entries) entries"), "\(result.stdout)")
        let path = daemon.directory.appendingPathComponent("remote.sqlite").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// A coordinator imports a month of hours from another computer: through ssh the import keeps
    /// to its one connection, asking about each window of lines, then sending its batches, across
    /// more than one window; a second run finds every line imported.
    @Test func aCoordinatorImportsOverSSHOnOneConnection() async throws {
        let (daemon, ssh) = try await Self.daemonBehindSSH()
        defer { daemon.tearDown() }
        defer { ssh.stop() }
        let host = "ssh://root@127.0.0.1:\(ssh.port)"
        let before = try await daemon.status().entries
        let (jan, piet) = (try daemon.balance("vol:jan-peeters"), try daemon.balance("vol:piet"))
        // More lines than one window (12,000): 0.05 hours at 10.00 is 0.50 a line, within the
        // issuer's limit of -10,000.00.
        let lines = 13_001
        let csv =
            "account,date,hours,external_id\n"
            + (1...lines).map { "\($0 % 2 == 0 ? "vol:jan-peeters" : "vol:piet"),2026-10-\($0 % 20 + 10),0.05,S-\($0)" }
            .joined(separator: "\n") + "\n"
        try csv.write(to: daemon.directory.appendingPathComponent("month.csv"), atomically: true, encoding: .utf8)
        let arguments = ["import", "month.csv", "--issuer", "org:zorgkring", "--key", "coord.key", "--host", host]

        let first = try await Self.remote(daemon, ssh, arguments)
        #expect(first.status == 0, "\(first.stderr)\nsshd:\n\(ssh.log())")
        #expect(first.stdout.hasSuffix("\(lines) lines written in 14 credits entries\n"), "\(first.stdout)")
        #expect(try await daemon.status().entries == before + 14)
        #expect(try daemon.balance("vol:jan-peeters") == jan + 6_500 * 50)
        #expect(try daemon.balance("vol:piet") == piet + 6_501 * 50)
        let again = try await Self.remote(daemon, ssh, arguments)
        #expect(
            again.stdout == "nothing new: all \(lines) lines were imported before\n", "\(again.stdout)\(again.stderr)")
        #expect(try await daemon.status().entries == before + 14)
        let verify = try daemon.noaber(arguments: ["verify"])
        #expect(verify.status == 0 && verify.stdout.contains("OK: \(before + 14) entries"), "\(verify.stdout)")
    }

    @Test func whatCannotBeReachedSaysWhyOnStderr() async throws {
        let (daemon, ssh) = try await Self.daemonBehindSSH(ledger: false)
        defer { daemon.tearDown() }
        defer { ssh.stop() }

        // Nobody listens on the port: ssh's own message, then which host the CLI could not reach.
        let closedPort = try SSHServer.freePort()
        let refused = try await Self.remote(daemon, ssh, ["status", "--host", "ssh://root@127.0.0.1:\(closedPort)"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Connection refused"), "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "Error: ssh exited with status 255 before noaberd at ssh://root@127.0.0.1:\(closedPort) answered"),
            "\(refused.stderr)")

        // sshd lets the key in, but the daemon behind it is down: dial-stdio's error comes through.
        daemon.stop()
        let down = try await Self.remote(daemon, ssh, ["status", "--host", "ssh://root@127.0.0.1:\(ssh.port)"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("cannot connect to noaberd at \(daemon.socket)"), "\(down.stderr)")
        #expect(down.stderr.contains("Error: ssh exited with status 1 before noaberd"), "\(down.stderr)")
    }

}

/// What needs no sshd: the host is refused before ssh runs, and dial-stdio's own failures.
@Suite("--host and dial-stdio without ssh")
struct HostCheckTests {
    @Test(arguments: [
        ("http://127.0.0.1", "http:// is not supported"), ("127.0.0.1", "is not a URL"),
        ("ssh://root@127.0.0.1:99999", "the port must be a number from 1 to 65535"),
    ])
    func aHostThatIsNotAnSSHURLIsRefusedBeforeAnythingRuns(_ host: String, _ why: String) async throws {
        let result = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaber"), ["status", "--host", host],
            environment: .inherited(adding: ["NOABER_SSH": "/nonexistent/ssh"]), input: .empty)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: host \"\(host)\""), "\(result.stderr)")
        #expect(result.stderr.contains(why), "\(result.stderr)")
    }

    /// `printf … | ssh server noaber dial-stdio` works as a one-shot: the input's end reaches the
    /// daemon as a half-closed connection, after which it still answers what it was sent.
    @Test func dialStdioRelaysEveryAnswerOwedWhenItsInputEnds() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let requests = (1...3).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"ledger.status"}"# }
        let noaber = DaemonProcess.binaries.appendingPathComponent("noaber").path
        let result = try runProcess(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "printf '%s\\n' \"$@\" | \(noaber) dial-stdio --socket \(daemon.socket)", "sh"] + requests,
            input: .empty)
        #expect(result.status == 0, "\(result.stderr)")
        let answers = result.stdout.split(separator: "\n")
        #expect(answers.count == 3, "\(result.stdout)")
        for (n, answer) in answers.enumerated() {
            #expect(answer.hasPrefix(#"{"id":\#(n + 1),"jsonrpc":"2.0","result":{"#), "\(answer)")
        }
    }

    @Test func dialStdioSaysWhenTheSocketCannotBeReached() throws {
        let result = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaber"), ["dial-stdio", "--socket", "/nonexistent/d.sock"],
            input: .empty)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: cannot connect to noaberd at /nonexistent/d.sock"), "\(result.stderr)")
    }
}
