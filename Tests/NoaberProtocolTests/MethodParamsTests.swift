import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Testing

@Suite("Method params and results")
struct MethodParamsTests {
    static let ledger = "0123456789abcdef0123456789abcdef"

    static func signedEntry() throws -> SignedEntry {
        let key = try Ed25519PrivateKey.generate()
        let body = Payload.Body.transaction(
            Transaction(
                purpose: .credit,
                postings: [
                    Posting(account: try AccountID("org:z"), amount: -1500),
                    Posting(account: try AccountID("vol:jan"), amount: 1500),
                ],
                memo: "zorg/hulp \"thuis\"", hours: "1.5", hourRate: 1000))
        return try SignedEntry.sign(Payload(ledger: ledger, id: "e-1", body: body), with: key)
    }

    static func storedEntry() throws -> StoredEntry {
        let signed = try signedEntry()
        let time = Timestamp(millisecondsSinceEpoch: 1_795_430_360_123)
        let prev = SHA256.hash("prev")
        let entry = CommittedEntry(
            seq: 42, entryID: "e-1", kind: .transaction, signed: signed, committedAt: time, prevHash: prev,
            hash: EntryHash.compute(seq: 42, prevHash: prev, committedAt: time, signed: signed))
        let postings = try Payload.decode(signed.payload).transactionPostings
        return StoredEntry(entry: entry, postings: postings, postingIndexes: postings.indices.map(Int64.init))
    }

