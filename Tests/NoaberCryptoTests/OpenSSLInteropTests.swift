import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

/// Checks the key files and signatures against the `openssl` command-line tool, the tool
/// operators will reach for when they inspect a node's keys.
@Suite("openssl command-line interop", .enabled(if: OpenSSL.available, OpenSSL.skipMessage))
struct OpenSSLInteropTests {
    @Test func opensslReadsKeysWrittenBySwift() throws {
        try withTemporaryDirectory { directory in
            let key = try Ed25519PrivateKey.generate()
            let privatePath = directory.appendingPathComponent("node.key").path
            let publicPath = privatePath + ".pub"
            try key.write(toFile: privatePath)
            try key.publicKey.write(toFile: publicPath)

            #expect(try filePermissions(URL(fileURLWithPath: privatePath)) == 0o600)
            try OpenSSL.expectSuccess(["pkey", "-in", privatePath, "-noout"])
            try OpenSSL.expectSuccess(["pkey", "-pubin", "-in", publicPath, "-noout"])
            // openssl derives the public half itself; it must match what Swift wrote.
            let derived = try OpenSSL.expectSuccess(["pkey", "-in", privatePath, "-pubout"])
            #expect(derived == key.publicKey.pemRepresentation)
        }
    }

    @Test func opensslVerifiesSwiftSignatures() throws {
        try withTemporaryDirectory { directory in
            let key = try Ed25519PrivateKey.generate()
            let publicPath = directory.appendingPathComponent("node.pub").path
            try key.publicKey.write(toFile: publicPath)
            let message = Array("transfer 12 hours of gardening to key 21fe31df".utf8)
            let messageURL = directory.appendingPathComponent("message")
            let signatureURL = directory.appendingPathComponent("message.sig")
            try Data(message).write(to: messageURL)
            try Data(key.signature(for: message)).write(to: signatureURL)

            let verify = [
                "pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin",
                "-in", messageURL.path, "-sigfile", signatureURL.path,
            ]
            let output = try OpenSSL.expectSuccess(verify)
            #expect(output.contains("Signature Verified Successfully"))

            // The same command must fail once the message changes, or the check above proves nothing.
            try Data(message + [0x21]).write(to: messageURL)
            #expect(try OpenSSL.run(verify).status != 0)
        }
    }

    @Test func swiftUsesKeysMadeByOpenssl() throws {
        try withTemporaryDirectory { directory in
            let privatePath = directory.appendingPathComponent("openssl.key").path
            let publicPath = directory.appendingPathComponent("openssl.pub").path
            try OpenSSL.expectSuccess(["genpkey", "-algorithm", "ed25519", "-out", privatePath])
            try OpenSSL.expectSuccess(["pkey", "-in", privatePath, "-pubout", "-out", publicPath])

            let key = try Ed25519PrivateKey(contentsOfFile: privatePath)
            let publicKey = try Ed25519PublicKey(contentsOfFile: publicPath)
            #expect(key.publicKey == publicKey)
            #expect(key.pemRepresentation == (try String(contentsOfFile: privatePath, encoding: .utf8)))

            let message = Array("signed in Swift with an openssl key".utf8)
            let messageURL = directory.appendingPathComponent("message")
            let signatureURL = directory.appendingPathComponent("message.sig")
            try Data(message).write(to: messageURL)
            try Data(key.signature(for: message)).write(to: signatureURL)
            try OpenSSL.expectSuccess([
                "pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin",
                "-in", messageURL.path, "-sigfile", signatureURL.path,
            ])

            // And the other way round: openssl signs, Swift verifies.
            let opensslSignatureURL = directory.appendingPathComponent("openssl.sig")
            try OpenSSL.expectSuccess([
                "pkeyutl", "-sign", "-inkey", privatePath, "-rawin",
                "-in", messageURL.path, "-out", opensslSignatureURL.path,
            ])
            let opensslSignature = try [UInt8](Data(contentsOf: opensslSignatureURL))
            #expect(publicKey.isValidSignature(opensslSignature, for: message))
            #expect(!publicKey.isValidSignature(opensslSignature, for: message + [0]))
        }
    }

    @Test func refusesAnOpensslP256Key() throws {
        // A P-256 key straight from openssl must be refused as a node key.
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("p256.key").path
            try OpenSSL.expectSuccess([
                "genpkey", "-algorithm", "EC",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path,
            ])
            #expect(throws: CryptoError.invalidPEM("not an Ed25519 private key")) {
                try Ed25519PrivateKey(contentsOfFile: path)
            }
        }
    }
}
