import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport

/// One hostile request line (its bytes, sent with a final newline) and the typed error it must get.
struct HostileCase: Sendable {
    var name: String
    var bytes: [UInt8]
    var code: Int
    var reason: String
    /// The daemon closes the connection after answering (an oversized line).
    var closes = false
}

/// What the hostile requests are made from: the walkthrough ledger's id, keys and entries.
struct HostileContext {
    let ledgerID: String
    let admin: Ed25519PrivateKey
    let jan: Ed25519PrivateKey
    let piet: Ed25519PrivateKey
    /// An entry the ledger holds (entry 10, the credit), for conflicts and replays.
    let existingID: String
    var rng = SplitMix64(seed: 11)

    static func line(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// `{"jsonrpc":"2.0","id":1,"method":M,"params":P}`, with `params` written as given.
    static func request(_ method: String, params: String? = nil, id: String = "1") -> [UInt8] {
        line(
            "{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\"" + (params.map { ",\"params\":\($0)" } ?? "")
                + "}")
    }

    /// A read of `method` signed by `key`, its authorisation then changed by `tamper`.
    func signedRead(
        _ method: String, params: String, key: Ed25519PrivateKey? = nil, ledger: String? = nil,
        at time: Timestamp = .now(), tamper: (inout ReadAuthorization) -> Void = { _ in }
    ) throws -> [UInt8] {
        var auth = try ReadAuthorization.sign(
            method: method, params: Array(params.utf8), ledgerID: ledger ?? ledgerID, timestamp: time.rfc3339,
            with: key ?? admin)
        tamper(&auth)
        let head = String(decoding: try RPCCoding.encoder().encode(auth), as: UTF8.self)
        return Self.line(
            "{\"auth\":\(head),\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"params\":\(params)}")
    }

    /// A `ledger.submit` of `payload` (bytes as written), signed by `key` for `ledger`.
    /// With `signing`, the signature is over those bytes instead: a signature over other bytes.
    func submit(
        _ payload: String, key: Ed25519PrivateKey? = nil, ledger: String? = nil, personal: [PersonalText]? = nil,
        signing: String? = nil
    ) throws -> [UInt8] {
        let bytes = Array(payload.utf8)
        let signer = key ?? jan
        let message = SignedEntry.signingMessage(
            ledgerID: ledger ?? ledgerID, payload: Array((signing ?? payload).utf8))
        let signed = SignedEntry(
            payload: bytes, signature: try signer.signature(for: message), keyID: signer.publicKey.keyID)
        let params = personal.map { SubmitParams(signed, personal: $0) } ?? SubmitParams(signed)
        return Array(try RPCCoding.requestLine(id: .number(3), method: Method.submit.rawValue, params: params))
    }

    /// A version 2 transfer's payload text, `extra` spliced in before `"v":2`.
    func transfer(
        id: String, from: String = "vol:jan-peeters", to: String = "vol:piet", amount: String = "1",
        extra: String = "", v: Int = 2
    ) -> String {
        "{\"id\":\"\(id)\",\"kind\":\"tx\",\"ledger\":\"\(ledgerID)\",\"postings\":[{\"account\":\"\(from)\",\"amount\":-\(amount)},{\"account\":\"\(to)\",\"amount\":\(amount)}],\"purpose\":\"transfer\",\(extra)\"v\":\(v)}"
    }

    /// A version 2 entry of `body` with its personal texts, as the daemon wants it, before tampering.
    func v2(_ body: Payload.Body, id: String) throws -> (payload: String, texts: [PersonalText]) {
        let (payload, texts) = try Payload(v: 2, ledger: ledgerID, id: id, body: body).committingPersonalData()
        return (String(decoding: payload.encoded(), as: UTF8.self), texts)
    }
}
