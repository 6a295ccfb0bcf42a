import Foundation
import NoaberCore
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

    /// `ledger.status` with every optional member absent, and present with every text above.
    @Test func status() throws {
        let full = try RPCCoding.decoder().decode(
            StatusResult.self,
            from: Data(
                #"{"initialised":true,"ledger_id":"l","name":"n","currency":{"code":"ZMT","name":"z","scale":2},"hour_rate":100,"entries":5,"head_hash":"h","head_time":"t","database_bytes":4096,"uptime_seconds":3,"version":"0.1.0","schema_version":9,"group_commits":2,"entries_committed":5,"log_public_key":"p","log_key":"k","checkpoint_size":5,"log_key_revoked":true,"settings":{"claim_expiry_days":30,"demurrage":{"rate_ppm":1000,"period":"month","account":"org:o","next":"x","cursor":"vol:a"},"language":"nl","contact":"c"},"checkpoint_hold":{"reason":"r","message":"m","backup_taken_at":"b","backup_entries":4,"log_key_id":"i","published_size":3}}"#
                    .utf8))
        var bare = full
        (bare.ledgerId, bare.name, bare.currency, bare.hourRate, bare.headTime) = (nil, nil, nil, nil, nil)
        (bare.logPublicKey, bare.logKey, bare.checkpointSize, bare.logKeyRevoked) = (nil, nil, nil, nil)
        (bare.settings, bare.checkpointHold, bare.initialised) = (nil, nil, false)
        var answers = [full, bare]
        for (i, text) in Self.texts.enumerated() {
            let number = Self.numbers[i % Self.numbers.count]
            var status = i % 2 == 0 ? full : bare
            status.name = text
            status.headHash = text
            status.version = text + "v"
            status.entries = number
            status.databaseBytes = number / 7
            status.logKeyRevoked = i % 3 == 0 ? false : status.logKeyRevoked
            status.currency?.name = text
            status.currency?.scale = i
            status.settings?.contact = i % 4 == 0 ? nil : text
            status.settings?.language = i % 5 == 0 ? nil : text
            status.settings?.demurrage?.cursor = i % 6 == 0 ? nil : text
            status.settings?.demurrage?.ratePpm = number
            if i % 7 == 0 { status.settings?.demurrage = nil }
            status.checkpointHold?.message = text
            status.checkpointHold?.publishedSize = i % 8 == 0 ? nil : UInt64(i)
            answers.append(status)
        }
        for (i, status) in answers.enumerated() {
            let id = Self.ids[i % Self.ids.count]
            #expect(
                RPCCoding.successLine(id: id, status) == (try RPCCoding.line(RPCSuccess(id: id, result: status))),
                "\(i)")
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

    /// `ledger.used_ids`'s params: an import asks about each of its lines' ids, a thousand a request.
    @Test func usedIDsParams() throws {
        for count in [0, 1, 2, Self.texts.count] {
            let params = UsedIDsParams(ids: Array(Self.texts.prefix(count)))
            var writer = JSONWriter()
            params.write(to: &writer)
            #expect(writer.bytes == Array(try RPCCoding.encoder().encode(params)), "\(count) ids")
        }
    }
}
