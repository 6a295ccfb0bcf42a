import ArgumentParser
import Foundation
import NoaberClient

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
        let arguments = CommandLineWords.joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
        var command: any ParsableCommand
        do { command = try parseAsRoot(arguments) } catch {
            fail(error, saying: exitCode(for: error) == .success ? nil : unknownCommand(in: arguments))
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            fail(error)
        }
    }

    /// Exits for `error`: with its code alone when the command printed its own report (verify),
    /// in full for help and version, else with its message's first line, or `saying` instead.
    static func fail(_ error: any Error, saying: String? = nil) -> Never {
        if let code = error as? ExitCode { exit(withError: code) }
        guard exitCode(for: error) != .success else { exit(withError: error) }
        let message = saying ?? Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        exit(withError: ExitCode(exitCode(for: error).rawValue))
    }

    /// When a word where a command belongs names none: which it most likely meant. The parser
    /// would only call it an unexpected argument.
    static func unknownCommand(in arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = Noaber.self
        var path: [String] = []
        for word in arguments {
            let configuration = command.configuration
            let subcommands = configuration.subcommands
            // Past the commands, or where a default command takes the word as its own argument.
            guard !word.hasPrefix("-"), word != "help", !subcommands.isEmpty, configuration.defaultSubcommand == nil
            else { return nil }
            let names = subcommands.map { $0._commandName }
            if let index = names.firstIndex(of: word) {
                command = subcommands[index]
                path.append(word)
                continue
            }
            let typed = (path + [word]).joined(separator: " ")
            guard let nearest = CommandLineWords.nearest(word, among: names) else {
                return "unknown command \"\(typed)\"; `noaber \((path + ["--help"]).joined(separator: " "))` lists them"
            }
            return "unknown command \"\(typed)\": did you mean \"\((path + [nearest]).joined(separator: " "))\"?"
        }
        return nil
    }
}
