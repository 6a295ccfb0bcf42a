import Foundation
import NoaberProtocol
import Testing

/// The hand-written answers must be the very bytes `JSONEncoder` wrote before them: a client, a
/// test or an auditor's script comparing lines sees no change.
@Suite("Hand-written answers equal JSONEncoder's bytes")
struct JSONWriterTests {
    /// Every ASCII character alone, the escapes JSON names, and text beyond ASCII.
    static let texts: [String] =
        (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + [
            "", "a\"b\\c/d", "ledger.submit", "é", "e\u{301}", "😀", "\u{2028}\u{2029}", "\u{FEFF}",
            "\u{7F}\u{80}\u{9F}",
            "Jan de Vries — 🧓 zorg", String(repeating: "x\n", count: 300), "\u{10FFFF}", "\\u0000",
        ]
    static let numbers: [Int64] = [0, 1, -1, 42, -500, 1_000_000_007, Int64.max, Int64.min]
    static let ids: [RPCID] = [.number(0), .number(-7), .number(Int64.max), .string("r-1"), .string("é\"\n"), .null]

    func submitResult(_ text: String, _ number: Int64, replayed: Bool) throws -> SubmitResult {
        var result = try RPCCoding.decoder().decode(
            SubmitResult.self,
            from: Data(#"{"seq":1,"id":"e","kind":"tx","hash":"h","committed_at":"t","replayed":false}"#.utf8))
        result.seq = number
        result.id = text
        result.kind = text + "k"
        result.hash = "h" + text
        result.committedAt = text
        result.replayed = replayed
        return result
    }

    func accountInfo(_ text: String, _ number: Int64, controllers: [String]) throws -> AccountInfo {
        var info = try RPCCoding.decoder().decode(
            AccountInfo.self,
            from: Data(
                #"{"account":"a","kind":"member","name":"n","status":"open","min_balance":0,"balance":0,"controllers":[],"opened_seq":1}"#
                    .utf8))
        info.account = "vol:" + text
        info.name = text
        info.kind = text
        info.status = text + "s"
        info.minBalance = number
        info.balance = number / 3
        info.openedSeq = number
        info.controllers = controllers
        return info
    }

    @Test func submitResultsAndBatches() throws {
        var batch: [SubmitResult] = []
        for (i, text) in Self.texts.enumerated() {
            let result = try submitResult(text, Self.numbers[i % Self.numbers.count], replayed: i % 2 == 0)
            batch.append(result)
            let id = Self.ids[i % Self.ids.count]
            #expect(
                RPCCoding.successLine(id: id, result) == (try RPCCoding.line(RPCSuccess(id: id, result: result))),
                "\(text.debugDescription)")
        }
        for results in [[], Array(batch.prefix(1)), batch] {
            let answer = SubmitBatchResult(results: results)
            #expect(
                RPCCoding.successLine(id: .number(1), answer)
                    == (try RPCCoding.line(RPCSuccess(id: .number(1), result: answer))))
        }
    }

    @Test func accounts() throws {
        for (i, text) in Self.texts.enumerated() {
            let controllers = [[], [text], [text, "ab" + text, ""]][i % 3]
            let info = try accountInfo(text, Self.numbers[i % Self.numbers.count], controllers: controllers)
            let id = Self.ids[i % Self.ids.count]
            #expect(
                RPCCoding.successLine(id: id, info) == (try RPCCoding.line(RPCSuccess(id: id, result: info))),
                "\(text.debugDescription)")
        }
    }

    @Test func errors() throws {
        let bare = try JSONDecoder().decode(RPCError.self, from: Data(#"{"code":-32603,"message":"no data"}"#.utf8))
        var errors: [RPCError] = [bare, .shuttingDown, .requestTooLarge(limit: 1 << 20)]
        for (i, text) in Self.texts.enumerated() {
            errors.append(
                RPCError(code: Int(Self.numbers[i % Self.numbers.count] % 100_000), reason: text, message: text))
            errors.append(.invalidParams(text))
        }
        for (i, error) in errors.enumerated() {
            let id = Self.ids[i % Self.ids.count]
            #expect(
                RPCCoding.failureLine(id: id, error) == (try RPCCoding.line(RPCFailure(id: id, error: error))),
                "\(error.message.debugDescription)")
        }
    }

    /// A submission's params (an import sends a thousand personal texts with each batch), with and
    /// without texts, as the request line carries them.
    @Test func submissionParams() throws {
        for (i, text) in Self.texts.enumerated() {
            var params = try RPCCoding.decoder().decode(
                SubmitParams.self, from: Data(#"{"payload":"","signature":"","key_id":""}"#.utf8))
            params.payload = "eyJ" + text
            params.signature = text + "ab"
            params.keyId = "k" + text
            params.personal =
                i % 3 == 0
                ? nil : Self.texts.prefix(i % 7).map { PersonalTextInfo(path: $0 + "p", salt: text, text: $0) }
            if i % 5 == 0 { params.personal = [] }
            var writer = JSONWriter()
            params.write(to: &writer)
            #expect(writer.bytes == Array(try RPCCoding.encoder().encode(params)), "\(text.debugDescription)")
        }
    }
}
