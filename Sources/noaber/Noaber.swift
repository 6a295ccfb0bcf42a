import ArgumentParser
import Foundation

@main
struct Noaber: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noaber",
        abstract: "Keep the books of a community currency for volunteer care.",
        discussion: """
            Talks to noaberd over its Unix socket (--socket, $NOABER_SOCKET, ./data/noaberd.sock,
            /run/noaber/noaberd.sock, in that order), or over ssh to a daemon on another computer
            (--host ssh://[user@]server[:port] or $NOABER_HOST). Entries are signed here, with your
            key file; the daemon never sees a private key. The currency, its scale and the hour rate are taken
            from the ledger's first entry, whose admin signature is checked, not from the daemon's
            word. --ledger ID (or $NOABER_LEDGER) refuses any ledger but that one.
            """,
        subcommands: [
            Keygen.self, Init.self, Key.self, Account.self, CategoryCommand.self, Credit.self, ClaimCommand.self,
            Approve.self, Reject.self,
            Claims.self, Transfer.self, Redeem.self, Reverse.self, Import.self, SettingsCommand.self,
            Balance.self, History.self, StatementCommand.self, ReportCommand.self, Verify.self, Export.self,
            Status.self, CheckpointCommand.self, Proof.self, EraseCommand.self,
            VerifyProof.self, Consistency.self, AccessLogCommand.self, Backup.self, DialStdio.self,
        ])

    /// Every error is one line on stderr (scripts and people read the first line); help and
    /// version still print in full on stdout.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // The command printed its own report (verify) before choosing the status.
            Self.exit(withError: code)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            exit(withError: ExitCode(exitCode(for: error).rawValue))
        }
    }
}
