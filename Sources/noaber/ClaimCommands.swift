import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct ClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract:
            "Claim hours of care you gave, signed with your own key; an issuer's coordinator approves or rejects it.",
        discussion: """
            A claim moves no money. It asks --issuer to pay the hours at the rate in force now (of \
            --category, or else the ledger's); `noaber approve CLAIM-ID` pays exactly that, `noaber reject` \
            turns it down with a reason. Undecided, it expires after the ledger's claim expiry (see \
            `noaber status`). The account is the member account your key controls (--account if several).
            """)

    @Option(help: "The issuer asked to pay, e.g. org:zorgkring.")
    var issuer: Parsed<AccountID>

    @Option(help: "Hours of care, at most two decimals (e.g. 2 or 1.5).")
    var hours: Parsed<Hours>

    @Option(help: "The care category whose hour rate applies.")
    var category: String?

    @Option(name: .customLong("care-date"), help: "The day the care was given, YYYY-MM-DD (default: none).")
    var careDate: String?

    @Option(help: "What was done, for the coordinator and the statement.")
    var memo: String?

    @Option(help: "Your member account, when your key controls more than one.")
    var account: Parsed<AccountID>?

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try issuer.value("--issuer")
        _ = try account?.value("--account")
        _ = try hours.value("--hours")
        if let careDate, CalendarDate(careDate) == nil {
            throw ValidationError("--care-date must be a day written YYYY-MM-DD")
        }
    }

    func run() async throws {
        let key = try loadPrivateKey(try connection.requireKeyPath())
        let (result, text) = try await Session.with(connection) { session in
            let volunteer = try await ownAccount(session, keyID: key.publicKey.keyID.hex)
            let rates =
                category == nil
                ? [:]
                : Session.categoryRates(try await session.client.call(.categoryList, NoParams(), as: CategoryList.self))
            let rate: Int64
            do {
                rate = try CreditBuilder(ledgerRate: session.hourRate, categoryRates: rates).rate(category: category)
            } catch {
                throw ClientFailure("--category \(category ?? "") does not exist (see `noaber category list`)")
            }
            let parsed = hours.value
            let minor: Int64
            do { minor = try parsed.amount(atRate: rate) } catch let error as LedgerError {
                throw ClientFailure("--hours: \(error.message)")
            }
            let claim = Claim(
                account: volunteer, issuer: issuer.value, hours: parsed.description, hourRate: rate, amount: minor,
                category: category, careDate: careDate, memo: memo)
            let payload = Payload(
                v: session.entryVersion, ledger: session.ledgerID, id: try signing.id ?? newEntryID(),
                body: .claim(claim))
            return (
                try await Session.submit(payload, key: key, client: session.client),
                "\(volunteer) claims \(parsed.phrase) = \(session.format(minor)) \(session.currency.code) from \(issuer)"
            )
        }
        try printReceipt(result, "claim \(result.id): \(text); pending until approved or rejected", output: output)
    }

    /// --account, or the one member account this key controls.
    private func ownAccount(_ session: Session, keyID: String) async throws -> AccountID {
        if let account { return account.value }
        let accounts = try await session.client.call(.accountList, NoParams(), as: AccountList.self).accounts
        let own = accounts.filter { $0.kind == AccountKind.member.rawValue && $0.controllers.contains(keyID) }
        guard own.count == 1 else {
            throw ClientFailure(
                own.isEmpty
                    ? "this key controls no member account; a claim is signed by the volunteer's own key"
                    : "this key controls \(own.count) member accounts (\(own.map(\.account).joined(separator: ", "))); choose one with --account"
            )
        }
        return try AccountID(own[0].account)
    }
}

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a pending claim: credit the volunteer exactly what it asks, linked to it (once).",
        discussion: "Signed by a key controlling the claim's issuer. A claim decided already, or expired, is refused.")

    @Argument(help: "The claim's entry id, as `noaber claims` lists it.")
    var claimID: String

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    /// The claim is read in the same round trip as the trust check, so approving costs two round
    /// trips: that one, and the submission.
    func run() async throws {
        var batch = RPCClient.Batch()
        let entry = batch.add(.entryGet, EntryGetParams(id: claimID), as: EntryInfo.self)
        let (result, text) = try await Session.with(connection, also: batch) { session, answers in
            let info = try answers.result(entry)
            var claim = try claim(claimID, in: info)
            // Version 2: the claim's payload holds the memo's commitment; the credit carries the
            // text itself (committed afresh), or none once the claim's memo was erased.
            if session.entryVersion >= 2, claim.memo != nil {
                claim.memo = info.personal?.first { $0.path == "memo" }?.text
            }
            return (
                try await session.submit(.transaction(CreditBuilder.approving(claim, id: claimID)), signing: signing),
                "credit \(Hours.phrase(claim.hours)) = \(session.format(claim.amount)) \(session.currency.code) from \(claim.issuer) to \(claim.account)"
            )
        }
        try printReceipt(result, "claim \(claimID) approved: \(text)", output: output)
    }
}

