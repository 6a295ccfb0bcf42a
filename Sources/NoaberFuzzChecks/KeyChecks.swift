import NoaberCrypto
import NoaberTransparency

/// Key files and verifier keys: what is read must be a working key of the right kind, and a
/// verifier key's text must be exactly the one its name and key give.
enum KeyChecks {
    static func checkPEM(_ bytes: [UInt8]) throws(FuzzFinding) {
        let text = String(decoding: bytes, as: UTF8.self)
        let message = Array("fuzz".utf8)
        if let key = try? Ed25519PrivateKey(pemRepresentation: text) {
            guard let again = try? Ed25519PrivateKey(pemRepresentation: key.pemRepresentation) else {
                throw FuzzFinding("a private key read from PEM cannot read its own PEM back")
            }
            try require(again.rawRepresentation == key.rawRepresentation, "a private key's PEM gives another key")
            guard let signature = try? key.signature(for: message) else {
                throw FuzzFinding("a private key read from PEM cannot sign")
            }
            try require(key.publicKey.isValidSignature(signature, for: message), "the key's signature does not verify")
        }
        if let key = try? Ed25519PublicKey(pemRepresentation: text) {
            guard let again = try? Ed25519PublicKey(pemRepresentation: key.pemRepresentation) else {
                throw FuzzFinding("a public key read from PEM cannot read its own PEM back")
            }
            try require(again == key, "a public key's PEM gives another key")
            try require(key.rawRepresentation.count == Ed25519PublicKey.byteCount, "a public key is not 32 bytes")
        }
    }

    static func checkVerifierKey(_ bytes: [UInt8]) throws(FuzzFinding) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let key = try? NoteVerifierKey(parsing: text) else { return }
        try require(
            key.text.utf8.elementsEqual(text.utf8), "a verifier key does not write back to the text it came from")
        try require(
            key.keyID == NoteVerifierKey.keyID(name: key.name, publicKey: key.publicKey),
            "a verifier key's key ID is not its own")
    }
}
