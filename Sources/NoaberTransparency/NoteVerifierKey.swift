package import NoaberCrypto

/// A key trusted to sign notes: a name, the 32-bit key ID that goes with it, and an Ed25519 public key
/// (c2sp.org/signed-note). Its text form, `<name>+<hex8 key ID>+<base64(0x01 ‖ public key)>`, is how
/// Go's golang.org/x/mod/sumdb/note and the transparency-log tools write verifier keys, so an auditor can
/// paste Noaber's key into those tools and theirs into ours.
package struct NoteVerifierKey: Sendable, Equatable, CustomStringConvertible {
    package let name: String
    /// Always the one `name` and `publicKey` give; no initialiser accepts another.
    package let keyID: UInt32
    package let publicKey: Ed25519PublicKey

    /// Refuses a name a signature line could not carry, and a small-order public key: anyone could
    /// make "signatures" that verify with one, so trusting it would trust everybody.
    package init(name: String, publicKey: Ed25519PublicKey) throws(NoteError) {
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        guard !publicKey.hasSmallOrder else {
            throw .invalidPublicKey("it has small order, so signatures by anyone verify with it")
        }
        self.name = name
        self.keyID = NoteKeyID.compute(name: name, publicKey: publicKey)
        self.publicKey = publicKey
    }

    /// Reads `<name>+<hex8>+<base64>`. The key ID must be the one the name and key give: a mismatch
    /// means the string was garbled or pieced together from two keys.
    package init(parsing text: String) throws(NoteError) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedVerifierKey("expected <name>+<key ID>+<key>") }
        let name = String(parts[0])
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        guard parts[1].utf8.count == 8, let idBytes = Hex.decodeLowercase(String(parts[1])) else {
            throw .malformedVerifierKey("the key ID must be 8 lowercase hex digits")
        }
        let encoded = try NoteSyntax.decodeBase64(parts[2].utf8, field: "the verifier key's public key")
        guard let type = encoded.first else { throw .malformedVerifierKey("the public key is empty") }
        guard type == NoteKeyID.ed25519 else { throw .unsupportedSignatureType(type) }
        let raw = Array(encoded.dropFirst())
        guard raw.count == Ed25519PublicKey.byteCount else {
            throw .invalidPublicKey("an Ed25519 public key is 32 bytes, this one is \(raw.count)")
        }
        let publicKey: Ed25519PublicKey
        do {
            publicKey = try Ed25519PublicKey(rawRepresentation: raw)
        } catch {
            throw .invalidPublicKey("\(error)")
        }
        try self.init(name: name, publicKey: publicKey)
        let stated = NoteKeyID.value(idBytes)
        guard stated == keyID else { throw .keyIDMismatch(stated: stated, computed: keyID) }
    }

    /// The verifier key string, `<name>+<hex8>+<base64(0x01 ‖ public key)>`.
    package var text: String {
        name + "+" + NoteKeyID.hex(keyID) + "+"
            + NoteSyntax.encodeBase64([NoteKeyID.ed25519] + publicKey.rawRepresentation)
    }

    package var description: String { text }

    /// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), first four bytes read big-endian (signed-note,
    /// "Ed25519 signatures"), for any name, valid or not.
    package static func keyID(name: String, publicKey: Ed25519PublicKey) -> UInt32 {
        NoteKeyID.compute(name: name, publicKey: publicKey)
    }

    /// Whether this key is the one a signature line names: both name (byte for byte) and key ID match.
    func matches(_ signature: NoteSignature) -> Bool {
        keyID == signature.keyID && NoteSyntax.same(name, signature.name)
    }

    /// Byte-exact: two names that Unicode merely deems equivalent are two keys.
    package static func == (lhs: NoteVerifierKey, rhs: NoteVerifierKey) -> Bool {
        NoteSyntax.same(lhs.name, rhs.name) && lhs.keyID == rhs.keyID && lhs.publicKey == rhs.publicKey
    }
}
