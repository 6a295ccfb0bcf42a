import ArgumentParser

@main
struct Noaber: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noaber",
        abstract: "Keep the books of a community currency for volunteer care.",
        discussion: """
            Talks to noaberd over its Unix socket (--socket, $NOABER_SOCKET, ./data/noaberd.sock,
            /run/noaber/noaberd.sock, in that order). Entries are signed here, with your key file;
            the daemon never sees a private key.
            """,
        subcommands: [
            Keygen.self, Init.self, Key.self, Account.self, Credit.self, Transfer.self, Redeem.self,
            Balance.self, History.self, Verify.self, Status.self,
        ])
}
