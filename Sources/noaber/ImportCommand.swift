import ArgumentParser
import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Credit a month of hours from a CSV file: checked in full first, then signed and sent in all-or-nothing batches.",
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
    var issuer: String

    @Option(name: .customLong("batch-size"), help: "Entries per all-or-nothing batch (1 to 1000).")
    var batchSize = 500

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...SubmitBatchParams.maxEntries).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 1000") }
        do { _ = try AccountID(issuer) } catch { throw ValidationError("--issuer: \(error.message)") }
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
            var stderr = StandardError()
            for problem in problems.prefix(200) { print("\(file): \(problem.description)", to: &stderr) }
            if problems.count > 200 { print("\(file): … and \(problems.count - 200) more", to: &stderr) }
            throw CLIError("\(problems.count) of \(lines.count + problems.count) lines are not valid; nothing was written")
        }
        let key = try loadPrivateKey(signing.key)
        let issuerID = try AccountID(issuer)
        let summary = try await Session.with(connection) { session in
            // Check every line against the ledger as it is now, before anything is signed.
            let accounts = Dictionary(
                try await session.client.call(.accountList, NoParams(), as: AccountList.self).accounts.map { ($0.account, $0) },
                uniquingKeysWith: { first, _ in first })
            let categories = try await session.categoryRates()
            guard let payer = accounts[issuer], payer.kind == AccountKind.issuer.rawValue else {
                throw CLIError("--issuer \(issuer) is not an issuer account of this ledger")
            }
            var bad: [ImportFile.Problem] = []
            var payloads: [(ImportFile.Line, Payload, Int64, String)] = []
            var total: Int64 = 0
            for line in lines {
                func fail(_ why: String) { bad.append(ImportFile.Problem(line: line.number, reason: why)) }
                guard let volunteer = accounts[line.account.rawValue] else { fail("account \(line.account) does not exist"); continue }
                guard volunteer.kind == AccountKind.member.rawValue else { fail("\(line.account) is a \(volunteer.kind), not a volunteer (member)"); continue }
                guard volunteer.status == AccountStatus.open.rawValue else { fail("\(line.account) is \(volunteer.status)"); continue }
                var rate: Int64?
                if let category = line.category {
                    guard let found = categories[category] else { fail("category \(category) does not exist"); continue }
                    rate = found
                } else if line.hours != nil {
                    rate = session.hourRate
                }
                let minor: Int64
                if let hours = line.hours, let rate {
                    do { minor = try hours.amount(atRate: rate) } catch let error as LedgerError { fail(error.message); continue }
                } else {
                    do { minor = try session.amount(line.amountText ?? "", option: "amount") } catch { fail("\(error)".replacingOccurrences(of: "amount: ", with: "")); continue }
                }
                let (sum, overflow) = total.addingReportingOverflow(minor)
                guard !overflow else { fail("the file's total overflows"); continue }
                total = sum
                let tx = Transaction(
                    purpose: .credit,
                    postings: [Posting(account: issuerID, amount: -minor), Posting(account: line.account, amount: minor)],
                    memo: line.memo, hours: line.hours?.description, hourRate: line.hours == nil ? nil : rate, category: line.category,
                    careDate: line.date)
                let payload = Payload(ledger: session.ledgerID, id: ImportFile.entryID(issuer: issuerID, line), body: .transaction(tx))
                payloads.append((line, payload, minor, line.category ?? (line.hours == nil ? "(amount)" : "(ledger rate)")))
            }
            if !bad.isEmpty {
                var stderr = StandardError()
                for problem in bad.prefix(200) { print("\(file): \(problem.description)", to: &stderr) }
                throw CLIError("\(bad.count) of \(lines.count) lines do not fit the ledger; nothing was written")
            }

            var summary = Summary(lines: lines.count)
            var progress = ProgressBar(label: "importing", unit: "lines", total: Int64(payloads.count), enabled: ProgressBar.wanted(writingToStandardOutput: true))
            var done = 0
            for start in stride(from: 0, to: payloads.count, by: batchSize) {
                let slice = payloads[start..<min(start + batchSize, payloads.count)]
                let signed = try slice.map { try SignedEntry.sign($0.1, with: key) }
                let result: SubmitBatchResult
                do {
                    result = try await session.client.call(.submitBatch, SubmitBatchParams(entries: signed.map(SubmitParams.init)), as: SubmitBatchResult.self)
                } catch {
                    progress.clear()
                    let first = slice.first!.0.number, last = slice.last!.0.number
                    throw CLIError(
                        "the batch of lines \(first)–\(last) was refused, nothing of it was written (\(error)); \(summary.written) entries of earlier batches were; fix the file and run it again: those are skipped")
                }
                for r in result.results { if r.replayed { summary.alreadyImported += 1 } else { summary.written += 1 } }
                done += slice.count
                progress.update(Int64(done))
            }
            progress.clear()
            var perCategory: [String: Int64] = [:]
            var hundredths: Int64 = 0
            for (line, _, minor, category) in payloads {
                perCategory[category, default: 0] += minor
                hundredths += line.hours?.hundredths ?? 0
            }
            summary.volunteers = Set(payloads.map(\.0.account)).count
            summary.hours = Money.format(hundredths, scale: 2)
            summary.amount = "\(session.format(total)) \(session.currency.code)"
            summary.byCategory = perCategory.mapValues { "\(session.format($0)) \(session.currency.code)" }
            return summary
        }
        if output.json { return try printJSON(summary) }
        print("imported \(file): \(summary.lines) lines, \(summary.volunteers) volunteers, \(summary.hours) hours, \(summary.amount)")
        for (category, amount) in summary.byCategory.sorted(by: { $0.key < $1.key }) { print("  \(category): \(amount)") }
        if summary.written == 0 {
            print("nothing new: all \(summary.alreadyImported) lines were imported before")
        } else {
            print("\(summary.written) entries written\(summary.alreadyImported > 0 ? ", \(summary.alreadyImported) imported before" : "")")
        }
    }
}
