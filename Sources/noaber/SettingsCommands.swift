import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract:
            "The ledger's settings: how long claims wait for a decision, demurrage, and how statements print.",
        subcommands: [Show.self, Set.self], defaultSubcommand: Show.self)
}

extension SettingsCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the settings in force.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await Session.with(connection) { session in
                let settings = session.status.settings ?? SettingsInfo(LedgerState.Settings())
                if output.json { return try printJSON(settings) }
                print("claims expire after \(counted(settings.claimExpiryDays, "day")) undecided")
                print(describe(settings.demurrage, session))
                print("statements and reports in \(Language(setting: settings.language).rawValue)")
                if let contact = settings.contact { print("contact line: \(contact)") }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change settings (signed by an admin); what is not given stays as it is.",
            discussion: """
                Demurrage charges every open member and merchant account a share of its balance at the \
                start of each period (UTC midnight: each day, each Monday, or the 1st of each month), \
                rounded down, back to --demurrage-account. The daemon writes the charges with its log key; \
                the first period is the first to start after this entry. --no-demurrage turns it off.
                """)

        @Option(
            name: .customLong("claim-expiry-days"),
            help: "Days a claim waits for a decision before it expires (1 to 3650; default 60).")
        var claimExpiryDays: Int?

        @Option(
            name: .customLong("demurrage-percent"),
            help: "Share of the balance charged per period, in percent, e.g. 0.5 (at most 4 decimals, at most 50).")
        var demurragePercent: String?

        @Option(name: .customLong("demurrage-period"), help: "day, week or month.")
        var demurragePeriod: DemurragePeriod?

        @Option(name: .customLong("demurrage-account"), help: "The issuer account the charged coins go back to.")
        var demurrageAccount: Parsed<AccountID>?

        @Flag(name: .customLong("no-demurrage"), help: "Turn demurrage off.")
        var noDemurrage = false

        @Option(help: "The language statements and reports print in unless --lang says otherwise: nl or en.")
        var language: Language?

        @Option(
            help:
                "The organisation's contact line under its name on statements, e.g. \"tel. 053 123 4567, info@zorgkring.nl\" (in the signed chain: an organisation's, never a person's)."
        )
        var contact: String?

        @Flag(name: .customLong("no-contact"), help: "Print no contact line.")
        var noContact = false

        @OptionGroup var signing: SigningOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            let touchesDemurrage = demurragePercent != nil || demurragePeriod != nil || demurrageAccount != nil
            if noDemurrage && touchesDemurrage {
                throw ValidationError("--no-demurrage goes with no other --demurrage- option")
            }
            if noContact && contact != nil { throw ValidationError("--no-contact goes without --contact") }
            guard
                claimExpiryDays != nil || touchesDemurrage || noDemurrage || language != nil || contact != nil
                    || noContact
            else {
                throw ValidationError("give at least one setting to change")
            }
            if let contact {
                do {
                    try Text.validate(contact, field: "--contact", maxLength: LedgerSettings.maxContactLength)
                } catch { throw ValidationError(error.message) }
            }
            if let days = claimExpiryDays, !(1...3650).contains(days) {
                throw ValidationError("--claim-expiry-days must be 1 to 3650")
            }
            _ = try demurrageAccount?.value("--demurrage-account")
            if let demurragePercent { _ = try Self.ppm(demurragePercent) }
        }

        static func ppm(_ text: String) throws -> Int64 {
            guard let value = try? Money.parse(text, scale: 4), (1...500_000).contains(value) else {
                throw ValidationError(
                    "--demurrage-percent must be more than 0 and at most 50, with at most 4 decimals (e.g. 0.5)")
            }
            return value
        }

        func run() async throws {
            let (result, text) = try await Session.with(connection) { session in
                let current = session.status.settings.flatMap { $0.settings() } ?? LedgerState.Settings()
                var demurrage = current.demurrage
                if noDemurrage {
                    demurrage = nil
                } else if demurragePercent != nil || demurragePeriod != nil || demurrageAccount != nil {
                    guard let rate = try demurragePercent.map(Self.ppm) ?? current.demurrage?.ratePPM,
                        let period = demurragePeriod ?? current.demurrage?.period,
                        let account = demurrageAccount?.value ?? current.demurrage?.account
                    else {
                        throw ClientFailure(
                            "demurrage is off: to turn it on give --demurrage-percent, --demurrage-period and --demurrage-account"
                        )
                    }
                    demurrage = Demurrage(ratePPM: rate, period: period, account: account)
                }
                let body = LedgerSettings(
                    claimExpiryDays: claimExpiryDays ?? current.claimExpiryDays, demurrage: demurrage,
                    language: language?.rawValue ?? current.language,
                    contact: noContact ? nil : contact ?? current.contact)
                let result = try await session.submit(.ledgerSettings(body), signing: signing)
                var after = current
                after.claimExpiryDays = body.claimExpiryDays ?? LedgerSettings.defaultClaimExpiryDays
                after.demurrage = demurrage
                let contactText = body.contact.map { "; contact line \"\($0)\"" } ?? ""
                return (
                    result,
                    "claims expire after \(counted(after.claimExpiryDays, "day")); "
                        + describe(SettingsInfo(after).demurrage, session, showNext: false)
                        + "; statements in \(Language(setting: body.language).rawValue)\(contactText)"
                )
            }
            try printReceipt(result, "settings: \(text)", output: output)
        }
    }
}

private func describe(_ demurrage: SettingsInfo.DemurrageInfo?, _ session: Session, showNext: Bool = true) -> String {
    guard let demurrage else { return "no demurrage" }
    let percent = Money.format(demurrage.ratePpm, scale: 4).replacingOccurrences(
        of: #"\.?0+$"#, with: "", options: .regularExpression)
    let next = showNext && !demurrage.next.isEmpty ? "; next charge at \(demurrage.next)" : ""
    return "demurrage \(percent) % per \(demurrage.period), back to \(demurrage.account)\(next)"
}
