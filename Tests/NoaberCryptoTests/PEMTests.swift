import NoaberCrypto
import Testing

@Suite("PEM encoding")
struct PEMTests {
    /// RFC 8032 section 7.1 test 1, encoded by hand as RFC 8410 PKCS#8 and SPKI.
    static let rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let rfc8032PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
        -----END PRIVATE KEY-----

        """
    static let rfc8032PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
        -----END PUBLIC KEY-----

        """

    /// RFC 8410 section 10.3 private key and the section 10.1 public key that belongs to it.
    static let rfc8410PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
        -----END PRIVATE KEY-----
        """
    static let rfc8410PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
        -----END PUBLIC KEY-----
        """

    /// Keys of other types that OpenSSL parses fine but that must be refused.
    static let p256PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMUUDAErNyAVUXdiB
        N9c5xJybBuh+khFoBFeT1/aulLGhRANCAARUILG6YoJ8ObfNNtd0sdZkJxnImd5J
        jC4XnbGa5eQp9ir67wPDq3gaXs9N4r9f77Rl2QeZsotJ3i2QbA7AWJyF
        -----END PRIVATE KEY-----
        """
    static let p256PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVCCxumKCfDm3zTbXdLHWZCcZyJne
        SYwuF52xmuXkKfYq+u8Dw6t4Gl7PTeK/X++0ZdkHmbKLSd4tkGwOwFichQ==
        -----END PUBLIC KEY-----
        """
    /// X25519 keys are 32 bytes too, so only the algorithm check tells them apart.
    static let x25519PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VuBCIEIKA4kAN+IwkVNjx45kVFfu/BGlBIHX6tODpBPHqruxlT
        -----END PRIVATE KEY-----
        """
    static let x25519PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VuAyEA9Dr8YA2hRJp2ssQnCVEucfcZeNUIRbKU011Gyw4PgS8=
        -----END PUBLIC KEY-----
        """

    @Test func writesTheStandardEncodings() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: bytes(Self.rfc8032Seed))
        #expect(key.pemRepresentation == Self.rfc8032PrivatePEM)
        #expect(key.publicKey.pemRepresentation == Self.rfc8032PublicPEM)
    }

    @Test func readsTheStandardEncodings() throws {
        let key = try Ed25519PrivateKey(pemRepresentation: Self.rfc8032PrivatePEM)
        #expect(key.rawRepresentation == (try bytes(Self.rfc8032Seed)))
        let publicKey = try Ed25519PublicKey(pemRepresentation: Self.rfc8032PublicPEM)
        #expect(publicKey.rawRepresentation == (try bytes(Self.rfc8032Public)))

        let rfc8410 = try Ed25519PrivateKey(pemRepresentation: Self.rfc8410PrivatePEM)
        #expect(
            Hex.encode(rfc8410.rawRepresentation)
                == "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842")
        #expect(rfc8410.publicKey == (try Ed25519PublicKey(pemRepresentation: Self.rfc8410PublicPEM)))
    }

    @Test func roundTripsGeneratedKeys() throws {
        let key = try Ed25519PrivateKey.generate()
        let privatePEM = key.pemRepresentation
        #expect(privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(privatePEM.hasSuffix("-----END PRIVATE KEY-----\n"))
        let restored = try Ed25519PrivateKey(pemRepresentation: privatePEM)
        #expect(restored.rawRepresentation == key.rawRepresentation)
        #expect(restored.publicKey == key.publicKey)

        let publicPEM = key.publicKey.pemRepresentation
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        let restoredPublic = try Ed25519PublicKey(pemRepresentation: publicPEM)
        #expect(restoredPublic == key.publicKey)
        #expect(restoredPublic.pemRepresentation == publicPEM)
    }

    @Test(arguments: [p256PrivatePEM, x25519PrivatePEM])
    func refusesOtherPrivateKeyTypes(pem: String) {
        #expect(throws: CryptoError.invalidPEM("not an Ed25519 private key")) {
            try Ed25519PrivateKey(pemRepresentation: pem)
        }
    }

    @Test(arguments: [p256PublicPEM, x25519PublicPEM])
    func refusesOtherPublicKeyTypes(pem: String) {
        #expect(throws: CryptoError.invalidPEM("not an Ed25519 public key")) {
            try Ed25519PublicKey(pemRepresentation: pem)
        }
    }

    static let garbage = [
        "",
        "hello",
        "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKx\n-----END PUBLIC KEY-----\n",
        rfc8032PrivatePEM.replacingBody(with: "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9"),
    ]

    @Test(arguments: garbage)
    func refusesGarbage(text: String) {
        #expect(isInvalidPEM { try Ed25519PrivateKey(pemRepresentation: text) })
        #expect(isInvalidPEM { try Ed25519PublicKey(pemRepresentation: text) })
    }

    @Test func refusesTheOtherHalfOfAKeyPair() {
        // The usual slip, a public key where the private one belongs, is named as such.
        #expect(throws: CryptoError.publicKeyGiven) { try Ed25519PrivateKey(pemRepresentation: Self.rfc8032PublicPEM) }
        #expect(isInvalidPEM { try Ed25519PublicKey(pemRepresentation: Self.rfc8032PrivatePEM) })
    }

    @Test func refusesEncryptedKeysWithoutPrompting() throws {
        // `openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:secret` of the RFC 8032 test 1 key.
        let encrypted = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAg6HaPOez4JYAICCAAw
            DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEL3vf+pk2T/ayqnQooLnUq4EQHuu
            441Jfv1HXjL6LWwgG36uaKKkO7ltRJRAFZSlbZWguQTYc1zq9sLqUdbH11tVD1P/
            MzugZvxcr35Lx1HDw+A=
            -----END ENCRYPTED PRIVATE KEY-----
            """
        #expect(isInvalidPEM { try Ed25519PrivateKey(pemRepresentation: encrypted) })
    }

    private func isInvalidPEM<T>(_ body: () throws -> T) -> Bool {
        do {
            _ = try body()
            return false
        } catch let error as CryptoError {
            if case .invalidPEM = error { return true }
            return false
        } catch {
            return false
        }
    }
}

extension String {
    fileprivate func replacingBody(with body: String) -> String {
        let lines = split(separator: "\n")
        return [String(lines[0]), body, String(lines[lines.count - 1])].joined(separator: "\n") + "\n"
    }
}
