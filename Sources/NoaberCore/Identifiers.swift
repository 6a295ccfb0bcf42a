import NoaberCrypto

/// An account id such as `org:zorgkring`, `vol:jan-peeters` or `shop:bakker`: lowercase ASCII
/// letters, digits and `-._`, in one or more parts separated by `:`, at most 64 characters.
package struct AccountID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String

    package init(_ text: String) throws(LedgerError) {
        guard Self.isValid(text) else {
            throw .invalidPayload(
                "account id \"\(text)\" must be lowercase letters, digits, '-', '_' or '.', in parts joined by ':' (at most 64 characters)"
            )
        }
        rawValue = text
    }

    static func isValid(_ text: String) -> Bool {
        // Its UTF-8 walked in place: a verify checks every posting's account twice.
        let bytes = text.utf8
        guard (1...64).contains(bytes.count) else { return false }
        var partStart = true
        for b in bytes {
            let alnum = (97...122).contains(b) || (48...57).contains(b)
            if b == UInt8(ascii: ":") {
                if partStart { return false }
                partStart = true
            } else if alnum
                || (!partStart && (b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")))
            {
                partStart = false
            } else {
                return false
            }
        }
        return !partStart
    }

    package var description: String { rawValue }
    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            // The reason alone: Payload.decode wraps it in `invalidPayload` again, with the field's path.
            guard case .invalidPayload(let why) = error else { throw error }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: why))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Identifier rules for client-chosen entry ids and the random ledger id.
package enum Identifier {
    /// Entry ids are chosen by the client: 1 to 64 of `A-Z a-z 0-9 . _ : -`.
    package static func validateEntryID(_ id: String) throws(LedgerError) {
        let ok =
            (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { b in
                (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b)
                    || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":")
                    || b == UInt8(ascii: "-")
            }
        guard ok else { throw .invalidPayload("entry id \"\(id)\" must be 1 to 64 of A-Z a-z 0-9 . _ : -") }
    }

    /// A care category id: 1 to 40 of `a-z 0-9 -`, starting with a letter, e.g. `persoonlijke-verzorging`.
    package static func validateCategory(_ id: String) throws(LedgerError) {
        let bytes = Array(id.utf8)
        let ok =
            (1...40).contains(bytes.count) && (97...122).contains(bytes[0])
            && bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
        guard ok else {
            throw .invalidPayload("category \"\(id)\" must be 1 to 40 of a-z 0-9 -, starting with a letter")
        }
    }

    /// A ledger id is 32 lowercase hex characters (see `LedgerIdentity` for how it is made).
    package static func validateLedgerID(_ id: String) throws(LedgerError) {
        guard id.utf8.count == 32, Hex.decodeLowercase(id) != nil else {
            throw .invalidPayload("ledger id \"\(id)\" must be 32 lowercase hex characters")
        }
    }
}
