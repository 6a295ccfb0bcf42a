import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

/// The options shared by credit, transfer and redeem.
struct PaymentOptions: ParsableArguments {
    @OptionGroup var signing: SigningOptions

    @Option(help: "The account paying (debited).")
    var from: Parsed<AccountID>

    @Option(help: "The account paid (credited).")
    var to: Parsed<AccountID>

    @Option(help: "A note for the statement.")
    var memo: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try from.value("--from")
        _ = try to.value("--to")
        guard from.text != to.text else { throw ValidationError("--from and --to must be different accounts") }
    }

    /// Submits a two-posting transaction of `amount` from --from to --to.
    func pay(_ purpose: Purpose, amount: (Session) throws -> Int64) async throws {
        let (result, text) = try await Session.with(connection) { session in
            let minor = try amount(session)
            let tx = Transaction(
                purpose: purpose,
                postings: [Posting(account: from.value, amount: -minor), Posting(account: to.value, amount: minor)],
                memo: memo)
            let result = try await session.submit(.transaction(tx), signing: signing)
            return (result, "\(session.format(minor)) \(session.currency.code)")
        }
        try printReceipt(result, "\(purpose.rawValue) \(text) from \(from) to \(to)", output: output)
    }

    /// Submits a credit for `hours` or `amount`; the entry records hours, rate and category, and the rules check
    /// all three. The category rates come in the same round trip as the trust check, so a credit
    /// costs two round trips: that one, and the submission.
    func credit(hours: Hours?, amount: String?, category: String?, careDate: String?) async throws {
        var batch = RPCClient.Batch()
        let categories = category.map { _ in batch.add(.categoryList, NoParams(), as: CategoryList.self) }
        let (result, text) = try await Session.with(connection, also: batch) { session, answers in
            let rates = try categories.map { Session.categoryRates(try answers.result($0)) } ?? [:]
            let builder = CreditBuilder(ledgerRate: session.hourRate, categoryRates: rates)
            let size: CreditBuilder.Size
            if let hours {
                size = .hours(hours, category: category)
            } else {
                size = .amount(try session.amount(amount ?? "", option: "--amount"))
            }
            let credit: CreditBuilder.Credit
            do {
                credit = try builder.credit(from: from.value, to: to.value, size, memo: memo, careDate: careDate)
            } catch let error as CreditBuilder.Failure {
                switch error {
                case .unknownCategory(let category):
                    let known = rates.keys.sorted().joined(separator: ", ")
                    throw ClientFailure(
                        "--category \(category) does not exist (known: \(known.isEmpty ? "none yet; an admin adds them with `noaber category set`" : known))"
                    )
                case .hours(let error): throw ClientFailure("--hours: \(error.message)")
                }
            }
            let result = try await session.submit(.transaction(credit.transaction), signing: signing)
            let amount = "\(session.format(credit.amount)) \(session.currency.code)"
            guard let hours, let rate = credit.rate else { return (result, amount) }
            let at = category.map { " at \(session.format(rate)) (\($0))" } ?? ""
            return (result, "\(hours.phrase)\(at) = \(amount)")
        }
        try printReceipt(result, "credit \(text) from \(from) to \(to)", output: output)
    }
}

struct Credit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pay a volunteer for hours of care, from an issuer's account.",
        discussion: """
            --hours H pays H × the hour rate in force and records the hours and the rate: the rate of \
            --category C if given (see `noaber category list`), else the ledger's own. --amount A pays A.
            """)

    @OptionGroup var payment: PaymentOptions

    @Option(help: "Hours of care, at most two decimals (e.g. 1.5).")
    var hours: Parsed<Hours>?

    @Option(help: "An amount instead of hours, e.g. 12.50.")
    var amount: String?

    @Option(help: "The care category whose hour rate applies (with --hours).")
    var category: String?

    @Option(
        name: .customLong("care-date"),
        help: "The day the care was given, YYYY-MM-DD (default: today, UTC); statements and reports count it then.")
    var careDate: String?

    func validate() throws {
        guard (hours == nil) != (amount == nil) else {
            throw ValidationError("give exactly one of --hours and --amount")
        }
        if category != nil && hours == nil { throw ValidationError("--category goes with --hours") }
        if let careDate, CalendarDate(careDate) == nil {
            throw ValidationError("--care-date must be a day written YYYY-MM-DD")
        }
        _ = try hours?.value("--hours")
        if let amount { try refuseNegative(amount, option: "--amount") }
    }

    func run() async throws {
        try await payment.credit(hours: hours?.value, amount: amount, category: category, careDate: careDate)
    }
}

struct Transfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give coins to another member (members and merchants may both give and receive).")

    @OptionGroup var payment: PaymentOptions

    @Option(help: "The amount, e.g. 5.00.")
    var amount: String

    func validate() throws { try refuseNegative(amount, option: "--amount") }

    func run() async throws {
        try await payment.pay(.transfer, amount: { try $0.amount(amount, option: "--amount") })
    }
}

struct Redeem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Spend coins: a member pays a merchant.")

    @OptionGroup var payment: PaymentOptions

    @Option(help: "The amount, e.g. 7.50.")
    var amount: String

    func validate() throws { try refuseNegative(amount, option: "--amount") }

    func run() async throws {
        try await payment.pay(.redeem, amount: { try $0.amount(amount, option: "--amount") })
    }
}
