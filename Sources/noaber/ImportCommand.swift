import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Credit a month of hours from a CSV file: checked in full first, then read again, signed and sent in all-or-nothing batches.",
        discussion: """
            Columns (header row, any order): account, date (YYYY-MM-DD, the day of care, recorded as the \
            credit's care_date), hours or amount, category \
            (optional, with hours), memo (optional), external_id (optional). Fields are separated by \
            commas or, as Excel writes them with Dutch settings, semicolons (then "2,5" is 2.5 hours). \
            The file's form and the ledger's rules are checked together: every bad line is reported \
            with its number and reasons, and then nothing is written. A valid file is read again and sent \
            in batches that are each committed whole or not at all, planned a window at a time. Running the same file again adds nothing and says so: \
            each line's entry id comes from its external_id, or else from its content. On a ledger of \
            entry format 2, a batch is one signed `credits` entry of up to 1000 lines, each line a \
            credit with its own id; lines whose id is in the ledger already are left out, and up to 3 batches are in \
            flight at once, each on a connection of its own, 12000 lines at a time while the next 12000 are \
            read.
            """)

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "The issuer paying the credits, e.g. org:zorgkring; --key must control it.")
    var issuer: Parsed<AccountID>

    @Option(
        name: .customLong("batch-size"),
        help:
            "Lines per all-or-nothing batch (1 to 1000; default 1000 in a `credits` entry, 500 entries on a format 1 ledger)."
    )
    var batchSize: Int?

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...SubmitBatchParams.maxEntries).contains(batchSize ?? 1) else {
            throw ValidationError("--batch-size must be 1 to 1000")
        }
        _ = try issuer.value("--issuer")
        if signing.id != nil { throw ValidationError("--id does not apply: each line's entry id comes from the file") }
    }

    struct Summary: Encodable {
        var lines = 0
        var volunteers = 0
        var hours = "0.00"
        var amount = ""
        var written = 0
        var alreadyImported = 0
        /// Format 2: how many `credits` entries the written lines took.
        var entries: Int?
        var byCategory: [String: String] = [:]
        /// The field separator the file was read with: "," or ";".
        var delimiter = ","
    }

    /// The file refused, its problems already listed on stderr.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        let bytes = try ImportFile.load(file)
        let today = CalendarDate(Timestamp.now())
        // A file whose header is wrong is refused before the ledger is asked.
        let delimiter = try ImportFile.Reader(bytes, source: file, today: today).delimiter
        let keyPath = try connection.requireKeyPath()
        let key = try loadPrivateKey(keyPath)
        // The whole ledger state in one snapshot, sent with the trust check: against it the form
        // and the rules are judged together, every line, before anything is signed.
        var batch = RPCClient.Batch()
        let stateAnswer = batch.add(.state, NoParams(), as: StateResult.self)
        let summary: Summary
        do {
            summary = try await Session.with(connection, also: batch) { session, answers in
                let state = try ledgerState(try answers.result(stateAnswer), keyPath: keyPath)
                let builder = CreditBuilder(
                    ledgerRate: session.hourRate, categoryRates: state.categories.mapValues(\.hourRate))
                let scale = session.currency.scale
                let amount: @Sendable (String) throws(AmountProblem) -> Int64 = { text throws(AmountProblem) in
                    try Session.minorUnits(text, scale: scale)
                }
                // Two passes over the file's bytes: the first checks every line and keeps only the
                // totals, so a file with a bad line sends nothing; the second plans and sends a
                // window at a time. A million lines' plan held at once was most of a gigabyte.
                let checked = try check(
                    bytes, today: today, key: key, state: state, builder: builder, session: session, amount: amount)
                // The check found no line repeating another in these very bytes: the second reading
                // keeps no key of every line to find one.
                let stream = ImportStream(
                    try ImportFile.Reader(bytes, source: file, today: today, checksRepeats: false),
                    issuer: issuer.value, state: state,
                    builder: builder, ledgerID: session.ledgerID, amount: amount)
                let lines = checked.totals.credits
                var summary =
                    (state.ledger?.version ?? 1) >= 2
                    ? try await sendBatches(stream, lines: lines, key: key, session: session)
                    : try await send(stream, lines: lines, key: key, client: session.client)
                summary.lines = lines
                summary.delimiter = delimiter.rawValue
                summary.describe(checked, session: session)
                return summary
            }
        } catch let error where !(error is Refused) {
            // The ledger could not be asked, but the file's own faults are worth knowing meanwhile:
            // read once more, for them alone.
            var reader = try ImportFile.Reader(bytes, source: file, today: today)
            while try reader.next() != nil {}
            try reader.finish(source: file)
            guard !reader.problems.isEmpty else { throw error }
            _ = refusal(reader.problems, delimiter: delimiter, count: reader.count)
            throw ClientFailure(
                "\(invalid(reader.problems, count: reader.count)), and the ledger could not be asked about the rest: \(error)"
            )
        }
        if output.json { return try printJSON(summary) }
        guard summary.written > 0 else {
            let all = summary.alreadyImported == 1 ? "its 1 line was" : "all \(summary.alreadyImported) lines were"
            return print("nothing new: \(all) imported before")
        }
        let read = delimiter == .comma ? "" : " (read as \(delimiter.name))"
        print(
            "imported \(file)\(read): \(counted(summary.lines, "line")), \(counted(summary.volunteers, "volunteer")), \(summary.hours) hours, \(summary.amount)"
        )
        for (category, amount) in summary.byCategory.sorted(by: { $0.key < $1.key }) {
            print("  \(category): \(amount)")
        }
        let before = summary.alreadyImported > 0 ? ", \(summary.alreadyImported) imported before" : ""
        if let entries = summary.entries {
            return print(
                "\(counted(summary.written, "line")) written in \(counted(entries, "credits entry", "credits entries"))\(before)"
            )
        }
        print("\(counted(summary.written, "entry", "entries")) written\(before)")
    }

    /// The first pass: every line checked, only the totals kept; the problems refuse the file.
    /// Its reader, with the keys of every line that the repeat check keeps, is let go before
    /// the second pass builds its own.
    private func check(
        _ bytes: [UInt8], today: CalendarDate, key: Ed25519PrivateKey, state: LedgerState, builder: CreditBuilder,
        session: Session, amount: @Sendable (String) throws(AmountProblem) -> Int64
    ) throws -> ImportPlan {
        var reader = try ImportFile.Reader(bytes, source: file, today: today)
        // On both cores; where that could decide otherwise, or finds a problem, in one pass, which
        // names every problem.
        if let checked = ImportPlan.checkInHalves(
            reader, issuer: issuer.value, signer: key.publicKey.keyID, state: state, builder: builder,
            ledgerID: session.ledgerID, amount: amount)
        {
            return checked
        }
        let (checked, problems) = try ImportPlan.check(
            &reader, source: file, issuer: issuer.value, signer: key.publicKey.keyID, state: state,
            builder: builder, ledgerID: session.ledgerID, amount: amount)
        if !problems.isEmpty { throw refusal(problems, delimiter: reader.delimiter, count: reader.count) }
        return checked
    }

    /// The ledger's state, or why the key cannot read it.
    private func ledgerState(_ result: @autoclosure () throws -> StateResult, keyPath: String) throws -> LedgerState {
        do { return try result().ledgerState() } catch ClientError.rpc(let error) where error.isReadForbidden {
            throw ClientFailure(
                "\(keyPath) may not read the whole ledger, which an import is checked against: import with an operator's or an admin's key (\(error.message))"
            )
        } catch let failure as VerificationFailure {
            throw ClientFailure("the daemon reports a malformed state: \(failure.reason)")
        }
    }

    /// Lists the problems on stderr, at most 200 of them, and says what they come to.
    /// `count`: the file's lines with something to import, good or bad.
    private func refusal(_ problems: [ImportFile.Problem], delimiter: CSVReader.Delimiter, count: Int) -> Refused {
        var stderr = StandardError()
        if delimiter != .comma { print("\(file): read as \(delimiter.name)", to: &stderr) }
        for problem in problems.prefix(200) { print("\(file): \(problem.description)", to: &stderr) }
        if problems.count > 200 { print("\(file): … and \(problems.count - 200) more", to: &stderr) }
        let lines = problems.filter { $0.line != nil }
        let what = lines.isEmpty ? problems[0].reason : invalid(lines, count: count)
        return Refused(description: "\(what); nothing was written")
    }

    /// "3 of 8 lines are not valid".
    private func invalid(_ lines: [ImportFile.Problem], count: Int) -> String {
        "\(lines.count) of \(counted(count, "line")) \(lines.count == 1 ? "is" : "are") not valid"
    }

    /// Format 1: signs and sends the `lines` credits of `stream` in all-or-nothing batches, one
    /// after the other; counts what was new and what was there.
    private func send(
        _ stream: ImportStream, lines: Int, key: Ed25519PrivateKey, client: RPCClient
    ) async throws
        -> Summary
    {
        var summary = Summary()
        var progress = ProgressBar(
            label: "importing", unit: "lines", total: Int64(lines),
            enabled: ProgressBar.wanted(writingToStandardOutput: true))
        var done = 0
        let batchSize = batchSize ?? 500
        while true {
            let slice = try stream.next(lines: batchSize)
            guard !slice.isEmpty else { break }
            // The same line signs to the same bytes on every run (salts included), so a rerun replays.
            let signed = try slice.map { try Session.sign($0.payload, with: key, deterministicSalts: true) }
            let result: SubmitBatchResult
            do {
                result = try await client.call(
                    .submitBatch, SubmitBatchParams(entries: signed.map { SubmitParams($0.0, personal: $0.1) }),
                    as: SubmitBatchResult.self)
            } catch {
                progress.clear()
                let first = slice.first!.line.number
                let last = slice.last!.line.number
                throw ClientFailure(
                    "the batch of lines \(first)–\(last) was refused, nothing of it was written (\(error)); \(summary.written) entries of earlier batches were; fix the file and run it again: those are skipped"
                )
            }
            for r in result.results { if r.replayed { summary.alreadyImported += 1 } else { summary.written += 1 } }
            done += slice.count
            progress.update(Int64(done))
        }
        progress.clear()
        return summary
    }
}

extension Import.Summary {
    /// The totals people check against their spreadsheet: volunteers, hours, coins per category.
    mutating func describe(_ plan: ImportPlan, session: Session) {
        volunteers = plan.totals.volunteers.count
        hours = Money.format(plan.totals.hundredths, scale: 2)
        amount = "\(session.format(plan.total)) \(session.currency.code)"
        byCategory = plan.totals.byGroup.mapValues { "\(session.format($0)) \(session.currency.code)" }
    }
}
