import Foundation
package import NoaberCore
import NoaberCrypto

// Parameters and results of the ledger methods (docs/PROTOCOL.md): `ledger.status`, `ledger.submit`,
// `ledger.submit_batch`, `ledger.entries`, `entry.get`, `ledger.balances` and `ledger.state`.

package struct StatusResult: Codable, Sendable {
    package var initialised: Bool
    package var ledgerId: String?
    package var name: String?
    package var currency: Currency?
    package var hourRate: Int64?
    package var entries: Int64
    package var headHash: String
    package var headTime: String?
    package var databaseBytes: Int64
    package var uptimeSeconds: Int64
    package var version: String
    package var schemaVersion: Int
    /// SQLite transactions the writer has committed since start; fewer than entries means grouping.
    package var groupCommits: Int64
    package var entriesCommitted: Int64
    /// The daemon's log key, raw public key in hex, whether or not the ledger announced it yet.
    package var logPublicKey: String?
    /// The C2SP verifier key string of that key, once the chain names it an active log key.
    package var logKey: String?
    /// The tree size of the latest signed checkpoint.
    package var checkpointSize: UInt64?
    /// True when the chain registered the daemon's key but revoked it (or gave it another role):
    /// the daemon needs a new log key, which an admin then announces.
    package var logKeyRevoked: Bool?
    /// Claim expiry and demurrage, once initialised.
    package var settings: SettingsInfo?
    /// Present while the ledger is a restored backup whose checkpoints are held.
    package var checkpointHold: CheckpointHoldInfo?

    package init(
        initialised: Bool, ledgerId: String?, name: String?, currency: Currency?, hourRate: Int64?, entries: Int64,
        headHash: String, headTime: String?, databaseBytes: Int64, uptimeSeconds: Int64, version: String,
        schemaVersion: Int, groupCommits: Int64, entriesCommitted: Int64, logPublicKey: String? = nil,
        logKey: String? = nil,
        checkpointSize: UInt64? = nil, logKeyRevoked: Bool? = nil
    ) {
        self.logKeyRevoked = logKeyRevoked
        self.logPublicKey = logPublicKey
        self.logKey = logKey
        self.checkpointSize = checkpointSize
        self.initialised = initialised
        self.ledgerId = ledgerId
        self.name = name
        self.currency = currency
        self.hourRate = hourRate
        self.entries = entries
        self.headHash = headHash
        self.headTime = headTime
        self.databaseBytes = databaseBytes
        self.uptimeSeconds = uptimeSeconds
        self.version = version
        self.schemaVersion = schemaVersion
        self.groupCommits = groupCommits
        self.entriesCommitted = entriesCommitted
    }
}

package struct SubmitParams: Codable, Sendable {
    /// The payload bytes exactly as signed, base64.
    package var payload: String
    /// The 64-byte Ed25519 signature, hex.
    package var signature: String
    package var keyId: String
    /// Entry format v2: the personal texts the payload commits to, with their salts.
    package var personal: [PersonalTextInfo]?

    package init(_ signed: SignedEntry) {
        payload = Data(signed.payload).base64EncodedString()
        signature = Hex.encode(signed.signature)
        keyId = signed.keyID.hex
    }

    /// The params as the wire holds them, for a decoder that reads them by hand.
    package init(payload: String, signature: String, keyId: String) {
        self.payload = payload
        self.signature = signature
        self.keyId = keyId
    }

    /// The refusal of a payload that is not the one canonical spelling of its bytes.
    package static let notBase64 = "payload is not base64 (standard, padded, its one canonical spelling)"

    package func signedEntry() throws(RPCError) -> SignedEntry {
        // Foundation reads some text that is not base64 (`EE=2`); one spelling per payload.
        guard let bytes = EntryInfo.canonicalBase64(payload) else { throw .invalidParams(SubmitParams.notBase64) }
        guard let signature = Hex.decode(signature), signature.count == 64 else {
            throw .invalidParams("signature must be 128 hex characters")
        }
        guard let key = KeyID(hex: keyId) else { throw .invalidParams("key_id must be 32 hex characters") }
        return SignedEntry(payload: bytes, signature: signature, keyID: key)
    }
}

package struct SubmitBatchParams: Codable, Sendable {
    package static let maxEntries = 1000
    package var entries: [SubmitParams]
    package init(entries: [SubmitParams]) { self.entries = entries }
}

package struct SubmitBatchResult: Codable, Sendable {
    /// One result per entry, in order; `replayed` marks entries committed before.
    package var results: [SubmitResult]
    package init(results: [SubmitResult]) { self.results = results }
}

package struct SubmitResult: Codable, Sendable, Equatable {
    package var seq: Int64
    package var id: String
    package var kind: String
    package var hash: String
    package var committedAt: String
    /// True when this exact entry had been committed before and nothing new was written.
    package var replayed: Bool

    package init(_ entry: CommittedEntry, replayed: Bool) {
        seq = entry.seq
        id = entry.entryID
        kind = entry.kind.rawValue
        hash = entry.hash.hex
        committedAt = entry.committedAt.rfc3339
        self.replayed = replayed
    }
}

