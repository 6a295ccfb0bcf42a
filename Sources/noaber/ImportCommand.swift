import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Credit a month of hours from a CSV file: checked in full first, then signed and sent in all-or-nothing batches.",
        discussion: """
            Columns (header row, any order): account, date (YYYY-MM-DD, the day of care, recorded as the \
            credit's care_date), hours or amount, category \
            (optional, with hours), memo (optional), external_id (optional). Every bad line is reported \
            with its number and reason, and then nothing is written. A valid file is sent in batches that \
            are each committed whole or not at all. Running the same file again adds nothing and says so: \
            each line's entry id comes from its external_id, or else from its content.
            """)

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "The issuer paying the credits, e.g. org:zorgkring; --key must control it.")
    var issuer: Parsed<AccountID>

    @Option(name: .customLong("batch-size"), help: "Entries per all-or-nothing batch (1 to 1000).")
    var batchSize = 500

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...SubmitBatchParams.maxEntries).contains(batchSize) else {
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
        var byCategory: [String: String] = [:]
    }

    func run() async throws {
        let (lines, problems) = try ImportFile.read(file)
        if !problems.isEmpty {
            report(problems)
            throw ClientFailure(
                "\(problems.count) of \(lines.count + problems.count) lines are not valid; nothing was written")
        }
        let key = try loadPrivateKey(try connection.requireKeyPath())
        // The ledger's state comes in the same round trip as the trust check: with it the rules
        // judge every line before anything is signed.
        var batch = RPCClient.Batch()
        let stateAnswer = batch.add(.state, NoParams(), as: StateResult.self)
        let summary = try await Session.with(connection, also: batch) { session, answers in
            let state: LedgerState
            do { state = try answers.result(stateAnswer).ledgerState() } catch let failure as VerificationFailure {
                throw ClientFailure("the daemon reports a malformed state: \(failure.reason)")
            }
            do { _ = try state.postingAccount(issuer.value, purpose: .credit, debit: true) } catch let error
                as LedgerError
            {
                throw ClientFailure("--issuer \(issuer) cannot pay credits: \(error.message)")
            }
            let builder = CreditBuilder(
                ledgerRate: session.hourRate, categoryRates: state.categories.mapValues(\.hourRate))
            let (plan, bad) = ImportPlan.make(
                lines, issuer: issuer.value, state: state, builder: builder, ledgerID: session.ledgerID,
                amount: { text throws(AmountProblem) in try session.minorUnits(text) })
            if !bad.isEmpty {
                report(bad, all: false)
                throw ClientFailure("\(bad.count) of \(lines.count) lines do not fit the ledger; nothing was written")
            }
            var summary = try await send(plan, key: key, client: session.client)
            summary.lines = lines.count
            summary.describe(plan, session: session)
            return summary
        }
        if output.json { return try printJSON(summary) }
        print(
            "imported \(file): \(summary.lines) lines, \(summary.volunteers) volunteers, \(summary.hours) hours, \(summary.amount)"
        )
        for (category, amount) in summary.byCategory.sorted(by: { $0.key < $1.key }) {
            print("  \(category): \(amount)")
        }
        if summary.written == 0 {
            print("nothing new: all \(summary.alreadyImported) lines were imported before")
        } else {
            print(
                "\(summary.written) entries written\(summary.alreadyImported > 0 ? ", \(summary.alreadyImported) imported before" : "")"
            )
        }
    }

    /// Names the bad lines on stderr, at most 200 of them.
    private func report(_ problems: [ImportFile.Problem], all: Bool = true) {
        var stderr = StandardError()
        for problem in problems.prefix(200) { print("\(file): \(problem.description)", to: &stderr) }
        if all && problems.count > 200 { print("\(file): … and \(problems.count - 200) more", to: &stderr) }
    }

    /// Signs and sends the plan in all-or-nothing batches; counts what was new and what was there.
    private func send(_ plan: ImportPlan, key: Ed25519PrivateKey, client: RPCClient) async throws -> Summary {
        var summary = Summary()
        let credits = plan.credits
        var progress = ProgressBar(
            label: "importing", unit: "lines", total: Int64(credits.count),
            enabled: ProgressBar.wanted(writingToStandardOutput: true))
        var done = 0
        for start in stride(from: 0, to: credits.count, by: batchSize) {
            let slice = credits[start..<min(start + batchSize, credits.count)]
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
        var perCategory: [String: Int64] = [:]
        var hundredths: Int64 = 0
        for credit in plan.credits {
            perCategory[credit.group, default: 0] += credit.amount
            hundredths += credit.line.hours?.hundredths ?? 0
        }
        volunteers = Set(plan.credits.map(\.line.account)).count
        hours = Money.format(hundredths, scale: 2)
        amount = "\(session.format(plan.total)) \(session.currency.code)"
        byCategory = perCategory.mapValues { "\(session.format($0)) \(session.currency.code)" }
    }
}
