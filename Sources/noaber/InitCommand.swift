import ArgumentParser
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import NoaberTransport

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the ledger: its name, currency and hour rate, and its first admin key.",
        discussion: "Signed by the admin key, which this first entry registers.")

    @Option(name: .customLong("admin-key"), help: "The admin's private key file.")
    var adminKey: String

    @Option(help: "The ledger's name, e.g. \"Zorgkring Noord\".")
    var name: String

    @Option(help: "Currency code: 2 to 12 uppercase letters or digits, e.g. ZMT.")
    var currency: String

    @Option(name: .customLong("currency-name"), help: "Currency name, e.g. zorgmunt.")
    var currencyName: String

    @Option(help: "Decimals of the currency (0 to 8).")
    var scale: Int = 2

    @Option(name: .customLong("hour-rate"), help: "Coins credited per hour of care, e.g. 10.00.")
    var hourRate: String

    @Option(help: "Label of the admin key.")
    var label = "admin"

    @Option(help: "Entry id (default: random).")
    var id: String?

    @Option(
        name: .customLong("entry-version"),
        help: ArgumentHelp(
            "Entry format: 2 keeps names, labels, memos and reasons beside the chain, erasable; 1 signs them into it (for compatibility only).",
            valueName: "1|2"))
    var entryVersion = 2

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...Money.maxScale).contains(scale) else {
            throw ValidationError("--scale must be 0 to \(Money.maxScale)")
        }
        guard Payload.supportedVersions.contains(entryVersion) else {
            throw ValidationError("--entry-version must be 1 or 2")
        }
    }

    func run() async throws {
        if let pinned = connection.pinnedLedger {
            let source = connection.ledger != nil ? "--ledger" : "NOABER_LEDGER"
            throw ClientFailure(
                "\(source) pins ledger \(pinned), but init creates a new ledger with a new id; run it without \(source)"
            )
        }
        let key = try loadPrivateKey(adminKey, option: "--admin-key")
        let rate: Int64
        do { rate = try Money.parse(hourRate, scale: scale) } catch {
            throw ClientFailure("--hour-rate: \(error.message)")
        }
        let nonce = try SecureRandom.bytes(LedgerIdentity.nonceByteCount)
        let ledgerID = LedgerIdentity.derive(adminKey: key.publicKey, nonce: nonce)
        let entryID = try id ?? newEntryID()
        let (result, logKey) = try await RPCClient.withConnection(to: try connection.endpoint) { client in
            // Entry 1 announces the daemon's log key, so checkpoints are signed from the first entry on.
            let status = try await client.call(.status, NoParams(), as: StatusResult.self)
            let logKey = try status.logPublicKey.map { hex in
                guard let raw = Hex.decodeLowercase(hex), let key = try? Ed25519PublicKey(rawRepresentation: raw) else {
                    throw ClientFailure("the daemon reports a malformed log key")
                }
                return key
            }
            let body = LedgerInit(
                name: name, currency: Currency(code: currency, name: currencyName, scale: scale), hourRate: rate,
                adminKey: KeySpec(publicKey: key.publicKey, label: label, role: .admin), nonce: Hex.encode(nonce),
                logKey: logKey.map { KeySpec(publicKey: $0, label: "noaberd log key", role: .log) })
            let payload = Payload(v: entryVersion, ledger: ledgerID, id: entryID, body: .ledgerInit(body))
            return (try await Session.submit(payload, key: key, client: client), logKey)
        }
        let verifierKey = try logKey.map {
            try NoteVerifierKey(name: LogOrigin.origin(ledgerID: ledgerID), publicKey: $0).text
        }
        var extra = ["ledger_id": ledgerID]
        extra["log_key"] = verifierKey
        try printReceipt(result, "ledger \(ledgerID) created", output: output, extra: extra)
        if !output.json, let verifierKey { print("  log key \(verifierKey)") }
    }
}
