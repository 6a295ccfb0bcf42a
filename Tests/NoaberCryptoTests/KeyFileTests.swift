import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

@Suite("Key files")
struct KeyFileTests {
    @Test func writesAndReadsBothHalves() throws {
        try withTemporaryDirectory { directory in
            let key = try Ed25519PrivateKey.generate()
            let privateURL = directory.appendingPathComponent("node.key")
            let publicURL = directory.appendingPathComponent("node.pub")
            try key.write(toFile: privateURL.path)
            try key.publicKey.write(toFile: publicURL.path)

            #expect(try filePermissions(privateURL) == 0o600)
            #expect(try filePermissions(publicURL) == 0o644)
            #expect(try String(contentsOf: privateURL, encoding: .utf8) == key.pemRepresentation)
            #expect(try Ed25519PrivateKey(contentsOfFile: privateURL.path).rawRepresentation == key.rawRepresentation)
            #expect(try Ed25519PublicKey(contentsOfFile: publicURL.path) == key.publicKey)
        }
    }

    @Test func refusesToOverwrite() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("node.key").path
            let first = try Ed25519PrivateKey.generate()
            try first.write(toFile: path)
            let second = try Ed25519PrivateKey.generate()
            #expect(throws: CryptoError.fileExists(path)) { try second.write(toFile: path) }
            #expect(throws: CryptoError.fileExists(path)) { try second.publicKey.write(toFile: path) }
            #expect(try Ed25519PrivateKey(contentsOfFile: path).rawRepresentation == first.rawRepresentation)
        }
    }

    @Test func aPublicKeyReadAsThePrivateOneIsNamedAsSuch() throws {
        try withTemporaryDirectory { directory in
            let key = try Ed25519PrivateKey.generate()
            let publicPath = directory.appendingPathComponent("coord.key.pub").path
            try key.publicKey.write(toFile: publicPath)
            #expect(throws: CryptoError.publicKeyGiven) { try Ed25519PrivateKey(contentsOfFile: publicPath) }
            #expect(CryptoError.publicKeyGiven.description.hasPrefix("This is a public key; the private key is needed"))
            // Anything else that is no private key is still just not a usable PEM.
            let other = directory.appendingPathComponent("notes.txt").path
            try "not a key\n".write(toFile: other, atomically: true, encoding: .utf8)
            #expect {
                try Ed25519PrivateKey(contentsOfFile: other)
            } throws: { error in
                guard case CryptoError.invalidPEM = error else { return false }
                return true
            }
        }
    }

    @Test func reportsMissingFilesWithErrno() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.key").path
            #expect(throws: CryptoError.io(path: missing, errno: ENOENT)) {
                try Ed25519PrivateKey(contentsOfFile: missing)
            }
            #expect(throws: CryptoError.io(path: missing, errno: ENOENT)) {
                try Ed25519PublicKey(contentsOfFile: missing)
            }
            let intoMissingFolder = directory.appendingPathComponent("no/such/dir.key").path
            #expect(throws: CryptoError.io(path: intoMissingFolder, errno: ENOENT)) {
                try Ed25519PrivateKey.generate().write(toFile: intoMissingFolder)
            }
        }
    }

    @Test func fileModesIgnoreTheUmask() async {
        // umask is process-wide, so it is changed only inside a child process.
        await #expect(processExitsWith: .success) {
            umask(0o077)
            guard let directory = try? makeTemporaryDirectory("noaber-umask") else { exit(1) }
            defer { try? FileManager.default.removeItem(at: directory) }
            guard let key = try? Ed25519PrivateKey.generate() else { exit(2) }
            let privatePath = directory.appendingPathComponent("k.key").path
            let publicPath = directory.appendingPathComponent("k.pub").path
            guard (try? key.write(toFile: privatePath)) != nil,
                (try? key.publicKey.write(toFile: publicPath)) != nil
            else { exit(3) }
            func mode(_ path: String) -> Int? {
                (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
            }
            exit(mode(privatePath) == 0o600 && mode(publicPath) == 0o644 ? 0 : 4)
        }
    }

    @Test func errorsDescribeWhatToDo() {
        let io = CryptoError.io(path: "/keys/node.key", errno: ENOENT)
        #expect(io.description.contains("/keys/node.key"))
        #expect(io.description.contains("No such file or directory"))
        #expect(CryptoError.fileExists("/keys/node.key").description.contains("will not be overwritten"))
        #expect(CryptoError.invalidKeyLength(expected: 32, actual: 31).description.contains("31 bytes"))
        #expect(
            CryptoError.invalidPEM("not an Ed25519 private key").description
                .contains("not an Ed25519 private key"))
    }
}
