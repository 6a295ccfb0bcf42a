package import NoaberCore
import NoaberCrypto

// `ledger.entries` written straight from the stored entries: the same bytes as `EntriesResult` of
// their `EntryInfo`s (tested), without building those nine strings per entry first. The payload
// is written as base64 and the digests and signature as hex directly into the answer's buffer,
// where `EntryInfo.init` made a `Data`, a base64 `String` and four hex `String`s per entry only
// for the writer to copy them again.

/// A page of `ledger.entries` as the daemon read it from the store.
package struct StoredEntriesPage: JSONWritable, Sendable {
    package var entries: [StoredEntry]

    package init(entries: [StoredEntry]) { self.entries = entries }

    /// `JSONEncoder`'s way, through `EntryInfo`: what `write(to:)` must equal.
    package func encode(to encoder: any Encoder) throws {
        try EntriesResult(entries: entries.map(EntryInfo.init)).encode(to: encoder)
    }

    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("entries")
        writer.beginArray()
        for stored in entries { Self.write(stored, to: &writer) }
        writer.endArray()
        writer.endObject()
    }

    /// One entry, its keys in the order `EntryInfo.write(to:)` writes them.
    private static func write(_ stored: StoredEntry, to writer: inout JSONWriter) {
        let entry = stored.entry
        writer.beginObject()
        writer.key("committed_at")
        writer.string(entry.committedAt.rfc3339)
        writer.key("hash")
        writer.hex(entry.hash.bytes)
        writer.key("id")
        writer.string(entry.entryID)
        writer.key("key_id")
        writer.string(entry.signed.keyID.hex)
        writer.key("kind")
        writer.string(entry.kind.rawValue)
        writer.key("payload")
        writer.base64(entry.signed.payload)
        if let personal = stored.personal {
            writer.key("personal")
            writer.beginArray()
            for text in personal {
                writer.beginObject()
                writer.key("path")
                writer.string(text.path)
                writer.key("salt")
                writer.hex(text.salt)
                writer.key("text")
                writer.string(text.text)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.key("postings")
        writer.beginArray()
        for (index, posting) in stored.postings.enumerated() {
            writer.beginObject()
            writer.key("account")
            writer.string(posting.account.rawValue)
            writer.key("amount")
            writer.integer(posting.amount)
            if let careDates = stored.careDates, index < careDates.count {
                writer.key("care_date")
                writer.string(careDates[index])
            }
            if let indexes = stored.postingIndexes, index < indexes.count {
                writer.key("idx")
                writer.integer(indexes[index])
            }
            writer.endObject()
        }
        writer.endArray()
        writer.key("prev_hash")
        writer.hex(entry.prevHash.bytes)
        writer.key("seq")
        writer.integer(entry.seq)
        writer.key("signature")
        writer.hex(entry.signed.signature)
        writer.endObject()
    }
}

extension JSONWriter {
    /// `bytes` as a JSON string of lowercase hex, as `Hex.encode` spells them.
    package mutating func hex(_ bytes: [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        appendString(count: bytes.count * 2) { out in
            digits.withUTF8Buffer { digit in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = digit[Int(byte >> 4)]
                    out[2 * index + 1] = digit[Int(byte & 0x0F)]
                }
            }
        }
    }

    /// `bytes` as a JSON string of standard, padded base64, as `Data.base64EncodedString()`
    /// spells them (no line breaks).
    package mutating func base64(_ bytes: [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        appendString(count: (bytes.count + 2) / 3 * 4) { out in
            alphabet.withUTF8Buffer { letter in
                var at = 0
                var index = 0
                while index + 3 <= bytes.count {
                    let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                    out[at] = letter[Int(group >> 18)]
                    out[at + 1] = letter[Int(group >> 12 & 0x3F)]
                    out[at + 2] = letter[Int(group >> 6 & 0x3F)]
                    out[at + 3] = letter[Int(group & 0x3F)]
                    at += 4
                    index += 3
                }
                let left = bytes.count - index
                guard left > 0 else { return }
                let group = UInt32(bytes[index]) << 16 | (left == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                out[at] = letter[Int(group >> 18)]
                out[at + 1] = letter[Int(group >> 12 & 0x3F)]
                out[at + 2] = left == 2 ? letter[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
                out[at + 3] = UInt8(ascii: "=")
            }
        }
    }
}
