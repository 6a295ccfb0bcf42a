import NoaberCore
import NoaberCrypto
import Testing

/// Defects an independent review found; each test failed (or crashed) before its fix.
@Suite("Review regressions")
struct ReviewRegressionTests {
    /// "2\u{301}" is one Character that Swift counts among "0"..."9"; parsing it trapped.
    @Test(arguments: ["2\u{301}", "1.5\u{301}", "\u{661}", "１"])
    func nonASCIIDigitsAreRefusedNotCrashed(_ text: String) {
        #expect(throws: LedgerError.self) { try Money.parse(text, scale: 2) }
        #expect(throws: LedgerError.self) { try Hours(text) }
    }

    @Test func smallOrderKeysAreDetected() throws {
        var identity = [UInt8](repeating: 0, count: 32)
        identity[0] = 1
        #expect(try Ed25519PublicKey(rawRepresentation: identity).hasSmallOrder)
        identity[31] = 0x80  // the same point with the sign bit set
        #expect(try Ed25519PublicKey(rawRepresentation: identity).hasSmallOrder)
        #expect(
            try Ed25519PublicKey(
                rawRepresentation: Hex.decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")!
            ).hasSmallOrder)
        #expect(!(try Ed25519PrivateKey.generate().publicKey.hasSmallOrder))
    }

    /// With the identity point as a key, one fixed signature verifies over any message.
    @Test func aSmallOrderKeyCannotBeRegistered() throws {
        var raw = [UInt8](repeating: 0, count: 32)
        raw[0] = 1
        let weak = try Ed25519PublicKey(rawRepresentation: raw)
        var forged = [UInt8](repeating: 0, count: 64)
        forged[0] = 1
        #expect(weak.isValidSignature(forged, for: Array("anything".utf8)), "the weakness is real in the library")
        #expect(throws: LedgerError.self) { try KeySpec(publicKey: weak, label: "weak", role: .operator).parsedKey() }
    }
}
