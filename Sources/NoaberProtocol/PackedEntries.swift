import Foundation
package import NoaberCore
import NoaberCrypto

// A page of `ledger.entries` packed (docs/PROTOCOL.md, "Packed pages"): the entries' bytes as
// bytes, with lengths, in one base64 string of the answer. In the JSON page a verify read every
// payload as base64 and every hash, key id and signature as hex, each a string of its own, and the
// daemon wrote them so; packed, the daemon copies the stored bytes and the client reads them back
// in one pass, with nothing to spell or check twice. Only `noaber verify` asks for it.

/// The packed form of a page of entries, version 1. Every integer is big-endian; a *string* is a
/// u32 length and that many bytes of UTF-8, *bytes* a u32 length and that many bytes.
///
/// ```
/// page    = count:u32 entry{count}                      (nothing after the last entry)
/// entry   = seq:i64 id:string kind:string key_id:16 committed_at:i64 prev_hash:32 hash:32
///           signature:bytes payload:bytes flags:u8 postings:u32 posting{postings}
///           [texts:u32 text{texts}]                      (when flags has bit 2)
/// posting = account:string amount:i64 [care_date:string] [idx:i64]   (flags bit 0, bit 1)
/// text    = path:string salt:bytes text:string
/// ```
///
/// `committed_at` is milliseconds since 1970-01-01T00:00:00Z. Flags bit 0: every posting carries
/// its stored care date; bit 1: every posting carries its stored `idx`; bit 2: the entry's
/// personal texts were served (an empty list is not no list); bits 0 and 1 only with postings,
/// no other bit ever. The reader takes one spelling only, so that what it reads is what was sent.
package enum PackedEntries {
    /// The packed page versions this build reads and writes, newest last.
    package static let version = 1

    package static func write(_ entries: [StoredEntry]) -> [UInt8] {
        var out = PackedWriter()
        out.bytes.reserveCapacity(entries.reduce(4) { $0 + 256 + $1.entry.signed.payload.count })
        out.u32(entries.count)
        for stored in entries { out.entry(stored) }
        return out.bytes
    }

    /// The flags byte's bits.
    static let careDatesBit: UInt8 = 1
    static let indexesBit: UInt8 = 2
    static let personalBit: UInt8 = 4
}

/// Appends the packed form's fields to `bytes`.
struct PackedWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ value: Int) {
        let v = UInt32(truncatingIfNeeded: value)
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    mutating func i64(_ value: Int64) {
        let v = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
        }
    }

    mutating func data(_ value: [UInt8]) {
        u32(value.count)
        bytes += value
    }

    mutating func string(_ value: String) {
        u32(value.utf8.count)
        bytes += value.utf8
    }

    mutating func entry(_ stored: StoredEntry) {
        let entry = stored.entry
        i64(entry.seq)
        string(entry.entryID)
        string(entry.kind.rawValue)
        // A key id is 32 lowercase hex characters, always (`KeyID`): sent as its 16 bytes.
        bytes += Hex.decodeLowercase(entry.signed.keyID.hex) ?? []
        i64(entry.committedAt.millisecondsSinceEpoch)
        bytes += entry.prevHash.bytes
        bytes += entry.hash.bytes
        data(entry.signed.signature)
        data(entry.signed.payload)
        let postings = stored.postings
        // Care dates and indexes for some postings only are never stored: sent for all or none.
        let careDates = stored.careDates.flatMap { !postings.isEmpty && $0.count == postings.count ? $0 : nil }
        let indexes = stored.postingIndexes.flatMap { !postings.isEmpty && $0.count == postings.count ? $0 : nil }
        var flags: UInt8 = 0
        if careDates != nil { flags |= PackedEntries.careDatesBit }
        if indexes != nil { flags |= PackedEntries.indexesBit }
        if stored.personal != nil { flags |= PackedEntries.personalBit }
        bytes.append(flags)
        u32(postings.count)
        for (index, posting) in postings.enumerated() {
            string(posting.account.rawValue)
            i64(posting.amount)
            if let careDates { string(careDates[index]) }
            if let indexes { i64(indexes[index]) }
        }
        if let personal = stored.personal {
            u32(personal.count)
            for text in personal {
                string(text.path)
                data(text.salt)
                string(text.text)
            }
        }
    }
}

/// The daemon's answer to `ledger.entries` with `packed`: `{"packed": 1, "page": "<base64>"}`.
package struct PackedEntriesAnswer: JSONWritable, Sendable {
    package var packed: Int
    package var page: [UInt8]

    package init(entries: [StoredEntry]) {
        packed = PackedEntries.version
        page = PackedEntries.write(entries)
    }

    /// `JSONEncoder`'s way, for the tests: what `write(to:)` must equal.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnswerKey.self)
        try container.encode(packed, forKey: .packed)
        try container.encode(Data(page).base64EncodedString(), forKey: .page)
    }

    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("packed")
        writer.integer(packed)
        writer.key("page")
        writer.base64(page)
        writer.endObject()
    }
}

/// The members of a packed page's answer.
enum AnswerKey: String, CodingKey {
    case packed, page, entries
}
