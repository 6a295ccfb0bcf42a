import NoaberCore
import NoaberCrypto
import Testing

@Suite("Entry hash and signing message")
struct EntryHashTests {
    static let prevHash = SHA256.hash("prev")
    static let time = Timestamp(millisecondsSinceEpoch: 1_795_430_360_123)  // 2026-11-23T10:39:20.123Z
    static let signed = SignedEntry(
        payload: Array(#"{"v":1}"#.utf8), signature: Array(0..<64),
        keyID: KeyID(hex: "00112233445566778899aabbccddeeff")!)

    @Test func knownAnswer() throws {
        let hash = EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: Self.signed)
        // The layout from the doc comment, built by hand.
        let text =
            "noaber:chain:v1\n7\n\(Self.prevHash.hex)\n2026-11-23T10:39:20.123Z\n00112233445566778899aabbccddeeff\n"
            + Hex.encode(Array(0..<64) as [UInt8]) + "\n"
        #expect(hash == SHA256.hash(Array(text.utf8) + Array(#"{"v":1}"#.utf8)))
        // And the digest of the same bytes from `printf … | sha256sum`, independent of any Swift code.
        #expect(Self.prevHash.hex == "84fd9bac333ad79154348296204fa7f8c537a96e08983e5f73b3f5aca8e8edf7")
        #expect(hash.hex == "ba3422e717bf16ae718673a704ba02f1ae71798f0e7b72c980dce0ed23922235")
    }

    @Test func everyFieldChangesTheHash() throws {
        let base = EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: Self.signed)
        var otherKey = Self.signed
        otherKey.keyID = try #require(KeyID(hex: "00112233445566778899aabbccddeef0"))
        var otherSignature = Self.signed
        otherSignature.signature[63] ^= 1
        var otherPayload = Self.signed
        otherPayload.payload[5] = UInt8(ascii: "2")
        var longerPayload = Self.signed
        longerPayload.payload.append(0x20)
        let variants: [(String, SHA256Digest)] = [
            ("seq", EntryHash.compute(seq: 8, prevHash: Self.prevHash, committedAt: Self.time, signed: Self.signed)),
            ("prev", EntryHash.compute(seq: 7, prevHash: .zero, committedAt: Self.time, signed: Self.signed)),
            (
                "time",
                EntryHash.compute(
                    seq: 7, prevHash: Self.prevHash,
                    committedAt: Timestamp(millisecondsSinceEpoch: Self.time.millisecondsSinceEpoch + 1),
                    signed: Self.signed)
            ),
            ("key", EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: otherKey)),
            (
                "signature",
                EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: otherSignature)
            ),
            (
                "payload",
                EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: otherPayload)
            ),
            (
                "payload length",
                EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: longerPayload)
            ),
        ]
        for (field, hash) in variants {
            #expect(hash != base, "changing the \(field) must change the hash")
        }
        #expect(Set(variants.map(\.1)).count == variants.count)
        #expect(EntryHash.compute(seq: 7, prevHash: Self.prevHash, committedAt: Self.time, signed: Self.signed) == base)
    }

    @Test func signingMessageLayout() {
        let message = SignedEntry.signingMessage(ledgerID: "0123456789abcdef0123456789abcdef", payload: [0x7B, 0x7D])
        #expect(message == Array("noaber:entry:v1\n0123456789abcdef0123456789abcdef\n{}".utf8))
        #expect(SignedEntry.signingContext == "noaber:entry:v1\n")
        #expect(EntryHash.context == "noaber:chain:v1\n")
    }

    @Test func signSignsTheEncodedPayloadForItsLedger() throws {
        let key = try Ed25519PrivateKey.generate()
        let payload = Payload(
            ledger: TestLedger.id, id: "e-1", body: .keyRevoke(KeyRevoke(keyID: key.publicKey.keyID, reason: "x")))
        let signed = try SignedEntry.sign(payload, with: key)
        #expect(signed.payload == payload.encoded())
        #expect(signed.keyID == key.publicKey.keyID)
        #expect(signed.signature.count == 64)
        let message = SignedEntry.signingMessage(ledgerID: TestLedger.id, payload: signed.payload)
        #expect(key.publicKey.isValidSignature(signed.signature, for: message))
        #expect(!key.publicKey.isValidSignature(signed.signature, for: signed.payload))
        #expect(
            !key.publicKey.isValidSignature(
                signed.signature,
                for: SignedEntry.signingMessage(ledgerID: "ffffffffffffffffffffffffffffffff", payload: signed.payload)))
    }
}
