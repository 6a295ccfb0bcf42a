import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

@Suite("Ed25519 RFC 8032 vectors", .enabled(if: SharedVectors.available, SharedVectors.skipMessage))
struct RFC8032Tests {
    @Test func signAndVerifyEveryCase() throws {
        let cases = try KnownAnswers.load().ed25519
        #expect(cases.count == 3, "known_answers.json should hold RFC 8032 tests 1-3")
        for testCase in cases {
            let seed = try bytes(testCase.secretKey)
            let expectedPublic = try bytes(testCase.publicKey)
            let message = try bytes(testCase.msgHex)
            let expectedSignature = try bytes(testCase.signature)

            let privateKey = try Ed25519PrivateKey(rawRepresentation: seed)
            #expect(privateKey.rawRepresentation == seed)
            #expect(privateKey.publicKey.rawRepresentation == expectedPublic)
            let signature = try privateKey.signature(for: message)
            #expect(signature == expectedSignature, "signature for message \(testCase.msgHex)")

            let publicKey = try Ed25519PublicKey(rawRepresentation: expectedPublic)
            #expect(publicKey == privateKey.publicKey)
            #expect(publicKey.isValidSignature(expectedSignature, for: message))
            message.withUnsafeBytes { buffer in
                #expect(publicKey.isValidSignature(expectedSignature, for: buffer))
            }

            // An empty message has no bit to flip, so it is changed by appending a byte instead.
            let alteredMessage = message.isEmpty ? [0x00] : flipping(bit: 0, of: message.count - 1, in: message)
            #expect(!publicKey.isValidSignature(expectedSignature, for: alteredMessage))

            for byte in [0, 31, 32, 63] {
                let alteredSignature = flipping(bit: 5, of: byte, in: expectedSignature)
                #expect(!publicKey.isValidSignature(alteredSignature, for: message), "signature byte \(byte)")
            }
            #expect(!publicKey.isValidSignature(Array(expectedSignature.dropLast()), for: message))
            #expect(!publicKey.isValidSignature(expectedSignature + [0], for: message))
            #expect(!publicKey.isValidSignature([], for: message))

            let alteredKey = try Ed25519PublicKey(rawRepresentation: flipping(bit: 1, of: 0, in: expectedPublic))
            #expect(alteredKey != publicKey)
            #expect(!alteredKey.isValidSignature(expectedSignature, for: message))
        }
    }

    private func flipping(bit: Int, of index: Int, in bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy[index] ^= 1 << bit
        return copy
    }
}

@Suite("Ed25519 Wycheproof vectors", .enabled(if: SharedVectors.available, SharedVectors.skipMessage))
struct WycheproofTests {
    struct File: Decodable {
        let numberOfTests: Int
        let testGroups: [Group]
    }

    struct Group: Decodable {
        struct Key: Decodable { let pk: String }
        let publicKey: Key
        let publicKeyPem: String
        let tests: [Case]
    }

    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let msg: String
        let sig: String
        let result: String
    }

    @Test func everyCase() throws {
        let file = try SharedVectors.load(File.self, from: "wycheproof_ed25519_test.json", keys: .convertFromSnakeCase)
        let cases = file.testGroups.flatMap(\.tests)
        #expect(cases.count == 151, "expected all 151 Wycheproof cases; is the file truncated?")
        #expect(file.numberOfTests == cases.count)

        var accepted = 0
        for group in file.testGroups {
            let key = try Ed25519PublicKey(rawRepresentation: bytes(group.publicKey.pk))
            // The group's PEM is an independent encoding of the same key.
            #expect(try Ed25519PublicKey(pemRepresentation: group.publicKeyPem) == key)
            for testCase in group.tests {
                #expect(["valid", "invalid"].contains(testCase.result), "tcId \(testCase.tcId)")
                let message = try bytes(testCase.msg)
                let signature = try bytes(testCase.sig)
                let verified = key.isValidSignature(signature, for: message)
                let verifiedFromBuffer = message.withUnsafeBytes { key.isValidSignature(signature, for: $0) }
                #expect(verified == (testCase.result == "valid"), "tcId \(testCase.tcId): \(testCase.comment)")
                #expect(verifiedFromBuffer == verified, "tcId \(testCase.tcId): overloads disagree")
                if verified { accepted += 1 }
            }
        }
        #expect(accepted == 88, "Wycheproof lists 88 valid cases")
    }
}

@Suite("Ed25519 keys")
struct Ed25519KeyTests {
    @Test func generatedKeysSignAndVerify() throws {
        let first = try Ed25519PrivateKey.generate()
        let second = try Ed25519PrivateKey.generate()
        #expect(first.rawRepresentation.count == 32)
        #expect(first.rawRepresentation != second.rawRepresentation)
        #expect(first.publicKey != second.publicKey)

        let message = Array("pay 5 to the bakery".utf8)
        let signature = try first.signature(for: message)
        #expect(signature.count == 64)
        #expect(try first.signature(for: message) == signature, "Ed25519 signing is deterministic")
        #expect(first.publicKey.isValidSignature(signature, for: message))
        #expect(!second.publicKey.isValidSignature(signature, for: message))

        let restored = try Ed25519PrivateKey(rawRepresentation: first.rawRepresentation)
        #expect(restored.publicKey == first.publicKey)
        #expect(try restored.signature(for: message) == signature)
    }

    @Test func rejectsWrongLengths() {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 31)) {
            try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 31))
        }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 64)) {
            try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 64))
        }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 0)) {
            try Ed25519PublicKey(rawRepresentation: [])
        }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 33)) {
            try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 7, count: 33))
        }
    }

    @Test func sharedKeysSignAndVerifyConcurrently() async throws {
        let key = try Ed25519PrivateKey.generate()
        let publicKey = key.publicKey
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<50 {
                        let message = Array("task \(task) round \(round)".utf8)
                        guard let signature = try? key.signature(for: message),
                            publicKey.isValidSignature(signature, for: message),
                            !publicKey.isValidSignature(signature, for: message + [0])
                        else {
                            failures += 1
                            continue
                        }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func publicKeysHashByRawBytes() throws {
        let raw = try bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let a = try Ed25519PublicKey(rawRepresentation: raw)
        let b = try Ed25519PublicKey(pemRepresentation: a.pemRepresentation)
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }
}
