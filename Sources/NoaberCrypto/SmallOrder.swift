extension Ed25519PublicKey {
    /// The encodings of the eight points of small order (and of their non-canonical twins), as
    /// libsodium lists them: the sign bit of the last byte is ignored. A signature "verifies"
    /// against such a key for many messages without any private key, so a ledger must never
    /// register one.
    private static let smallOrder: [[UInt8]] = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ].map { Hex.decode($0)! }

    /// True for a key that anyone could sign as (see `smallOrder`).
    package var hasSmallOrder: Bool {
        let raw = rawRepresentation
        return Self.smallOrder.contains { weak in raw[0..<31].elementsEqual(weak[0..<31]) && raw[31] & 0x7F == weak[31]
        }
    }
}
