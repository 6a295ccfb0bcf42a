import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Testing

@Suite("RPC errors and ids")
struct RPCErrorTests {
    @Test(arguments: [
        (RPCError.parseError("x"), -32700, "parse_error", "parse error: x"),
        (.invalidRequest("x"), -32600, "invalid_request", "invalid request: x"),
        (.requestTooLarge(limit: 1024), -32600, "request_too_large", "request line is longer than 1024 bytes"),
        (.methodNotFound("ledger.nope"), -32601, "method_not_found", "unknown method \"ledger.nope\""),
        (.invalidParams("x"), -32602, "invalid_params", "invalid params: x"),
        (.internalError("x"), -32603, "internal_error", "internal error: x"),
        (.shuttingDown, -32000, "shutting_down", "noaberd is shutting down; retry when it is back"),
        (.storage("disk full"), -32001, "storage_error", "storage error, nothing was committed: disk full"),
        (
            .corruptRow("entry 3 has a malformed time"), -32001, "corrupt_row",
            "storage error, nothing was committed: corrupt row: entry 3 has a malformed time"
        ),
        (.tooManyConnections(limit: 256), -32002, "too_many_connections", "noaberd already serves 256 connections"),
    ])
    func staticConstructors(error: RPCError, code: Int, reason: String, message: String) throws {
        #expect(error.code == code)
        #expect(error.reason == reason)
        #expect(error.message == message)
        #expect(error.description == message)
        let json = try RPCCoding.encoder().encode(error)
        #expect(
            String(decoding: json, as: UTF8.self)
                == #"{"code":\#(code),"data":{"reason":"\#(reason)"},"message":"\#(message.replacingOccurrences(of: "\"", with: "\\\""))"}"#
        )
        #expect(try RPCCoding.decoder().decode(RPCError.self, from: json) == error)
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/rpc-lines): a client prints the message, so an
    /// escape sequence in an echoed method name is shown, not run.
    @Test func anEchoedNameShowsItsControlCharacters() {
        let error = RPCError.methodNotFound("a\u{1B}[31m\u{202E}\n")
        #expect(error.message == #"unknown method "a\u{1b}[31m\u{202e}\u{a}""#)
        #expect(RPCError.shown("vol:0042 é") == "vol:0042 é")
    }

    @Test func ledgerErrorsKeepTheirCodeReasonAndMessage() throws {
        let key = try #require(KeyID(hex: "00112233445566778899aabbccddeeff"))
        let cases: [(LedgerError, Int, String)] = [
            (.invalidPayload("x"), 1000, "invalid_payload"),
            (.badSignature(key), 1001, "bad_signature"),
            (.keyRevoked(key, seq: 4), 1003, "key_revoked"),
            (
                .limitExceeded(account: try AccountID("vol:jan"), wouldBe: "-0.01", minimum: "0.00"), 1011,
                "limit_exceeded"
            ),
            (.conflict(entryID: "e-1"), 1012, "conflict"),
            (.notInitialised, 1014, "not_initialised"),
            (.tooManyPostings(count: 101, limit: 100), 1017, "too_many_postings"),
            (.notFound("entry e-9"), 1018, "not_found"),
        ]
        for (ledgerError, code, reason) in cases {
            let error = RPCError(ledgerError)
            #expect(error.code == code && error.reason == reason && error.message == ledgerError.message)
        }
        #expect(
            RPCError(.limitExceeded(account: try AccountID("vol:jan"), wouldBe: "-0.01", minimum: "0.00")).message
                == "account vol:jan would go to -0.01, below its minimum balance 0.00")
        // A broken rule is said as the rule, with no "invalid payload:" before it; the code stays 1000.
        let rule = RPCError(.invalidPayload("entry e-1 was already reversed by entry 9"))
        #expect(rule.code == 1000 && rule.reason == "invalid_payload")
        #expect(rule.message == "entry e-1 was already reversed by entry 9")
    }

    @Test func ledgerErrorCodesAreDistinctAndInTheirRange() throws {
        let key = try #require(KeyID(hex: "00112233445566778899aabbccddeeff"))
        let account = try AccountID("vol:jan")
        let all: [LedgerError] = [
            .invalidPayload(""), .badSignature(key), .unknownKey(key), .keyRevoked(key, seq: 1), .unauthorized(""),
            .wrongLedger(expected: "", actual: ""), .unbalanced(""), .invalidAmount(""), .invalidHours(""),
            .unknownAccount(account), .accountNotOpen(account, status: "frozen"),
            .limitExceeded(account: account, wouldBe: "", minimum: ""), .conflict(entryID: ""), .alreadyInitialised,
            .notInitialised, .accountExists(account), .keyExists(key), .tooManyPostings(count: 0, limit: 0),
            .notFound(""),
        ]
        #expect(all.map(\.code) == Array(1000...1018))
        #expect(Set(all.map(\.reason)).count == all.count)
    }

    @Test func errorWithoutDataHasUnknownReason() throws {
        let error = try RPCCoding.decoder().decode(RPCError.self, from: Data(#"{"code":-1,"message":"m"}"#.utf8))
        #expect(error.reason == "unknown" && error.data == nil)
    }

    @Test(arguments: [
        ("1", RPCID.number(1)), ("-7", .number(-7)), ("9223372036854775807", .number(.max)),
        (#""abc""#, .string("abc")),
        (#""1""#, .string("1")), (#""""#, .string("")), ("null", .null),
    ])
    func idDecodesNumberStringAndNull(json: String, id: RPCID) throws {
        #expect(try JSONDecoder().decode(RPCID.self, from: Data(json.utf8)) == id)
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == json)
    }

    @Test(arguments: ["1.5", "true", "{}", "[]", "9223372036854775808"])
    func idRefusesOtherValues(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RPCID.self, from: Data(json.utf8)) }
    }

    @Test func requestAndResponseLines() throws {
        let line = try RPCCoding.line(
            RPCRequest(id: .number(3), method: Method.entries.rawValue, params: EntriesParams(fromSeq: 5, limit: 2)))
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"id":3,"jsonrpc":"2.0","method":"ledger.entries","params":{"from_seq":5,"limit":2}}"# + "\n")
        let envelope = try RPCCoding.decoder().decode(RPCEnvelope.self, from: line)
        #expect(envelope.id == .number(3) && envelope.jsonrpc == "2.0" && envelope.method == "ledger.entries")
        let params = try RPCCoding.decoder().decode(RPCParams<EntriesParams>.self, from: line).params
        #expect(params.fromSeq == 5 && params.limit == 2)

        let failure = try RPCCoding.line(RPCFailure(id: .string("a"), error: .methodNotFound("x")))
        let response = try RPCCoding.decoder().decode(RPCResponse<NoParams>.self, from: failure)
        #expect(response.id == .string("a") && response.error == .methodNotFound("x") && response.result == nil)
        let success = try RPCCoding.line(RPCSuccess(id: .null, result: AccountParams(account: "vol:jan")))
        #expect(
            try RPCCoding.decoder().decode(RPCResponse<AccountParams>.self, from: success).result?.account == "vol:jan")
    }
}
