package import NoaberCrypto

/// One signature line of a note: `— <name> <base64(key ID ‖ signature)>`.
package struct NoteSignature: Sendable, Equatable {
    package var name: String
    package var keyID: UInt32
    /// The signature proper, after the 4-byte key ID: 64 bytes for Ed25519, any non-empty length for
    /// the other types a note may carry (we keep and re-serialise those, never check them).
    package var signature: [UInt8]

    package init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line as it appears in a note, with its final newline.
    package var line: String {
        "— " + name + " " + NoteSyntax.encodeBase64(NoteKeyID.bytes(keyID) + signature) + "\n"
    }

    package static func == (lhs: NoteSignature, rhs: NoteSignature) -> Bool {
        NoteSyntax.same(lhs.name, rhs.name) && lhs.keyID == rhs.keyID && lhs.signature == rhs.signature
    }
}

/// A text signed by one or more keys (c2sp.org/signed-note): the text, which ends in a newline, a blank
/// line, then one signature line per key. The text means nothing until `verify` has found a trusted
/// key's signature on it.
package struct SignedNote: Sendable, Equatable {
    /// The most signature lines a note may have. The spec asks verifiers to take at least 16 and to cap
    /// the number somewhere, so that a huge note cannot keep them busy; 100 is Go's cap.
    package static let maximumSignatures = 100

    /// The signed text, including its final newline.
    package var text: String
    package var signatures: [NoteSignature]

    /// Puts a note together without checking it; `verify` checks the text, `serialized` trusts it.
    package init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Splits a note into text and signatures and checks its syntax, but not its signatures: that takes
    /// the trusted keys, in `verify`. The text ends at the last blank line, so it may hold blank lines
    /// of its own.
    package init(parsing note: String) throws(NoteError) {
        let bytes = Array(note.utf8)
        try NoteSyntax.checkText(bytes)
        // The last "\n\n": the signature block has no empty line, so the separator is the last one.
        var split: Int?
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == NoteSyntax.newline, bytes[index + 1] == NoteSyntax.newline {
                split = index
                break
            }
            index -= 1
        }
        guard let split else { throw .missingSignatureBlock }
        let block = bytes[(split + 2)...]
        guard !block.isEmpty else { throw .noSignatures }
        let lines = NoteSyntax.lines(block.dropLast())
        guard lines.count <= Self.maximumSignatures else { throw .tooManySignatures(limit: Self.maximumSignatures) }
        var signatures: [NoteSignature] = []
        signatures.reserveCapacity(lines.count)
        for line in lines {
            signatures.append(try Self.parseSignature(line))
        }
        self.text = NoteSyntax.string(bytes[...split])
        self.signatures = signatures
    }

    /// Like `init(parsing:)` for bytes read from a file, refusing any that are not UTF-8 rather than
    /// letting them turn into U+FFFD.
    package init(parsing bytes: [UInt8]) throws(NoteError) {
        guard let note = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        try self.init(parsing: note)
    }

    private static func parseSignature(_ line: ArraySlice<UInt8>) throws(NoteError) -> NoteSignature {
        guard let rest = NoteSyntax.dropPrefix("— ", from: line),
            let space = rest.firstIndex(of: UInt8(ascii: " "))
        else { throw .malformedSignatureLine(NoteSyntax.string(line)) }
        let name = NoteSyntax.string(rest[..<space])
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        let decoded = try NoteSyntax.decodeBase64(rest[(space + 1)...], field: "the signature by \(name)")
        guard decoded.count > 4 else { throw .signatureTooShort(name: name) }
        return NoteSignature(
            name: name, keyID: NoteKeyID.value(decoded.prefix(4)), signature: Array(decoded.dropFirst(4)))
    }

    /// Signs `text` (which must end in a newline) as key `name`.
    package static func sign(_ text: String, name: String, with key: Ed25519PrivateKey) throws(NoteError) -> SignedNote
    {
        var note = SignedNote(text: text, signatures: [])
        try note.addSignature(name: name, with: key)
        return note
    }

    /// Adds a signature by another key, as a witness cosigning a checkpoint would; replaces an earlier
    /// signature by the same name and key ID rather than listing that key twice.
    package mutating func addSignature(name: String, with key: Ed25519PrivateKey) throws(NoteError) {
        let bytes = Array(text.utf8)
        try NoteSyntax.checkText(bytes)
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        let keyID = NoteKeyID.compute(name: name, publicKey: key.publicKey)
        let signature: [UInt8]
        do {
            signature = try key.signature(for: bytes)
        } catch {
            throw .signingFailed("\(error)")
        }
        signatures.removeAll { $0.keyID == keyID && NoteSyntax.same($0.name, name) }
        signatures.append(NoteSignature(name: name, keyID: keyID, signature: signature))
    }

    /// The note: text, blank line, signature lines.
    package var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// The first trusted key whose signature verifies, in signature order. As the spec requires,
    /// signatures by keys not in `keys` (name and ID not both matching) are ignored; one by a trusted
    /// key that does not verify rejects the whole note, since that key's holder did not sign this text;
    /// and a note with no verified trusted signature is rejected.
    ///
    /// Two trusted keys share a name and ID only through a deliberately computed 32-bit collision;
    /// both are trusted, so a signature verifying with either counts.
    @discardableResult
    package func verify(by keys: [NoteVerifierKey]) throws(NoteError) -> NoteVerifierKey {
        let message = Array(text.utf8)
        try NoteSyntax.checkText(message)
        var first: NoteVerifierKey?
        for signature in signatures {
            let candidates = keys.filter { $0.matches(signature) }
            if candidates.isEmpty { continue }
            guard
                let key = candidates.first(where: { $0.publicKey.isValidSignature(signature.signature, for: message) })
            else { throw .invalidSignature(name: signature.name, keyID: signature.keyID) }
            if first == nil { first = key }
        }
        guard let first else { throw .noTrustedSignature }
        return first
    }

    /// Byte-exact: a signature covers bytes, so texts that Unicode deems equivalent are different notes.
    package static func == (lhs: SignedNote, rhs: SignedNote) -> Bool {
        NoteSyntax.same(lhs.text, rhs.text) && lhs.signatures == rhs.signatures
    }
}
