internal import COpenSSL

/// An Ed25519 private key (RFC 8032). The 32-byte seed stays inside OpenSSL
/// and is copied out only when `rawRepresentation` or `pemRepresentation` is asked for.
package struct Ed25519PrivateKey: Sendable {
    package static let seedByteCount = 32
    package static let signatureByteCount = 64

    let key: EVPKey
    private let publicKeyValue: Ed25519PublicKey

    package static func generate() throws(CryptoError) -> Ed25519PrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "ED25519", nil) else {
            throw .openSSLFailure("EVP_PKEY_CTX_new_from_name(ED25519)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .openSSLFailure("EVP_PKEY_keygen_init") }
        var pointer: OpaquePointer?
        guard EVP_PKEY_generate(context, &pointer) == 1, let pointer else {
            throw .openSSLFailure("EVP_PKEY_generate(ED25519)")
        }
        return try Ed25519PrivateKey(checking: EVPKey(taking: pointer))
    }

    /// `seed` is the 32-byte RFC 8032 secret key.
    package init(rawRepresentation seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedByteCount else {
            throw .invalidKeyLength(expected: Self.seedByteCount, actual: seed.count)
        }
        let pointer = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let pointer else { throw .openSSLFailure("EVP_PKEY_new_raw_private_key") }
        try self.init(checking: EVPKey(taking: pointer))
    }

    /// Reads an unencrypted PKCS#8 "BEGIN PRIVATE KEY" block, as `openssl genpkey -algorithm ed25519` writes it.
    package init(pemRepresentation: String) throws(CryptoError) {
        // A callback that supplies no passphrase: without it OpenSSL would prompt on the terminal
        // for an encrypted key, which would hang a daemon.
        let noPassphrase:
            @convention(c) (
                UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
            ) -> Int32 = { _, _, _, _ in 0 }
        let pointer = withPEMBIO(pemRepresentation) { PEM_read_bio_PrivateKey($0, nil, noPassphrase, nil) }
        guard let pointer else {
            let openSSLSays = drainOpenSSLErrors()
            if (try? Ed25519PublicKey(pemRepresentation: pemRepresentation)) != nil { throw .publicKeyGiven }
            throw .invalidPEM("not an unencrypted PKCS#8 private key PEM: \(openSSLSays)")
        }
        let key = EVPKey(taking: pointer)
        guard key.isEd25519 else { throw .invalidPEM("not an Ed25519 private key") }
        try self.init(checking: key)
    }

    private init(checking key: EVPKey) throws(CryptoError) {
        self.key = key
        self.publicKeyValue = try Ed25519PublicKey(rawRepresentation: key.rawEd25519PublicKey())
    }

    /// The 32-byte seed.
    package var rawRepresentation: [UInt8] {
        var seed = [UInt8](repeating: 0, count: Self.seedByteCount)
        var length = seed.count
        let status = seed.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_raw_private_key(key.pointer, $0.baseAddress, &length)
        }
        // The key was checked to be Ed25519 at creation, so only a broken OpenSSL gets here.
        guard status == 1, length == Self.seedByteCount else {
            fatalError("EVP_PKEY_get_raw_private_key failed: \(drainOpenSSLErrors())")
        }
        return seed
    }

    /// Unencrypted PKCS#8 PEM.
    package var pemRepresentation: String {
        let pem = withMemoryBIO {
            PEM_write_bio_PKCS8PrivateKey($0, key.pointer, nil, nil, 0, nil, nil)
        }
        guard let pem else {
            // Only an allocation failure can make this fail for a valid key.
            fatalError("PEM_write_bio_PKCS8PrivateKey failed: \(drainOpenSSLErrors())")
        }
        return pem
    }

    package var publicKey: Ed25519PublicKey { publicKeyValue }

    /// 64-byte signature; EVP_DigestSignInit with a nil digest, then EVP_DigestSign
    /// (one-shot, because Ed25519 hashes the message twice and cannot stream).
    package func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openSSLFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
            throw .openSSLFailure("EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: Self.signatureByteCount)
        var length = signature.count
        let status = signature.withUnsafeMutableBufferPointer { sig in
            message.withUnsafeBytes { msg in
                withNonNilBytes(msg) { base, count in
                    EVP_DigestSign(context, sig.baseAddress, &length, base, count)
                }
            }
        }
        guard status == 1, length == Self.signatureByteCount else {
            throw .openSSLFailure("EVP_DigestSign")
        }
        return signature
    }
}
