import ArgumentParser
import NoaberClient
import NoaberCore
import NoaberProtocol

struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase personal data (names, labels, memos, reasons) of an account or of entries, for good.",
        discussion: """
            An erase entry, signed by an admin: the daemon deletes the texts from beside the chain \
            (the database file and its WAL), and every signature, hash, checkpoint and proof stays \
            valid. --account erases all personal data of the entries before it that touch the \
            account; --entry (repeatable) the personal fields of those entries, or only --field \
            (repeatable, e.g. memo) of each. The reason stays in the chain for good: name the \
            request ("art. 17 request of 2026-12-01"), never the person. Copies made before (backups, \
            exports with personal data) are not reached: see docs/FORMAT.md §16. Only ledgers of \
            entry format 2 can erase.
            """)

    @Option(help: "Erase all personal data about this account.")
    var account: Parsed<AccountID>?

    @Option(name: .customLong("entry"), help: "Erase personal data of this entry (repeatable).")
    var entries: [String] = []

    @Option(name: .customLong("field"), help: "Only this personal field of each --entry, e.g. memo (repeatable).")
    var fields: [String] = []

    @Option(help: "Why, for the record; it is in the chain for good, so it names the request, not the person.")
    var reason: String

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (account == nil) != entries.isEmpty else {
            throw ValidationError("give either --account or one or more --entry")
        }
        if account != nil && !fields.isEmpty { throw ValidationError("--field goes with --entry, not --account") }
    }

    func run() async throws {
        let body = Erase(
            reason: reason, account: account?.value,
            entries: entries.isEmpty ? nil : entries.map { ErasedEntry(id: $0, fields: fields.isEmpty ? nil : fields) })
        let result = try await Session.with(connection) { session in
            guard session.entryVersion >= 2 else {
                throw ClientFailure(
                    "this ledger uses entry format 1, which signs names, labels, memos and reasons into the chain: they cannot be erased (ledgers made with entry format 2 can)"
                )
            }
            return try await session.submit(.erase(body), signing: signing)
        }
        let what = account.map { "account \($0)" } ?? "\(entries.count) \(entries.count == 1 ? "entry" : "entries")"
        try printReceipt(result, "personal data of \(what) erased", output: output)
    }
}
