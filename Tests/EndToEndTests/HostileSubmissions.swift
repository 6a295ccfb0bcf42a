import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol

extension HostileContext {
    /// Reads with no authorisation, a forged one, or one that does not entitle the key.
    func readCases() throws -> [HostileCase] {
        func refused(_ name: String, _ bytes: [UInt8], _ code: Int, _ reason: String) -> HostileCase {
            HostileCase(name: name, bytes: bytes, code: code, reason: reason)
        }
        let piet = "{\"account\":\"vol:piet\"}"
        let stranger = try Ed25519PrivateKey.generate()
        let otherLedger = String(repeating: "cd", count: 16)
        return [
            refused("a read without auth", Self.request("account.get", params: piet), 1030, "read_key_required"),
            refused(
                "entries without auth", Self.request("ledger.entries", params: "{\"from_seq\":1}"), 1030,
                "read_key_required"),
            refused(
                "a forged signature",
                try signedRead("account.get", params: piet) { $0.signature = String(repeating: "00", count: 64) },
                1032, "read_auth_invalid"),
            refused(
                "a signature by an unregistered key", try signedRead("account.get", params: piet, key: stranger), 1032,
                "read_auth_invalid"),
            refused(
                "another key's id on the admin's signature",
                try signedRead("account.get", params: piet) { $0.keyId = jan.publicKey.keyID.hex }, 1032,
                "read_auth_invalid"),
            refused(
                "a key id in capitals",
                try signedRead("account.get", params: piet) { $0.keyId = $0.keyId.uppercased() },
                1032, "read_auth_invalid"),
            refused(
                "a nonce of 8 bytes",
                try signedRead("account.get", params: piet) { $0.nonce = String($0.nonce.prefix(16)) },
                1032, "read_auth_invalid"),
            refused(
                "a timestamp that is no time",
                try signedRead("account.get", params: piet) { $0.timestamp = "yesterday" }, 1032, "read_auth_invalid"),
            refused(
                "auth for another ledger", try signedRead("account.get", params: piet, ledger: otherLedger), 1032,
                "read_auth_invalid"),
            refused(
                "auth signed for other params",
                try signedRead("account.get", params: piet).replacing(
                    Array("vol:piet".utf8), with: Array("vol:jan-peeters".utf8)),
                1032, "read_auth_invalid"),
            refused(
                "auth signed for another method",
                try signedRead("account.get", params: piet).replacing(
                    Array("account.get".utf8), with: Array("account.history".utf8)),
                1032, "read_auth_invalid"),
            refused(
                "auth that is not an object",
                Self.line(
                    "{\"auth\":\"admin\",\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"account.get\",\"params\":\(piet)}"),
                1032, "read_auth_invalid"),
            refused(
                "a timestamp ten minutes old",
                try signedRead(
                    "account.get", params: piet,
                    at: Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 600_000)),
                1033, "read_auth_stale"),
            refused(
                "a member reading another's account",
                try signedRead("account.get", params: "{\"account\":\"vol:jan-peeters\"}", key: self.piet), 1031,
                "read_forbidden"),
            refused(
                "a member reading the whole ledger",
                try signedRead("ledger.entries", params: "{\"from_seq\":1}", key: self.piet), 1031, "read_forbidden"),
        ]
    }

    /// Submissions the rules refuse: each is signed, and each breaks one rule.
    func submissionCases() throws -> [HostileCase] {
        func refused(_ name: String, _ bytes: [UInt8], _ code: Int, _ reason: String) -> HostileCase {
            HostileCase(name: name, bytes: bytes, code: code, reason: reason)
        }
        let bad = "invalid_payload"
        var tooMany = (0..<101).map { "{\"account\":\"vol:piet\",\"amount\":\($0 == 0 ? -100 : 1)}" }
        tooMany[0] = "{\"account\":\"vol:jan-peeters\",\"amount\":-100}"
        let keyAdd = try v2(
            .keyAdd(
                KeyAdd(key: KeySpec(publicKey: try Ed25519PrivateKey.generate().publicKey, label: "x", role: .admin))),
            id: "h-14")
        return [
            refused("a payload that is not JSON", try submit("{nope"), 1000, bad),
            refused("a payload that is a list", try submit("[1]"), 1000, bad),
            refused(
                "a payload with a duplicate key", try submit(transfer(id: "h-1", extra: "\"id\":\"h-2\",")), 1000, bad),
            refused("a payload with a float", try submit(transfer(id: "h-3", amount: "1.0")), 1000, bad),
            refused("a payload with null", try submit(transfer(id: "h-4", extra: "\"memo\":null,")), 1000, bad),
            refused(
                "a payload with an unknown field", try submit(transfer(id: "h-5", extra: "\"colour\":\"red\",")), 1000,
                bad),
            refused(
                "an amount beyond 64 bits", try submit(transfer(id: "h-6", amount: "99999999999999999999")), 1000, bad),
            refused("a payload with a lone surrogate", try submit(transfer(id: "h-7\\udc00")), 1000, bad),
            refused(
                "a payload over 64 KiB",
                try submit(transfer(id: "h-8", extra: "\"memo\":\"\(String(repeating: "m", count: 70_000))\",")), 1000,
                bad),
            refused("an entry id with a newline", try submit(transfer(id: "h\\n9")), 1000, bad),
            refused(
                "an unknown kind",
                try submit("{\"id\":\"h-10\",\"kind\":\"ledger.drop\",\"ledger\":\"\(ledgerID)\",\"v\":2}"), 1000, bad),
            refused(
                "a signature over other bytes",
                try submit(transfer(id: "h-11"), signing: transfer(id: "h-11", amount: "2")), 1001, "bad_signature"),
            refused(
                "an unregistered key", try submit(transfer(id: "h-12"), key: try Ed25519PrivateKey.generate()), 1002,
                "unknown_key"),
            refused(
                "a debit signed by another member", try submit(transfer(id: "h-13"), key: piet), 1004, "unauthorized"),
            refused("a key.add by a member", try submit(keyAdd.payload, personal: keyAdd.texts), 1004, "unauthorized"),
            refused(
                "a payload for another ledger",
                try submit(
                    transfer(id: "h-15").replacing(ledgerID, with: String(repeating: "ab", count: 16)),
                    ledger: String(repeating: "ab", count: 16)), 1005, "wrong_ledger"),
            refused(
                "postings that do not sum to zero",
                try submit(transfer(id: "h-16").replacing("\"amount\":1}", with: "\"amount\":2}")), 1006, "unbalanced"),
            refused(
                "a zero amount", try submit(transfer(id: "h-17", amount: "0").replacing("-0}", with: "0}")), 1007,
                "invalid_amount"),
            refused("an unknown account", try submit(transfer(id: "h-18", to: "vol:nobody")), 1009, "unknown_account"),
            refused(
                "more than the balance", try submit(transfer(id: "h-19", amount: "99999999")), 1011, "limit_exceeded"),
            refused("another entry's id", try submit(transfer(id: existingID)), 1012, "conflict"),
            refused("a second ledger.init", try submitInit(), 1013, "already_initialised"),
            refused(
                "101 postings",
                try submit(
                    "{\"id\":\"h-20\",\"kind\":\"tx\",\"ledger\":\"\(ledgerID)\",\"postings\":[\(tooMany.joined(separator: ","))],\"purpose\":\"transfer\",\"v\":2}"
                ), 1017, "too_many_postings"),
            refused(
                "a version 1 entry on a version 2 ledger", try submit(transfer(id: "h-21", v: 1)), 1026,
                "version_mismatch"),
        ]
    }

    /// Version 2 submissions whose personal texts do not match their commitments, or break the text rule.
    func personalCases() throws -> [HostileCase] {
        let memo = Payload.Body.transaction(
            Transaction(
                purpose: .transfer,
                postings: [
                    Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                    Posting(account: try AccountID("vol:piet"), amount: 1),
                ], memo: "bedankt"))
        let (payload, texts) = try v2(memo, id: "p-1")
        var changed = texts
        changed[0].text = "bedankt!"
        let disguised = try v2(
            .transaction(
                Transaction(
                    purpose: .transfer,
                    postings: [
                        Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                        Posting(account: try AccountID("vol:piet"), amount: 1),
                    ], memo: "Jan\u{200B} Peeters\u{202E}")), id: "p-2")
        return [
            HostileCase(
                name: "a personal text missing", bytes: try submit(payload, personal: []), code: 1023,
                reason: "personal_data_missing"),
            HostileCase(
                name: "a personal text changed", bytes: try submit(payload, personal: changed), code: 1024,
                reason: "personal_data_mismatch"),
            HostileCase(
                name: "a personal text at a path with no commitment",
                bytes: try submit(payload, personal: texts + [try .fresh(path: "reason", text: "x")]), code: 1025,
                reason: "personal_data_unexpected"),
            HostileCase(
                name: "a memo with a zero-width space and a bidi override",
                bytes: try submit(disguised.payload, personal: disguised.texts), code: 1027, reason: "invalid_text"),
        ]
    }

    /// A second `ledger.init`, correctly signed by a new admin key for the id it derives.
    func submitInit() throws -> [UInt8] {
        let admin = try Ed25519PrivateKey.generate()
        let nonce = try SecureRandom.bytes(LedgerIdentity.nonceByteCount)
        let id = LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce)
        let body = LedgerInit(
            name: "Another", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
            adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin), nonce: Hex.encode(nonce))
        let (payload, texts) = try Payload(v: 2, ledger: id, id: "h-init", body: .ledgerInit(body))
            .committingPersonalData()
        return try submit(String(decoding: payload.encoded(), as: UTF8.self), key: admin, ledger: id, personal: texts)
    }
}
