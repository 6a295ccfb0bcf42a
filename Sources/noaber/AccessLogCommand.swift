import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct AccessLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-log",
        abstract: "Who read whose data: every signed read the daemon answered (admin or auditor key).",
        discussion: """
            The daemon records each read of account or personal data: when, the key and its role, the \
            method, the accounts it showed ("every account" for a ledger-wide read) and the local user \
            and process that asked. With --account, only the reads that showed that account: the \
            answer to a volunteer's "who looked at my data?". Records older than the daemon's \
            --access-log-retention (default two years) are deleted.
            """)

    @Option(help: "Only the reads that showed this account.")
    var account: Parsed<AccountID>?

    @OptionGroup var days: DayRangeOptions

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let account { _ = try account.value("--account") }
    }

    func run() async throws {
        let records = try await Session.with(connection) { session in
            var records: [AccessLogRecord] = []
            var params = AccessLogParams(
                account: account?.text, fromTime: days.fromTime, toTime: days.toTime)
            while true {
                let page = try await session.client.call(.accessLog, params, as: AccessLogResult.self)
                records += page.records
                guard page.more, let last = page.records.last else { return records }
                params.afterId = last.id
            }
        }
        if output.json { return try printJSON(records) }
        guard !records.isEmpty else { return print("no reads on record for that choice") }
        let rows = records.map { record in
            [
                record.at, record.keyId, record.role, record.method,
                record.accounts.map { $0.isEmpty ? "(none)" : $0.joined(separator: " ") } ?? "every account",
                record.peerUid.map(String.init) ?? "", record.peerPid.map(String.init) ?? "",
            ]
        }
        print(
            Table(headers: ["AT", "KEY", "ROLE", "METHOD", "ACCOUNTS", "UID", "PID"], rows: rows).render(),
            terminator: "")
    }
}
