import ArgumentParser
import NoaberAudit
import NoaberCore
import NoaberProtocol

/// The options shared by credit, transfer and redeem.
struct PaymentOptions: ParsableArguments {
    @OptionGroup var signing: SigningOptions

    @Option(help: "The account paying (debited).")
    var from: String

    @Option(help: "The account paid (credited).")
    var to: String

    @Option(help: "A note for the statement.")
    var memo: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (option, value) in [("--from", from), ("--to", to)] {
            do { _ = try AccountID(value) } catch { throw ValidationError("\(option): \(error.message)") }
        }
        guard from != to else { throw ValidationError("--from and --to must be different accounts") }
    }

    /// Submits a two-posting transaction of `amount` from --from to --to.
    func pay(_ purpose: Purpose, amount: (Session) throws -> Int64) async throws {
        let (result, text) = try await Session.with(connection) { session in
            let minor = try amount(session)
            let tx = Transaction(
                purpose: purpose,
                postings: [Posting(account: try AccountID(from), amount: -minor), Posting(account: try AccountID(to), amount: minor)],
                memo: memo)
            let result = try await session.submit(.transaction(tx), signing: signing)
            return (result, "\(session.format(minor)) \(session.currency.code)")
        }
        try printReceipt(result, "\(purpose.rawValue) \(text) from \(from) to \(to)", output: output)
    }

    /// Submits a credit for `hours` at the rate in force: the category's, or else the ledger's.
    /// The entry records the hours, the rate and the category, and the rules check all three.
    func payHours(_ hours: Hours, category: String?, careDate: String?) async throws {
        let (result, text) = try await Session.with(connection) { session in
            var rate = session.hourRate
            if let category {
                let rates = try await session.categoryRates()
                guard let found = rates[category] else {
                    let known = rates.keys.sorted().joined(separator: ", ")
                    throw CLIError("--category \(category) does not exist (known: \(known.isEmpty ? "none yet; an admin adds them with `noaber category set`" : known))")
                }
                rate = found
            }
            let minor: Int64
            do { minor = try hours.amount(atRate: rate) } catch let error as LedgerError { throw CLIError("--hours: \(error.message)") }
            let tx = Transaction(
                purpose: .credit,
                postings: [Posting(account: try AccountID(from), amount: -minor), Posting(account: try AccountID(to), amount: minor)],
                memo: memo, hours: hours.description, hourRate: rate, category: category, careDate: careDate)
            let result = try await session.submit(.transaction(tx), signing: signing)
            let at = category.map { " at \(session.format(rate)) (\($0))" } ?? ""
            return (result, "\(hours) hours\(at) = \(session.format(minor)) \(session.currency.code)")
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
    var hours: String?

    @Option(help: "An amount instead of hours, e.g. 12.50.")
    var amount: String?

    @Option(help: "The care category whose hour rate applies (with --hours).")
    var category: String?

    @Option(name: .customLong("care-date"), help: "The day the care was given, YYYY-MM-DD (with --hours).")
    var careDate: String?

    func validate() throws {
        guard (hours == nil) != (amount == nil) else { throw ValidationError("give exactly one of --hours and --amount") }
        if category != nil && hours == nil { throw ValidationError("--category goes with --hours") }
        if careDate != nil && hours == nil { throw ValidationError("--care-date goes with --hours") }
        if let careDate, CalendarDate(careDate) == nil { throw ValidationError("--care-date must be a day written YYYY-MM-DD") }
        if let hours {
            do { _ = try Hours(hours) } catch { throw ValidationError("--hours: \(error.message)") }
        }
    }

    func run() async throws {
        if let hours {
            try await payment.payHours(try Hours(hours), category: category, careDate: careDate)
        } else {
            try await payment.pay(.credit, amount: { try $0.amount(amount!, option: "--amount") })
        }
    }
}

struct Transfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give coins to another member (members and merchants may both give and receive).")

    @OptionGroup var payment: PaymentOptions

    @Option(help: "The amount, e.g. 5.00.")
    var amount: String

    func run() async throws {
        try await payment.pay(.transfer, amount: { try $0.amount(amount, option: "--amount") })
    }
}

struct Redeem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Spend coins: a member pays a merchant.")

    @OptionGroup var payment: PaymentOptions

    @Option(help: "The amount, e.g. 7.50.")
    var amount: String

    func run() async throws {
        try await payment.pay(.redeem, amount: { try $0.amount(amount, option: "--amount") })
    }
}
