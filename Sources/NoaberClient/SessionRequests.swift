import Foundation
package import NoaberCore
package import NoaberCrypto
package import NoaberProtocol
package import NoaberTransport

/// Why a decimal amount is refused; the caller names the option or line it came from.
package enum AmountProblem: Error {
    case malformed(LedgerError)
    case zero

    package var message: String {
        switch self {
        case .malformed(let error): error.message
        case .zero: "the amount must be more than zero"
        }
    }
}

extension Session {
    /// Parses a decimal amount at the ledger's scale; more decimals than the scale is an error.
    package func minorUnits(
        _ text: String, allowNegative: Bool = false, allowZero: Bool = false
    ) throws(AmountProblem) -> Int64 {
        try Self.minorUnits(text, scale: currency.scale, allowNegative: allowNegative, allowZero: allowZero)
    }

    /// As `minorUnits`, at `scale`: for work that runs apart from the session.
    package static func minorUnits(
        _ text: String, scale: Int, allowNegative: Bool = false, allowZero: Bool = false
    ) throws(AmountProblem) -> Int64 {
        let value: Int64
        do { value = try Money.parse(text, scale: scale, allowNegative: allowNegative) } catch {
            throw .malformed(error)
        }
        guard allowZero || value != 0 else { throw .zero }
        return value
    }

    /// As `minorUnits`, for an option: its failure names the option.
    package func amount(
        _ text: String, option: String, allowNegative: Bool = false, allowZero: Bool = false
    ) throws -> Int64 {
        do { return try minorUnits(text, allowNegative: allowNegative, allowZero: allowZero) } catch {
            throw ClientFailure("\(option): \(error.message)")
        }
    }

    /// Every care category's hour rate in force, by id, as the daemon reports them; the rules
    /// check the rate each credit records against the chain's.
    package static func categoryRates(_ list: CategoryList) -> [String: Int64] {
        Dictionary(list.categories.map { ($0.category, $0.hourRate) }, uniquingKeysWith: { first, _ in first })
    }

    /// The payload of an `entry.get` answer, parsed; nil if it does not parse or carries another id.
    package static func payload(_ info: EntryInfo, id: String) -> Payload? {
        guard let bytes = Data(base64Encoded: info.payload), let payload = try? Payload.decode(Array(bytes)),
            payload.id == id
        else { return nil }
        return payload
    }

    /// The payload of entry `id`, parsed; nil if it does not parse or carries another id.
    package func payload(ofEntry id: String) async throws -> Payload? {
        Self.payload(try await client.call(.entryGet, EntryGetParams(id: id), as: EntryInfo.self), id: id)
    }

    package func account(_ id: String) async throws -> AccountInfo {
        try await client.call(.accountGet, AccountParams(account: id), as: AccountInfo.self)
    }

    /// Signs `body` as a new entry, under `id` or a fresh one, with the session's key, and submits it.
    package func submit(_ body: Payload.Body, id: String?) async throws -> SubmitResult {
        let key = try loadPrivateKey(try target.requireKeyPath())
        let payload = Payload(v: entryVersion, ledger: ledgerID, id: try id ?? newEntryID(), body: body)
        return try await Self.submit(payload, key: key, client: client)
    }

    /// Signs and submits `payload`. A version 2 payload's personal texts (written in place, as in
    /// version 1) are first replaced by commitments with fresh salts, and sent beside it.
    package static func submit(
        _ payload: Payload, key: Ed25519PrivateKey, client: RPCClient
    ) async throws -> SubmitResult {
        let (signed, personal) = try sign(payload, with: key)
        return try await client.call(.submit, SubmitParams(signed, personal: personal), as: SubmitResult.self)
    }

    /// The signed entry and its personal texts (none in version 1). `deterministicSalts` derives
    /// each salt from the private key, entry id, path and text, so that signing the same entry again
    /// gives the same bytes (an import run twice replays, rather than conflicts); the salts stay
    /// secret to everyone without the key.
    package static func sign(
        _ payload: Payload, with key: Ed25519PrivateKey, deterministicSalts: Bool = false
    ) throws -> (SignedEntry, [PersonalText]) {
        // The daemon would refuse it too; here the signer hears which field before anything is sent.
        try payload.checkTextCharacters()
        guard payload.v >= 2 else { return (try SignedEntry.sign(payload, with: key), []) }
        let (committed, personal) =
            deterministicSalts
            ? payload.committingPersonalData { path, text in
                Self.deterministicSalt(key: key, ledger: payload.ledger, entryID: payload.id, path: path, text: text)
            }
            : try payload.committingPersonalData()
        return (try SignedEntry.sign(committed, with: key), personal)
    }

    /// SHA-256("noaber:salt:v1" 0 key 0 ledger 0 entry id 0 path 0 text), its first 16 bytes:
    /// appended into one array, as a batch signs a thousand memos. Its bytes may never change, or a
    /// rerun would sign other salts and conflict with the entries it should replay.
    static func deterministicSalt(
        key: Ed25519PrivateKey, ledger: String, entryID: String, path: String, text: String
    ) -> [UInt8] {
        let prefix = "noaber:salt:v1\u{0}".utf8
        var material: [UInt8] = []
        material.reserveCapacity(
            prefix.count + 32 + ledger.utf8.count + entryID.utf8.count + path.utf8.count + text.utf8.count + 4)
        material.append(contentsOf: prefix)
        material.append(contentsOf: key.rawRepresentation)
        for part in [ledger, entryID, path, text] {
            material.append(0)
            material.append(contentsOf: part.utf8)
        }
        return Array(SHA256.hash(material).bytes.prefix(PersonalData.saltBytes))
    }
}
