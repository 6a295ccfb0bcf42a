import NoaberCrypto

/// Why a signed note, a checkpoint, a tlog proof or a verifier key was refused (c2sp.org/signed-note,
/// c2sp.org/tlog-checkpoint, c2sp.org/tlog-proof). Parsing is strict: every text these formats allow
/// has exactly one spelling, so a parsed value serialises back to the same bytes.
package enum NoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not valid UTF-8.
    case invalidUTF8
    /// An ASCII control character other than newline appears; the value is the character's code.
    case controlCharacter(UInt8)
    /// The note, its text or a checkpoint body does not end in a newline.
    case missingFinalNewline
    /// No blank line separates the text from the signature lines.
    case missingSignatureBlock
    /// The blank line is there, but no signature line follows it.
    case noSignatures
    /// A line of the signature block is not `— <key name> <base64>`.
    case malformedSignatureLine(String)
    /// A key name is empty or holds a Unicode space, a plus sign or a control character.
    case invalidKeyName(String)
    /// The named field is not canonical standard base64 (RFC 4648 §4, padded, no stray bits).
    case invalidBase64(field: String)
    /// The signature of the named key decodes to fewer than five bytes: a 4-byte key ID and at least one more.
    case signatureTooShort(name: String)
    /// The note has more signature lines than we are willing to check.
    case tooManySignatures(limit: Int)
    /// A verifier key string is not `<name>+<8 lowercase hex>+<base64>`; the value says which part is wrong.
    case malformedVerifierKey(String)
    /// The key ID written in a verifier key string is not the one its name and public key give.
    case keyIDMismatch(stated: UInt32, computed: UInt32)
    /// A verifier key is of a signature type other than Ed25519 (0x01), the only one Noaber uses.
    case unsupportedSignatureType(UInt8)
    /// A verifier key's public key is unusable; the value says why.
    case invalidPublicKey(String)
    /// A signature from a trusted key does not verify: the note was altered, or it was not signed by that key.
    case invalidSignature(name: String, keyID: UInt32)
    /// No signature comes from a trusted key, so nothing vouches for the text.
    case noTrustedSignature
    /// OpenSSL could not make a signature.
    case signingFailed(String)
    /// A checkpoint body has fewer than the three lines origin, tree size and root hash.
    case checkpointTooShort(lines: Int)
    /// Line `n` (from 1) of a checkpoint body is empty.
    case emptyCheckpointLine(Int)
    /// The origin or an extension line holds a newline, so it would not stay one line of the body.
    case embeddedNewline(field: String)
    /// The tree size is not ASCII decimal without leading zeros, or does not fit in 64 bits.
    case invalidTreeSize(String)
    /// The root hash does not decode to 32 bytes.
    case invalidRootHash(byteCount: Int)
    /// The checkpoint's fields are not the text its note signs (they were changed after parsing or signing).
    case checkpointMismatch
    /// The checkpoint is from another log than the one asked for.
    case wrongOrigin(expected: String, actual: String)
    /// The trusted log keys are named for other logs: a key's name must be the checkpoint's origin.
    case noKeyForLog(origin: String, keyNames: [String])
    /// The first line of a proof is not `c2sp.org/tlog-proof@v1`.
    case missingProofHeader
    /// The index line is missing, or is not `index` and ASCII decimal without leading zeros that fits in 64 bits.
    case invalidProofIndex(String)
    /// Inclusion proof line `line` (from 1) does not decode to a 32-byte hash.
    case invalidProofHash(line: Int)
    /// The inclusion proof has more hashes than any tree of at most 2^64 leaves needs.
    case tooManyProofHashes(limit: Int)
    /// No empty line separates the inclusion proof from the checkpoint.
    case missingProofCheckpoint
    /// The index is not below the checkpoint's tree size, so the entry cannot be in that tree.
    case indexOutOfRange(index: UInt64, size: UInt64)

    package var description: String {
        switch self {
        case .invalidUTF8: "the note is not valid UTF-8"
        case .controlCharacter(let code): "control character 0x\(Hex.encode([code])) is not allowed in a note"
        case .missingFinalNewline: "the text does not end in a newline"
        case .missingSignatureBlock: "no blank line separates the text from its signatures"
        case .noSignatures: "the note has no signature lines"
        case .malformedSignatureLine(let line): "not a signature line (— <key name> <base64>): \(line)"
        case .invalidKeyName(let name):
            "invalid key name \"\(name)\": it must be non-empty, without spaces, plus signs or control characters"
        case .invalidBase64(let field): "\(field) is not canonical standard base64"
        case .signatureTooShort(let name): "the signature by \(name) is too short to hold a key ID and a signature"
        case .tooManySignatures(let limit): "the note has more than \(limit) signatures"
        case .malformedVerifierKey(let why): "malformed verifier key: \(why)"
        case .keyIDMismatch(let stated, let computed):
            "the verifier key says key ID \(NoteKeyID.hex(stated)), but its name and public key give \(NoteKeyID.hex(computed))"
        case .unsupportedSignatureType(let type):
            "signature type 0x\(Hex.encode([type])) is not supported; only Ed25519 (0x01) is"
        case .invalidPublicKey(let why): "invalid public key: \(why)"
        case .invalidSignature(let name, let keyID):
            "the signature by trusted key \(name)+\(NoteKeyID.hex(keyID)) does not verify"
        case .noTrustedSignature: "no signature on the note comes from a trusted key"
        case .signingFailed(let why): "signing failed: \(why)"
        case .checkpointTooShort(let lines):
            "a checkpoint needs origin, tree size and root hash lines, but has \(lines) line(s)"
        case .emptyCheckpointLine(let line): "line \(line) of the checkpoint is empty"
        case .embeddedNewline(let field): "the checkpoint's \(field) contains a newline"
        case .invalidTreeSize(let text):
            "tree size \"\(text)\" is not a decimal number without leading zeros that fits in 64 bits"
        case .invalidRootHash(let count): "the root hash is \(count) bytes, not 32"
        case .checkpointMismatch: "the checkpoint's fields differ from the text its signatures cover"
        case .wrongOrigin(let expected, let actual): "the checkpoint is from log \(actual), not \(expected)"
        case .noKeyForLog(let origin, let names):
            "no trusted log key is named \(origin) (the keys given are for \(Set(names).sorted().joined(separator: ", ")))"
        case .missingProofHeader: "the proof does not start with the line c2sp.org/tlog-proof@v1"
        case .invalidProofIndex(let line):
            "expected \"index <n>\" with n decimal without leading zeros, got \"\(line)\""
        case .invalidProofHash(let line): "inclusion proof hash \(line) is not 32 bytes"
        case .tooManyProofHashes(let limit): "the inclusion proof has more than \(limit) hashes"
        case .missingProofCheckpoint: "no empty line separates the inclusion proof from the checkpoint"
        case .indexOutOfRange(let index, let size): "index \(index) is not below the checkpoint's tree size \(size)"
        }
    }
}
