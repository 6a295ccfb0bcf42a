import ArgumentParser
import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

/// A connection to the daemon plus the ledger's settings, which every command needs to parse
/// amounts at the right scale and to bind signatures to the right ledger.
///
/// The settings come from the ledger's first entry, checked against the admin signature it
/// carries and the ledger id that admin key derives, never from the daemon's word: a daemon (or a program posing as one on the socket)
/// that reported another scale or hour rate would otherwise make the user sign other amounts.
struct Session {
    let client: RPCClient
    /// The daemon's report; used for what is not signed (entries, head, uptime, …).
    let status: StatusResult
    /// The settings signed in entry 1; nil only while the ledger is not initialised.
    let ledger: LedgerState.Ledger?

    static func with<R>(
        _ connection: ConnectionOptions, requireInitialised: Bool = true, _ body: (Session) async throws -> R
    ) async throws -> R {
        try await RPCClient.withConnection(socketPath: connection.socketPath) { client in
            let status = try await client.call(.status, NoParams(), as: StatusResult.self)
            if requireInitialised && !status.initialised {
                throw CLIError("the ledger is not initialised yet; run `noaber init` first")
            }
            var ledger: LedgerState.Ledger?
            if status.initialised {
                ledger = try await signedSettings(client, socketPath: connection.socketPath)
                try requireAgreement(status, ledger!, socketPath: connection.socketPath)
            }
            try connection.checkPin(ledger?.id)
            return try await body(Session(client: client, status: status, ledger: ledger))
        }
    }

    /// Fetches entry 1 and returns the settings it signs, after checking that it is a
    /// `ledger.init` signed by the admin key it registers.
    static func signedSettings(_ client: RPCClient, socketPath: String) async throws -> LedgerState.Ledger {
        func refuse(_ why: String) -> CLIError {
            CLIError("entry 1 from the daemon at \(socketPath) \(why); refusing to sign")
        }
        let page = try await client.call(.entries, EntriesParams(fromSeq: 1, limit: 1), as: EntriesResult.self)
        guard let info = page.entries.first, info.seq == 1 else { throw refuse("is missing") }
        let entry: CommittedEntry
        do { entry = try info.storedEntry().entry } catch { throw refuse("is malformed: \(error.reason)") }
        let payload: Payload
        do { payload = try Payload.decode(entry.signed.payload) } catch { throw refuse("is malformed: \(error.message)") }
        guard case .ledgerInit(let settings) = payload.body else { throw refuse("is not a ledger.init entry") }
        let adminKey: Ed25519PublicKey
        do { adminKey = try settings.adminKey.parsedKey() } catch { throw refuse("names an unusable admin key: \(error.message)") }
        guard entry.signed.keyID == adminKey.keyID, entry.signed.isValid(for: payload, with: adminKey) else {
            throw refuse("is not validly signed by the admin key it registers")
        }
        // With the id derived from the signed admin key, a pinned id pins these settings too.
        do { try LedgerIdentity.check(payload.ledger, for: settings, adminKey: adminKey) } catch {
            throw refuse("does not derive its ledger id from its admin key: \(error.message)")
        }
        return LedgerState.Ledger(
            id: payload.ledger, name: settings.name, currency: settings.currency, hourRate: settings.hourRate,
            adminKey: adminKey.keyID)
    }

    /// The daemon's `ledger.status` must report exactly what entry 1 signs.
    static func requireAgreement(_ status: StatusResult, _ signed: LedgerState.Ledger, socketPath: String) throws {
        var differences: [String] = []
        func compare<T: Equatable>(_ what: String, _ reported: T?, _ signed: T) {
            if reported != signed {
                differences.append("\(what) \(reported.map { "\($0)" } ?? "none"), entry 1 signs \(signed)")
            }
        }
        compare("ledger id", status.ledgerId, signed.id)
        compare("name", status.name, signed.name)
        compare("currency code", status.currency?.code, signed.currency.code)
        compare("currency name", status.currency?.name, signed.currency.name)
        compare("scale", status.currency?.scale, signed.currency.scale)
        compare("hour rate", status.hourRate, signed.hourRate)
        guard differences.isEmpty else {
            throw CLIError(
                "the daemon at \(socketPath) reports settings that entry 1 does not sign (\(differences.joined(separator: "; "))); refusing to sign")
        }
    }

