import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency

/// Base64 and hex where the format allows one spelling per value: whatever decodes must encode
/// back to exactly the text it came from.
enum EncodingChecks {
    /// An entry as `ledger.submit` takes it and as an export line holds it, around the text under test.
    private static let submitted = SubmitParams(
        SignedEntry(
            payload: Array("{}".utf8), signature: [UInt8](repeating: 7, count: 64),
            keyID: KeyID(hex: String(repeating: "ab", count: 16))!))

    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let digest = SHA256Digest(base64: text) {
            try require(digest.base64 == text, "SHA256Digest(base64:) accepted a non-canonical spelling")
        }
        if let decoded = Hex.decodeLowercase(text) {
            try require(Hex.encode(decoded) == text, "Hex.decodeLowercase accepted a spelling it does not write")
        }
        if let decoded = Hex.decode(text) {
            try require(Hex.encode(decoded) == text.lowercased(), "Hex.decode does not read what it writes")
        }
        var params = submitted
        params.payload = text
        if let entry = try? params.signedEntry() {
            try require(
                Data(entry.payload).base64EncodedString() == text,
                "ledger.submit accepted a payload in a base64 spelling other than the canonical one")
        }
        try checkEntryLine(text)
    }

    /// An export line's payload: `EntryInfo.storedEntry` takes only the canonical spelling.
    private static func checkEntryLine(_ text: String) throws(FuzzFinding) {
        let line: [String: Any] = [
            "seq": 1, "id": "e1", "kind": "transaction", "key_id": String(repeating: "ab", count: 16),
            "payload": text, "signature": String(repeating: "07", count: 64),
            "committed_at": "2026-11-01T00:00:00.000Z", "prev_hash": String(repeating: "0", count: 64),
            "hash": String(repeating: "1", count: 64), "postings": [[String: Any]](),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: line),
            let info = try? RPCCoding.decoder().decode(EntryInfo.self, from: data),
            let stored = try? info.storedEntry()
        else { return }
        try require(
            Data(stored.entry.signed.payload).base64EncodedString() == text,
            "an export line's payload was read from a non-canonical base64 spelling")
    }
}
