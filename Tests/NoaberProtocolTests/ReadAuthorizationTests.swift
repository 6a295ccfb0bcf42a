import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Testing

/// A signed read is signed over the bytes it sends: the request line splices the params' own
/// encoding in unchanged, and the message binds context, ledger, method, time and nonce.
@Suite("Read authorisation messages and lines")
struct ReadAuthorizationTests {
    @Test func theLineCarriesExactlyTheBytesThatWereSigned() throws {
        let key = try Ed25519PrivateKey.generate()
        var signed: [UInt8] = []
        let line = try RPCCoding.requestLine(
            id: .number(7), method: Method.accountGet.rawValue, params: AccountParams(account: "vol:0042")
        ) { method, params in
            signed = params
            return try ReadAuthorization.sign(
                method: method, params: params, ledgerID: "ab", timestamp: "2026-12-06T10:00:00.000Z", with: key)
        }
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasSuffix(",\"params\":\(String(decoding: signed, as: UTF8.self))}\n"))
        #expect(String(decoding: signed, as: UTF8.self) == #"{"account":"vol:0042"}"#)
        // Still one JSON-RPC request, with its auth beside the params.
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["method"] as? String == "account.get" && object["id"] as? Int == 7)
        let auth = try #require(object["auth"] as? [String: String])
        #expect(auth["key_id"] == key.publicKey.keyID.hex && auth["nonce"]?.count == 32)
        let message = ReadAuthorization.message(
            ledgerID: "ab", method: "account.get", timestamp: "2026-12-06T10:00:00.000Z", nonce: auth["nonce"]!,
            params: signed)
        #expect(key.publicKey.isValidSignature(Hex.decodeLowercase(auth["signature"]!)!, for: message))
    }

    @Test func theMessageSeparatesEveryFieldAndEndsWithTheParams() {
        let message = ReadAuthorization.message(
            ledgerID: "L", method: "m", timestamp: "T", nonce: "N", params: Array("{}".utf8))
        #expect(message == Array("noaber:read:v1\0L\0m\0T\0N\0{}".utf8))
    }

    @Test func withoutAnAuthoriserTheLineHasNoAuth() throws {
        let line = try RPCCoding.requestLine(id: .string("x"), method: "ledger.status", params: NoParams())
        #expect(
            String(decoding: line, as: UTF8.self) == #"{"id":"x","jsonrpc":"2.0","method":"ledger.status","params":{}}"#
                + "\n")
    }

    @Test func everyMethodSaysWhatItMustCarry() {
        let open = Method.allCases.filter { $0.access == .open }.map(\.rawValue).sorted()
        #expect(
            open == [
                "category.list", "ledger.checkpoint", "ledger.consistency_proof", "ledger.first_entry", "ledger.status",
                "session.challenge",
            ])
        #expect(Method.allCases.filter { $0.access == .write } == [.submit, .submitBatch])
        #expect(Method.allCases.filter { $0.access == .session } == [.sessionOpen])
    }

    @Test func aSessionOpeningIsSignedUnderItsOwnContext() {
        let message = ReadAuthorization.message(
            context: ReadAuthorization.sessionContext, ledgerID: "L", method: "session.open", timestamp: "T",
            nonce: "N", params: Array("{}".utf8))
        #expect(message == Array("noaber:session:v1\0L\0session.open\0T\0N\0{}".utf8))
    }
}
