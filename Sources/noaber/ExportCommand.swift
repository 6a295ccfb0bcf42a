package import ArgumentParser
import Foundation
package import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

extension ExportFormat: ExpressibleByArgument {}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the ledger as jsonl (verifiable offline), csv, an hledger journal or a beancount ledger.",
        discussion: """
            jsonl is the whole chain: a header line with the stored state, then every entry as the \
            daemon serves it. csv has one row per posting (RFC 4180, CRLF; text cells that start \
            with = + - @ get a leading '). hledger and beancount get a journal whose balances equal \
            Noaber's. --from and --to (UTC days, both inclusive) and --account filter csv, hledger \
            and beancount; the journals then carry the balances before --from in as one \
            opening-balances transaction and keep the whole transactions that touch --account. \
            Entries are fetched and written a page at a time, so memory stays small at any size.
            """)

    @Option(help: "What to write.")
    var format: ExportFormat

    @Option(
        help: ArgumentHelp(
            "Write to FILE (mode 0644, by way of FILE.tmp, renamed over FILE once complete) instead of standard output.",
            valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("The first day to export, YYYY-MM-DD (UTC); not for jsonl.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("The last day to export, YYYY-MM-DD (UTC), included; not for jsonl.", valueName: "date"))
    var to: String?

    @Option(help: "Only what touches this account (csv: its rows; journals: whole transactions); not for jsonl.")
    var account: String?

    @Flag(
        name: .customLong("without-personal-data"),
        help: "jsonl: leave out the personal part (names, labels, memos, reasons with their salts); it still verifies.")
    var withoutPersonalData = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        do { try filter().check(for: format) } catch { throw ValidationError(error.description) }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
    }

    private func filter() throws(ExportError) -> ExportFilter {
        try ExportFilter(from: from, to: to, account: account)
    }

    func run() async throws {
        let filter = try filter()
        try await Session.with(connection) { session in
            // An export reads every entry, page by page: one signature for the connection.
            try await session.openReadSession()
            // The head first: entries up to it can no longer change, and the export holds exactly those.
            let state = try await session.client.call(.state, NoParams(), as: StateResult.self)
            try preflight(state, filter: filter, currency: session.currency)
            // Only now, with every refusal that can be known in advance behind us, is a file created.
            let output = try out.map(ExportOutput.file) ?? .standardOutput()
            let counts: ExportCounts
            do {
                let pages = Pages(client: session.client, head: state.headSeq, filter: filter, output: output)
                switch format {
                case .jsonl:
                    let personal =
                        (state.ledger?.entryVersion ?? 1) < 2
                        ? nil : withoutPersonalData ? ExportHeader.personalOmitted : ExportHeader.personalIncluded
                    counts = try await pages.export(
                        JSONLinesWriter(
                            header: ExportHeader(exportedAt: Self.now(), state: state, personalData: personal)))
                case .csv: counts = try await pages.export(CSVWriter(filter: filter))
                case .hledger: counts = try await pages.export(HledgerWriter(filter: filter))
                case .beancount: counts = try await pages.export(BeancountWriter(filter: filter))
                }
                try output.commit()
            } catch {
                output.discard()
                throw error
            }
            var stderr = StandardError()
            print(
                "exported \(Self.count(counts.entries, "entry", "entries")) (\(Self.count(counts.postings, "posting", "postings"))) to \(output.name)",
                to: &stderr)
        }
    }

    /// What can be refused before anything is written: an unknown --account, and names the
    /// format cannot take (checked on the daemon's account list, which covers every entry to the head).
    private func preflight(_ state: StateResult, filter: ExportFilter, currency: Currency) throws {
        var accounts: [(AccountID, AccountKind)] = []
        for info in state.accounts {
            guard let id = try? AccountID(info.account), let kind = AccountKind(rawValue: info.kind) else {
                throw ClientFailure("the daemon reports a malformed account \"\(info.account)\"")
            }
            accounts.append((id, kind))
        }
        if let wanted = filter.account, !accounts.contains(where: { $0.0 == wanted }) {
            throw ExportError.unknownAccount(wanted)
        }
        switch format {
        case .hledger: try HledgerWriter.preflight(accounts: accounts.map(\.0), filter: filter)
        case .beancount: try BeancountNames.check(accounts: accounts, currency: currency.code)
        case .jsonl, .csv: break
        }
    }

    static func now() -> String { Timestamp.now().rfc3339 }

    static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}

/// The chain from entry 1 to the head, fetched a page at a time; each page is formatted and
/// written before the next is fetched.
private struct Pages {
    let client: RPCClient
    let head: Int64
    let filter: ExportFilter
    let output: ExportOutput

    func export<Writer: ExportWriter>(_ writer: Writer) async throws -> ExportCounts {
        var writer = writer
        var progress = ProgressBar(
            label: "exporting", unit: "entries", total: head,
            enabled: ProgressBar.wanted(writingToStandardOutput: output.isStandardOutput))
        defer { progress.clear() }
        var text = ""
        try writer.start(into: &text)
        var written: Int64 = 0
        var pastRange = false
        for try await page in EntryPages(client: client, through: head, complete: true) {
            for entry in page {
                // Commit times never decrease along the chain: after the first entry past --to, all are.
                if filter.isPastRange(committedAt: entry.committedAt) {
                    pastRange = true
                    break
                }
                try writer.write(entry, into: &text)
                written = entry.seq
            }
            try output.write(text)
            text = ""
            progress.update(written)
            if pastRange { break }
        }
        try writer.finish(into: &text)
        try output.write(text)
        return writer.counts
    }
}
