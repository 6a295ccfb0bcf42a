/// The ledger's currency: a short code, a display name and its number of decimals.
package struct Currency: Codable, Equatable, Sendable {
    package var code: String
    package var name: String
    package var scale: Int

    package init(code: String, name: String, scale: Int) {
        self.code = code
        self.name = name
        self.scale = scale
    }

    /// Checks the fields; codes are 2 to 12 uppercase ASCII letters or digits, e.g. `ZMT`.
    package func validate() throws(LedgerError) {
        guard (2...12).contains(code.utf8.count),
            code.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) })
        else { throw .invalidPayload("currency code \"\(code)\" must be 2 to 12 uppercase letters or digits") }
        try Text.validateForm(name, field: "currency name", maxLength: 100)
        guard (0...Money.maxScale).contains(scale) else {
            throw .invalidPayload("currency scale \(scale) must be between 0 and \(Money.maxScale)")
        }
    }

    package func format(_ minor: Int64) -> String { Money.format(minor, scale: scale) }
}