    @Test func submitParamsRoundTrip() throws {
        let signed = try Self.signedEntry()
        let params = SubmitParams(signed)
        #expect(params.keyId == signed.keyID.hex)
        #expect(params.signature.count == 128)
        #expect(try params.signedEntry() == signed)
        let json = try RPCCoding.encoder().encode(params)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: String])
        #expect(Set(object.keys) == ["payload", "signature", "key_id"])
        #expect(try RPCCoding.decoder().decode(SubmitParams.self, from: json).signedEntry() == signed)
        // Upper-case hex is accepted and normalised.
        var upper = params
        upper.signature = upper.signature.uppercased()
        upper.keyId = upper.keyId.uppercased()
        #expect(try upper.signedEntry() == signed)
    }

    @Test func submitParamsInvalidCases() throws {
        let good = SubmitParams(try Self.signedEntry())
        let mutations: [(String, (inout SubmitParams) -> Void, String)] = [
            ("payload not base64", { $0.payload = "not base64!" }, SubmitParams.notBase64),
            ("payload truncated base64", { $0.payload.removeLast() }, SubmitParams.notBase64),
            // Found by the fuzzer (Tests/Fixtures/fuzz/encodings): Foundation's decoder reads these.
            ("payload with padding inside", { $0.payload = "EE=2" }, SubmitParams.notBase64),
            ("payload with leftover bits", { $0.payload = "YR==" }, SubmitParams.notBase64),
            ("signature short", { $0.signature.removeLast(2) }, "signature must be 128 hex characters"),
            ("signature long", { $0.signature += "00" }, "signature must be 128 hex characters"),
            ("signature odd", { $0.signature.removeLast() }, "signature must be 128 hex characters"),
            (
                "signature not hex", { $0.signature = String(repeating: "zz", count: 64) },
                "signature must be 128 hex characters"
            ),
            ("key id short", { $0.keyId.removeLast(2) }, "key_id must be 32 hex characters"),
            ("key id not hex", { $0.keyId = String(repeating: "g", count: 32) }, "key_id must be 32 hex characters"),
            ("key id empty", { $0.keyId = "" }, "key_id must be 32 hex characters"),
        ]
        for (name, mutate, why) in mutations {
            var params = good
            mutate(&params)
            #expect(throws: RPCError.invalidParams(why), "\(name)") { try params.signedEntry() }
            #expect(RPCError.invalidParams(why).code == -32602)
        }
    }

    @Test func entryInfoRoundTrip() throws {
        let stored = try Self.storedEntry()
        let info = EntryInfo(stored)
        #expect(info.seq == 42 && info.id == "e-1" && info.kind == "tx")
        #expect(info.committedAt == "2026-11-23T10:39:20.123Z")
        #expect(info.postings.map(\.account) == ["org:z", "vol:jan"])
        #expect(info.postings.map(\.amount) == [-1500, 1500])
        #expect(try info.storedEntry() == stored)
        let json = try RPCCoding.encoder().encode(info)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "seq", "id", "kind", "key_id", "payload", "signature", "committed_at", "prev_hash", "hash", "postings",
            ])
        #expect(try RPCCoding.decoder().decode(EntryInfo.self, from: json).storedEntry() == stored)
        // The round-tripped entry still verifies its own hash.
        let back = try info.storedEntry().entry
        #expect(
            EntryHash.compute(
                seq: back.seq, prevHash: back.prevHash, committedAt: back.committedAt, signed: back.signed) == back.hash
        )
    }

    @Test func entryInfoMalformedFieldsNameTheEntry() throws {
        let good = EntryInfo(try Self.storedEntry())
        let hex = "it must be 32 lowercase hex characters"
        let base64 = "it must be standard base64 with padding, written the one canonical way"
        let time = "it must be written YYYY-MM-DDTHH:MM:SS.mmmZ"
        let hash = "prev_hash and hash must be 64 lowercase hex characters"
        let mutations: [((inout EntryInfo) -> Void, String)] = [
            ({ $0.kind = "account.close" }, "malformed kind"),
            ({ $0.keyId = "xyz" }, "malformed key id: \(hex)"),
            ({ $0.keyId = $0.keyId.uppercased() }, "malformed key id: \(hex)"),
            ({ $0.payload = "%%%" }, "malformed payload: \(base64)"),
            ({ $0.payload = Self.nonCanonical(Self.padded($0.payload)) }, "malformed payload: \(base64)"),
            ({ $0.payload = String($0.payload.dropLast()) }, "malformed payload: \(base64)"),
            ({ $0.signature = "0g" }, "malformed signature: it must be lowercase hex"),
            ({ $0.signature = $0.signature.uppercased() }, "malformed signature: it must be lowercase hex"),
            ({ $0.committedAt = "2023-02-29T00:00:00.000Z" }, "malformed commit time: \(time)"),
            ({ $0.committedAt = "2026-01-01T00:00:00Z" }, "malformed commit time: \(time)"),
            ({ $0.prevHash = "00" }, "malformed hash: \(hash)"),
            ({ $0.hash = String(repeating: "x", count: 64) }, "malformed hash: \(hash)"),
            ({ $0.hash = $0.hash.uppercased() }, "malformed hash: \(hash)"),
            ({ $0.postings[1].account = "Vol:Jan" }, "malformed posting account"),
            ({ $0.postings[1].idx = nil }, "malformed posting idx"),
        ]
        // Foundation decodes the other spelling to the same bytes: only the canonical check refuses it.
        let padded = Self.padded(good.payload)
        #expect(Self.nonCanonical(padded) != padded)
        #expect(Data(base64Encoded: Self.nonCanonical(padded)) == Data(base64Encoded: padded))
        for (mutate, reason) in mutations {
            var info = good
            mutate(&info)
            #expect(throws: VerificationFailure(seq: 42, reason: reason)) { try info.storedEntry() }
        }
    }

    /// A payload one byte longer, so that its base64 ends in padding.
    static func padded(_ base64: String) -> String {
        var bytes = Data(base64Encoded: base64) ?? Data()
        while bytes.count % 3 == 0 { bytes.append(0x20) }
        return bytes.base64EncodedString()
    }

    /// The same bytes in base64 with the padding bits set: readers that ignore them decode it to
    /// the same payload, so a strict reader must refuse it (docs/FORMAT.md §13).
    static func nonCanonical(_ base64: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(base64)
        let padding = characters.reversed().prefix { $0 == "=" }.count
        guard padding > 0, let last = alphabet.firstIndex(of: characters[characters.count - padding - 1]) else {
            return base64
        }
        characters[characters.count - padding - 1] = alphabet[last | (padding == 1 ? 0b11 : 0b1111)]
        return String(characters)
    }

    @Test func submitResultAndInfos() throws {
        let stored = try Self.storedEntry()
        let result = SubmitResult(stored.entry, replayed: true)
        #expect(result.seq == 42 && result.id == "e-1" && result.kind == "tx" && result.replayed)
        #expect(result.hash == stored.entry.hash.hex && result.committedAt == "2026-11-23T10:39:20.123Z")
        let json = String(decoding: try RPCCoding.encoder().encode(result), as: UTF8.self)
        #expect(json.contains(#""committed_at":"2026-11-23T10:39:20.123Z""#))
        #expect(try RPCCoding.decoder().decode(SubmitResult.self, from: Data(json.utf8)) == result)

        let line = HistoryLine(
            seq: 3, entryID: "e-3", committedAt: stored.entry.committedAt, amount: -5, balanceAfter: 10,
            purpose: .redeem,
            memo: nil, hours: nil, counterparties: [try AccountID("shop:bakker")])
        let info = HistoryLineInfo(line)
        #expect(info.purpose == "redeem" && info.counterparties == ["shop:bakker"] && info.balanceAfter == 10)
        #expect(Method(rawValue: "ledger.submit") == .submit)
        #expect(Set(Method.allCases.map(\.rawValue)).count == Method.allCases.count)
    }
}