    var ledgerID: String { ledger?.id ?? "" }
    var currency: Currency { ledger?.currency ?? Currency(code: "", name: "", scale: 0) }
    /// Minor units per hour of care, as entry 1 signs it.
    var hourRate: Int64 { ledger?.hourRate ?? 0 }

    /// Parses a decimal amount at the ledger's scale; more decimals than the scale is an error.
    func amount(_ text: String, option: String, allowNegative: Bool = false, allowZero: Bool = false) throws -> Int64 {
        let value: Int64
        do { value = try Money.parse(text, scale: currency.scale, allowNegative: allowNegative) } catch {
            throw CLIError("\(option): \(error.message)")
        }
        guard allowZero || value != 0 else { throw CLIError("\(option): the amount must be more than zero") }
        return value
    }

    func format(_ minor: Int64) -> String { currency.format(minor) }

    /// Every care category's hour rate in force, by id, as the daemon reports them; the rules
    /// check the rate each credit records against the chain's.
    func categoryRates() async throws -> [String: Int64] {
        Dictionary(
            try await client.call(.categoryList, NoParams(), as: CategoryList.self).categories.map { ($0.category, $0.hourRate) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The payload of entry `id`, parsed; nil if it does not parse or carries another id.
    func payload(ofEntry id: String) async throws -> Payload? {
        let info = try await client.call(.entryGet, EntryGetParams(id: id), as: EntryInfo.self)
        guard let bytes = Data(base64Encoded: info.payload), let payload = try? Payload.decode(Array(bytes)), payload.id == id else { return nil }
        return payload
    }

    func account(_ id: String) async throws -> AccountInfo {
        try await client.call(.accountGet, AccountParams(account: id), as: AccountInfo.self)
    }

    /// Signs `body` as a new entry with `signing`'s key and submits it.
    func submit(_ body: Payload.Body, signing: SigningOptions) async throws -> SubmitResult {
        let key = try loadPrivateKey(signing.key)
        let payload = Payload(ledger: ledgerID, id: try signing.id ?? newEntryID(), body: body)
        return try await Self.submit(payload, key: key, client: client)
    }

    static func submit(_ payload: Payload, key: Ed25519PrivateKey, client: RPCClient) async throws -> SubmitResult {
        let signed = try SignedEntry.sign(payload, with: key)
        return try await client.call(.submit, SubmitParams(signed), as: SubmitResult.self)
    }
}

func newEntryID() throws -> String { Hex.encode(try SecureRandom.bytes(16)) }

func loadPrivateKey(_ path: String) throws -> Ed25519PrivateKey {
    do { return try Ed25519PrivateKey(contentsOfFile: path) } catch {
        throw CLIError("cannot use private key \(path): \(error)")
    }
}

func loadPublicKey(_ path: String) throws -> Ed25519PublicKey {
    do { return try Ed25519PublicKey(contentsOfFile: path) } catch {
        throw CLIError("cannot use public key \(path): \(error)")
    }
}

/// Prints what a submission did: one line for people, the receipt for scripts.
func printReceipt(_ result: SubmitResult, _ summary: String, output: OutputOptions, extra: [String: String] = [:]) throws {
    if output.json {
        struct Receipt: Encodable {
            var result: SubmitResult
            var extra: [String: String]
            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: AnyKey.self)
                for (key, value) in extra { try container.encode(value, forKey: AnyKey(key)) }
            }
        }
        try printJSON(Receipt(result: result, extra: extra))
        return
    }
    let note = result.replayed ? " (already committed earlier; nothing new was written)" : ""
    print("\(summary): entry \(result.seq), id \(result.id)\(note)")
    print("  committed \(result.committedAt), hash \(result.hash)")
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = RPCCoding.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
