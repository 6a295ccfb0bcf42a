package import NoaberCrypto
import NoaberTransparency

/// An entry's record (see `EntryHash`) read back from its bytes, as a `tlog-proof`'s extra data
/// carries it: so that a volunteer's proof file holds the entry itself, not only its hash.
package struct EntryRecord: Sendable, Equatable {
    package var seq: Int64
    package var prevHash: SHA256Digest
    package var committedAt: Timestamp
    package var signed: SignedEntry

    /// Parses exactly the layout `EntryHash.record` writes; any other spelling of the same values
    /// (a leading zero, uppercase hex) is refused, so the bytes hashed are the bytes shown.
    package init(parsing bytes: [UInt8]) throws(LedgerError) {
        let context = Array(EntryHash.context.utf8)
        guard bytes.starts(with: context) else {
            throw .invalidPayload("the record does not start with \"noaber:chain:v1\"")
        }
        var fields: [String] = []
        var start = context.count
        while fields.count < 5 {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                throw .invalidPayload("the record's header is cut short")
            }
            fields.append(String(decoding: bytes[start..<newline], as: UTF8.self))
            start = newline + 1
        }
        guard let seq = Int64(fields[0]), seq >= 1,
            let prevHash = SHA256Digest(hex: fields[1]),
            let committedAt = Timestamp(rfc3339: fields[2]),
            let keyID = KeyID(hex: fields[3]),
            let signature = Hex.decodeLowercase(fields[4]), signature.count == Ed25519PrivateKey.signatureByteCount
        else { throw .invalidPayload("the record's header fields are malformed") }
        self.seq = seq
        self.prevHash = prevHash
        self.committedAt = committedAt
        signed = SignedEntry(payload: Array(bytes[start...]), signature: signature, keyID: keyID)
        guard self.bytes == bytes else { throw .invalidPayload("the record's header is not in canonical form") }
    }

    package var bytes: [UInt8] {
        EntryHash.record(seq: seq, prevHash: prevHash, committedAt: committedAt, signed: signed)
    }
    /// The entry hash, SHA-256(record).
    package var hash: SHA256Digest { SHA256.hash(bytes) }
    /// The Merkle leaf hash, SHA-256(0x00 ‖ record).
    package var leafHash: SHA256Digest { Merkle.leafHash(bytes) }
}