package struct EntriesParams: Codable, Sendable {
    package static let maxLimit = 1000
    /// A page carries at most this many payload bytes (but always at least one entry).
    package static let maxPageBytes = 8 << 20
    package var fromSeq: Int64
    package var limit: Int?
    /// The newest packed page version the client reads (docs/PROTOCOL.md, "Packed pages"); the
    /// daemon answers with the newest it writes that is not newer, or with the JSON page when
    /// absent, 0 or less. A daemon from before packed pages ignores it and answers the JSON page.
    package var packed: Int?
    package init(fromSeq: Int64, limit: Int?, packed: Int? = nil) {
        self.fromSeq = fromSeq
        self.limit = limit
        self.packed = packed
    }
}

/// `ledger.used_ids`: up to 1000 entry or credit ids to look up.
package struct UsedIDsParams: Codable, Sendable {
    package static let maxIDs = 1000
    package var ids: [String]
    package init(ids: [String]) { self.ids = ids }
}

// An import asks about every line's id, a thousand to a request: written by hand, as the
// submissions are (`JSONWriterTests` compares the bytes with `JSONEncoder`'s).
extension UsedIDsParams: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("ids")
        writer.beginArray()
        for id in ids { writer.string(id) }
        writer.endArray()
        writer.endObject()
    }
}

/// The ids asked about that are in use, each with the seq of the entry that has it (for a credit
/// id, its batch's), in the order asked; ids not in use are left out.
package struct UsedIDsResult: Codable, Sendable {
    package var used: [UsedID]
    package init(used: [UsedID]) { self.used = used }
}

package struct UsedID: Codable, Sendable, Equatable {
    package var id: String
    package var seq: Int64
    package init(id: String, seq: Int64) {
        self.id = id
        self.seq = seq
    }
}

/// One entry, by its entry id or by its seq (exactly one of the two).
package struct EntryGetParams: Codable, Sendable {
    package var id: String?
    package var seq: Int64?
    package init(id: String) { self.id = id }
    package init(seq: Int64) { self.seq = seq }
}

package struct PostingInfo: Codable, Sendable, Equatable {
    package var account: String
    package var amount: Int64
    /// The care date stored with the posting (docs/FORMAT.md §2 and §6), served so that a verifier
    /// checks it too; exports leave it out, their postings being the payload's alone.
    package var careDate: String?
    /// The stored `postings.idx`, which must be the posting's place in the payload; served by
    /// `ledger.entries` and `entry.get`, left out of exports (their postings are in that order).
    package var idx: Int64?

    package init(account: String, amount: Int64, careDate: String? = nil, idx: Int64? = nil) {
        self.account = account
        self.amount = amount
        self.careDate = careDate
        self.idx = idx
    }
}