@Suite("Base64 read in one pass")
struct CanonicalBase64Tests {
    /// What was accepted before: Foundation's decoder, then the canonical spelling checked apart.
    static func reference(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        let utf8 = Array(text.utf8)
        guard utf8.count == (data.count + 2) / 3 * 4 else { return nil }
        let padding = data.count % 3 == 0 ? 0 : 3 - data.count % 3
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        guard utf8.suffix(padding).allSatisfy({ $0 == UInt8(ascii: "=") }),
            utf8.dropLast(padding).allSatisfy({ alphabet.contains($0) })
        else { return nil }
        if padding > 0,
            UInt8(alphabet.firstIndex(of: utf8[utf8.count - padding - 1])!) & (padding == 1 ? 0b11 : 0b1111) != 0
        {
            return nil
        }
        return Array(data)
    }

    /// Every length from 0 to 40 bytes, and each spelling changed at its end, its padding, or by a
    /// byte no base64 holds: read as before, to the same bytes, or refused as before.
    @Test func decidesAsFoundationAndTheCanonicalCheck() {
        var texts = [
            "", "=", "==", "===", "====", "A===", "AA==", "AB==", "AAA=", "AAB=", "EE=2", "QQ==\n", " QQ==",
            "QQ", "QQ=", "QUI", "Q===", "QUJD", "QU=D", "-_-_", "QQ==QQ==",
        ]
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + length) }
            let text = Data(bytes).base64EncodedString()
            texts += [
                text, text + "=", text + "A", String(text.dropLast()), "A" + text,
                text.replacingOccurrences(of: "=", with: ""),
            ]
            for last in ["A", "B", "C", "D", "Q", "g", "/", "+", "=", "*"] where !text.isEmpty {
                let trimmed =
                    text.hasSuffix("==")
                    ? String(text.dropLast(3))
                    : text.hasSuffix("=") ? String(text.dropLast(2)) : String(text.dropLast())
                let padding = String(text.reversed().prefix(while: { $0 == "=" }))
                texts.append(trimmed + last + padding)
            }
        }
        var read = 0
        for text in texts {
            let decoded = EntryInfo.canonicalBase64(text)
            #expect(decoded == Self.reference(text), "\(text.debugDescription)")
            if decoded != nil { read += 1 }
        }
        #expect(read > 40)
    }
}

extension Payload {
    var transactionPostings: [Posting] {
        if case .transaction(let tx) = body { return tx.postings }
        return []
    }
}