struct Reject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a pending claim down, saying why (once).",
        discussion:
            "Signed by a key controlling the claim's issuer. Nothing is paid; the volunteer sees the reason in `noaber claims`."
    )

    @Argument(help: "The claim's entry id.")
    var claimID: String

    @Option(help: "Why, for the volunteer and the record (required).")
    var reason: String

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var batch = RPCClient.Batch()
        let entry = batch.add(.entryGet, EntryGetParams(id: claimID), as: EntryInfo.self)
        let result = try await Session.with(connection, also: batch) { session, answers in
            _ = try claim(claimID, in: try answers.result(entry))
            return try await session.submit(.claimReject(ClaimReject(claim: claimID, reason: reason)), signing: signing)
        }
        try printReceipt(result, "claim \(claimID) rejected: \(reason)", output: output)
    }
}

/// The claim that `info`, the ledger's entry `id`, must be.
private func claim(_ id: String, in info: EntryInfo) throws -> Claim {
    guard case .claim(let claim)? = Session.payload(info, id: id)?.body else {
        throw ClientFailure("entry \(id) is not a claim")
    }
    return claim
}

struct Claims: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List claims of hours: pending, approved, rejected or expired.")

    @Flag(help: "Only the claims still waiting for a decision.")
    var pending = false

    @Option(help: "Only this volunteer's claims.")
    var account: Parsed<AccountID>?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try account?.value("--account")
    }

    func run() async throws {
        try await Session.with(connection) { session in
            var all: [ClaimInfo] = []
            var after: Int64 = 0
            var days = LedgerSettings.defaultClaimExpiryDays
            while true {
                let page = try await session.client.call(
                    .claimList, ClaimListParams(account: account?.text, pending: pending ? true : nil, afterSeq: after),
                    as: ClaimListResult.self)
                all += page.claims
                days = page.claimExpiryDays
                guard let last = page.claims.last, page.claims.count == ClaimListParams.maxLimit else { break }
                after = last.seq
            }
            if output.json { return try printJSON(ClaimListResult(claims: all, claimExpiryDays: days)) }
            var table = Table(
                headers: ["CLAIM", "CLAIMED", "ACCOUNT", "ISSUER", "HOURS", "CATEGORY", "AMOUNT", "STATUS", "NOTE"],
                rightAligned: [4, 6])
            for c in all {
                let note =
                    switch c.status {
                    case "pending": "expires \(c.expiresAt.map { String($0.prefix(10)) } ?? "")"
                    case "rejected": "entry \(c.decidedSeq ?? 0): \(c.reason ?? "")"
                    case "approved": "entry \(c.decidedSeq ?? 0)"
                    default: "at \(c.expiresAt.map { String($0.prefix(10)) } ?? "")"
                    }
                table.rows.append([
                    c.claimId, String(c.committedAt.prefix(10)), c.account, c.issuer, c.hours, c.category ?? "",
                    session.format(c.amount), c.status, [c.memo, note].compactMap { $0 }.joined(separator: "; "),
                ])
            }
            print(table.render())
            if all.isEmpty { print(pending ? "(no pending claims)" : "(no claims)") }
        }
    }
}