/// An entry as stored, with everything a verifier needs and nothing it has to trust.
package struct EntryInfo: Codable, Sendable {
    package var seq: Int64
    package var id: String
    package var kind: String
    package var keyId: String
    package var payload: String
    package var signature: String
    package var committedAt: String
    package var prevHash: String
    package var hash: String
    package var postings: [PostingInfo]
    /// Entry format v2, for a reader entitled to them: the personal texts still stored beside the
    /// entry (an erased one is absent). Absent: none were served.
    package var personal: [PersonalTextInfo]?

    package init(_ stored: StoredEntry) {
        let e = stored.entry
        seq = e.seq
        id = e.entryID
        kind = e.kind.rawValue
        keyId = e.signed.keyID.hex
        payload = Data(e.signed.payload).base64EncodedString()
        signature = Hex.encode(e.signed.signature)
        committedAt = e.committedAt.rfc3339
        prevHash = e.prevHash.hex
        hash = e.hash.hex
        let indexes = stored.postingIndexes
        postings = stored.postings.enumerated().map { index, posting in
            PostingInfo(
                account: posting.account.rawValue, amount: posting.amount,
                careDate: stored.careDates.flatMap { index < $0.count ? $0[index] : nil },
                idx: indexes.flatMap { index < $0.count ? $0[index] : nil })
        }
        personal = stored.personal.map { $0.map(PersonalTextInfo.init) }
    }

    /// Back to a Core value; a malformed field is reported as a failure at this entry.
    package func storedEntry() throws(VerificationFailure) -> StoredEntry {
        func bad(_ what: String) -> VerificationFailure { VerificationFailure(seq: seq, reason: "malformed \(what)") }
        // One spelling per value (docs/FORMAT.md §13): lowercase hex, canonical base64, §4's time,
        // so that what is checked is exactly what was stored, not a tidied copy of it.
        guard let kind = EntryKind(rawValue: kind) else { throw bad("kind") }
        guard let key = KeyID(hex: keyId), key.hex == keyId else {
            throw bad("key id: it must be 32 lowercase hex characters")
        }
        guard let payload = Self.canonicalBase64(payload) else {
            throw bad("payload: it must be standard base64 with padding, written the one canonical way")
        }
        guard let signature = Hex.decodeLowercase(signature) else {
            throw bad("signature: it must be lowercase hex")
        }
        guard let time = Timestamp(rfc3339: committedAt), time.rfc3339 == committedAt else {
            throw bad("commit time: it must be written YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        // Lowercase hex only: read as it is, rather than decoded, written again and compared.
        guard let prev = Hex.decodeLowercase(prevHash).flatMap(SHA256Digest.init(bytes:)),
            let hash = Hex.decodeLowercase(hash).flatMap(SHA256Digest.init(bytes:))
        else { throw bad("hash: prev_hash and hash must be 64 lowercase hex characters") }
        var postings: [Posting] = []
        var careDates: [String] = []
        for p in self.postings {
            guard let account = try? AccountID(p.account) else { throw bad("posting account") }
            postings.append(Posting(account: account, amount: p.amount))
            if let careDate = p.careDate { careDates.append(careDate) }
        }
        let indexes = self.postings.compactMap(\.idx)
        guard indexes.isEmpty || indexes.count == self.postings.count else { throw bad("posting idx") }
        let entry = CommittedEntry(
            seq: seq, entryID: id, kind: kind,
            signed: SignedEntry(payload: payload, signature: signature, keyID: key),
            committedAt: time, prevHash: prev, hash: hash)
        // Care dates are checked when every posting came with one (from a daemon that stores them).
        return StoredEntry(
            entry: entry, postings: postings, personal: try personalTexts(),
            careDates: !postings.isEmpty && careDates.count == postings.count ? careDates : nil,
            postingIndexes: indexes.isEmpty ? nil : indexes)
    }
}

extension EntryInfo {
    /// The bytes `text` spells, when it is their one canonical spelling (RFC 4648 §4: the
    /// alphabet only, padded with `=` at the end only, the unused low bits of the last character
    /// zero); else nil. Read in one pass from the string's own storage: a verify reads every
    /// entry's payload this way, and the daemon every submission's. (Foundation's decoder, used
    /// before, also reads some text that is not base64, such as `EE=2`.)
    package static func canonicalBase64(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, padding < utf8.count, utf8[utf8.count - 1 - padding] == UInt8(ascii: "=") {
                padding += 1
            }
            let count = utf8.count / 4 * 3 - padding
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { out, written in
                // Whole groups first, four table lookups each, a byte outside the alphabet
                // found by the high bit its 0xFF sets (a packed page is one string of 700 KB).
                var at = 0
                var invalid: UInt8 = 0
                let whole = padding > 0 ? utf8.count / 4 - 1 : utf8.count / 4
                base64Values.withUnsafeBufferPointer { table in
                    for index in stride(from: 0, to: whole * 4, by: 4) {
                        let a = table[Int(utf8[index])]
                        let b = table[Int(utf8[index + 1])]
                        let c = table[Int(utf8[index + 2])]
                        let d = table[Int(utf8[index + 3])]
                        invalid |= a | b | c | d
                        let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[at] = UInt8(truncatingIfNeeded: group >> 16)
                        out[at + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        out[at + 2] = UInt8(truncatingIfNeeded: group)
                        at += 3
                    }
                }
                failed = invalid & 0x80 != 0
                var group: UInt32 = 0
                for index in (whole * 4)..<(utf8.count - padding) where !failed {
                    guard let value = base64Value(utf8[index]) else {
                        failed = true
                        break
                    }
                    group = group << 6 | UInt32(value)
                }
                // The last group, short by its padding: its unused low bits must be zero.
                if !failed, padding > 0 {
                    let bits = padding == 1 ? 2 : 4
                    if group & (1 << bits - 1) != 0 {
                        failed = true
                    } else {
                        group >>= UInt32(bits)
                        if padding == 1 {
                            out[at] = UInt8(truncatingIfNeeded: group >> 8)
                            out[at + 1] = UInt8(truncatingIfNeeded: group)
                            at += 2
                        } else {
                            out[at] = UInt8(truncatingIfNeeded: group)
                            at += 1
                        }
                    }
                }
                written = failed ? 0 : at
            }
            return failed ? nil : bytes
        }
    }

    /// The six bits each byte stands for in base64, 0xFF for a byte outside the alphabet.
    private static let base64Values: [UInt8] = (0...255).map { base64Value(UInt8($0)) ?? 0xFF }

    /// The six bits a base64 character stands for, or nil for any other byte.
    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

package struct EntriesResult: Codable, Sendable {
    package var entries: [EntryInfo]
    package init(entries: [EntryInfo]) { self.entries = entries }
}

package struct AccountBalance: Codable, Sendable {
    package var account: String
    package var balance: Int64
    package init(account: String, balance: Int64) {
        self.account = account
        self.balance = balance
    }
}

/// Balances and the head they are consistent with: a verifier fetches these first, then entries 1…headSeq.
package struct BalancesResult: Codable, Sendable {
    package var headSeq: Int64
    package var balances: [AccountBalance]
    package init(headSeq: Int64, balances: [AccountBalance]) {
        self.headSeq = headSeq
        self.balances = balances
    }
}
