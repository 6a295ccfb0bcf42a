internal import COpenSSL

/// An Ed25519 public key (RFC 8032). Equal and hashed by its 32 raw bytes.
package struct Ed25519PublicKey: Hashable, Sendable {
    package static let byteCount = 32

    private let raw: [UInt8]
    let key: EVPKey

    package init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: rawRepresentation.count)
        }
        let pointer = rawRepresentation.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let pointer else { throw .openSSLFailure("EVP_PKEY_new_raw_public_key") }
        self.raw = rawRepresentation
        self.key = EVPKey(taking: pointer)
    }

    /// Reads an SPKI "BEGIN PUBLIC KEY" block, as `openssl pkey -pubout` writes it.
    package init(pemRepresentation: String) throws(CryptoError) {
        let pointer = withPEMBIO(pemRepresentation) { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        guard let pointer else {
            throw .invalidPEM("not an SPKI public key PEM: \(drainOpenSSLErrors())")
        }
        try self.init(checking: EVPKey(taking: pointer))
    }

    /// Wraps a key OpenSSL parsed, which may be of any algorithm until checked.
    init(checking key: EVPKey) throws(CryptoError) {
        guard key.isEd25519 else { throw .invalidPEM("not an Ed25519 public key") }
        self.raw = try key.rawEd25519PublicKey()
        self.key = key
    }

    package var rawRepresentation: [UInt8] { raw }

    /// SPKI PEM, which `openssl pkey -pubin` reads.
    package var pemRepresentation: String {
        guard let pem = withMemoryBIO({ PEM_write_bio_PUBKEY($0, key.pointer) }) else {
            // Only an allocation failure can make this fail for a valid key.
            fatalError("PEM_write_bio_PUBKEY failed: \(drainOpenSSLErrors())")
        }
        return pem
    }

    package var keyID: KeyID { KeyID(publicKey: self) }

    /// Ed25519 (pure, RFC 8032) verification via EVP_DigestVerifyInit with a nil digest + EVP_DigestVerify.
    /// Never throws: any failure is `false`.
    package func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        message.withUnsafeBytes { isValidSignature(signature, for: $0) }
    }

    package func isValidSignature(_ signature: [UInt8], for message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == Ed25519PrivateKey.signatureByteCount else { return false }
        guard let context = EVP_MD_CTX_new() else {
            _ = drainOpenSSLErrors()
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        let verified = signature.withUnsafeBufferPointer { sig in
            withNonNilBytes(message) { base, count in
                EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1
                    && EVP_DigestVerify(context, sig.baseAddress, sig.count, base, count) == 1
            }
        }
        if !verified { _ = drainOpenSSLErrors() }
        return verified
    }

    package static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.raw == rhs.raw
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(raw)
    }
}
