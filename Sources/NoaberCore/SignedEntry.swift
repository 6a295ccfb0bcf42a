package import NoaberCrypto
import NoaberTransparency

/// What a client submits: the payload bytes exactly as signed, the signature and the key's id.
package struct SignedEntry: Sendable, Equatable {
    package var payload: [UInt8]
    package var signature: [UInt8]
    package var keyID: KeyID

    package init(payload: [UInt8], signature: [UInt8], keyID: KeyID) {
        self.payload = payload
        self.signature = signature
        self.keyID = keyID
    }

    /// The domain separator that starts every signed message; a signature made for anything else
    /// (another protocol, a checkpoint) can never verify as an entry.
    package static let signingContext = "noaber:entry:v1\n"

    /// The exact bytes that are signed: the context, the ledger id and a newline, then the payload.
    /// Binding the ledger id means an entry cannot be replayed into another ledger.
    package static func signingMessage(ledgerID: String, payload: [UInt8]) -> [UInt8] {
        // One array of the final size (a verify builds one per entry), not four joined.
        var message: [UInt8] = []
        message.reserveCapacity(signingContext.utf8.count + ledgerID.utf8.count + 1 + payload.count)
        message += signingContext.utf8
        message += ledgerID.utf8
        message.append(0x0A)
        message += payload
        return message
    }

    /// Whether the signature verifies with `key` over the message for `payload`'s ledger.
    package func isValid(for payload: Payload, with key: Ed25519PublicKey) -> Bool {
        key.isValidSignature(signature, for: Self.signingMessage(ledgerID: payload.ledger, payload: self.payload))
    }

    /// Signs `payload` for `ledgerID`; used by the CLI and the tests.
    package static func sign(_ payload: Payload, with key: Ed25519PrivateKey) throws(CryptoError) -> SignedEntry {
        let bytes = payload.encoded()
        let signature = try key.signature(for: signingMessage(ledgerID: payload.ledger, payload: bytes))
        return SignedEntry(payload: bytes, signature: signature, keyID: key.publicKey.keyID)
    }
}

/// An entry as committed: the signed submission plus what the daemon assigned.
package struct CommittedEntry: Sendable, Equatable {
    package var seq: Int64
    package var entryID: String
    package var kind: EntryKind
    package var signed: SignedEntry
    package var committedAt: Timestamp
    package var prevHash: SHA256Digest
    package var hash: SHA256Digest

    package init(
        seq: Int64, entryID: String, kind: EntryKind, signed: SignedEntry, committedAt: Timestamp,
        prevHash: SHA256Digest, hash: SHA256Digest
    ) {
        self.seq = seq
        self.entryID = entryID
        self.kind = kind
        self.signed = signed
        self.committedAt = committedAt
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The hash chain (docs/FORMAT.md, "Entry hash"): a newline-separated text header followed by the
/// payload bytes. Every header field is free of newlines, so the layout is unambiguous and an
/// auditor can rebuild it with `printf` and `sha256sum`.
///
/// These same bytes, the entry's *record*, are the leaf data of the ledger's Merkle tree: the
/// entry hash is SHA-256(record) and the leaf hash SHA-256(0x00 ‖ record), so one rebuilt record
/// checks both the chain and an inclusion proof.
package enum EntryHash {
    package static let context = "noaber:chain:v1\n"

    package static func record(
        seq: Int64, prevHash: SHA256Digest, committedAt: Timestamp, signed: SignedEntry
    ) -> [UInt8] {
        // Written straight into one array of the final size: a verify rebuilds every entry's.
        var out: [UInt8] = []
        out.reserveCapacity(
            context.utf8.count + 20 + 64 + 24 + 32 + 2 * signed.signature.count + 6 + signed.payload.count)
        out += context.utf8
        out += String(seq).utf8
        out.append(0x0A)
        appendHex(prevHash.bytes, to: &out)
        out.append(0x0A)
        out += committedAt.rfc3339.utf8
        out.append(0x0A)
        out += signed.keyID.hex.utf8
        out.append(0x0A)
        appendHex(signed.signature, to: &out)
        out.append(0x0A)
        out += signed.payload
        return out
    }

    /// `Hex.encode(bytes)`'s characters, appended.
    private static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { digit in
            for byte in bytes {
                out.append(digit[Int(byte >> 4)])
                out.append(digit[Int(byte & 0x0F)])
            }
        }
    }

    package static func compute(
        seq: Int64, prevHash: SHA256Digest, committedAt: Timestamp, signed: SignedEntry
    ) -> SHA256Digest {
        SHA256.hash(record(seq: seq, prevHash: prevHash, committedAt: committedAt, signed: signed))
    }
}

extension CommittedEntry {
    /// The bytes behind both the entry hash and the Merkle leaf (see `EntryHash`).
    package var record: [UInt8] {
        EntryHash.record(seq: seq, prevHash: prevHash, committedAt: committedAt, signed: signed)
    }

    /// The entry's Merkle leaf hash, SHA-256(0x00 ‖ record); its leaf index is `seq - 1`.
    package var leafHash: SHA256Digest { Merkle.leafHash(record) }
}
