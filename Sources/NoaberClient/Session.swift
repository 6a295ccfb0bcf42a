import Foundation
package import NoaberCore
import NoaberCrypto
package import NoaberProtocol
package import NoaberTransport

/// A connection to the daemon plus the ledger's settings, which every command needs to parse
/// amounts at the right scale and to bind signatures to the right ledger.
///
/// The settings come from the ledger's first entry, checked against the admin signature it
/// carries and the ledger id that admin key derives, never from the daemon's word: a daemon (or
/// a program posing as one on the socket) that reported another scale or hour rate would
/// otherwise make the user sign other amounts.
package struct Session {
    package let client: RPCClient
    /// The daemon's report; used for what is not signed (entries, head, uptime, …).
    package let status: StatusResult
    /// The settings signed in entry 1; nil only while the ledger is not initialised.
    package let ledger: LedgerState.Ledger?
    /// Which daemon, ledger pin and key this session was opened with.
    package let target: SessionTarget

    package static func with<R>(
        _ target: SessionTarget, requireInitialised: Bool = true, _ body: (Session) async throws -> R
    ) async throws -> R {
        try await with(target, requireInitialised: requireInitialised, also: RPCClient.Batch()) { session, _ in
            try await body(session)
        }
    }

    /// As `with(_:requireInitialised:_:)`, sending the reads of `batch` in the same round trip as
    /// the status and entry 1; `body` gets their answers, read only once the daemon is trusted.
    package static func with<R>(
        _ target: SessionTarget, requireInitialised: Bool = true, also batch: RPCClient.Batch,
        _ body: (Session, RPCClient.Answers) async throws -> R
    ) async throws -> R {
        try await RPCClient.withConnection(to: target.endpoint) { client in
            let key = try target.keyPath.map { try loadPrivateKey($0) }
            // With a pinned ledger, the reads can be signed for it before the daemon says which
            // ledger it serves, and travel with the status and entry 1: one round trip. Their
            // answers are read only once the daemon is trusted.
            let early = key != nil && target.pinnedLedger != nil && !batch.isEmpty
            var first = early ? batch : RPCClient.Batch()
            if early, let key, let pinned = target.pinnedLedger {
                client.readSigner = ReadSigner(key: key, ledgerID: pinned)
            }
            let statusAnswer = first.add(.status, NoParams(), as: StatusResult.self)
            // Entry 1 is asked for before the status says the ledger has one: an uninitialised
            // daemon's answer is simply not read, and an initialised one costs no second trip.
            let firstEntry = first.add(.firstEntry, NoParams(), as: EntriesResult.self)
            let answers = try await client.send(first)
            let status = try answers.result(statusAnswer)
            if requireInitialised && !status.initialised {
                throw ClientFailure("the ledger is not initialised yet; run `noaber init` first")
            }
            var ledger: LedgerState.Ledger?
            if status.initialised {
                let signed = try signedSettings(try answers.result(firstEntry), daemon: target.endpoint)
                try requireAgreement(status, signed, daemon: target.endpoint)
                ledger = signed
            }
            try target.checkPin(ledger?.id)
            if let key, let ledger { client.readSigner = ReadSigner(key: key, ledgerID: ledger.id) }
            let reads = early ? answers : try await client.send(batch)
            return try await body(Session(client: client, status: status, ledger: ledger, target: target), reads)
        }
    }

    /// A connection whose reads go under a session of the target's key, for commands that check the
    /// ledger themselves rather than trust entry 1 first (`verify`). The status names the ledger
    /// the reads are bound to, after the pin is checked against it (a daemon that names another
    /// only makes its own answers fail).
    package static func withReadingClient<R>(
        _ target: SessionTarget, _ body: (RPCClient) async throws -> R
    ) async throws -> R {
        try await RPCClient.withConnection(to: target.endpoint) { client in
            if let keyPath = target.keyPath {
                let key = try loadPrivateKey(keyPath)
                let ledgerID = try await client.call(.status, NoParams(), as: StatusResult.self).ledgerId
                try target.checkPin(ledgerID)
                if let ledgerID {
                    let signer = ReadSigner(key: key, ledgerID: ledgerID)
                    client.readSigner = signer
                    // Verification reads page after page: one signature for the connection, none each.
                    try await client.openSession(signer)
                }
            }
            return try await body(client)
        }
    }

    /// The settings entry 1 signs, after checking that it is a `ledger.init` signed by the admin
    /// key it registers.
    static func signedSettings(_ page: EntriesResult, daemon: Endpoint) throws -> LedgerState.Ledger {
        func refuse(_ why: String) -> ClientFailure {
            ClientFailure("entry 1 from the daemon at \(daemon) \(why); refusing to sign")
        }
        guard let info = page.entries.first, info.seq == 1 else { throw refuse("is missing") }
        let entry: CommittedEntry
        do { entry = try info.storedEntry().entry } catch { throw refuse("is malformed: \(error.reason)") }
        let payload: Payload
        do { payload = try Payload.decode(entry.signed.payload) } catch {
            throw refuse("is malformed: \(error.message)")
        }
        guard case .ledgerInit(let settings) = payload.body else { throw refuse("is not a ledger.init entry") }
        let adminKey: Ed25519PublicKey
        do { adminKey = try settings.adminKey.parsedKey() } catch {
            throw refuse("names an unusable admin key: \(error.message)")
        }
        guard entry.signed.keyID == adminKey.keyID, entry.signed.isValid(for: payload, with: adminKey) else {
            throw refuse("is not validly signed by the admin key it registers")
        }
        // With the id derived from the signed admin key, a pinned id pins these settings too.
        do { try LedgerIdentity.check(payload.ledger, for: settings, adminKey: adminKey) } catch {
            throw refuse("does not derive its ledger id from its admin key: \(error.message)")
        }
        return LedgerState.Ledger(
            id: payload.ledger, name: settings.name, currency: settings.currency, hourRate: settings.hourRate,
            adminKey: adminKey.keyID, version: payload.v)
    }

    /// The daemon's `ledger.status` must report exactly what entry 1 signs.
    static func requireAgreement(_ status: StatusResult, _ signed: LedgerState.Ledger, daemon: Endpoint) throws {
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
            throw ClientFailure(
                "the daemon at \(daemon) reports settings that entry 1 does not sign (\(differences.joined(separator: "; "))); refusing to sign"
            )
        }
    }

    /// Authenticates the connection once with the session's key (`RPCClient.openSession`), for a
    /// command that reads many pages: its reads then carry no signature each. Without a key, the
    /// reads go as before and are refused by the daemon as before.
    package func openReadSession() async throws {
        guard let signer = client.readSigner else { return }
        try await client.openSession(signer)
    }

    package var ledgerID: String { ledger?.id ?? "" }
    /// The entry format version every entry of this ledger has (entry 1's, docs/FORMAT.md §16).
    package var entryVersion: Int { ledger?.version ?? 1 }
    package var currency: Currency { ledger?.currency ?? Currency(code: "", name: "", scale: 0) }
    /// Minor units per hour of care, as entry 1 signs it.
    package var hourRate: Int64 { ledger?.hourRate ?? 0 }

    package func format(_ minor: Int64) -> String { currency.format(minor) }
}
