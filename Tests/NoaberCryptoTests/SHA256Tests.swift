import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

@Suite("SHA-256 known answers", .enabled(if: SharedVectors.available, SharedVectors.skipMessage))
struct SHA256KnownAnswerTests {
    /// Chunk sizes that straddle the 64-byte block boundary in every way.
    static let chunkSizes = [1, 3, 63, 64, 65, 127, 1000, 4093]

    @Test func everyVectorOneShotAndStreaming() throws {
        let answers = try KnownAnswers.load()
        #expect(answers.sha256.count == 4, "known_answers.json should hold four SHA-256 cases")
        #expect(answers.sha256.contains { $0.repeat == 1_000_000 }, "the million-'a' case is missing")
        for testCase in answers.sha256 {
            let unit = try bytes(testCase.msgHex)
            let expected = try #require(SHA256Digest(hex: testCase.sha256))
            let message = Array([[UInt8]](repeating: unit, count: testCase.repeat).joined())

            #expect(SHA256.hash(message) == expected, "one-shot \(testCase.source)")
            #expect(SHA256.hash(message).hex == testCase.sha256, "hex \(testCase.source)")
            message.withUnsafeBytes { buffer in
                #expect(SHA256.hash(buffer) == expected, "buffer \(testCase.source)")
            }

            for (offset, size) in Self.chunkSizes.enumerated() {
                // Rotate the size list so each pass splits the message at different places.
                let sizes = Array(Self.chunkSizes[offset...] + Self.chunkSizes[..<offset])
                let hasher = SHA256Hasher()
                var position = 0
                var turn = 0
                while position < message.count {
                    let end = min(position + sizes[turn % sizes.count], message.count)
                    if turn % 2 == 0 {
                        hasher.update(Array(message[position..<end]))
                    } else {
                        message[position..<end].withUnsafeBytes { hasher.update($0) }
                    }
                    position = end
                    turn += 1
                }
                #expect(hasher.finalize() == expected, "streaming \(testCase.source), first chunk \(size)")
            }
        }
    }
}

@Suite("SHA-256 API")
struct SHA256APITests {
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test func stringHashesItsUTF8() throws {
        #expect(SHA256.hash("abc").hex == Self.abc)
        #expect(SHA256.hash("é") == SHA256.hash([0xC3, 0xA9]))
        let hasher = SHA256Hasher()
        hasher.update("a")
        hasher.update("")
        hasher.update([])
        hasher.update("bc")
        #expect(hasher.finalize().hex == Self.abc)
    }

    @Test func emptyInputs() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(SHA256.hash([UInt8]()).hex == empty)
        #expect(SHA256.hash("").hex == empty)
        #expect(SHA256.hash(UnsafeRawBufferPointer(start: nil, count: 0)).hex == empty)
        #expect(SHA256Hasher().finalize().hex == empty)
    }

    @Test func digestValidation() throws {
        #expect(SHA256Digest(bytes: [UInt8](repeating: 1, count: 31)) == nil)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 1, count: 33)) == nil)
        let digest = try #require(SHA256Digest(hex: Self.abc.uppercased()))
        #expect(digest.hex == Self.abc)
        #expect(digest.description == Self.abc)
        #expect(digest.bytes.count == SHA256Digest.byteCount)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(SHA256Digest(hex: String(Self.abc.dropLast())) == nil)
        #expect(SHA256Digest(hex: Self.abc + "00") == nil)
        #expect(SHA256Digest(hex: "g" + Self.abc.dropFirst()) == nil)
        #expect(SHA256Digest.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(SHA256Digest.zero.hex == String(repeating: "0", count: 64))
        #expect(Set([digest, SHA256Digest.zero, digest]).count == 2)
    }

    @Test func useAfterFinalizeTraps() async {
        await #expect(processExitsWith: .failure) {
            let hasher = SHA256Hasher()
            _ = hasher.finalize()
            hasher.update("more")
        }
        await #expect(processExitsWith: .failure) {
            let hasher = SHA256Hasher()
            _ = hasher.finalize()
            _ = hasher.finalize()
        }
    }
}
